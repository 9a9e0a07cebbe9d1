"""Forms of the orgs pages in the staff console. They only shape input; rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.accounts.models import RoleGrant
from gonghui.core.forms import SearchForm

from .models import Employer, Union


class UnionChildForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=120)
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=[(k, v) for k, v in Union.Kind.choices if k not in {Union.Kind.NATIONAL, Union.Kind.PROVINCIAL}],
    )
    region = forms.CharField(label=_("行政区划代码（6位，可不填）"), max_length=6, required=False)
    employer = forms.IntegerField(label=_("所在单位编号（基层工会，可不填）"), min_value=1, required=False)


class EmployerFilterForm(SearchForm):
    has_union = forms.ChoiceField(
        label=_("建会情况"), required=False,
        choices=[("", _("全部")), ("yes", _("已建会")), ("no", _("未建会"))],
    )


class EmployerForm(forms.Form):
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=30)
    name = forms.CharField(label=_("单位名称"), max_length=150)
    region = forms.CharField(label=_("行政区划代码（6位）"), max_length=6)
    ownership = forms.ChoiceField(label=_("所有制"), choices=Employer.Ownership.choices, initial=Employer.Ownership.PRIVATE)
    industry = forms.CharField(label=_("行业"), max_length=60, required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    headcount = forms.IntegerField(label=_("职工人数"), min_value=0, max_value=10_000_000, initial=0)
    is_platform = forms.BooleanField(label=_("平台企业"), required=False)


class GrantForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    role = forms.ChoiceField(label=_("角色"), choices=RoleGrant.Role.choices)
