"""Every URL the project routes, as a concrete path, for tests that must cover all of them."""

from __future__ import annotations

import re

from django.urls import URLPattern, URLResolver, get_resolver

_ROUTE_PARAM = re.compile(r"<(?:(\w+):)?\w+>")
_REGEX_GROUP = re.compile(r"\(\?P<\w+>[^)]*\)")


def _piece(pattern: object) -> str | None:
    text = str(pattern)
    if text.startswith("^") or text.endswith("$") or "(?P" in text:  # a regex pattern
        text = _REGEX_GROUP.sub("1", text).lstrip("^").rstrip("$").replace("\\", "")
        if any(ch in text for ch in "()[]*+?|"):
            return None  # a regex we cannot turn into one sample path
        return text
    return _ROUTE_PARAM.sub(lambda m: "1" if m.group(1) in (None, "int") else "x", text)


def all_paths() -> list[str]:
    """One concrete path per URL pattern (parameters filled with 1 or "x"), sorted."""
    found: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> None:
        for entry in patterns:
            piece = _piece(entry.pattern)
            if piece is None:
                continue
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + piece)
            else:
                found.add("/" + prefix + piece)

    walk(get_resolver().url_patterns, "")
    return sorted(found)
