"""Views and API handlers stay thin: reads go through selectors, writes through services."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "gonghui"
THIN_MODULES = ["console/views.py", "orgs/api.py", "members/api.py"]


def _violations(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append(f"{path.name}:{node.lineno} uses .objects")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in {"save", "delete"}:
            found.append(f"{path.name}:{node.lineno} calls .{node.func.attr}()")
    return found


@pytest.mark.parametrize("module", THIN_MODULES)
def test_views_and_api_do_not_touch_the_orm_directly(module):
    assert _violations(SRC / module) == []
