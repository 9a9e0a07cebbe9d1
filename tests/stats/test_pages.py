"""The statistics pages and API: a union sees itself and its subtree only (the rest is a
404, exports included), bad input is a clear error, and the numbers shown are the roll-ups."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gonghui.stats import services
from tests.factories import make_worker_user
from tests.stats.scenario import Scenario, at

pytestmark = pytest.mark.django_db

MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


@pytest.fixture
def world(frozen_clock) -> Scenario:
    frozen_clock(at(dt.date(2026, 4, 3), 9))
    s = Scenario()
    services.snapshot_range(dt.date(2026, 3, 1), dt.date(2026, 4, 2))
    return s


def test_dashboard_shows_the_staff_members_union_by_default(client, world):
    t = world.tree
    client.force_login(t.staff_a)
    page = client.get(reverse("console:stats:dashboard"), {**MARCH, "figure": "cases.received"})
    assert page.status_code == 200
    assert page.context["union"] == t.city_a
    assert page.context["selected"].value == 6  # 3 at grassroots A, 2 at M, 1 at the city itself
    body = page.content.decode()
    assert "vendor/echarts/echarts.min.js" in body and 'id="stats-chart-data"' in body
    # The subordinate unions, ranked, each a drill-down link.
    rows = page.context["breakdown"]
    assert [(r["union"], r["value"].value) for r in rows] == [(t.county_a, 5)]
    assert f"union={t.county_a.pk}" in rows[0]["link"]


def test_drill_down_into_a_union_below(client, world):
    t = world.tree
    client.force_login(t.staff_a)
    page = client.get(reverse("console:stats:dashboard"), {**MARCH, "union": t.grassroots_a.pk, "figure": "cases.received"})
    assert page.status_code == 200 and page.context["selected"].value == 3
    # The breadcrumb starts at the staff member's own union, never above it.
    assert [u for u, _link in page.context["crumbs"]] == [t.city_a, t.county_a, t.grassroots_a]


@pytest.mark.parametrize("which", ["city_b", "grassroots_b", "province", "national"])
def test_another_branch_or_a_union_above_is_a_404(client, world, which):
    t = world.tree
    other = getattr(t, which)
    client.force_login(t.staff_a)
    assert client.get(reverse("console:stats:dashboard"), {"union": other.pk}).status_code == 404
    assert client.get(reverse("console:stats:export"), {"union": other.pk}).status_code == 404
    assert client.get(reverse("console:stats:report"), {"union": other.pk}).status_code == 404
    for path in ("values", "series", "breakdown?key=cases.received&", "report?year=2026&"):
        sep = "&" if "?" in path else "?"
        url = f"/api/v1/stats/{path}{sep}union_id={other.pk}".replace("&&", "&").replace("&?", "?")
        answer = client.get(url)
        assert answer.status_code == 404, url
        assert answer.json()["code"] == "not_found"


def test_a_worker_without_a_role_gets_nothing(client, world):
    client.force_login(make_worker_user())
    assert client.get("/api/v1/stats/values").status_code in (403, 404)
    assert client.get(reverse("console:stats:dashboard")).status_code == 403


def test_export_is_the_view_as_xlsx(client, world):
    t = world.tree
    client.force_login(t.staff_a)
    answer = client.get(reverse("console:stats:export"), {**MARCH, "figure": "cases.received"})
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["指标", "下级工会", "趋势"]
    figures = {row[0]: row[2] for row in book["指标"].iter_rows(min_row=3, values_only=True)}
    assert figures["受理职工诉求"] == 6
    assert figures["职工满意度"] == 100.0
    ranked = list(book["下级工会"].iter_rows(min_row=3, values_only=True))
    assert ranked == [(1, t.county_a.name, 5)]


def test_bad_input_is_a_clear_error_not_a_500(client, world):
    t = world.tree
    client.force_login(t.staff_a)
    page = client.get(reverse("console:stats:dashboard"), {"start": "2026-05-01", "end": "2026-03-01"})
    assert page.status_code == 200
    assert "结束日期不能早于开始日期" in page.content.decode()
    for params in ({"start": "nonsense"}, {"union": "abc"}, {"granularity": "week"}, {"figure": "<script>"},
                   {"start": "2000-01-01", "end": "2026-01-01", "granularity": "day"}):
        assert client.get(reverse("console:stats:dashboard"), params).status_code == 200, params
    assert client.get(reverse("console:stats:report"), {"year": "1200"}).status_code == 200
    bad = client.get("/api/v1/stats/values", {"start": "2026-05-01", "end": "2026-03-01"})
    assert bad.status_code == 422 and bad.json()["code"] == "period_invalid"
    assert client.get("/api/v1/stats/values", {"keys": "cases.nope"}).json()["code"] == "figure_unknown"
    assert client.get("/api/v1/stats/series", {"granularity": "week"}).status_code == 422
    assert client.get("/api/v1/stats/series", {"start": "2020-01-01", "granularity": "day"}).status_code == 422


def test_api_values_series_and_breakdown(client, world):
    t = world.tree
    client.force_login(t.staff_a)
    values = client.get("/api/v1/stats/values", {**MARCH, "keys": ["cases.received", "cases.satisfaction"]}).json()
    by_key = {v["key"]: v for v in values["values"]}
    assert values["union"]["id"] == t.city_a.pk
    assert by_key["cases.received"]["raw"] == 6 and by_key["cases.received"]["dims"] == {"app": 6}
    assert (by_key["cases.satisfaction"]["numerator"], by_key["cases.satisfaction"]["denominator"]) == (1, 1)
    series = client.get("/api/v1/stats/series", {**MARCH, "granularity": "day", "keys": "cases.received"}).json()
    assert len(series["points"]) == 31
    assert sum(p["values"][0]["raw"] for p in series["points"]) == 6
    ranked = client.get("/api/v1/stats/breakdown", {**MARCH, "key": "cases.received"}).json()
    assert [(r["union"]["id"], r["value"]["raw"]) for r in ranked["rows"]] == [(t.county_a.pk, 5)]
    figures = client.get("/api/v1/stats/figures").json()
    assert {"key": "cases.satisfaction", "kind": "rate"}.items() <= next(f for f in figures if f["key"] == "cases.satisfaction").items()


def test_the_annual_report_writes_the_numbers_with_links(client, world, frozen_clock):
    t = world.tree
    client.force_login(t.staff_a)
    page = client.get(reverse("console:stats:report"), {"year": 2026})
    assert page.status_code == 200
    text = " ".join(p.text for p in page.context["paragraphs"])
    assert text.startswith(f"2026 年，{t.city_a.name}")
    assert "受理职工诉求 6 件（其中 12351 热线 0 件）" in text
    assert "职工满意度达 100.0%" in text
    assert "按期办结率" not in text  # nothing resolved: no rate, no sentence
    html = page.content.decode()
    assert f'href="{reverse("console:stats:figures")}#cases.received">6</a>' in html
    api = client.get("/api/v1/stats/report", {"year": 2026}).json()
    assert api["paragraphs"][0]["text"].startswith("2026 年")


def test_figure_definitions_page_lists_every_figure_with_an_anchor(client, world):
    from gonghui.stats.registry import figures

    client.force_login(world.tree.staff_a)
    body = client.get(reverse("console:stats:figures")).content.decode()
    for key in figures():
        assert f'id="{key}"' in body


def test_the_console_overview_shows_the_year_so_far_from_the_registry(client, world):
    t = world.tree
    client.force_login(t.staff_a)
    page = client.get(reverse("console:home"))
    headline = page.context["headline"]
    assert headline.union == t.city_a
    assert (headline.period.start, headline.period.end) == (dt.date(2026, 1, 1), dt.date(2026, 4, 2))
    received = next(v for v in headline.values if v.figure.key == "cases.received")
    assert received.value == 6
    assert "figure=cases.received" in page.content.decode()
