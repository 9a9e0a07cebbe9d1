"""Views and API handlers never touch the case models' managers: they go through
selectors and services (STYLE rule 4)."""

from __future__ import annotations

import re
from pathlib import Path

import gonghui.cases

APP = Path(gonghui.cases.__file__).parent
MODELS = ("Case", "CaseEvent", "CaseAttachment", "CaseRating", "Supervision", "RoutingRule", "CategoryDeadline",
          "CaseNotification", "Lawyer", "LegalAidDecision", "Mediation", "MediationSession", "SupervisionLetter")


def test_views_and_api_do_not_use_model_managers():
    pattern = re.compile(r"\b(" + "|".join(MODELS) + r"|User|Union|Employer|Region)\.objects\b")
    for name in ("views.py", "console_views.py", "legal_views.py", "api.py"):
        source = (APP / name).read_text(encoding="utf-8")
        assert not pattern.search(source), name
        assert ".save(" not in source, name
