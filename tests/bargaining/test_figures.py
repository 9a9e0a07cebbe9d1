"""The module's figures: each union's own records, one row per union and breakdown, read
from the records' dates (so a past day can be computed again)."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.bargaining import figures, safety
from gonghui.stats.registry import figures as registry
from tests.bargaining.helpers import at, contract_in_force, make_hazard, make_inspection
from tests.factories import Tree

D = dt.date
pytestmark = pytest.mark.django_db


def test_figures_are_registered():
    keys = {k for k in registry() if k.startswith("bargaining.")}
    assert keys == {"bargaining.contracts_in_force", "bargaining.workers_covered", "bargaining.employers_covered",
                    "bargaining.inspections", "bargaining.hazards_found", "bargaining.hazards_on_time", "bargaining.hazards_overdue",
                    "bargaining.contracts_by_sector", "bargaining.workers_covered_by_sector"}


def test_contract_coverage_counts_from_the_day_in_force_to_the_end(frozen_clock):
    tree = Tree()
    contract_in_force(tree, frozen_clock, ends_on=D(2027, 12, 31))  # in force from 2025-06-18
    union = tree.grassroots_a.pk
    assert list(figures.contracts_in_force(D(2025, 6, 17))) == []
    assert list(figures.contracts_in_force(D(2025, 6, 18))) == [(union, "comprehensive", 1)]
    assert list(figures.workers_covered(D(2025, 6, 18))) == [(union, "enterprise", 120)]
    assert list(figures.employers_covered(D(2025, 6, 18))) == [(union, "enterprise", 1)]
    assert list(figures.contracts_in_force(D(2027, 12, 31))) == [(union, "comprehensive", 1)]
    assert list(figures.contracts_in_force(D(2028, 1, 1))) == []


def test_safety_figures(frozen_clock):
    tree = Tree()
    frozen_clock(at(D(2025, 3, 20)))
    inspection = make_inspection(tree, on=D(2025, 3, 3))
    on_time = make_hazard(tree, inspection=inspection, days=10)  # due 3-13
    late = make_hazard(tree, inspection=inspection, days=10)
    safety.hazard_rectification_record(actor=tree.staff_a, hazard=on_time, rectified_on=D(2025, 3, 13), rectification="已整改")
    safety.hazard_rectification_record(actor=tree.staff_a, hazard=late, rectified_on=D(2025, 3, 17), rectification="已整改")
    never = make_hazard(tree, inspection=inspection, days=10)
    union = tree.grassroots_a.pk
    assert list(figures.inspections(D(2025, 3, 3))) == [(union, "", 1)]
    assert list(figures.hazards_found(D(2025, 3, 3))) == [(union, "general", 3)]
    assert list(figures.hazards_rectified_on_time(D(2025, 3, 13))) == [(union, "", 1)]
    assert list(figures.hazards_rectified_on_time(D(2025, 3, 17))) == []  # rectified after its deadline
    # On 3-14 two were overdue (the late one and the one never rectified); on 3-17 only one.
    assert list(figures.hazards_overdue(D(2025, 3, 13))) == []
    assert list(figures.hazards_overdue(D(2025, 3, 14))) == [(union, "", 2)]
    assert list(figures.hazards_overdue(D(2025, 3, 17))) == [(union, "", 1)]
    assert never.status == "open"


def test_coverage_by_sector_and_a_unit_completed_later(frozen_clock):
    from gonghui.bargaining import services
    from tests.bargaining.helpers import make_unit

    tree = Tree()
    frozen_clock(at(D(2025, 6, 2)))
    seafarers = make_unit(tree, sector_code="G", sector="远洋海运", workers=300, members=280)
    contract_in_force(tree, frozen_clock, unit=seafarers)
    contract_in_force(tree, frozen_clock, unit=make_unit(tree, name="乙厂", workers=80, members=60))  # no sector given
    union = tree.grassroots_a.pk
    assert sorted(figures.workers_covered_by_sector(D(2025, 6, 18))) == [(union, "", 80), (union, "G", 300)]
    assert sorted(figures.contracts_in_force_by_sector(D(2025, 6, 18))) == [(union, "", 1), (union, "G", 1)]
    # The unit gets its sector later: the same day now counts under manufacturing.
    unit = services.unit_update(actor=tree.staff_a, unit=make_unit(tree, name="丙厂", workers=50, members=10),
                                union_chief="李主席", employer_chief="王总", sector_code="C")
    assert unit.sector_code == "C"
    from gonghui.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as bad:
        services.unit_update(actor=tree.staff_a, unit=unit, union_chief="李", employer_chief="王", sector_code="Z")
    assert getattr(bad.value, "code", "") == "sector_invalid"
