"""Bargaining test helpers: a unit in branch A of `Tree`, a contract carried to any status."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from gonghui.bargaining import safety, services
from gonghui.bargaining.models import (
    BargainingUnit,
    CollectiveContract,
    SafetyHazard,
    SafetyInspection,
    UnitKind,
)
from gonghui.bargaining.services import TermsIn

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = dt.date
TERM_START, TERM_END = D(2025, 1, 1), D(2027, 12, 31)
TERM_START, TERM_END = D(2025, 1, 1), D(2027, 12, 31)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def make_unit(tree: Any, *, actor: Any = None, workers: int = 120, members: int = 100, **kw: Any) -> BargainingUnit:
    params: dict[str, Any] = {
        "actor": actor or tree.staff_a, "union": tree.grassroots_a, "kind": UnitKind.ENTERPRISE, "name": "甲公司工资集体协商",
        "employer": tree.grassroots_a.employer, "employer_party": tree.grassroots_a.employer.name, "union_chief": "李主席",
        "employer_chief": "王总经理", "union_representatives": "张三\n李四", "employer_representatives": "赵五",
        "workers_covered": workers, "members_covered": members,
    }
    params.update(kw)
    return services.unit_create(**params)


SEAFARER_2024 = TermsIn(wage_adjustment_pct="3", min_pay_amount="239", min_pay_currency="USD", min_pay_period="month",
                        weekly_hours=40, safety="配备救生设备")
SEAFARER_2025 = TermsIn(wage_adjustment_pct="5.5", min_pay_amount="293", min_pay_currency="USD", min_pay_period="month",
                        weekly_hours=40, safety="配备救生设备", training="每年安全培训两次")


def make_contract(tree: Any, *, unit: BargainingUnit | None = None, terms: TermsIn = SEAFARER_2024,
                  starts_on: dt.date = TERM_START, ends_on: dt.date = TERM_END, title: str = "甲公司集体合同",
                  **kw: Any) -> CollectiveContract:
    return services.contract_create(actor=tree.staff_a, unit=unit or make_unit(tree), kind=kw.pop("kind", "comprehensive"),
                                    title=title, starts_on=starts_on, ends_on=ends_on, terms=terms, **kw)


def adopt(tree: Any, contract: CollectiveContract, held_on: dt.date) -> CollectiveContract:
    services.vote_record(actor=tree.staff_a, contract=contract, held_on=held_on, total=30, present=25, in_favour=20,
                         against=3, abstained=2)
    contract.refresh_from_db()
    return contract


def contract_in_force(tree: Any, frozen_clock: Any, **kw: Any) -> CollectiveContract:
    """Voted 2025-05-30, signed 2025-06-01, filed 2025-06-02 (review until 2025-06-17), in
    force from 2025-06-18 (the clock run that day)."""
    frozen_clock(at(D(2025, 6, 2)))
    contract = adopt(tree, make_contract(tree, **kw), D(2025, 5, 30))
    services.contract_sign(actor=tree.staff_a, contract=contract, signed_on=D(2025, 6, 1))
    services.contract_file(actor=tree.staff_a, contract=contract, filed_on=D(2025, 6, 2), labour_department="南山区人社局")
    services.contracts_clock_run(on=D(2025, 6, 18))
    contract.refresh_from_db()
    return contract


def make_inspection(tree: Any, *, on: dt.date | None = None) -> SafetyInspection:
    return safety.inspection_record(actor=tree.staff_a, union=tree.grassroots_a, employer=tree.grassroots_a.employer,
                                    inspected_on=on or services.today(), inspectors="劳动保护监督检查员 陈师傅",
                                    findings="车间二楼安全出口堆放纸箱")


def make_hazard(tree: Any, *, inspection: SafetyInspection | None = None, days: int = 10) -> SafetyHazard:
    return safety.hazard_record(actor=tree.staff_a, inspection=inspection or make_inspection(tree), description="安全出口堵塞",
                                severity=SafetyHazard.Severity.GENERAL, rectify_days=days, location="二号车间")
