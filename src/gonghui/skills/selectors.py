"""Reads of the skills module, shared by pages and the API. Staff reads start from
`visible_to(user)`; workers read published courses and their own enrolments, attempts,
certificates and proposals; colleagues see their union's open proposals to co-sign them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from gonghui.core.jurisdiction import get_or_404

from .models import (
    Academy,
    Attempt,
    Author,
    Certificate,
    Competition,
    Course,
    Enrolment,
    Entry,
    Honour,
    Innovation,
    Judge,
    Laureate,
    Lesson,
    Nomination,
    NominationObjection,
    Proposal,
    ProposalEvent,
    Question,
    Round,
    Selection,
    SkillActivity,
    Studio,
)


def _uid(user: Any) -> int:
    return int(user.pk) if getattr(user, "is_authenticated", False) else 0


# --- catalogue --------------------------------------------------------------------------------


def course_search(*, q: str = "", trade: str = "", level: str = "", provider: str = "", series: str = "",
                  academy_id: int | None = None) -> QuerySet[Course]:
    """Published courses. `q` matches Chinese anywhere in the title, or pinyin initials / full
    pinyin anywhere in the title ("hj" finds 电焊工技能提升 as well as 焊接入门)."""
    qs = Course.objects.filter(status=Course.Status.PUBLISHED).select_related("union", "author", "academy")
    q = (q or "").strip()[:40]
    if q:
        latin = q.lower().replace(" ", "")
        cond = Q(title__icontains=q) | Q(trade__icontains=q) | Q(series__icontains=q)
        if latin.isascii() and latin.isalnum():
            cond |= Q(title_initials__contains=latin) | Q(title_pinyin__contains=latin)
        qs = qs.filter(cond)
    if trade:
        qs = qs.filter(trade=trade)
    if level:
        qs = qs.filter(level=level)
    if provider:
        qs = qs.filter(provider=provider)
    if series:
        qs = qs.filter(series=series)
    if academy_id:
        qs = qs.filter(academy_id=academy_id)
    return qs.order_by("-published_at", "-pk")


def course_get_published(*, course_id: int) -> Course:
    return get_or_404(Course.objects.filter(status=Course.Status.PUBLISHED).select_related("union", "author", "academy"),
                      pk=course_id)


def trades_published() -> list[str]:
    return list(Course.objects.filter(status=Course.Status.PUBLISHED).values_list("trade", flat=True).distinct().order_by("trade")[:100])


def lessons_of(*, course: Course) -> QuerySet[Lesson]:
    return course.lessons.annotate(quiz=Count("questions")).order_by("order", "pk")


# --- the worker's learning ------------------------------------------------------------------------


def enrolment_of(*, user: Any, course: Course) -> Enrolment | None:
    return Enrolment.objects.filter(user_id=_uid(user), course=course).select_related("last_lesson").first()


def enrolment_get_own(*, user: Any, enrolment_id: int) -> Enrolment:
    return get_or_404(Enrolment.objects.filter(user_id=_uid(user)).select_related("course", "last_lesson"), pk=enrolment_id)


def enrolments_of_user(*, user: Any) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(user_id=_uid(user)).select_related("course", "last_lesson").annotate(
        done=Count("lessons_done", distinct=True)).order_by("-enrolled_at")


def lesson_get_in(*, enrolment: Enrolment, lesson_id: int) -> Lesson:
    return get_or_404(Lesson.objects.filter(course_id=enrolment.course_id), pk=lesson_id)


def lessons_done_ids(*, enrolment: Enrolment) -> set[int]:
    return set(enrolment.lessons_done.values_list("lesson_id", flat=True))


def attempt_get_own(*, user: Any, attempt_id: int) -> Attempt:
    return get_or_404(Attempt.objects.filter(enrolment__user_id=_uid(user)).select_related("enrolment__course", "lesson"),
                      pk=attempt_id)


def attempt_questions(*, attempt: Attempt) -> list[Question]:
    """The drawn questions in the order drawn (answers not included in what is shown)."""
    by_id = {q.pk: q for q in Question.objects.filter(pk__in=attempt.question_ids)}
    return [by_id[int(i)] for i in attempt.question_ids if int(i) in by_id]


@dataclass
class Transcript:
    hours: int
    courses_completed: int
    certificates: list[Certificate]


def transcript_of(*, user: Any) -> Transcript:
    """The worker's 学时: the sum of the hours of every completed course."""
    totals = Enrolment.objects.filter(user_id=_uid(user), completed_at__isnull=False).aggregate(
        hours=Sum("hours_earned"), n=Count("id"))
    certs = list(Certificate.objects.filter(enrolment__user_id=_uid(user)).select_related("enrolment__course"))
    return Transcript(hours=totals["hours"] or 0, courses_completed=totals["n"], certificates=certs)


def certificate_id_of(*, enrolment: Enrolment) -> int | None:
    return Certificate.objects.filter(enrolment=enrolment).values_list("pk", flat=True).first()


def certificate_get_own(*, user: Any, certificate_id: int) -> Certificate:
    return get_or_404(Certificate.objects.filter(enrolment__user_id=_uid(user)).select_related("enrolment__course__union"),
                      pk=certificate_id)


# --- authoring ----------------------------------------------------------------------------------


def author_of(*, user: Any) -> Author | None:
    return Author.objects.filter(user_id=_uid(user), active=True).select_related("union", "academy").first()


def courses_authored(*, user: Any) -> QuerySet[Course]:
    return Course.objects.filter(author__user_id=_uid(user)).order_by("-created_at")


def course_get_authored(*, user: Any, course_id: int) -> Course:
    return get_or_404(Course.objects.filter(author__user_id=_uid(user)).select_related("author"), pk=course_id)


# --- staff --------------------------------------------------------------------------------------


def course_list_for_user(*, user: Any, status: str = "") -> QuerySet[Course]:
    qs = Course.objects.visible_to(user).select_related("union", "author")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at")


def course_get_for_user(*, user: Any, course_id: int, action: str = "view") -> Course:
    return get_or_404(Course.objects.visible_to(user, action=action).select_related("union", "author", "academy"), pk=course_id)


def course_enrolment_counts(*, course: Course) -> dict[str, int]:
    return Enrolment.objects.filter(course=course).aggregate(
        enrolled=Count("id"), completed=Count("id", filter=Q(completed_at__isnull=False)))


def academy_list_for_user(*, user: Any) -> QuerySet[Academy]:
    return Academy.objects.visible_to(user).select_related("union").annotate(
        n_courses=Count("courses", filter=Q(courses__status=Course.Status.PUBLISHED)))


def academy_get_for_user(*, user: Any, academy_id: int, action: str = "view") -> Academy:
    return get_or_404(Academy.objects.visible_to(user, action=action).select_related("union"), pk=academy_id)


def academy_list_public() -> QuerySet[Academy]:
    return Academy.objects.select_related("union").annotate(
        n_courses=Count("courses", filter=Q(courses__status=Course.Status.PUBLISHED))).order_by("name")


def author_list_for_user(*, user: Any) -> QuerySet[Author]:
    return Author.objects.visible_to(user).select_related("union", "academy")


def author_get_for_user(*, user: Any, author_id: int, action: str = "view") -> Author:
    return get_or_404(Author.objects.visible_to(user, action=action), pk=author_id)


def certificate_get_for_user(*, user: Any, certificate_id: int) -> Certificate:
    return get_or_404(Certificate.objects.filter(enrolment__course__in=Course.objects.visible_to(user))
                      .select_related("enrolment__course", "enrolment__user"), pk=certificate_id)


def union_choices_for_user(*, user: Any) -> QuerySet[Any]:
    from gonghui.orgs.models import Union

    return Union.objects.visible_to(user, "change").active().order_by("path")


# --- proposals ----------------------------------------------------------------------------------


def proposals_of_user(*, user: Any) -> QuerySet[Proposal]:
    return Proposal.objects.filter(proposer_id=_uid(user)).annotate(n_cosigns=Count("cosigns")).order_by("-created_at")


def proposal_get_own(*, user: Any, proposal_id: int) -> Proposal:
    return get_or_404(Proposal.objects.filter(proposer_id=_uid(user)).select_related("union"), pk=proposal_id)


def proposal_events_public(*, proposal: Proposal) -> QuerySet[ProposalEvent]:
    return proposal.events.filter(public=True).order_by("at", "pk")


def proposals_of_colleagues(*, user: Any) -> QuerySet[Proposal]:
    """Open proposals of the worker's own union (others'), to read and co-sign."""
    from gonghui.members.selectors import membership_live_for_worker

    membership = membership_live_for_worker(user=user)
    if membership is None:
        return Proposal.objects.none()
    return (Proposal.objects.filter(union_id=membership.union_id, status__in=Proposal.OPEN)
            .exclude(proposer_id=_uid(user)).annotate(n_cosigns=Count("cosigns")).order_by("-created_at"))


def proposal_get_colleague(*, user: Any, proposal_id: int) -> Proposal:
    """A proposal of the worker's union (open or not), for reading and co-signing."""
    from gonghui.members.selectors import membership_live_for_worker

    membership = membership_live_for_worker(user=user)
    union_id = membership.union_id if membership else 0
    return get_or_404(Proposal.objects.filter(union_id=union_id).select_related("union"), pk=proposal_id)


def proposal_queue_for_user(*, user: Any, status: str = "open") -> QuerySet[Proposal]:
    """Staff queue: open proposals first by deadline (the index skills_proposal_queue)."""
    qs = Proposal.objects.visible_to(user).select_related("union")
    if status == "open":
        qs = qs.filter(status__in=Proposal.OPEN).order_by("due_on", "pk")
    elif status:
        qs = qs.filter(status=status).order_by("-created_at")
    else:
        qs = qs.order_by("-created_at")
    return qs


def proposal_get_for_user(*, user: Any, proposal_id: int, action: str = "view") -> Proposal:
    return get_or_404(Proposal.objects.visible_to(user, action=action).select_related("union", "reviewer", "employer"),
                      pk=proposal_id)


def reviewer_choices(*, proposal: Proposal) -> QuerySet[Any]:
    """Staff who may handle the proposal: holders of a change role on its union or above."""
    from gonghui.accounts.models import RoleGrant, User

    ids = [int(p) for p in proposal.union_path.strip("/").split("/") if p]
    return User.objects.filter(
        is_active=True, grants__union_id__in=ids,
        grants__role__in=[RoleGrant.Role.ADMIN, RoleGrant.Role.STAFF],
    ).distinct().order_by("username")


def user_by_phone(*, phone: str) -> Any:
    """The account that signed in with this phone (blind index), or None."""
    from gonghui.accounts.models import User
    from gonghui.core.pii import phone_index

    return User.objects.filter(phone_index=phone_index(phone), is_active=True).first()


# --- competitions -------------------------------------------------------------------------------


def competitions_public() -> QuerySet[Competition]:
    """Competitions open for registration, being judged or published (never drafts)."""
    return (Competition.objects.exclude(status=Competition.Status.DRAFT).select_related("union")
            .annotate(n_entries=Count("entries", filter=Q(entries__status=Entry.Status.ENDORSED)))
            .order_by("-created_at", "-pk"))


def competition_get_public(*, competition_id: int) -> Competition:
    return get_or_404(Competition.objects.exclude(status=Competition.Status.DRAFT).select_related("union"), pk=competition_id)


def entry_of(*, user: Any, competition: Competition) -> Entry | None:
    return Entry.objects.filter(user_id=_uid(user), competition=competition).select_related("award").first()


def entry_get_own(*, user: Any, entry_id: int) -> Entry:
    return get_or_404(Entry.objects.filter(user_id=_uid(user)).select_related("competition"), pk=entry_id)


def entries_of_user(*, user: Any) -> QuerySet[Entry]:
    return Entry.objects.filter(user_id=_uid(user)).select_related("competition").order_by("-created_at")


def honours_of_user(*, user: Any) -> QuerySet[Honour]:
    return Honour.objects.filter(user_id=_uid(user)).select_related("union").order_by("-awarded_at")


def judge_roles_of(*, user: Any) -> QuerySet[Judge]:
    return (Judge.objects.filter(user_id=_uid(user), competition__status=Competition.Status.JUDGING)
            .select_related("competition").order_by("-pk"))


def judge_get_own(*, user: Any, judge_id: int) -> Judge:
    return get_or_404(Judge.objects.filter(user_id=_uid(user)).select_related("competition", "employer")
                      .prefetch_related("recusals"), pk=judge_id)


def judge_round_open(*, judge: Judge) -> Round | None:
    return judge.competition.rounds.filter(status=Round.Status.OPEN).first()


def competition_list_for_user(*, user: Any) -> QuerySet[Competition]:
    return (Competition.objects.visible_to(user).select_related("union")
            .annotate(n_entries=Count("entries")).order_by("-created_at", "-pk"))


def competition_get_for_user(*, user: Any, competition_id: int, action: str = "view") -> Competition:
    return get_or_404(Competition.objects.visible_to(user, action=action).select_related("union"), pk=competition_id)


def entries_for_staff(*, user: Any, competition: Competition) -> QuerySet[Entry]:
    """Every entry of a competition the user organises, or the entries of their own branch
    (a grassroots union endorses its members' entries to a city competition)."""
    from gonghui.core.jurisdiction import has_action

    qs = competition.entries.select_related("union", "employer")
    if not has_action(user, "view", competition.union_path):
        qs = qs.filter(pk__in=Entry.objects.visible_to(user).values("pk"))
    return qs.order_by("number")


def competition_get_for_endorser(*, user: Any, competition_id: int) -> Competition:
    """The competition if the user organises it or some entry of it lies in their branch."""
    organiser = Competition.objects.visible_to(user).filter(pk=competition_id)
    entrant = Competition.objects.filter(pk=competition_id, entries__in=Entry.objects.visible_to(user))
    return get_or_404(Competition.objects.filter(Q(pk__in=organiser.values("pk")) | Q(pk__in=entrant.values("pk")))
                      .select_related("union"), pk=competition_id)


def entry_get_for_user(*, user: Any, entry_id: int, action: str = "view") -> Entry:
    return get_or_404(Entry.objects.visible_to(user, action=action).select_related("competition", "union"), pk=entry_id)


def judge_get_for_user(*, user: Any, judge_id: int) -> Judge:
    return get_or_404(Judge.objects.filter(competition__in=Competition.objects.visible_to(user)), pk=judge_id)


def round_get_for_user(*, user: Any, round_id: int, action: str = "view") -> Round:
    return get_or_404(Round.objects.filter(competition__in=Competition.objects.visible_to(user, action=action))
                      .select_related("competition"), pk=round_id)


def round_progress(*, round_: Round) -> list[dict[str, Any]]:
    """Each entry in the round with how many sheets it has (for the organiser's page)."""
    from .competitions import entries_in

    counts = dict(round_.sheets.values_list("entry_id").annotate(n=Count("id")).order_by())
    return [{"entry": e, "sheets": counts.get(e.pk, 0)} for e in entries_in(round_)]


def honours_for_user(*, user: Any) -> QuerySet[Honour]:
    return Honour.objects.visible_to(user).select_related("union").order_by("-awarded_at")


# --- studios, innovations, 四技五小两比 ---------------------------------------------------------------


def studios_public() -> QuerySet[Studio]:
    return (Studio.objects.filter(status=Studio.Status.ACTIVE).select_related("union")
            .annotate(n_members=Count("members", filter=Q(members__left_on__isnull=True), distinct=True),
                      n_results=Count("innovations", distinct=True)).order_by("-named_year", "name", "pk"))


def studio_get_public(*, studio_id: int) -> Studio:
    return get_or_404(Studio.objects.select_related("union"), pk=studio_id)


def innovations_public() -> QuerySet[Innovation]:
    return Innovation.objects.select_related("union", "studio").order_by("-year", "-pk")


def studio_list_for_user(*, user: Any) -> QuerySet[Studio]:
    return (Studio.objects.visible_to(user).select_related("union")
            .annotate(n_members=Count("members", filter=Q(members__left_on__isnull=True), distinct=True))
            .order_by("status", "-named_year", "name", "pk"))


def studio_get_for_user(*, user: Any, studio_id: int, action: str = "view") -> Studio:
    return get_or_404(Studio.objects.visible_to(user, action=action).select_related("union"), pk=studio_id)


def innovation_list_for_user(*, user: Any) -> QuerySet[Innovation]:
    return Innovation.objects.visible_to(user).select_related("union", "studio").order_by("-year", "-pk")


def activity_list_for_user(*, user: Any) -> QuerySet[SkillActivity]:
    return SkillActivity.objects.visible_to(user).select_related("union", "studio").order_by("-held_on", "-pk")


# --- 劳模工匠评选 and the registry ------------------------------------------------------------------


def selections_public() -> QuerySet[Selection]:
    return (Selection.objects.exclude(status=Selection.Status.DRAFT).select_related("union")
            .order_by("-year", "-created_at", "-pk"))


def selection_get_public(*, selection_id: int) -> Selection:
    return get_or_404(selections_public(), pk=selection_id)


def notice_entries(*, selection: Selection) -> QuerySet[Nomination]:
    """The shortlist on public notice (and, after it, the confirmed and the dropped)."""
    if selection.status not in (Selection.Status.NOTICE, Selection.Status.CONFIRMED):
        return Nomination.objects.none()
    return (selection.nominations.filter(status__in=[Nomination.Status.SHORTLISTED, Nomination.Status.CONFIRMED,
                                                     Nomination.Status.DROPPED])
            .select_related("union").order_by("number"))


def notice_entry_get(*, nomination_id: int) -> Nomination:
    """A nominee on a running notice (anyone signed in may object)."""
    return get_or_404(Nomination.objects.filter(selection__status=Selection.Status.NOTICE,
                                                status=Nomination.Status.SHORTLISTED).select_related("selection"),
                      pk=nomination_id)


def laureates_public(*, q: str = "", level: str = "", kind: str = "") -> QuerySet[Laureate]:
    qs = Laureate.objects.filter(status=Laureate.Status.ACTIVE).select_related("union")
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(title__contains=q) | Q(unit_name__contains=q) | Q(trade__contains=q))
    if level:
        qs = qs.filter(level=level)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-year", "name", "pk")


def laureate_get_public(*, laureate_id: int) -> Laureate:
    return get_or_404(Laureate.objects.filter(status=Laureate.Status.ACTIVE).select_related("union"), pk=laureate_id)


def laureate_works(*, laureate: Laureate) -> dict[str, Any]:
    """The courses, studios and talks behind a registry entry (published courses, studios on the register)."""
    return {
        "courses": Course.objects.filter(author__laureate=laureate, status=Course.Status.PUBLISHED).order_by("-pk")[:50],
        "studios": laureate.studios.filter(status=Studio.Status.ACTIVE).order_by("name")[:20],
        "talks": laureate.talks.order_by("-held_on", "-pk")[:50],
        "honours": laureate.events.filter(kind="honour").order_by("year", "pk"),
    }


def _touches(paths: list[str] | None, union_path: str) -> bool:
    """The user's subtree contains `union_path`, or lies inside it."""
    if paths is None:
        return True
    return any(union_path.startswith(p) or p.startswith(union_path) for p in paths)


def selection_list_for_user(*, user: Any) -> list[Selection]:
    """Selections the user organises, or in which a union of their branch (or one above it) has places."""
    from gonghui.core.jurisdiction import union_paths_for

    paths = union_paths_for(user, "view")
    own = set(Selection.objects.visible_to(user).values_list("pk", flat=True)[:500])
    rows = list(Selection.objects.filter(status__in=[Selection.Status.NOMINATING, Selection.Status.REVIEWING,
                                                     Selection.Status.NOTICE, Selection.Status.CONFIRMED])
                .exclude(pk__in=own).prefetch_related("quotas__union").order_by("-year", "-pk")[:200])
    shared = [s for s in rows if any(_touches(paths, q.union.path) for q in s.quotas.all())]
    mine = list(Selection.objects.filter(pk__in=own).select_related("union").order_by("-year", "-pk"))
    return sorted(mine + shared, key=lambda s: (-s.year, -s.pk))[:200]


def selection_get_for_user(*, user: Any, selection_id: int, action: str = "view") -> Selection:
    return get_or_404(Selection.objects.visible_to(user, action=action).select_related("union"), pk=selection_id)


def selection_get_for_nominator(*, user: Any, selection_id: int) -> Selection:
    """The selection if the user organises it or a quota union lies at, under or above their branch."""
    from gonghui.core.jurisdiction import has_action, union_paths_for

    selection = get_or_404(Selection.objects.select_related("union"), pk=selection_id)
    if has_action(user, "view", selection.union_path):
        return selection
    paths = union_paths_for(user, "view")
    if selection.status != Selection.Status.DRAFT and any(_touches(paths, q.union.path)
                                                          for q in selection.quotas.select_related("union")):
        return selection
    from gonghui.core.errors import NotFound

    raise NotFound()


def nominations_for_staff(*, user: Any, selection: Selection) -> QuerySet[Nomination]:
    return (Nomination.objects.visible_to(user).filter(selection=selection)
            .select_related("union", "step_union", "quota_union").annotate(n_objections=Count("objections"))
            .order_by("number"))


def nomination_get_for_user(*, user: Any, nomination_id: int, action: str = "view") -> Nomination:
    return get_or_404(Nomination.objects.visible_to(user, action=action)
                      .select_related("selection__union", "union", "step_union", "quota_union"), pk=nomination_id)


def objection_get_for_user(*, user: Any, objection_id: int) -> NominationObjection:
    """An objection, for staff of the union that runs the selection."""
    return get_or_404(NominationObjection.objects.filter(
        nomination__selection__in=Selection.objects.visible_to(user, action="approve"))
        .select_related("nomination__selection"), pk=objection_id)


def nomination_union_choices(*, user: Any, selection: Selection) -> QuerySet[Any]:
    """Unions the user may nominate for: theirs (with change) that draw on a quota."""
    from gonghui.orgs.models import Union

    quota_paths = [q.union.path for q in selection.quotas.select_related("union")]
    if not quota_paths:
        return Union.objects.none()
    condition = Q()
    for path in quota_paths:
        condition |= Q(path__startswith=path)
    return Union.objects.visible_to(user, "change").active().filter(condition).order_by("path")


def laureate_list_for_user(*, user: Any, q: str = "") -> QuerySet[Laureate]:
    qs = Laureate.objects.visible_to(user).select_related("union")
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(title__contains=q) | Q(unit_name__contains=q))
    return qs.order_by("-year", "name", "pk")


def laureate_get_for_user(*, user: Any, laureate_id: int, action: str = "view") -> Laureate:
    return get_or_404(Laureate.objects.visible_to(user, action=action).select_related("union", "awarded_by"),
                      pk=laureate_id)
