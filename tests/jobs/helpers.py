"""Jobs test helpers: a posting by branch A's staff, a seeker, an employer account."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from gonghui.jobs import services
from gonghui.jobs.models import EmployerAccount, Posting, Seeker
from gonghui.orgs.models import Region
from tests.factories import Tree, make_worker_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Monday; the 2025 standards seeded by the migration are in force.
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
TODAY = NOW.date()


def posting_kwargs(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": "保安员", "trade": "security", "region": Region.objects.get(code="440305"),
        "pay_min": 5000_00, "pay_max": 6500_00, "hours": "做六休一，每天8小时", "openings": 3,
        "closes_on": services.today() + dt.timedelta(days=30), "requirements": "持保安员证，责任心强", "skills": ["保安员证"],
    }
    values.update(overrides)
    if isinstance(values["region"], str):
        values["region"] = Region.objects.get(code=values["region"])
    return values


def make_posting(tree: Tree, *, actor: Any = None, union: Any = None, employer: Any = None, **overrides: Any) -> Posting:
    return services.posting_create(
        actor=actor or tree.staff_a, union=union or tree.grassroots_a, employer=employer or tree.grassroots_a.employer,
        **posting_kwargs(**overrides),
    )


def make_seeker(*, user: Any = None, region: str = "440305", trades: tuple[str, ...] = ("security",),
                skills: tuple[str, ...] = (), pay_wanted: int = 0, places: tuple[str, ...] = (), **kw: Any) -> Seeker:
    return services.seeker_save(
        user=user or make_worker_user(name="李四"), name="李四", region=Region.objects.get(code=region),
        trades=list(trades), skills=list(skills), pay_wanted=pay_wanted, places=list(places), **kw,
    )


def make_recruiter(tree: Tree, *, employer: Any = None, union: Any = None) -> Any:
    user = make_worker_user(name="招聘专员")
    services.employer_account_grant(actor=tree.staff_a, employer=employer or tree.grassroots_a.employer, user=user,
                                    union=union or tree.grassroots_a)
    return user


def account_of(user: Any) -> EmployerAccount:
    return EmployerAccount.objects.get(user=user)
