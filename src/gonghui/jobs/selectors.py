"""Reads of the jobs module, shared by pages and the API.

Staff reads start from `<Model>.objects.visible_to(user)`; recruiters see their employer's
postings and applicants only; workers see published postings and their own profile and
applications.

Recommendation score (0–100), stated to the worker with the reasons:

| part | points |
|---|---|
| trade: the posting's trade is one the seeker wants | 35 |
| skills: share of the posting's required skills/certificates the seeker has (none required: full) | 20 |
| distance: same county 20, same city 14, same province 6 (region codes, nearest of home and wanted places) | 20 |
| pay: top of the range reaches the pay wanted (else in proportion); no wish: 10 | 15 |
| freshness: published today 10, falling to 0 at 30 days | 10 |

Candidates are the freshest live postings of each of the seeker's trades in each of their
cities, then in each of their provinces, then any trade in each city (one bounded, ordered index
read each); the score orders them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.functions import Concat, StrIndex
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.jurisdiction import get_or_404

from .models import (
    EmployerAccount,
    EmploymentService,
    FairBooth,
    FairRegistration,
    JobApplication,
    JobFair,
    MinimumWage,
    Placement,
    Posting,
    Seeker,
    Trade,
    TrainingEnrolment,
    TrainingOrder,
    region_parents,
)
from .services import today

# Per read: the freshest of one trade in one city / one province, and of any trade in one city.
PER_TRADE_CITY, PER_TRADE_PROVINCE, PER_CITY = 60, 40, 30
# At most this many (trade, place) reads of each kind (5 trades × 6 places would be 30).
MAX_READS = 12
FRESH_DAYS = 30


def _uid(user: Any) -> int:
    return int(user.pk) if getattr(user, "is_authenticated", False) else 0


# --- public postings ------------------------------------------------------------------------


def posting_list_live() -> QuerySet[Posting]:
    return Posting.objects.live(today()).select_related("employer", "region")


def posting_get_public(*, posting_id: int) -> Posting:
    """A published posting (or one the viewer applied to, whatever its state now)."""
    return get_or_404(Posting.objects.filter(status__in=[Posting.Status.PUBLISHED, Posting.Status.FILLED,
                                                           Posting.Status.CLOSED, Posting.Status.EXPIRED])
                      .select_related("employer", "region", "union"), pk=posting_id)


def search_grams(q: str) -> list[str]:
    """The index keys a keyword is looked up by: a single character itself, a longer keyword
    each of its 2-character substrings (every one occurs in any text that contains it)."""
    if len(q) < 2:
        return [q] if q else []
    return sorted({q[i:i + 2] for i in range(len(q) - 1)})


def _keyword_filter(qs: QuerySet[Posting], q: str) -> QuerySet[Posting]:
    """`search_text` contains `q`. On PostgreSQL the 1-/2-character key index of the open
    postings (migration 0007: `jobs_search_grams(search_text)`, GIN) finds the postings holding
    every key of `q` first — any length, rare or common — and LIKE re-checks them; the planner
    takes the freshest-first index instead when the keyword is common."""
    from django.db import connection

    if connection.vendor != "postgresql" or len(q) >= 3:
        # Three characters or more: the trigram index (0006) serves LIKE. Their several common
        # 2-character keys (xq, qb, ba for "xqba") made the key index a slow plan (0.4 s at 1M).
        return qs.filter(search_text__contains=q)
    from django.contrib.postgres.fields import ArrayField

    # The substring test is `strpos`, not LIKE: the planner then takes its share of matches from
    # the key statistics alone (LIKE's own estimate, multiplied in as if independent of the keys,
    # made every keyword look rare and sent common ones through the key index: 1 s instead of 2 ms).
    grams = Func(F("search_text"), function="jobs_search_grams", output_field=ArrayField(TextField()))
    return qs.alias(search_grams=grams, search_at=StrIndex("search_text", Value(q))) \
        .filter(search_grams__contains=search_grams(q), search_at__gt=0)


def posting_search(*, q: str = "", place: str = "", trade: str = "", pay_min: int = 0, limit: int = 20,
                   offset: int = 0) -> list[Posting]:
    """Live postings matching a keyword (Chinese, or pinyin initials / full pinyin anywhere in
    the title: "bg" and "baoan" find 保安), a place (region code: a county, a city or a
    province), a trade and a monthly pay floor; freshest first."""
    qs = posting_list_live()
    q = q.strip().lower()[:20]
    if q:
        qs = _keyword_filter(qs, q)
    place = place.strip()
    if place:
        if place.endswith("0000"):
            qs = qs.filter(province_code=place)
        elif place.endswith("00"):
            qs = qs.filter(city_code=place)
        else:
            qs = qs.filter(region_id=place)
    if trade:
        qs = qs.filter(trade=trade)
    if pay_min > 0:
        qs = qs.filter(pay_unit="month", pay_max__gte=pay_min)
    return list(qs.order_by("-published_at")[offset:offset + limit])


# --- verified certificates (the skills module's) --------------------------------------------


@dataclass(frozen=True)
class VerifiedCertificate:
    """A certificate the worker earned in the skills module (技能云), not revoked: verified by
    the platform, unlike the skills a seeker types in."""

    id: int
    serial: str
    course: str
    trade: str
    level: str
    issued_on: dt.date

    @property
    def words(self) -> str:
        """What a posting's required skill is matched against (lower case)."""
        return f"{self.course} {self.trade}".lower()


def verified_certificates(*, user_ids: list[int]) -> dict[int, list[VerifiedCertificate]]:
    """Each user's valid skills-module certificates, newest first, in one query."""
    from gonghui.skills.models import Certificate, Level

    out: dict[int, list[VerifiedCertificate]] = {uid: [] for uid in user_ids}
    if not user_ids:
        return out
    rows = Certificate.objects.filter(enrolment__user_id__in=user_ids, revoked_at__isnull=True) \
        .order_by("-issued_at").values_list("pk", "serial", "enrolment__user_id", "enrolment__course__title",
                                            "enrolment__course__trade", "enrolment__course__level", "issued_at")
    for pk, serial, uid, title, trade, level, issued in rows:
        label = str(Level(level).label) if level in Level.values else ""
        out[uid].append(VerifiedCertificate(pk, serial, title, trade, label, timezone.localdate(issued)))
    return out


def with_certificates(applications: list[JobApplication]) -> list[JobApplication]:
    """Each application's seeker with their verified certificates (`a.certificates`)."""
    found = verified_certificates(user_ids=sorted({a.seeker.user_id for a in applications}))
    for a in applications:
        a.certificates = found.get(a.seeker.user_id, [])  # type: ignore[attr-defined]
    return applications


# --- recommendations --------------------------------------------------------------------------


@dataclass
class Suggestion:
    posting: Posting
    score: int
    reasons: list[str] = field(default_factory=list)
    parts: dict[str, float] = field(default_factory=dict)


def _distance_points(posting_region: str, seeker_codes: list[str]) -> tuple[float, int]:
    """Points for the nearest of the seeker's places, and which reason (0 none, 1 same place,
    2 same city, 3 same province)."""
    best, why = 0.0, 0
    county, city, province = region_parents(posting_region)
    for code in seeker_codes:
        whole_city = code.endswith("00") and not code.endswith("0000")
        if code == county or (whole_city and code == city):
            points, reason = 20.0, 1
        elif region_parents(code)[1] == city:
            points, reason = 14.0, 2
        elif region_parents(code)[2] == province:
            points, reason = 6.0, 3
        else:
            continue
        if points > best:
            best, why = points, reason
    return best, why


@dataclass(frozen=True)
class _Candidate:
    """The columns the score needs, read without building model instances."""

    pk: int
    trade: str
    skills: list[str]
    region_id: str
    pay_max: int
    pay_unit: str
    published_at: dt.datetime | None


_CANDIDATE_FIELDS = ("pk", "trade", "skills", "region_id", "pay_max", "pay_unit", "published_at")


@dataclass(frozen=True)
class _Have:
    """What the seeker has: skills typed in (matched exactly) and the words of their verified
    certificates (a required skill found in a certificate's course or trade counts)."""

    typed: frozenset[str]
    certified: tuple[str, ...] = ()

    def matches(self, skill: str) -> bool:
        s = skill.lower()
        return s in self.typed or any(s in words for words in self.certified)

    def certifies(self, skill: str) -> bool:
        s = skill.lower()
        return any(s in words for words in self.certified)


def _have(seeker: Seeker, certificates: list[VerifiedCertificate] | None = None) -> _Have:
    if certificates is None:
        certificates = verified_certificates(user_ids=[seeker.user_id])[seeker.user_id]
    return _Have(frozenset(s.lower() for s in seeker.skills), tuple(c.words for c in certificates))


def _parts(seeker: Seeker, c: _Candidate, on: dt.date, have: _Have) -> tuple[dict[str, float], list[str], int, int]:
    parts: dict[str, float] = {"trade": 35.0 if c.trade in seeker.trades else 0.0}
    matched = [s for s in c.skills if have.matches(s)]
    parts["skills"] = 20.0 * len(matched) / len(c.skills) if c.skills else 20.0
    parts["distance"], where = _distance_points(c.region_id, [seeker.region_id, *seeker.places])
    if seeker.pay_wanted and c.pay_unit == "month":
        parts["pay"] = 15.0 * min(1.0, c.pay_max / seeker.pay_wanted)
    else:
        parts["pay"] = 10.0
    published = timezone.localdate(c.published_at) if c.published_at else on
    age = max(0, (on - published).days)
    parts["fresh"] = 10.0 * max(0.0, 1 - age / FRESH_DAYS)
    return parts, matched, where, age


def _reasons(seeker: Seeker, posting: Posting, matched: list[str], where: int, age: int,
             have: _Have | None = None) -> list[str]:
    reasons: list[str] = []
    if posting.trade in seeker.trades:
        reasons.append(_("工种“%(t)s”是您想做的") % {"t": Trade(posting.trade).label})
    if matched:
        certified = [s for s in matched if have is not None and have.certifies(s)]
        reasons.append(_("要求的技能您具备：%(s)s") % {"s": "、".join(matched)})
        if certified:
            reasons.append(_("有技能云证书为证：%(s)s") % {"s": "、".join(certified)})
    if where:
        reasons.append({1: _("就在您选的地方"), 2: _("在您所在的城市"), 3: _("在您所在的省份")}[where])
    if seeker.pay_wanted and posting.pay_unit == "month" and posting.pay_max >= seeker.pay_wanted:
        reasons.append(_("工资 %(pay)s，达到您期望的 %(want)s 元") % {
            "pay": posting.pay_text, "want": f"{seeker.pay_wanted / 100:g}"})
    if age <= 3:
        reasons.append(_("新发布") if age == 0 else _("%(n)d 天前发布") % {"n": age})
    return reasons


def score_posting(*, seeker: Seeker, posting: Posting, on: dt.date | None = None) -> Suggestion:
    """The stated score of one posting for one seeker, with the reasons in plain words."""
    on = on or today()
    candidate = _Candidate(*(getattr(posting, f) for f in _CANDIDATE_FIELDS))
    have = _have(seeker)
    parts, matched, where, age = _parts(seeker, candidate, on, have)
    return Suggestion(posting=posting, score=round(sum(parts.values())), parts=parts,
                      reasons=_reasons(seeker, posting, matched, where, age, have))


def _candidate_queries(seeker: Seeker, on: dt.date, fields: tuple[str, ...] = _CANDIDATE_FIELDS) -> list[QuerySet[Any]]:
    """One bounded read per (trade, city), (trade, province) and city: each is an ordered scan of
    one index range (freshest first) that stops after its limit — no read sorts a whole city's
    or province's postings. The covering indexes hold every column the score needs, so
    PostgreSQL answers them from the index alone. Postings the seeker applied to are left out
    inside each read (an index probe of `uniq_application`), so they take no candidate's slot."""
    applied = JobApplication.objects.filter(posting_id=OuterRef("pk"), seeker_id=seeker.pk)
    live = Posting.objects.live(on).filter(~Exists(applied))
    codes = [seeker.region_id, *seeker.places]
    cities = sorted({region_parents(c)[1] for c in codes})
    provinces = sorted({region_parents(c)[2] for c in codes})
    trades = list(dict.fromkeys(seeker.trades))
    reads = [(live.filter(trade=t, city_code=c), PER_TRADE_CITY) for t in trades for c in cities][:MAX_READS]
    reads += [(live.filter(trade=t, province_code=p), PER_TRADE_PROVINCE) for t in trades for p in provinces][:MAX_READS]
    reads += [(live.filter(city_code=c), PER_CITY) for c in cities]
    return [qs.order_by("-published_at").values_list(*fields)[:limit] for qs, limit in reads]


def _certificate_words(user_id: int) -> QuerySet[Any]:
    """The course title and trade of each valid certificate of the user: what `_Have` matches."""
    from gonghui.skills.models import Certificate

    return Certificate.objects.filter(enrolment__user_id=user_id, revoked_at__isnull=True) \
        .values_list(Concat("enrolment__course__title", Value(" "), "enrolment__course__trade",
                            output_field=CharField()), flat=True)


def _rank(seeker: Seeker, on: dt.date, have: _Have, candidates: list[_Candidate], limit: int,
          ) -> list[tuple[int, float, int, dict[str, float], list[str], int, int]]:
    scored = []
    for c in candidates:
        parts, matched, where, age = _parts(seeker, c, on, have)
        scored.append((round(sum(parts.values())), c.published_at.timestamp() if c.published_at else 0.0, c.pk,
                       parts, matched, where, age))
    scored.sort(key=lambda row: (-row[0], -row[1], -row[2]))
    return scored[:limit]


def _recommendations_one_query(seeker: Seeker, on: dt.date, limit: int) -> list[Suggestion]:
    """PostgreSQL: everything in one round trip. The bounded index reads (UNION ALL, applied-to
    postings left out) give the candidates' ids; the outer query loads those postings with
    their employer and place, and carries the seeker's certificate words as one array computed
    once (an uncorrelated sub-select, an InitPlan)."""
    from django.contrib.postgres.expressions import ArraySubquery

    reads = _candidate_queries(seeker, on, ("pk",))
    ids = reads[0].union(*reads[1:], all=True) if len(reads) > 1 else reads[0]
    rows = list(Posting.objects.filter(pk__in=ids).select_related("employer", "region")
                .annotate(certificate_words=ArraySubquery(_certificate_words(seeker.user_id))))
    if not rows:
        return []
    have = _Have(frozenset(s.lower() for s in seeker.skills),
                 tuple(w.lower() for w in rows[0].certificate_words))  # type: ignore[attr-defined]
    postings = {p.pk: p for p in rows}
    candidates = [_Candidate(*(getattr(p, f) for f in _CANDIDATE_FIELDS)) for p in rows]
    return [Suggestion(posting=postings[pk], score=score, parts=parts,
                       reasons=_reasons(seeker, postings[pk], matched, where, age, have))
            for score, _ts, pk, parts, matched, where, age in _rank(seeker, on, have, candidates, limit)]


def _recommendations_per_read(seeker: Seeker, on: dt.date, limit: int) -> list[Suggestion]:
    """Databases that cannot order and slice inside a UNION (SQLite): the certificates, one
    read per candidate index, then the chosen postings."""
    have = _have(seeker)
    seen: dict[int, _Candidate] = {}
    for qs in _candidate_queries(seeker, on):
        for row in qs:
            seen.setdefault(row[0], _Candidate(*row))
    top = _rank(seeker, on, have, list(seen.values()), limit)
    postings = Posting.objects.select_related("employer", "region").in_bulk([row[2] for row in top])
    return [Suggestion(posting=postings[pk], score=score, parts=parts,
                       reasons=_reasons(seeker, postings[pk], matched, where, age, have))
            for score, _ts, pk, parts, matched, where, age in top if pk in postings]


def recommendations(*, seeker: Seeker, limit: int = 20, on: dt.date | None = None) -> list[Suggestion]:
    """The seeker's top postings by the stated score (ties: fresher first, then newer id),
    applied-to left out. On PostgreSQL one query; elsewhere one read per candidate index. Both
    score the same candidates with the same Python function, so they rank alike."""
    from django.db import connection

    on = on or today()
    if connection.vendor == "postgresql":
        return _recommendations_one_query(seeker, on, limit)
    return _recommendations_per_read(seeker, on, limit)


# --- the worker's own -----------------------------------------------------------------------


def seeker_of(*, user: Any) -> Seeker | None:
    return Seeker.objects.filter(user_id=_uid(user)).select_related("region").first()


def applications_of(*, user: Any) -> QuerySet[JobApplication]:
    return JobApplication.objects.filter(seeker__user_id=_uid(user)).select_related("posting__employer") \
        .order_by("-created_at")


def application_get_own(*, user: Any, job_application_id: int) -> JobApplication:
    return get_or_404(applications_of(user=user), pk=job_application_id)


# --- recruiters (employer accounts) -----------------------------------------------------------


def employer_accounts_of(*, user: Any) -> QuerySet[EmployerAccount]:
    return EmployerAccount.objects.active().filter(user_id=_uid(user)).select_related("employer", "union")


def recruiter_employers(*, user: Any) -> QuerySet[Any]:
    from gonghui.orgs.models import Employer

    return Employer.objects.filter(pk__in=employer_accounts_of(user=user).values("employer_id")).order_by("name")


def recruiter_postings(*, user: Any) -> QuerySet[Posting]:
    employers = employer_accounts_of(user=user).values("employer_id")
    return Posting.objects.filter(employer_id__in=employers).select_related("employer", "region") \
        .annotate(n_applications=Count("applications")).order_by("-created_at")


def recruiter_posting_get(*, user: Any, posting_id: int) -> Posting:
    return get_or_404(recruiter_postings(user=user), pk=posting_id)


def recruiter_applications(*, user: Any, posting: Posting) -> QuerySet[JobApplication]:
    """Applicants to one of the recruiter's own postings — never another employer's."""
    employers = employer_accounts_of(user=user).values("employer_id")
    return JobApplication.objects.filter(posting=posting, posting__employer_id__in=employers) \
        .select_related("seeker", "seeker__region").order_by("-created_at")


def recruiter_application_get(*, user: Any, job_application_id: int) -> JobApplication:
    employers = employer_accounts_of(user=user).values("employer_id")
    return get_or_404(JobApplication.objects.filter(posting__employer_id__in=employers)
                      .select_related("posting__employer", "posting__union", "seeker"), pk=job_application_id)


def with_moves(applications: Any) -> list[JobApplication]:
    """Each application with the stages it may move to next (the buttons), in stage order."""
    rows = list(applications)
    order = list(JobApplication.Stage.values)
    for a in rows:
        a.moves = [(s, JobApplication.Stage(s).label) for s in sorted(JobApplication.EDGES[a.stage], key=order.index)]  # type: ignore[attr-defined]
    return rows


# --- staff ------------------------------------------------------------------------------------


def posting_list_for_user(*, user: Any, status: str = "") -> QuerySet[Posting]:
    qs = Posting.objects.visible_to(user).select_related("employer", "union", "region") \
        .annotate(n_applications=Count("applications"))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at")


def posting_get_for_user(*, user: Any, posting_id: int, action: str = "view") -> Posting:
    return get_or_404(Posting.objects.visible_to(user, action).select_related("employer", "union", "region"),
                      pk=posting_id)


def applications_for_posting(*, posting: Posting) -> QuerySet[JobApplication]:
    return JobApplication.objects.filter(posting=posting).select_related("seeker").order_by("-created_at")


def application_get_for_user(*, user: Any, job_application_id: int, action: str = "view") -> JobApplication:
    return get_or_404(JobApplication.objects.visible_to(user, action).select_related("posting__union", "posting__employer",
                                                                                  "seeker"), pk=job_application_id)


def seeker_list_for_user(*, user: Any, group: str = "") -> QuerySet[Seeker]:
    qs = Seeker.objects.visible_to(user).select_related("union", "region")
    if group:
        qs = qs.filter(priority_group=group)
    return qs.order_by("-created_at")


def seeker_get_for_user(*, user: Any, seeker_id: int, action: str = "view") -> Seeker:
    return get_or_404(Seeker.objects.visible_to(user, action).select_related("union", "region"), pk=seeker_id)


def placement_list_for_user(*, user: Any, due_only: bool = False) -> QuerySet[Placement]:
    qs = Placement.objects.visible_to(user).select_related("seeker", "employer", "union")
    if due_only:
        on = today()
        qs = qs.filter(Q(due_3m__lte=on, status_3m="") | Q(due_6m__lte=on, status_6m=""))
    return qs.order_by("-started_on", "-pk")


def placement_get_for_user(*, user: Any, placement_id: int, action: str = "view") -> Placement:
    return get_or_404(Placement.objects.visible_to(user, action).select_related("seeker", "employer", "union",
                                                                                "application__posting"),
                      pk=placement_id)


def services_of(*, seeker: Seeker) -> QuerySet[EmploymentService]:
    return EmploymentService.objects.filter(seeker=seeker).order_by("-given_on", "-pk")


def employment_service_get_for_user(*, user: Any, employment_service_id: int) -> EmploymentService:
    return get_or_404(EmploymentService.objects.visible_to(user).select_related("seeker"), pk=employment_service_id)


def employer_account_list_for_user(*, user: Any) -> QuerySet[EmployerAccount]:
    return EmployerAccount.objects.visible_to(user).select_related("employer", "union", "user").order_by("-created_at")


def employer_account_get_for_user(*, user: Any, employer_account_id: int, action: str = "view") -> EmployerAccount:
    return get_or_404(EmployerAccount.objects.visible_to(user, action).select_related("employer", "union"),
                      pk=employer_account_id)


def employer_choices_for_user(*, user: Any) -> QuerySet[Any]:
    from gonghui.orgs.models import Employer

    return Employer.objects.visible_to(user, "change").order_by("name")


def union_choices_for_user(*, user: Any) -> QuerySet[Any]:
    from gonghui.orgs.models import Union

    return Union.objects.visible_to(user, "change").active().order_by("path")


def region_get(*, code: str) -> Any:
    from gonghui.core.errors import ValidationFailed
    from gonghui.orgs.models import Region

    region = Region.objects.filter(code=code, is_active=True).exclude(level=Region.Level.PROVINCE).first()
    if region is None:
        raise ValidationFailed(_("工作地点的区划代码无效（应为市或区县）。"), code="region_invalid", field="region_code")
    return region


def provinces() -> QuerySet[Any]:
    from gonghui.orgs.selectors import region_list

    return region_list(level="province")


def minimum_wage_list() -> QuerySet[MinimumWage]:
    return MinimumWage.objects.all().order_by("region_code", "-effective_from")


def pending_review_count(user: Any) -> int:
    return Posting.objects.visible_to(user, "approve").filter(status=Posting.Status.REVIEW).count()


def branch_summary(*, user: Any) -> dict[str, int]:
    """The counts on the console's 就业帮扶 page, from the records."""
    placements = Placement.objects.visible_to(user)
    return {
        "postings_live": Posting.objects.visible_to(user).live(today()).count(),
        "seekers": Seeker.objects.visible_to(user).count(),
        "applications": JobApplication.objects.visible_to(user).count(),
        "placements": placements.count(),
        "retained_3m": placements.filter(status_3m="employed").count(),
        "checked_3m": placements.exclude(status_3m="").count(),
        "services": EmploymentService.objects.visible_to(user).count(),
    }


# --- job fairs --------------------------------------------------------------------------------


def fair_list_public() -> QuerySet[JobFair]:
    return JobFair.objects.filter(ends_on__gte=today()).select_related("union").order_by("starts_on", "pk")


def fair_get_public(*, fair_id: int) -> JobFair:
    return get_or_404(JobFair.objects.select_related("union"), pk=fair_id)


def fair_booths(*, fair: JobFair) -> list[FairBooth]:
    on = today()
    booths = list(FairBooth.objects.filter(fair=fair).select_related("employer").prefetch_related("postings"))
    for booth in booths:
        booth.open_postings = [p for p in booth.postings.all() if p.status == Posting.Status.PUBLISHED  # type: ignore[attr-defined]
                               and p.closes_on >= on]
    return booths


def fair_registration_of(*, user: Any, fair: JobFair) -> FairRegistration | None:
    return FairRegistration.objects.filter(fair=fair, seeker__user_id=_uid(user)).first()


def fair_checkin_qr_svg(*, token: str) -> str:
    from gonghui.core.qr import qr_svg

    return qr_svg(token, scale=8, border=4, dark="#000000", title=str(_("招聘会签到码")))


def fair_list_for_user(*, user: Any) -> QuerySet[JobFair]:
    return JobFair.objects.visible_to(user).select_related("union").order_by("-starts_on", "-pk")


def fair_get_for_user(*, user: Any, job_fair_id: int, action: str = "view") -> JobFair:
    return get_or_404(JobFair.objects.visible_to(user, action).select_related("union"), pk=job_fair_id)


def fair_summary(*, fair: JobFair) -> dict[str, int]:
    """The fair's results from its records: registrations, check-ins, applications made at it,
    and how far they went."""
    regs = FairRegistration.objects.filter(fair=fair).aggregate(
        registered=Count("id"), checked_in=Count("id", filter=Q(checked_in_at__isnull=False)))
    apps = JobApplication.objects.filter(fair=fair).aggregate(
        applications=Count("id"),
        interviews=Count("id", filter=Q(stage__in=["interview", "offer", "hired"])),
        offers=Count("id", filter=Q(stage__in=["offer", "hired"])),
        hired=Count("id", filter=Q(stage="hired")))
    return {"booths": FairBooth.objects.filter(fair=fair).count(), **regs, **apps}


# --- training to order ------------------------------------------------------------------------


def training_order_list_for_user(*, user: Any) -> QuerySet[TrainingOrder]:
    return _with_training_counts(TrainingOrder.objects.visible_to(user).select_related("union", "employer", "course")) \
        .order_by("-starts_on", "-pk")


def _with_training_counts(qs: QuerySet[TrainingOrder]) -> QuerySet[TrainingOrder]:
    return qs.annotate(n_enrolled=Count("enrolments", filter=~Q(enrolments__status="dropped")),
                       n_completed=Count("enrolments", filter=Q(enrolments__status__in=["completed", "placed"])),
                       n_placed=Count("enrolments", filter=Q(enrolments__status="placed")))


def training_list_public_counted() -> QuerySet[TrainingOrder]:
    """The open classes with their enrolled / completed / placed counts (one query)."""
    return _with_training_counts(training_list_public().select_related("course"))


def training_order_get_for_user(*, user: Any, training_order_id: int, action: str = "view") -> TrainingOrder:
    return get_or_404(TrainingOrder.objects.visible_to(user, action).select_related("union", "employer", "course",
                                                                                     "posting"), pk=training_order_id)


def training_enrolments(*, order: TrainingOrder) -> QuerySet[TrainingEnrolment]:
    return TrainingEnrolment.objects.filter(order=order).select_related("seeker", "certificate", "placement") \
        .order_by("pk")


def training_enrolment_get_for_user(*, user: Any, training_enrolment_id: int, action: str = "view") -> TrainingEnrolment:
    return get_or_404(TrainingEnrolment.objects.visible_to(user, action).select_related("order__union", "seeker"),
                      pk=training_enrolment_id)


def training_summary(*, order: TrainingOrder) -> dict[str, int]:
    counts = dict(TrainingEnrolment.objects.filter(order=order).values_list("status").annotate(n=Count("id")))
    enrolled = sum(n for s, n in counts.items() if s != "dropped")
    return {"seats": order.seats, "demand": order.demand, "enrolled": enrolled,
            "completed": counts.get("completed", 0) + counts.get("placed", 0), "placed": counts.get("placed", 0),
            "dropped": counts.get("dropped", 0)}


def training_list_public() -> QuerySet[TrainingOrder]:
    """Classes still taking trainees, for workers."""
    return TrainingOrder.objects.filter(status=TrainingOrder.Status.OPEN, ends_on__gte=today()) \
        .select_related("employer", "union").order_by("starts_on", "pk")


def training_get_public(*, training_order_id: int) -> TrainingOrder:
    return get_or_404(TrainingOrder.objects.select_related("employer", "union", "course"), pk=training_order_id)


def trainings_of(*, user: Any) -> QuerySet[TrainingEnrolment]:
    return TrainingEnrolment.objects.filter(seeker__user_id=_uid(user)).select_related("order__employer") \
        .order_by("-pk")


def training_enrolment_of(*, user: Any, training_enrolment_id: int) -> TrainingEnrolment:
    """The worker's own enrolment."""
    return get_or_404(trainings_of(user=user).select_related("seeker", "certificate"), pk=training_enrolment_id)


def course_choices() -> QuerySet[Any]:
    from gonghui.skills.models import Course

    return Course.objects.filter(status="published").order_by("title")


def posting_choices_for_user(*, user: Any) -> QuerySet[Posting]:
    return Posting.objects.visible_to(user, "change").live(today()).select_related("employer").order_by("-pk")


# --- exports ----------------------------------------------------------------------------------


def services_by_kind(*, user: Any, start: dt.date, end: dt.date) -> list[tuple[str, str, int, int]]:
    """人次 by union and service type in [start, end]: (union, type label, 人次, people)."""
    from gonghui.orgs.models import Union

    rows: list[Any] = list(EmploymentService.objects.visible_to(user).filter(given_on__gte=start, given_on__lte=end)
            .values_list("union_id", "kind").annotate(n=Count("id"), people=Count("seeker_id", distinct=True))
            .order_by("union_id", "kind"))
    names = dict(Union.objects.filter(pk__in={r[0] for r in rows}).values_list("pk", "name"))
    labels = dict(EmploymentService.Kind.choices)
    return [(names.get(u, ""), str(labels.get(k, k)), n, people) for u, k, n, people in rows]


def posting_with_place(*, posting_id: int) -> Posting:
    return Posting.objects.select_related("employer", "region").get(pk=posting_id)


def application_with_seeker(*, job_application_id: int) -> JobApplication:
    return JobApplication.objects.select_related("seeker__region").get(pk=job_application_id)


def placements_for_export(*, user: Any, due_only: bool = False) -> QuerySet[Placement]:
    from django.db.models import Exists, OuterRef

    return placement_list_for_user(user=user, due_only=due_only).annotate(
        from_training=Exists(TrainingEnrolment.objects.filter(placement_id=OuterRef("pk"))))
