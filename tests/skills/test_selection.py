"""劳模工匠评选表彰 as rules, worked by hand: the notice period on the official calendar, quotas
per union, review up the tree, objections answered before confirmation, the registry (later
honours, talks, revocation), bad input with nothing written; the figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings

from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gonghui.notices.models import Notice
from gonghui.skills import selection
from gonghui.skills.models import (
    Honour,
    Laureate,
    Nomination,
    NominationFile,
    NominationObjection,
    Selection,
)
from tests.factories import Tree, make_id_number, make_staff, make_worker_user
from tests.skills.helpers import PDF, make_selection, nominate, on_notice, shortlist

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


# --- the notice period ------------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "first", "last"), [
    # Mon 12-07 … Fri 12-11: five plain working days, the first one counted.
    ("2026-12-07", "2026-12-07", "2026-12-11"),
    # Chosen on Saturday 12-05: the notice starts on Monday 12-07.
    ("2026-12-05", "2026-12-07", "2026-12-11"),
    # 28, 29, 30 September, then 国庆 (10-01..10-07) does not count: 8 and 9 October.
    ("2026-09-28", "2026-09-28", "2026-10-09"),
    # Chosen on 10-01 (国庆): starts 10-08; 8, 9, Saturday 10-10 (调休 working day), 12, 13.
    ("2026-10-01", "2026-10-08", "2026-10-13"),
    # Friday 02-13, Saturday 02-14 (调休 working day), 春节 02-15..02-23 off, then 24, 25, 26.
    ("2026-02-13", "2026-02-13", "2026-02-26"),
])
def test_notice_period_counts_five_working_days_on_the_official_calendar(start, first, last):
    got = selection.notice_period(dt.date.fromisoformat(start), 5)
    assert (got[0].isoformat(), got[1].isoformat(), got[2]) == (first, last, False)


def test_a_notice_shorter_than_five_working_days_is_refused():
    tree = Tree()
    with pytest.raises(ValidationFailed) as exc:
        selection.selection_create(actor=tree.staff_a, union=tree.city_a, title="评选", kind="model_worker",
                                   honour_title="市劳动模范", level="city", year=2026,
                                   nominate_until=dt.date(2030, 1, 1), notice_days=4)
    assert exc.value.code == "notice_days_invalid"
    assert not Selection.objects.exists()


# --- quotas -----------------------------------------------------------------------------------------


def test_quota_counts_nominations_under_review_and_frees_rejected_or_withdrawn_ones():
    tree = Tree()
    item = make_selection(tree=tree, quotas=[(tree.county_a, 2)])
    # grassroots A lies under county A: it draws on county A's 2 places.
    first = nominate(item, union=tree.grassroots_a, name="甲")
    second = nominate(item, union=tree.county_a, name="乙")
    assert (first.quota_union_id, second.quota_union_id) == (tree.county_a.pk, tree.county_a.pk)
    with pytest.raises(Conflict) as exc:
        nominate(item, union=tree.grassroots_a, name="丙")
    assert exc.value.code == "quota_full"
    # The county does not pass the first one: its place is free again.
    selection.nomination_review(actor=make_staff(union=tree.county_a), nomination=first, passed=False, note="事迹不够突出")
    third = nominate(item, union=tree.grassroots_a, name="丙")
    with pytest.raises(Conflict):
        nominate(item, union=tree.grassroots_a, name="丁")
    selection.nomination_withdraw(actor=make_staff(union=tree.grassroots_a), nomination=third, reason="本人申请")
    nominate(item, union=tree.grassroots_a, name="丁")
    assert selection.places_used(item, tree.county_a) == 2
    assert Nomination.objects.filter(selection=item).count() == 4


def test_quotas_do_not_nest_and_cannot_fall_below_what_is_used():
    tree = Tree()
    item = make_selection(tree=tree, quotas=[(tree.county_a, 2)])
    staff = make_staff(union=tree.city_a)
    for union in (tree.grassroots_a, tree.city_a):  # under county A, and above it
        with pytest.raises(ValidationFailed) as exc:
            selection.quota_set(actor=staff, selection=item, union=union, places=1)
        assert exc.value.code == "quota_nested"
    nominate(item, union=tree.grassroots_a, name="甲")
    nominate(item, union=tree.grassroots_a, name="乙")
    with pytest.raises(Conflict) as exc:
        selection.quota_set(actor=staff, selection=item, union=tree.county_a, places=1)
    assert exc.value.code == "quota_below_used"
    # Outside the organiser's subtree: city B.
    with pytest.raises(ValidationFailed):
        selection.quota_set(actor=make_staff(union=tree.province), selection=item, union=tree.city_b, places=1)


def test_a_union_without_places_cannot_nominate_and_another_branch_is_not_found():
    tree = Tree()
    item = make_selection(tree=tree, organiser=tree.province, quotas=[(tree.city_b, 1)])
    with pytest.raises(PermissionDenied) as exc:
        nominate(item, union=tree.grassroots_a)
    assert exc.value.code == "no_quota"
    with pytest.raises(NotFound):  # city B's staff nominating for city A's grassroots union
        nominate(item, union=tree.grassroots_a, actor=tree.staff_b)


# --- review up the tree ---------------------------------------------------------------------------


def test_review_goes_from_the_quota_union_to_the_organiser():
    tree = Tree()
    item = make_selection(tree=tree)
    nomination = nominate(item, union=tree.grassroots_a)
    assert nomination.step_union_id == tree.county_a.pk
    # Grassroots staff cannot review at the county's step (not their union).
    with pytest.raises(NotFound):
        selection.nomination_review(actor=make_staff(union=tree.grassroots_a), nomination=nomination, passed=True)
    nomination = selection.nomination_review(actor=make_staff(union=tree.county_a), nomination=nomination, passed=True)
    assert (nomination.status, nomination.step_union_id) == ("reviewing", tree.city_a.pk)
    # A refusal needs a reason.
    with pytest.raises(ValidationFailed):
        selection.nomination_review(actor=make_staff(union=tree.city_a), nomination=nomination, passed=False, note=" ")
    nomination = selection.nomination_review(actor=make_staff(union=tree.city_a), nomination=nomination, passed=True)
    assert (nomination.status, nomination.step_union_id) == ("shortlisted", None)
    assert [(r.union_id, r.passed) for r in nomination.reviews.order_by("pk")] == [
        (tree.county_a.pk, True), (tree.city_a.pk, True)]
    # The quota union nominating itself: straight to the organiser.
    own = nominate(item, union=tree.county_a, name="乙")
    assert own.step_union_id == tree.city_a.pk


def test_the_notice_waits_for_every_review():
    tree = Tree()
    item = make_selection(tree=tree)
    nomination = nominate(item, union=tree.grassroots_a)
    staff = make_staff(union=tree.city_a)
    selection.selection_close(actor=staff, selection=item)
    with pytest.raises(Conflict) as exc:
        selection.selection_notice_start(actor=staff, selection=item, today=dt.date(2026, 12, 7))
    assert exc.value.code == "reviews_pending"
    shortlist(nomination)
    item = selection.selection_notice_start(actor=staff, selection=item, today=dt.date(2026, 12, 7))
    assert (item.notice_from, item.notice_until) == (dt.date(2026, 12, 7), dt.date(2026, 12, 11))


# --- the whole workflow ---------------------------------------------------------------------------


def test_nomination_to_registry_with_an_objection_answered():
    tree = Tree()
    worker = make_worker_user(name="张建国")
    item = make_selection(tree=tree)
    files = [SimpleUploadedFile("事迹材料.pdf", PDF, content_type="application/pdf"),
             SimpleUploadedFile("证书.png", PNG, content_type="image/png")]
    zhang = shortlist(nominate(item, union=tree.grassroots_a, phone=worker.phone, files=files))
    assert zhang.user_id == worker.pk and zhang.files.count() == 2
    li = shortlist(nominate(item, union=tree.grassroots_a, name="李四"))
    item = on_notice(item, start=dt.date(2026, 9, 28))
    assert item.notice_until == dt.date(2026, 10, 9)

    colleague = make_worker_user()
    with pytest.raises(Conflict):  # before the notice's first day
        selection.objection_raise(user=colleague, nomination=zhang, text="该同志的事迹材料中有夸大的内容。", today=dt.date(2026, 9, 27))
    with pytest.raises(Conflict):  # after its last day
        selection.objection_raise(user=colleague, nomination=zhang, text="该同志的事迹材料中有夸大的内容。", today=dt.date(2026, 10, 10))
    on_zhang = selection.objection_raise(user=colleague, nomination=zhang, text="该同志的事迹材料中有夸大的内容。",
                                         today=dt.date(2026, 10, 9))
    on_li = selection.objection_raise(user=colleague, nomination=li, text="李四去年发生过安全责任事故。",
                                      today=dt.date(2026, 9, 28))
    organiser = make_staff(union=tree.city_a)

    # Not before the notice ends (10-09 is its last day), not with an objection unanswered.
    with pytest.raises(Conflict) as exc:
        selection.selection_confirm(actor=organiser, selection=item, decision_ref="甲工发〔2026〕12号",
                                    decided_on=dt.date(2026, 10, 9), today=dt.date(2026, 10, 9))
    assert exc.value.code == "notice_running"
    selection.objection_answer(actor=organiser, objection=on_li, finding="upheld", answer="经调查属实，取消拟表彰资格。")
    with pytest.raises(Conflict) as exc:
        selection.selection_confirm(actor=organiser, selection=item, decision_ref="甲工发〔2026〕12号",
                                    decided_on=dt.date(2026, 10, 12), today=dt.date(2026, 10, 12))
    assert exc.value.code == "objections_open"
    # Another branch cannot answer; the organiser answers once.
    with pytest.raises(NotFound):
        selection.objection_answer(actor=tree.staff_b, objection=on_zhang, finding="unfounded", answer="不属实")
    selection.objection_answer(actor=organiser, objection=on_zhang, finding="unfounded", answer="经核实，事迹属实。")
    with pytest.raises(Conflict):
        selection.objection_answer(actor=organiser, objection=on_zhang, finding="upheld", answer="再答一次")
    assert Notice.objects.filter(user=colleague).count() == 2

    with pytest.raises(ValidationFailed):  # the decision cannot predate the end of the notice
        selection.selection_confirm(actor=organiser, selection=item, decision_ref="甲工发〔2026〕12号",
                                    decided_on=dt.date(2026, 10, 9), today=dt.date(2026, 10, 12))
    laureates = selection.selection_confirm(actor=organiser, selection=item, decision_ref="甲工发〔2026〕12号",
                                            decided_on=dt.date(2026, 10, 12), today=dt.date(2026, 10, 12))
    assert [x.name for x in laureates] == ["张建国"]
    li.refresh_from_db()
    zhang.refresh_from_db()
    assert (li.status, zhang.status) == ("dropped", "confirmed")
    entry = laureates[0]
    assert (entry.title, entry.level, entry.year, entry.union_id, entry.awarded_by_id, entry.decision_ref) == (
        "市劳动模范", "city", 2026, tree.grassroots_a.pk, tree.city_a.pk, "甲工发〔2026〕12号")
    honour = Honour.objects.get(laureate=entry)
    assert (honour.user_id, honour.title) == (worker.pk, "市劳动模范")
    assert Notice.objects.filter(user=worker, text__contains="市劳动模范").exists()

    # The registry: a later honour, a talk, then revocation keeps the entry and marks the honour.
    selection.laureate_honour_add(actor=organiser, laureate=entry, year=2027, title="全国五一劳动奖章")
    with pytest.raises(ValidationFailed):
        selection.laureate_honour_add(actor=organiser, laureate=entry, year=2025, title="更早的荣誉")
    selection.talk_record(actor=organiser, laureate=entry, topic="劳模精神进校园", held_on=dt.date(2026, 11, 2),
                          place="甲市技师学院", audience=300)
    with pytest.raises(PermissionDenied):  # a grassroots union cannot revoke a city title
        selection.laureate_revoke(actor=make_staff(union=tree.grassroots_a), laureate=entry, reason="违纪")
    selection.laureate_revoke(actor=organiser, laureate=entry, reason="因严重违纪被开除，撤销称号。")
    entry.refresh_from_db()
    honour.refresh_from_db()
    assert entry.status == "revoked" and honour.revoked_at is not None
    assert list(entry.events.values_list("kind", flat=True)) == ["honour", "revoke"]
    with pytest.raises(Conflict):
        selection.talk_record(actor=organiser, laureate=entry, topic="再讲", held_on=dt.date(2026, 11, 3), place="某厂",
                              audience=10)
    # The same title may be sought again once revoked? No: an active holder is refused, a revoked one is not.
    assert not Laureate.objects.filter(status="active").exists()


def test_an_active_holder_of_the_title_is_not_nominated_again_and_a_person_once_per_selection():
    tree = Tree()
    number = make_id_number()
    selection.laureate_register(actor=tree.staff_a, union=tree.grassroots_a, name="王师傅", id_number=number,
                                kind="model_worker", title="市劳动模范", level="city", year=2021, unit_name="甲厂",
                                awarding_body="甲市人民政府")
    item = make_selection(tree=tree)
    with pytest.raises(Conflict) as exc:
        nominate(item, union=tree.grassroots_a, id_number=number)
    assert exc.value.code == "already_honoured"
    other = make_id_number()
    nominate(item, union=tree.grassroots_a, id_number=other)
    with pytest.raises(Conflict) as exc:
        nominate(item, union=tree.county_a, id_number=other)
    assert exc.value.code == "nominated_twice"


# --- bad input: a clear error, nothing written ---------------------------------------------------


@pytest.mark.parametrize(("change", "code"), [
    ({"id_number": "110101199001011235"}, "id_number_checksum"),
    ({"achievements": "工作认真负责。"}, "achievements_short"),
    ({"files": [SimpleUploadedFile("事迹.pdf", PNG)]}, "file_type"),            # a PNG named .pdf
    ({"files": [SimpleUploadedFile("事迹.exe", b"MZ" + b"\x00" * 30)]}, "file_type"),
    ({"files": [SimpleUploadedFile("事迹.pdf", b"")]}, "file_empty"),
    ({"files": [SimpleUploadedFile(f"{i}.pdf", PDF) for i in range(11)]}, "file_count"),
])
def test_bad_nominations_are_refused_with_nothing_stored(change, code):
    tree = Tree()
    item = make_selection(tree=tree)
    with pytest.raises(ValidationFailed) as exc:
        nominate(item, union=tree.grassroots_a, **change)
    assert exc.value.code == code
    assert str(exc.value.message)
    assert not Nomination.objects.exists() and not NominationFile.objects.exists()


@override_settings(SKILLS_NOMINATION_FILE_MAX_MB=1)
def test_a_file_over_the_limit_is_refused():
    tree = Tree()
    item = make_selection(tree=tree)
    big = SimpleUploadedFile("事迹.pdf", PDF + b"\x00" * (1024 * 1024))
    with pytest.raises(ValidationFailed) as exc:
        nominate(item, union=tree.grassroots_a, files=[SimpleUploadedFile("ok.pdf", PDF), big])
    assert exc.value.code == "file_too_large"
    assert not NominationFile.objects.exists() and not Nomination.objects.exists()


def test_objections_need_a_signed_in_person_and_facts():
    from django.contrib.auth.models import AnonymousUser

    tree = Tree()
    item = make_selection(tree=tree)
    nomination = shortlist(nominate(item, union=tree.grassroots_a))
    on_notice(item, start=dt.date(2026, 12, 7))
    with pytest.raises(PermissionDenied):
        selection.objection_raise(user=AnonymousUser(), nomination=nomination, text="此人事迹不实，请核查。",
                                  today=dt.date(2026, 12, 8))
    with pytest.raises(ValidationFailed) as exc:
        selection.objection_raise(user=make_worker_user(), nomination=nomination, text="不同意", today=dt.date(2026, 12, 8))
    assert exc.value.code == "text_short"
    assert not NominationObjection.objects.exists()


def test_nominations_close_after_the_deadline():
    tree = Tree()
    item = make_selection(tree=tree)
    with pytest.raises(Conflict) as exc:
        selection.nomination_submit(actor=tree.staff_a, selection=item, union=tree.grassroots_a, name="甲",
                                    id_number=make_id_number(), unit_name="甲厂", post="焊工", achievements="事" * 40,
                                    today=dt.date(2031, 1, 1))
    assert exc.value.code == "nomination_closed"


# --- notifications and figures ---------------------------------------------------------------------


def test_staff_of_the_step_union_are_told_and_the_figures_count():
    from gonghui.skills.figures import skills_laureates, skills_nominations

    tree = Tree()
    county_staff = make_staff(union=tree.county_a)
    item = make_selection(tree=tree)
    with TestCase.captureOnCommitCallbacks(execute=True):
        nomination = nominate(item, union=tree.grassroots_a)
    assert Notice.objects.filter(user=county_staff, text__contains=nomination.name).exists()
    today = dt.date.today()  # noqa: DTZ011 - the figures take a calendar day
    assert list(skills_nominations(nomination.created_at.astimezone().date())) == [
        (tree.grassroots_a.pk, "model_worker", 1)]
    entry = selection.laureate_register(actor=tree.staff_a, union=tree.grassroots_a, name="王师傅",
                                        id_number=make_id_number(), kind="craftsman", title="甲市工匠", level="city",
                                        year=2024, unit_name="甲厂", awarding_body="甲市总工会")
    day = entry.created_at.astimezone().date()
    assert list(skills_laureates(day)) == [(tree.grassroots_a.pk, "city", 1)]
    selection.laureate_revoke(actor=tree.staff_a, laureate=entry, reason="撤销")
    assert list(skills_laureates(day)) == []
    assert list(skills_laureates(day - dt.timedelta(days=1))) == []
    assert today
