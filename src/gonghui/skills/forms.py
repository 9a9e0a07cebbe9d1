from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import DateField
from gonghui.orgs.models import Union

from .models import (
    Competition,
    CompetitionLevel,
    HonourKind,
    HonourLevel,
    Innovation,
    Lesson,
    Level,
    Provider,
    SkillActivity,
    Studio,
    StudioLevel,
)


class CourseForm(forms.Form):
    title = forms.CharField(label=_("课程名称"), max_length=80)
    trade = forms.CharField(label=_("工种"), max_length=40)
    level = forms.ChoiceField(label=_("等级"), choices=Level.choices)
    provider = forms.ChoiceField(label=_("提供方"), choices=Provider.choices)
    series = forms.CharField(label=_("系列（可不填）"), max_length=60, required=False)
    description = forms.CharField(label=_("课程简介"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)
    hours = forms.IntegerField(label=_("学时"), min_value=1, max_value=200, initial=2)
    pass_mark = forms.IntegerField(label=_("及格分（百分制）"), min_value=1, max_value=100, initial=60)
    exam_questions = forms.IntegerField(label=_("每次考试抽题数"), min_value=1, max_value=100, initial=5)
    exam_minutes = forms.IntegerField(label=_("考试时限（分钟）"), min_value=5, max_value=240, initial=30)


class LessonForm(forms.Form):
    title = forms.CharField(label=_("课时名称"), max_length=80)
    kind = forms.ChoiceField(label=_("形式"), choices=Lesson.Kind.choices)
    upload = forms.FileField(label=_("视频（MP4/WebM）或 PDF 讲义"), required=False)
    video_url = forms.CharField(label=_("外部视频链接"), max_length=200, required=False)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=20000)


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("题目"), max_length=300)
    options = forms.CharField(label=_("选项（每行一个）"), widget=forms.Textarea(attrs={"rows": 4}), max_length=700)
    answer = forms.IntegerField(label=_("正确选项（第几个，从 1 起）"), min_value=1, max_value=6)
    lesson = forms.TypedChoiceField(label=_("用于"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, lessons: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lesson"].choices = [("", _("结业考试题库"))] + [  # type: ignore[attr-defined]
            (lesson.pk, _("课时测验：%(t)s") % {"t": lesson.title}) for lesson in lessons]


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=80)
    problem = forms.CharField(label=_("存在的问题"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    suggestion = forms.CharField(label=_("建议内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    expected_benefit = forms.CharField(label=_("预期效益"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    major = forms.BooleanField(label=_("重大建议（涉及生产经营重大事项，答复期限更长）"), required=False)


class AcademyForm(forms.Form):
    union = forms.ModelChoiceField(label=_("所属工会"), queryset=Union.objects.none())
    name = forms.CharField(label=_("学院名称"), max_length=80)
    trades = forms.CharField(label=_("工种"), max_length=200, required=False)
    teachers = forms.CharField(label=_("师资（每行一位：姓名 称号）"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000)

    def __init__(self, *args: Any, unions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions  # type: ignore[attr-defined]


class AuthorForm(forms.Form):
    union = forms.ModelChoiceField(label=_("所属工会"), queryset=Union.objects.none())
    phone = forms.CharField(label=_("手机号（已在职工之家登录过）"), max_length=20)
    name = forms.CharField(label=_("姓名"), max_length=40)
    title = forms.CharField(label=_("荣誉称号"), max_length=60)

    def __init__(self, *args: Any, unions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions  # type: ignore[attr-defined]


class PolicyForm(forms.Form):
    union = forms.ModelChoiceField(label=_("工会"), queryset=Union.objects.none())
    ordinary_months = forms.IntegerField(label=_("一般建议答复期限（月）"), min_value=1, max_value=12, initial=1)
    major_months = forms.IntegerField(label=_("重大建议答复期限（月）"), min_value=1, max_value=12, initial=3)
    remind_days = forms.IntegerField(label=_("到期前提醒（工作日）"), min_value=0, max_value=20, initial=3)

    def __init__(self, *args: Any, unions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions  # type: ignore[attr-defined]


class CompetitionForm(forms.Form):
    union = forms.ModelChoiceField(label=_("主办工会"), queryset=Union.objects.none())
    title = forms.CharField(label=_("竞赛名称"), max_length=80)
    level = forms.ChoiceField(label=_("级别"), choices=CompetitionLevel.choices)
    trade = forms.CharField(label=_("工种"), max_length=40)
    entry_kind = forms.ChoiceField(label=_("参赛方式"), choices=Competition.EntryKind.choices)
    eligibility = forms.CharField(label=_("参赛条件"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)
    registration_closes = DateField(label=_("报名截止"))
    drop_extremes = forms.BooleanField(label=_("去掉一个最高分和一个最低分"), required=False, initial=True)
    min_judges = forms.IntegerField(label=_("每个选手至少几位评委"), min_value=1, max_value=30, initial=5)
    tie_rule = forms.ChoiceField(label=_("同分规则"), choices=Competition.TieRule.choices)
    prizes = forms.CharField(label=_("名次奖励（每行：名次 奖金(元) 称号）"), widget=forms.Textarea(attrs={"rows": 4}),
                             required=False, max_length=2000, initial="1 5000 技术能手\n2 3000\n3 2000\n4-6 1000")

    def __init__(self, *args: Any, unions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions  # type: ignore[attr-defined]


class EntryForm(forms.Form):
    team_name = forms.CharField(label=_("队名（团体赛）"), max_length=40, required=False)
    team_members = forms.CharField(label=_("队员（团体赛，每行一位）"), widget=forms.Textarea(attrs={"rows": 3}),
                                   required=False, max_length=1000)


class StudioForm(forms.Form):
    union = forms.ModelChoiceField(label=_("命名工会"), queryset=Union.objects.none())
    name = forms.CharField(label=_("工作室名称"), max_length=80)
    level = forms.ChoiceField(label=_("级别"), choices=StudioLevel.choices)
    leader = forms.CharField(label=_("领衔人"), max_length=40)
    leader_title = forms.CharField(label=_("领衔人称号"), max_length=60, required=False)
    trades = forms.CharField(label=_("工种"), max_length=200, required=False)
    named_year = forms.IntegerField(label=_("命名年度"), min_value=1950, max_value=2100)

    def __init__(self, *args: Any, unions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions  # type: ignore[attr-defined]


class InnovationForm(forms.Form):
    union = forms.ModelChoiceField(label=_("登记工会"), queryset=Union.objects.none())
    kind = forms.ChoiceField(label=_("类别"), choices=Innovation.Kind.choices)
    title = forms.CharField(label=_("成果名称"), max_length=100)
    people = forms.CharField(label=_("完成人（用顿号分隔）"), max_length=200)
    year = forms.IntegerField(label=_("年度"), min_value=1950, max_value=2100)
    summary = forms.CharField(label=_("简介"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000)
    patent_kind = forms.ChoiceField(label=_("专利类型"), choices=Innovation.PatentKind.choices, required=False)
    patent_number = forms.CharField(label=_("专利号（如 ZL202310123456.6）"), max_length=24, required=False)
    studio = forms.ModelChoiceField(label=_("所属工作室"), queryset=Studio.objects.none(), required=False)

    def __init__(self, *args: Any, unions: Any = None, studios: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions  # type: ignore[attr-defined]
        self.fields["studio"].queryset = studios  # type: ignore[attr-defined]


class ActivityForm(forms.Form):
    union = forms.ModelChoiceField(label=_("组织工会"), queryset=Union.objects.none())
    kind = forms.ChoiceField(label=_("类别"), choices=SkillActivity.Kind.choices)
    title = forms.CharField(label=_("活动名称"), max_length=100)
    held_on = DateField(label=_("日期"))
    participants = forms.IntegerField(label=_("参加人数"), min_value=1, max_value=1_000_000)
    results = forms.CharField(label=_("成果"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000)

    def __init__(self, *args: Any, unions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions  # type: ignore[attr-defined]


# --- 劳模工匠评选 and the registry -----------------------------------------------------------------


class SelectionForm(forms.Form):
    union = forms.ModelChoiceField(label=_("组织工会"), queryset=Union.objects.none())
    title = forms.CharField(label=_("评选名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类别"), choices=HonourKind.choices)
    honour_title = forms.CharField(label=_("授予称号（如：省劳动模范）"), max_length=40)
    level = forms.ChoiceField(label=_("级别"), choices=HonourLevel.choices)
    year = forms.IntegerField(label=_("年度"), min_value=1950, max_value=2100)
    awarding_body = forms.CharField(label=_("授予机关（不填为组织工会）"), max_length=80, required=False)
    nominate_until = DateField(label=_("推荐截止"))
    notice_days = forms.IntegerField(label=_("公示工作日（5 到 30）"), min_value=5, max_value=30, initial=5)
    criteria = forms.CharField(label=_("评选条件"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000)

    def __init__(self, *args: Any, unions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions  # type: ignore[attr-defined]


class NominationForm(forms.Form):
    union = forms.ModelChoiceField(label=_("推荐工会"), queryset=Union.objects.none())
    name = forms.CharField(label=_("姓名"), max_length=40)
    id_number = forms.CharField(label=_("身份证号"), max_length=20)
    phone = forms.CharField(label=_("手机号（可不填；已注册职工之家的，表彰后记入本人荣誉）"), max_length=20, required=False)
    unit_name = forms.CharField(label=_("工作单位"), max_length=80)
    post = forms.CharField(label=_("职务或岗位"), max_length=60)
    frontline = forms.BooleanField(label=_("一线职工"), required=False, initial=True)
    trade = forms.CharField(label=_("工种或专业"), max_length=40, required=False)
    achievements = forms.CharField(label=_("主要事迹（不少于 30 字）"), widget=forms.Textarea(attrs={"rows": 6}), max_length=8000)
    prior_honours = forms.CharField(label=_("曾获荣誉"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)

    def __init__(self, *args: Any, unions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions  # type: ignore[attr-defined]


class LaureateForm(forms.Form):
    union = forms.ModelChoiceField(label=_("所在工会"), queryset=Union.objects.none())
    name = forms.CharField(label=_("姓名"), max_length=40)
    id_number = forms.CharField(label=_("身份证号"), max_length=20)
    kind = forms.ChoiceField(label=_("类别"), choices=HonourKind.choices)
    title = forms.CharField(label=_("称号（如：全国劳动模范）"), max_length=40)
    level = forms.ChoiceField(label=_("级别"), choices=HonourLevel.choices)
    year = forms.IntegerField(label=_("年度"), min_value=1950, max_value=2100)
    awarding_body = forms.CharField(label=_("授予机关"), max_length=80)
    decision_ref = forms.CharField(label=_("表彰决定文号"), max_length=60, required=False)
    unit_name = forms.CharField(label=_("工作单位"), max_length=80)
    trade = forms.CharField(label=_("工种或专业"), max_length=40, required=False)
    achievements = forms.CharField(label=_("主要事迹"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=8000)

    def __init__(self, *args: Any, unions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions  # type: ignore[attr-defined]


class ObjectionForm(forms.Form):
    text = forms.CharField(label=_("异议内容（请写明具体事实）"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    contact = forms.CharField(label=_("联系方式（可不填）"), max_length=60, required=False)
