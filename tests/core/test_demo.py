import pytest
from django.core.management import call_command

from gonghui.cases.models import Case, Lawyer
from gonghui.cases.selectors import legal_directory
from gonghui.members.models import Membership, MembershipApplication
from gonghui.orgs.models import Region, Union
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


def test_seed_demo_lists_legal_aid_stations_for_nanshan_and_chengdu_workers():
    call_command("seed_demo")
    nanshan = [e.name for e in legal_directory(region=Region.objects.get(code="440305"))]
    assert nanshan[0] == "南山区总工会职工法律援助工作站" and "深圳市总工会职工法律援助站" in nanshan
    assert "成都市总工会职工法律援助中心" not in nanshan
    assert [e.name for e in legal_directory(region=Region.objects.get(code="510104"))] == ["成都市总工会职工法律援助中心"]
    count = Lawyer.objects.count()
    call_command("seed_demo")
    assert Lawyer.objects.count() == count
