"""The crawler: every page reachable from the shells' navigation, and the demo objects' detail
pages, as a worker, a grassroots union's staff, a city union's admin and a station operator, in
Chinese and in English. On each page:

- no 4xx or 5xx (for the page and everything it loads);
- no broken image (an <img> with naturalWidth 0; map tiles excluded);
- no raw enum value in Chinese pages ("submitted", "wage_arrears") and no Chinese interface text
  or full-width colon in the interface of English pages (headers, labels, buttons, menus);
- no horizontal overflow on a 360 px wide phone;
- a worker page transfers at most 150 KB compressed (map tiles excluded);
- axe-core finds no serious or critical WCAG 2.1 A/AA violation on worker pages, and every
  control on a worker page is at least 44 px tall (适老化).

Demo data comes from `seed_demo`, exactly what `make run` shows a new user.
"""

from __future__ import annotations

import gzip
import re
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models

from gonghui.accounts.models import User
from gonghui.core.demo import WORKER_PHONE
from gonghui.core.pii import phone_index
from tests.browser_support import browser_login

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WORKER_PAGE_BUDGET = 150 * 1024
MAX_PER_PATTERN = 2  # detail pages: two objects of each kind are enough to find a template bug
MAX_PAGES = 90
# Links the crawler never follows: signing out, downloads, other systems, language switching.
SKIP = re.compile(r"^/(admin|api|i18n|static|media)/|logout|\.(xlsx|pdf|svg|csv|txt)$|/accounts/")
CJK = re.compile(r"[\u3400-\u9fff]")
MIXED = re.compile(r"\b[A-Za-z]{2,} ?：|\b[A-Za-z]{2,} \d+ ?[\u3400-\u9fff]")
CHROME_SELECTOR = "th, label, button, legend, summary, dt, nav a, .tabbar a, .sidenav a, .badge"


def _enum_values() -> set[str]:
    """Every stored choice value of every model: none of them may show as text to a user."""
    values: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            choices = getattr(field, "choices", None)
            if isinstance(field, models.Field) and choices:
                for value, _label in choices:
                    if isinstance(value, str) and re.fullmatch(r"[a-z][a-z_]{3,}", value):
                        values.add(value)
    return values


def _pattern(path: str) -> str:
    return re.sub(r"/\d+(?=/|$)", "/N", path)


class Crawl:
    def __init__(self, page: Any, base: str, *, worker: bool, english: bool, enums: set[str]) -> None:
        self.page, self.base, self.worker, self.english, self.enums = page, base, worker, english, enums
        self.problems: list[str] = []
        self.responses: list[Any] = []
        page.on("response", lambda response: self.responses.append(response))

    def visit(self, path: str) -> list[str]:
        self.responses.clear()
        response = self.page.goto(self.base + path, wait_until="load")
        self.page.wait_for_load_state("networkidle")
        where = f"{'en' if self.english else 'zh'} {path}"
        if response is None or response.status >= 400:
            self.problems.append(f"{where}: status {response.status if response else 'none'}")
            return []
        for r in self.responses:
            if r.status >= 400 and "tile" not in r.url:
                self.problems.append(f"{where}: {r.url} answered {r.status}")
        broken = self.page.evaluate(
            """() => [...document.images].filter(i => !i.classList.contains('leaflet-tile')
                 && (!i.complete || i.naturalWidth === 0)).map(i => i.src)"""
        )
        for src in broken:
            self.problems.append(f"{where}: broken image {src}")
        overflow = self.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 1:
            self.problems.append(f"{where}: {overflow}px horizontal overflow at 360px")
        self._check_text(where)
        if self.worker:
            self._check_weight(where)
            self._check_axe(where)
            self._check_targets(where)
        hrefs = self.page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        return [h for h in hrefs if h]

    def _check_text(self, where: str) -> None:
        if self.english:
            chrome = self.page.eval_on_selector_all(
                CHROME_SELECTOR,
                """els => els.filter(e => !e.closest('[lang^="zh"]') && e.offsetParent !== null)
                             .map(e => e.innerText.trim())""",
            )
            for text in chrome:
                if CJK.search(text) or "：" in text:
                    self.problems.append(f"{where}: untranslated interface text {text[:60]!r}")
            # Half-translated text anywhere: an English word glued to Chinese ("Open 24小时") or an
            # English label with a full-width colon ("Reporter："). Data (names) is Chinese alone.
            body = self.page.inner_text("body")
            for match in MIXED.finditer(body):
                self.problems.append(f"{where}: half-translated text {match.group(0)!r}")
        else:
            body = self.page.inner_text("body")
            for word in set(re.findall(r"\b[a-z][a-z_]{3,}\b", body)) & self.enums:
                self.problems.append(f"{where}: raw value {word!r} shown")

    def _check_weight(self, where: str) -> None:
        total = 0
        for r in self.responses:
            if "tile" in r.url or not r.url.startswith(self.base):
                continue
            if 300 <= r.status < 400:  # a redirect has no body of its own
                continue
            total += len(gzip.compress(r.body(), 6))
        if total > WORKER_PAGE_BUDGET:
            self.problems.append(f"{where}: {total // 1024} KB compressed (budget 150 KB)")

    def _check_targets(self, where: str) -> None:
        """适老化: every control a thumb must hit is at least 44 px tall (a check box or radio
        counts by the label around it); links inside running text are exempt, as in WCAG."""
        small = self.page.evaluate(
            """() => [...document.querySelectorAll('button, .btn, select, textarea, input, nav a, .service-list a')]
                 .filter(e => e.type !== 'hidden' && e.offsetParent !== null)
                 .map(e => [e, (e.type === 'checkbox' || e.type === 'radio') ? (e.closest('label') || e) : e])
                 .filter(([e, hit]) => hit.getBoundingClientRect().height < 44)
                 .map(([e, hit]) => e.tagName.toLowerCase() + (e.name ? '[name=' + e.name + ']' : '') + ' '
                      + (e.innerText || e.value || '').trim().slice(0, 20) + ' ' + Math.round(hit.getBoundingClientRect().height) + 'px')"""
        )
        for item in small:
            self.problems.append(f"{where}: touch target under 44px: {item}")

    def _check_axe(self, where: str) -> None:
        self.page.add_script_tag(path=str(AXE))
        violations = self.page.evaluate(
            """async () => (await axe.run(document, {runOnly: {type: 'tag',
                 values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations
                 .filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))"""
        )
        for violation in violations:
            self.problems.append(f"{where}: axe {violation}")


def _crawl(page: Any, base: str, starts: list[str], *, worker: bool, english: bool, within: str) -> list[str]:
    crawl = Crawl(page, base, worker=worker, english=english, enums=_enum_values())
    queue = deque(starts)
    seen: set[str] = set()
    per_pattern: dict[str, int] = {}
    visited = 0
    while queue and visited < MAX_PAGES:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        pattern = _pattern(urlsplit(path).path)
        if per_pattern.get(pattern, 0) >= MAX_PER_PATTERN:
            continue
        per_pattern[pattern] = per_pattern.get(pattern, 0) + 1
        visited += 1
        for href in crawl.visit(path):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or SKIP.search(parts.path):
                continue
            if not parts.path.startswith(within) and within != "/":
                continue
            target = parts.path + (f"?{parts.query}" if parts.query and "page=" not in parts.query else "")
            if target not in seen:
                queue.append(target)
    assert visited >= len(starts), "the crawl reached fewer pages than it started from"
    return crawl.problems


@pytest.fixture
def demo(live_site: str) -> str:
    # pytest runs with DEBUG off; this is the demo installation `make run` shows.
    call_command("seed_demo", "--i-know-this-is-a-demo", verbosity=0)
    return live_site


def _require_axe() -> None:
    if not AXE.exists():
        import os

        message = f"{AXE} is missing: run `make browser-deps` (npm ci)"
        if os.environ.get("GONGHUI_REQUIRE_SERVICES") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


def _demo_worker(persona: str) -> User:
    """The demo's worker who signs in by SMS (not yet a member), or a demo member (the card)."""
    if persona == "applicant":
        return User.objects.get(phone_index=phone_index(WORKER_PHONE))
    from gonghui.members.models import Membership

    return Membership.objects.filter(status="active", person__user__isnull=False).select_related(
        "person__user").order_by("pk").first().person.user


@pytest.mark.parametrize("persona", ["applicant", "member"])
@pytest.mark.parametrize("english", [False, True], ids=["zh", "en"])
def test_worker_pages_pass_the_crawl(browser_page: Any, demo: str, english: bool, persona: str) -> None:
    _require_axe()
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 740})
    worker = _demo_worker(persona)
    browser_login(page, worker, demo)
    if english:
        page.context.add_cookies([{"name": "django_language", "value": "en", "url": demo}])
    problems = _crawl(page, demo, ["/", "/services/", "/messages/", "/me/"], worker=True, english=english, within="/")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("username", ["pengcheng", "shenzhen", "yizhan_ns"])
@pytest.mark.parametrize("english", [False, True], ids=["zh", "en"])
def test_staff_pages_pass_the_crawl(browser_page: Any, demo: str, username: str, english: bool) -> None:
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 740})
    browser_login(page, User.objects.get(username=username), demo)
    if english:
        page.context.add_cookies([{"name": "django_language", "value": "en", "url": demo}])
    problems = _crawl(page, demo, ["/console/", "/console/notices/"], worker=False, english=english, within="/console/")
    assert not problems, "\n".join(problems)
