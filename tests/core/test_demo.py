import pytest
from django.core.management import call_command

from gonghui.cases.models import Case
from gonghui.members.models import Membership, MembershipApplication
from gonghui.orgs.models import Union
from gonghui.stations.models import Station

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_every_module_and_is_idempotent(capsys):
    call_command("seed_demo")
    counts = (Union.objects.count(), Membership.objects.count(), Station.objects.count(), Case.objects.count())
    assert Union.objects.filter(kind=Union.Kind.FEDERATION_NEW_FORM).exists()
    assert Union.objects.filter(name="中国海员建设工会", kind=Union.Kind.INDUSTRIAL).exists()
    assert MembershipApplication.objects.filter(status="submitted").count() == 1
    assert all(counts)
    out = capsys.readouterr().out
    assert "13800138000" in out and "gonghui-demo-2025" in out

    call_command("seed_demo")
    assert counts == (Union.objects.count(), Membership.objects.count(), Station.objects.count(), Case.objects.count())
