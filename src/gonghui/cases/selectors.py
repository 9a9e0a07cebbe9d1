"""Reads for cases, shared by pages, the API and the dashboard."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.core.jurisdiction import get_or_404
from gonghui.core.pii import phone_index
from gonghui.core.workdays import add_workdays, calendar_years_missing
from gonghui.notices.models import Audience, Notice
from gonghui.notices.selectors import notice_list_for_user, notice_unread_count
from gonghui.orgs.models import Employer, Region, Union, region_prefix

from .models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    Lawyer,
    Rating,
    Status,
    SupervisionLetter,
)

QUEUES = ("new", "mine", "due_soon", "overdue", "follow_up", "supervised", "all")
DUPLICATE_WINDOW_DAYS = 30


def _base(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.select_related("union", "assignee", "employer")


def case_get_for_user(*, user: Any, case_id: int, action: str = "view") -> Case:
    """One case for a staff user, or NotFound (also when it is in another branch)."""
    return get_or_404(
        _base(Case.objects.visible_to(user, action)).select_related("region", "lawyer", "aid_application"), pk=case_id
    )


def case_get_by_number_for_user(*, user: Any, number: str) -> Case:
    return get_or_404(_base(Case.objects.visible_to(user)), number=number)


def case_queue(*, user: Any, queue: str = "new", today: dt.date | None = None, q: str = "") -> QuerySet[Case]:
    """The staff queues, each ordered by the deadline that matters."""
    today = today or timezone.localdate()
    # Lists need the union's name, not the handler or employer rows, and never the
    # encrypted phone (decrypting it per row would dominate a 50-row page).
    qs = Case.objects.visible_to(user).select_related("union").defer("reporter_phone")
    if queue == "new":
        qs = qs.filter(status=Status.NEW).order_by("due_on", "pk")
    elif queue == "mine":
        qs = qs.filter(status__in=OPEN_STATUSES, assignee=user).order_by("due_on", "pk")
    elif queue == "due_soon":
        qs = qs.filter(open_due_on__gte=today, open_due_on__lte=add_workdays(today, 2)).order_by("open_due_on", "pk")
    elif queue == "overdue":
        qs = qs.filter(open_due_on__lt=today).order_by("open_due_on", "pk")
    elif queue == "follow_up":
        qs = qs.filter(status=Status.RESOLVED).order_by("resolved_at", "pk")
    elif queue == "supervised":
        qs = qs.filter(status__in=OPEN_STATUSES, supervisions__completed_at__isnull=True).distinct().order_by("due_on", "pk")
    else:
        qs = qs.order_by("-created_at", "-pk")
    if q:
        q = q.strip()
        qs = qs.filter(Q(number__icontains=q) | Q(employer_name__contains=q) | Q(description__contains=q))
    return qs


def case_queue_counts(*, user: Any, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    base = Case.objects.visible_to(user)
    return {
        "new": base.filter(status=Status.NEW).count(),
        "mine": base.filter(status__in=OPEN_STATUSES, assignee=user).count(),
        "due_soon": base.filter(open_due_on__gte=today, open_due_on__lte=add_workdays(today, 2)).count(),
        "overdue": base.filter(open_due_on__lt=today).count(),
        "follow_up": base.filter(status=Status.RESOLVED).count(),
    }


@dataclass(frozen=True)
class HolidayCalendarWarning:
    """Staff must know when deadlines are counted without the official holiday calendar."""

    missing_years: list[int]
    provisional_cases: int
    provisional_letters: int = 0


def holiday_calendar_warning(*, user: Any, today: dt.date | None = None) -> HolidayCalendarWarning | None:
    """Years that deadlines set now can reach and whose 放假/调休 days nobody has entered,
    and how many of the user's open cases and awaited letters carry a provisional
    (Monday–Friday) deadline.
    None when there is nothing to warn about."""
    today = today or timezone.localdate()
    missing = calendar_years_missing(today)
    provisional = Case.objects.visible_to(user).filter(due_provisional=True, status__in=OPEN_STATUSES).count()
    letters = SupervisionLetter.objects.visible_to(user).filter(
        response_due_provisional=True,
        status__in=(SupervisionLetter.Status.ISSUED, SupervisionLetter.Status.DELIVERED),
    ).count()
    if not missing and not provisional and not letters:
        return None
    return HolidayCalendarWarning(missing_years=missing, provisional_cases=provisional, provisional_letters=letters)


def case_timeline(*, case: Case, public_only: bool) -> QuerySet[CaseEvent]:
    qs = case.events.select_related("actor").order_by("at", "pk")
    return qs.filter(is_public=True) if public_only else qs


def case_list_for_worker(*, user: Any) -> QuerySet[Case]:
    """我的诉求."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    return Case.objects.filter(reporter_user=user).select_related("union").order_by("-created_at", "-pk")


def case_waiting_for_worker(*, user: Any, limit: int = 5) -> list[Case]:
    """The worker's cases that wait on them: material requested, or a result to rate."""
    return list(
        case_list_for_worker(user=user).filter(
            Q(status=Status.AWAITING_INFO) | Q(status=Status.RESOLVED, rating="")
        )[:limit]
    )


def case_get_for_worker(*, user: Any, case_id: int) -> Case:
    return get_or_404(case_list_for_worker(user=user), pk=case_id)


def case_list_for_phone(*, user: Any, phone: str, limit: int = 20) -> QuerySet[Case]:
    """Caller lookup on the hotline: this caller's past cases the operator may see."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < 11:
        return Case.objects.none()
    return _base(Case.objects.visible_to(user)).filter(reporter_phone_index=phone_index(digits)).order_by("-created_at")[:limit]


def case_find_duplicates(
    *, phone: str = "", reporter_user: Any = None, employer: Employer | None = None, employer_name: str = "",
    category: str, today: dt.datetime | None = None,
) -> QuerySet[Case]:
    """Same person + same employer + same category within 30 days: probably the same problem.

    Not scoped: the operator must learn that a case exists even in another branch; the
    caller shows only number, status and union.
    """
    since = (today or timezone.now()) - dt.timedelta(days=DUPLICATE_WINDOW_DAYS)
    person_q = Q()
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) >= 11:
        person_q |= Q(reporter_phone_index=phone_index(digits))
    if reporter_user is not None and getattr(reporter_user, "is_authenticated", False):
        person_q |= Q(reporter_user=reporter_user)
    if not person_q:
        return Case.objects.none()
    qs = Case.objects.filter(person_q, category=category, created_at__gte=since)
    if employer is not None:
        qs = qs.filter(Q(employer=employer) | Q(employer_name=employer.name))
    elif employer_name.strip():
        qs = qs.filter(employer_name=employer_name.strip())
    else:
        return Case.objects.none()
    return qs.select_related("union").order_by("-created_at")


def employer_for_case(*, employer_id: Any) -> Employer | None:
    """An employer picked from the public search list; a bad id means none was picked."""
    try:
        pk = int(employer_id)
    except (TypeError, ValueError):
        return None
    return Employer.objects.select_related("union").filter(pk=pk).first()


def region_full_name(*, region: Region | None) -> str:
    """"广东省 深圳市 南山区": the region with its province and city, as the worker picked it."""
    if region is None:
        return ""
    codes = list(dict.fromkeys([region.code[:2] + "0000", region.code[:4] + "00", region.code]))
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return " ".join(names[code] for code in codes if code in names)


def region_for_case(*, code: str) -> Region | None:
    code = (code or "").strip()
    return Region.objects.filter(code=code, is_active=True).first() if code.isdigit() and len(code) == 6 else None


def union_for_transfer(*, union_id: Any) -> Union:
    """Any active union can receive a transfer (the hotline is national)."""
    try:
        pk = int(union_id)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    return get_or_404(Union.objects.active(), pk=pk)


def union_search_for_transfer(*, q: str, limit: int = 10) -> QuerySet[Union]:
    q = (q or "").strip()
    if len(q) < 2:
        return Union.objects.none()
    return Union.objects.active().filter(Q(name__contains=q) | Q(name_initials__startswith=q.lower())).order_by("depth", "name")[:limit]


def assignee_options(*, case: Case) -> list[Any]:
    """Staff who may handle the case: role holders on its union or one above it."""
    from gonghui.accounts.models import RoleGrant

    paths = _ancestor_paths(case.union_path)
    grants = RoleGrant.objects.filter(
        union__path__in=paths, role__in=["admin", "staff", "legal", "operator"], user__is_active=True
    ).select_related("user").order_by("user__username")
    return list({g.user.pk: g.user for g in grants}.values())


def assignee_for_case(*, case: Case, user_id: Any) -> Any:
    for user in assignee_options(case=case):
        if str(user.pk) == str(user_id):
            return user
    raise ValidationFailed(_("找不到该承办人。"), code="assignee_invalid", field="assignee")


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def notification_list_for_user(*, user: Any, limit: int = 30) -> QuerySet[Notice]:
    """The worker's notices about their cases (the app shell's 消息 shows every module's)."""
    return notice_list_for_user(user=user, audience=Audience.WORKER, module="cases")[:limit]


def notification_unread_count(*, user: Any) -> int:
    return notice_unread_count(user=user, audience=Audience.WORKER)


def staff_notification_list(*, user: Any) -> QuerySet[Notice]:
    """我的提醒: the staff user's own notices (escalations, 督办, reminders, messages), newest
    first, only about cases still in their jurisdiction (a case transferred to another
    branch drops out, as it would 404), and reminders from other modules."""
    return notice_list_for_user(user=user, audience=Audience.STAFF)


def staff_notification_unread_count(*, user: Any) -> int:
    return notice_unread_count(user=user, audience=Audience.STAFF)


# --- legal --------------------------------------------------------------------------------


def lawyer_list_for_user(*, user: Any, speciality: str = "") -> QuerySet[Lawyer]:
    qs = Lawyer.objects.visible_to(user).filter(is_active=True).select_related("union", "service_region")
    if speciality:
        qs = qs.filter(specialities__contains=speciality)
    return qs.order_by("name")


def legal_directory(*, region: Region | None) -> list[Lawyer]:
    """The public directory for workers: legal-aid stations, lawyers and mediators that
    unions show to the workers of `region`. An entry serves its `service_region` (else its
    union's region) and everything inside it; the nearest level comes first (the county's
    own, then the city's, then the province's), stations before people."""
    if region is None:
        return []
    codes = list(dict.fromkeys([region.code, region.code[:4] + "00", region.code[:2] + "0000"]))
    inside = region_prefix(region.code)  # a city or a province picked: its counties' entries too
    rows = list(
        Lawyer.objects.filter(is_public=True, is_active=True, union__status=Union.Status.ACTIVE)
        .filter(
            Q(service_region_id__in=codes) | Q(service_region__code__startswith=inside)
            | Q(service_region__isnull=True, union__region_id__in=codes)
            | Q(service_region__isnull=True, union__region__code__startswith=inside)
        )
        .select_related("union", "service_region")
        .defer("phone")
    )

    def nearness(lawyer: Lawyer) -> float:
        area = lawyer.service_region_id or lawyer.union.region_id or ""
        return codes.index(area) if area in codes else 0.5

    rows.sort(key=lambda lw: (nearness(lw), lw.kind != Lawyer.Kind.STATION, lw.name))
    return rows


def legal_directory_region_for_worker(*, user: Any) -> Region | None:
    """Where a signed-in worker's directory starts: the region of their union (membership or
    pending application), else of their employer; None for a visitor, who picks one."""
    if not getattr(user, "is_authenticated", False):
        return None
    from gonghui.members.models import Person

    from .routing import member_union_for

    person = Person.objects.select_related("employer__region").filter(user_id=user.pk).first()
    union = member_union_for(person)
    if union is not None and union.region_id:
        return Region.objects.filter(code=union.region_id).first()
    if person is not None and person.employer is not None:
        return person.employer.region
    return None


def lawyer_get_for_user(*, user: Any, lawyer_id: int) -> Lawyer:
    return get_or_404(Lawyer.objects.visible_to(user), pk=lawyer_id)


def letter_list_for_user(*, user: Any) -> QuerySet[SupervisionLetter]:
    return SupervisionLetter.objects.visible_to(user).select_related("union", "case").order_by("-issued_at")


def letter_get_for_user(*, user: Any, letter_id: int) -> SupervisionLetter:
    return get_or_404(SupervisionLetter.objects.visible_to(user).select_related("union", "case"), pk=letter_id)


# --- statistics ---------------------------------------------------------------------------


@dataclass
class CaseStats:
    total: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    by_union_kind: dict[str, int] = field(default_factory=dict)
    decided: int = 0
    on_time: int = 0
    rated: int = 0
    satisfied: int = 0
    amount_fen: int = 0
    recovered_fen: int = 0
    people_paid: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return round(self.on_time / self.decided, 4) if self.decided else None

    @property
    def satisfaction_rate(self) -> float | None:
        """(满意 + 基本满意) / rated."""
        return round(self.satisfied / self.rated, 4) if self.rated else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total, "by_channel": self.by_channel, "by_category": self.by_category,
            "by_status": self.by_status, "by_union_kind": self.by_union_kind,
            "resolved": self.decided, "on_time": self.on_time, "on_time_rate": self.on_time_rate,
            "rated": self.rated, "satisfied": self.satisfied, "satisfaction_rate": self.satisfaction_rate,
            "amount_fen": self.amount_fen, "recovered_fen": self.recovered_fen, "people_paid": self.people_paid,
        }


def case_stats(*, user: Any, since: dt.date | None = None, until: dt.date | None = None) -> CaseStats:
    """Dashboard figures over the user's subtree, cases created in [since, until]."""
    qs = Case.objects.visible_to(user)
    if since:
        qs = qs.filter(created_at__date__gte=since)
    if until:
        qs = qs.filter(created_at__date__lte=until)
    stats = CaseStats()

    def grouped(column: str) -> dict[str, int]:
        return {str(row[column]): int(row["n"]) for row in qs.values(column).annotate(n=Count("pk")).order_by(column)}

    stats.by_channel = grouped("channel")
    stats.by_category = grouped("category")
    stats.by_status = grouped("status")
    stats.by_union_kind = grouped("union__kind")
    stats.total = sum(stats.by_status.values())
    resolved = qs.filter(resolved_at__isnull=False, resolve_due__isnull=False)
    stats.decided = resolved.count()
    stats.on_time = resolved.filter(resolved_at__date__lte=F("resolve_due")).count()
    stats.rated = qs.exclude(rating="").count()
    stats.satisfied = qs.filter(rating__in=[Rating.SATISFIED, Rating.BASICALLY]).count()
    sums = qs.aggregate(amount=Sum("amount_fen"), recovered=Sum("recovered_fen"), paid=Sum("people_paid"))
    stats.amount_fen = int(sums["amount"] or 0)
    stats.recovered_fen = int(sums["recovered"] or 0)
    stats.people_paid = int(sums["paid"] or 0)
    return stats
