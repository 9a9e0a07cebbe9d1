"""Browser harness: Playwright (sync API) driving Debian's chromium against `live_server`.

Registered as a pytest plugin from tests/conftest.py. What it gives a test:

- `browser_page`: a Playwright `Page` in a fresh chromium profile, phone-sized (390x844),
  Chinese locale. Any test that uses it is marked `browser` automatically. When the test
  fails, a screenshot lands in ``test-artifacts/<test name>.png``.
- `browser_page_factory(desktop=False)`: one more page in its own profile, for a second
  person in the story (worker and staff never share cookies); `desktop=True` for staff.
- `live_site`: the `live_server` URL with the GB/T 2260 regions loaded. Browser tests run
  against a live server thread, so they are transactional: every table is emptied after each
  test and the session-wide region load is gone; this fixture reloads it.
- `browser_login(page, user, base_url)`: logs a Django user into the browser by copying the
  session cookie that `django.test.Client.force_login` creates.
- `sms_outbox` + `sms_code_for(outbox, phone)`: SMS messages kept in memory, so a test reads
  the login code the way a phone would instead of hard-coding one.

Playwright never downloads a browser here: we launch ``/usr/bin/chromium`` (override with
GONGHUI_CHROMIUM). When it is missing the browser tests are skipped, except when
GONGHUI_REQUIRE_SERVICES=1 (CI), where a missing browser fails the run.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the main thread; Django then refuses ORM calls
# from that thread unless told the code is really synchronous (it is: one test at a time).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

CHROMIUM = os.environ.get("GONGHUI_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
VIEWPORT = {"width": 390, "height": 844}
DESKTOP_VIEWPORT = {"width": 1366, "height": 900}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Timeouts are generous because CI has two cores and a cold chromium; they bound a hang,
# they are not assertions about speed.
DEFAULT_TIMEOUT_MS = 20_000


def _services_required() -> bool:
    return os.environ.get("GONGHUI_REQUIRE_SERVICES") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that drives the browser, so `-m "not browser"` leaves them out."""
    for item in items:
        if {"browser_page", "browser_page_factory"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Screenshot the page of a failed browser test before its fixtures are torn down."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.when != "call" or not report.failed:
        return
    pages = [getattr(item, "funcargs", {}).get("browser_page")]
    pages += getattr(item, "_gonghui_extra_pages", [])
    pages = [page for page in pages if page is not None]
    if not pages:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name)
    for number, page in enumerate(pages):
        target = ARTIFACTS / (f"{stem}.png" if number == 0 else f"{stem}-{number + 1}.png")
        try:
            page.screenshot(path=str(target), full_page=True)
        except Exception as exc:  # a failed screenshot must not hide the real failure
            report.sections.append(("browser screenshot", f"could not save {target}: {exc}"))
        else:
            report.sections.append(("browser screenshot", str(target)))


@pytest.fixture(scope="session")
def _playwright() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        message = f"chromium not found at {CHROMIUM} (apt-get install chromium)"
        if _services_required():
            pytest.fail(message + "; GONGHUI_REQUIRE_SERVICES=1 makes it required", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    manager = sync_playwright()
    playwright = manager.start()
    try:
        yield playwright
    finally:
        playwright.stop()


def _launch(playwright: Any, profile_dir: Path, *, desktop: bool = False) -> Any:
    """One chromium process with its own fresh profile, in Chinese, in Shanghai: a phone
    (workers) or, with `desktop`, an office screen (staff at the console)."""
    device: dict[str, Any] = (
        {"viewport": DESKTOP_VIEWPORT, "device_scale_factor": 1, "is_mobile": False, "has_touch": False}
        if desktop
        else {"viewport": VIEWPORT, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
    )
    context = playwright.chromium.launch_persistent_context(
        user_data_dir=str(profile_dir),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        **device,
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context


@pytest.fixture
def browser_page(_playwright: Any, tmp_path: Path) -> Iterator[Any]:
    """A phone-sized page in a fresh chromium profile (new user-data-dir per test)."""
    context = _launch(_playwright, tmp_path / "chromium-profile")
    try:
        yield context.pages[0] if context.pages else context.new_page()
    finally:
        context.close()


@pytest.fixture
def browser_page_factory(
    _playwright: Any, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Any]:
    """Call it for one more page in its own browser profile: a second person in the story
    (a worker on a phone and a staff member at the console do not share cookies).
    ``browser_page_factory(desktop=True)`` gives an office-sized screen."""
    contexts: list[Any] = []
    pages: list[Any] = []
    request.node._gonghui_extra_pages = pages  # for the failure screenshot hook

    def new_page(*, desktop: bool = False) -> Any:
        context = _launch(_playwright, tmp_path / f"chromium-profile-{len(contexts) + 1}", desktop=desktop)
        contexts.append(context)
        page = context.pages[0] if context.pages else context.new_page()
        pages.append(page)
        return page

    try:
        yield new_page
    finally:
        for context in contexts:
            context.close()


def regions_bulk_load() -> int:
    """Load the GB/T 2260 regions into an empty table in a few statements.

    `gonghui.orgs.services.regions_load` upserts row by row (right for production updates,
    seconds per call); tests reload the same shipped CSV into an emptied table many times.
    """
    import csv

    from gonghui.orgs.models import Region
    from gonghui.orgs.services import REGIONS_CSV

    with REGIONS_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    order = {"province": 0, "city": 1, "county": 2}
    rows.sort(key=lambda row: order[row["level"]])  # parents before children
    Region.objects.bulk_create(
        [
            Region(code=row["code"], name=row["name"], level=row["level"], parent_id=row["parent"] or None)
            for row in rows
        ],
        batch_size=500,
    )
    return len(rows)


@pytest.fixture
def live_site(live_server: Any) -> str:
    """URL of the live server, with the reference regions (re)loaded for this test."""
    from gonghui.orgs.models import Region

    if not Region.objects.exists():
        regions_bulk_load()
    return str(live_server.url)


class CapturingSmsBackend:
    """SMS backend that keeps messages in memory (the live server shares this process)."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        CapturingSmsBackend.outbox.append((phone, text))


@pytest.fixture
def sms_outbox(settings: Any) -> list[tuple[str, str]]:
    """Route SMS to memory: a list of ``(phone, text)``; read login codes from it."""
    settings.SMS_BACKEND = f"{__name__}.CapturingSmsBackend"
    CapturingSmsBackend.outbox.clear()
    return CapturingSmsBackend.outbox


def sms_settle(outbox: list[tuple[str, str]]) -> None:
    """Send what the test's setup promised and forget it, so the test sees only the texts its
    own actions send: factories commit nothing (the test's transaction is rolled back), so
    their messages wait in the outbox, and the next flush would send them with the test's."""
    from gonghui.core.outbox import outbox_flush

    outbox_flush()
    outbox.clear()


def sms_code_for(outbox: list[tuple[str, str]], phone: str) -> str:
    """The 6-digit code in the newest SMS sent to `phone`."""
    for to, text in reversed(outbox):
        if to == phone or to.endswith(phone):
            match = re.search(r"(?<!\d)(\d{6})(?!\d)", text)
            if match:
                return match.group(1)
    raise AssertionError(f"no SMS code sent to {phone}: {outbox!r}")


def browser_login(page: Any, user: Any, base_url: str) -> None:
    """Give the browser a logged-in session for `user` without going through a login form.

    Use this to reach a page quickly; tests of the login flow itself must use the form.
    """
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    if getattr(settings, "STAFF_REQUIRE_TOTP", False):
        raise RuntimeError("browser_login cannot satisfy TOTP; tests run with STAFF_REQUIRE_TOTP off")
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie.value, "url": base_url}]
    )


__all__ = [
    "ARTIFACTS", "CHROMIUM", "CapturingSmsBackend", "browser_login", "regions_bulk_load", "sms_code_for",
]
