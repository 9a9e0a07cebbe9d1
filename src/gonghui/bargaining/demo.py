"""Demo bargaining and safety records (called from `gonghui.core.demo`), so the pages are not
empty: the seafarers' contract in force with its 239 → 293 USD change, a company's wage
contract in force, an offer to the platform awaiting its answer, an inspection with an open
hazard. Idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from . import clocks, safety, services
from .models import BargainingUnit, SafetyHazard, UnitKind
from .services import TermsIn


def _in_force(actor: Any, unit: BargainingUnit, *, title: str, kind: str, terms: list[TermsIn], today: dt.date) -> None:
    start = today - dt.timedelta(days=30)
    ends = clocks.term_bounds(start)[1]  # three years
    contract = services.contract_create(actor=actor, unit=unit, kind=kind, title=title, starts_on=start, ends_on=ends, terms=terms[0])
    for more in terms[1:]:
        services.contract_version_add(actor=actor, contract=contract, terms=more, note="按协商结果修改")
    services.vote_record(actor=actor, contract=contract, held_on=today - dt.timedelta(days=40), total=60, present=52,
                         in_favour=49, against=2, abstained=1)
    contract.refresh_from_db()
    services.contract_sign(actor=actor, contract=contract, signed_on=today - dt.timedelta(days=38))
    services.contract_file(actor=actor, contract=contract, filed_on=today - dt.timedelta(days=37), labour_department="深圳市人力资源和社会保障局")


@transaction.atomic
def bargaining_demo_load(*, unions: dict[str, Any], employers: dict[str, Any], actor: Any) -> None:
    if BargainingUnit.objects.exists():
        return
    today = services.today()
    shipping = services.unit_create(
        actor=actor, union=unions["shipping_u"], kind=UnitKind.ENTERPRISE, name="中远海运船员集体协商",
        employer=employers["shipping"], employer_party="中远海运船员管理有限公司", union_chief="海员工会 周主席",
        employer_chief="人力资源部 马经理", union_representatives="周海涛\n实习海员代表 2 人", workers_covered=3100,
        members_covered=2900,
    )
    _in_force(actor, shipping, title="中远海运船员集体合同", kind="wage", today=today, terms=[
        TermsIn(min_pay_amount="239", min_pay_currency="USD", min_pay_period="month", wage_adjustment_pct="3"),
        TermsIn(min_pay_amount="293", min_pay_currency="USD", min_pay_period="month", wage_adjustment_pct="5",
                safety="船上配备合格的个人防护用品", training="实习海员每年安全培训不少于两次"),
    ])
    tech = services.unit_create(
        actor=actor, union=unions["tech_u"], kind=UnitKind.ENTERPRISE, name="鹏城科技工资集体协商", employer=employers["tech"],
        employer_party="深圳鹏城智能科技有限公司", union_chief="王芳", employer_chief="总经理 陈立", workers_covered=860,
        members_covered=700,
    )
    _in_force(actor, tech, title="鹏城科技2025年度集体合同", kind="comprehensive", today=today, terms=[
        TermsIn(wage_adjustment_pct="6", min_pay_amount="2600", min_pay_currency="CNY", min_pay_period="month", weekly_hours=40,
                leave="年休假按工龄 5 至 15 天", women_protection="孕期、哺乳期不安排夜班"),
    ])
    services.contracts_clock_run(on=today)
    platform = services.unit_create(
        actor=actor, union=unions["platform_u"], kind=UnitKind.PLATFORM, name="速达配送平台集体协商", employer=employers["platform"],
        employers=[employers["platform_cd"]], employer_party="速达同城配送科技有限公司", union_chief="平台工会 刘主席",
        employer_chief="运营副总裁 孙伟", workers_covered=5800, members_covered=3200,
    )
    offer = services.offer_send(actor=actor, unit=platform, topics="算法规则、配送单价与休息保障",
                                body="建议就派单规则、计件单价、超时处罚和连续在线休息提醒进行协商。",
                                sent_on=today - dt.timedelta(days=6))
    services.offer_receipt_record(actor=actor, offer=offer, received_on=today - dt.timedelta(days=5))
    checklist = safety.checklist_create(actor=actor, union=unions["ns"], trade="construction", name="建筑工地安全检查表",
                                        items="安全出口和通道畅通\n临时用电规范\n高处作业防护\n防暑降温措施")
    inspection = safety.inspection_record(actor=actor, union=unions["ns"], employer=employers["build"], checklist=checklist,
                                          inspected_on=today - dt.timedelta(days=2), inspectors="劳动保护监督检查员 陈建国",
                                          findings="西丽工地临时配电箱未上锁", results={"临时用电规范": "hazard", "安全出口和通道畅通": "ok"})
    safety.hazard_record(actor=actor, inspection=inspection, description="临时配电箱未上锁、无警示标识",
                         severity=SafetyHazard.Severity.MAJOR, rectify_days=7, location="西丽工地二号楼")
