import pytest
from django.core.management import CommandError, call_command

from gonghui.accounts.models import User
from gonghui.cases.models import Case, Lawyer
from gonghui.cases.selectors import legal_directory
from gonghui.members.models import Membership, MembershipApplication
from gonghui.orgs.models import Region, Union
from gonghui.stations.models import Station

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_every_module_and_is_idempotent(capsys, settings):
    settings.DEBUG = True  # the development profile (`make run`)
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


def test_seed_demo_refuses_in_production_without_the_demo_flag(settings, monkeypatch):
    """The demo creates the superuser `admin` with a published password: never by accident
    on a production installation (DEBUG=0)."""
    settings.DEBUG = False
    monkeypatch.delenv("DEMO_INSTALL", raising=False)
    with pytest.raises(CommandError, match="DEMO_INSTALL"):
        call_command("seed_demo")
    assert not User.objects.filter(username="admin").exists()
    assert not Union.objects.exists()


def test_seed_demo_runs_in_production_when_told_it_is_a_demo(settings, monkeypatch):
    settings.DEBUG = False
    call_command("seed_demo", "--i-know-this-is-a-demo")
    assert User.objects.filter(username="admin", is_superuser=True).exists()
    monkeypatch.setenv("DEMO_INSTALL", "1")
    call_command("seed_demo")  # the environment variable says the same


def test_seed_demo_lists_legal_aid_stations_for_nanshan_and_chengdu_workers():
    call_command("seed_demo")
    nanshan = [e.name for e in legal_directory(region=Region.objects.get(code="440305"))]
    assert nanshan[0] == "南山区总工会职工法律援助工作站" and "深圳市总工会职工法律援助站" in nanshan
    assert "成都市总工会职工法律援助中心" not in nanshan
    assert [e.name for e in legal_directory(region=Region.objects.get(code="510104"))] == ["成都市总工会职工法律援助中心"]
    count = Lawyer.objects.count()
    call_command("seed_demo")
    assert Lawyer.objects.count() == count
