"""Views and API handlers never touch the case models' managers: they go through
selectors and services (STYLE rule 4)."""

from __future__ import annotations

import re
from pathlib import Path

import gonghui.cases

APP = Path(gonghui.cases.__file__).parent
MODELS = ("Case", "CaseEvent", "CaseAttachment", "CaseRating", "Supervision", "RoutingRule", "CategoryDeadline",
          "Lawyer", "LegalAidDecision", "Mediation", "MediationSession", "SupervisionLetter")


def test_views_and_api_do_not_use_model_managers():
    pattern = re.compile(r"\b(" + "|".join(MODELS) + r"|User|Union|Employer|Region)\.objects\b")
    files = [APP / "views.py", APP / "api.py", *sorted((APP / "console_views").glob("*.py"))]
    assert len(files) >= 4
    for path in files:
        name = path.name
        source = path.read_text(encoding="utf-8")
        assert not pattern.search(source), name
        assert ".save(" not in source, name
