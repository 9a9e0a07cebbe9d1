"""Reads for people, applications, memberships, transfers and cards, shared by pages and the API."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from gonghui.core import jurisdiction
from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.core.jurisdiction import get_or_404
from gonghui.core.pii import id_number_index, phone_index
from gonghui.orgs.models import Employer, Union

from .models import (
    EmploymentForm,
    MemberCard,
    Membership,
    MembershipApplication,
    MembershipTransfer,
    Person,
)

# --- the worker's own records (member app) ----------------------------------------------


def _user_pk(user: Any) -> int:
    # 0 matches nobody: an anonymous visitor owns no records.
    pk = getattr(user, "pk", None)
    return int(pk) if pk is not None and getattr(user, "is_authenticated", False) else 0


def person_for_user(*, user: Any) -> Person | None:
    """The person record bound to a signed-in worker, if they have applied or joined."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.select_related("employer").filter(user_id=user.pk).first()


def application_list_for_worker(*, user: Any) -> QuerySet[MembershipApplication]:
    return (
        MembershipApplication.objects.filter(person__user_id=_user_pk(user))
        .select_related("union", "employer")
        .order_by("-submitted_at", "-pk")
    )


def application_get_for_worker(*, user: Any, application_id: int) -> MembershipApplication:
    """One of the worker's own applications; anyone else's is indistinguishable from missing."""
    found = application_list_for_worker(user=user).filter(pk=application_id).first()
    if found is None:
        raise NotFound()
    return found


def membership_live_for_worker(*, user: Any) -> Membership | None:
    return (
        Membership.objects.filter(
            person__user_id=_user_pk(user),
            status__in=[Membership.Status.ACTIVE, Membership.Status.TRANSFERRING],
        )
        .select_related("person", "union", "employer")
        .first()
    )


def card_current_for_worker(*, user: Any) -> MemberCard | None:
    """The worker's newest unrevoked card on their live membership."""
    membership = membership_live_for_worker(user=user)
    if membership is None:
        return None
    card = membership.cards.filter(revoked_at__isnull=True).order_by("-issued_at").first()
    if card is not None:
        card.membership = membership  # already loaded with person and union
    return card


def transfer_list_for_worker(*, user: Any) -> QuerySet[MembershipTransfer]:
    return (
        MembershipTransfer.objects.filter(membership__person__user_id=_user_pk(user))
        .select_related("from_union", "to_union", "to_employer")
        .order_by("-requested_at", "-pk")
    )


def transfer_get_for_worker(*, user: Any, transfer_id: int) -> MembershipTransfer:
    found = transfer_list_for_worker(user=user).filter(pk=transfer_id).first()
    if found is None:
        raise NotFound()
    return found


def employer_for_application(*, employer_id: int | None) -> Employer | None:
    """Public lookup of the employer a worker picked on the join form (None if not picked)."""
    if not employer_id:
        return None
    found = Employer.objects.select_related("union").filter(pk=employer_id).first()
    if found is None:
        raise ValidationFailed(_("未找到该单位，请重新搜索选择。"), code="employer_not_found", field="employer")
    return found


def union_for_application(*, union_id: int | None) -> Union | None:
    """Public lookup of the union (e.g. a new-form federation) a worker picked."""
    if not union_id:
        return None
    found = Union.objects.active().filter(pk=union_id).first()
    if found is None:
        raise ValidationFailed(_("未找到该工会，请重新选择。"), code="union_not_found", field="union")
    return found


# --- staff reads (console and staff API), always scoped to the user's subtree -----------

ID_NUMBER_RE = re.compile(r"^\d{17}[\dX]$")
PHONE_SEARCH_RE = re.compile(r"^1\d{10}$")
LIVE_STATUSES = (Membership.Status.ACTIVE, Membership.Status.TRANSFERRING)
OPEN_TRANSFER_STATUSES = (MembershipTransfer.Status.REQUESTED, MembershipTransfer.Status.RELEASED)


def person_exact_query(q: str, *, prefix: str = "") -> Q | None:
    """An 18-char ID number or an 11-digit phone finds one person through its blind index."""
    q = (q or "").strip().replace(" ", "")[:50]
    if ID_NUMBER_RE.match(q.upper()):
        return Q(**{f"{prefix}id_number_index": id_number_index(q.upper())})
    if PHONE_SEARCH_RE.match(q):
        return Q(**{f"{prefix}phone_index": phone_index(q)})
    return None


def person_query(q: str, *, prefix: str = "") -> Q:
    """How staff find a person: ID number or phone (exact, see `person_exact_query`), ASCII
    letters (pinyin initials or full pinyin), else part of the name."""
    exact = person_exact_query(q, prefix=prefix)
    if exact is not None:
        return exact
    q = (q or "").strip().replace(" ", "")[:50]
    if q.isascii() and q.isalpha():
        lower = q.lower()
        return Q(**{f"{prefix}name_initials__startswith": lower}) | Q(**{f"{prefix}name_pinyin__startswith": lower})
    return Q(**{f"{prefix}name__contains": q})


def _live_memberships() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.filter(status__in=LIVE_STATUSES).select_related("union"),
        to_attr="live_memberships",
    )


def person_search(*, user: Any, q: str, limit: int = 50) -> QuerySet[Person]:
    """People in the user's subtree matching `q`; an empty query finds nobody (no full dumps)."""
    if not (q or "").strip():
        return Person.objects.none()
    return (
        Person.objects.visible_to(user)
        .filter(person_query(q))
        .select_related("employer")
        .prefetch_related(_live_memberships())
        .order_by("name_pinyin", "pk")[:limit]
    )


@dataclass(frozen=True)
class MemberFilter:
    """What staff narrow the member list (and its export) by. `status="live"` means in the
    register (在册 or 接转中); `new_form="any"` every new-form worker, or one kind."""

    q: str = ""
    union_id: int | None = None
    union_name: str = ""
    status: str = "live"
    new_form: str = ""
    joined_from: dt.date | None = None
    joined_to: dt.date | None = None


def membership_list(*, user: Any, filters: MemberFilter, action: str = "view") -> QuerySet[Membership]:
    """会员名册: memberships in the user's subtree (or the chosen union's subtree inside it),
    newest first. A union outside the user's branch is a NotFound, like its page."""
    qs = Membership.objects.visible_to(user, action).select_related("person", "union", "employer")
    if filters.union_id is not None:
        union = get_or_404(Union.objects.visible_to(user), pk=filters.union_id)
        qs = qs.filter(union__path__startswith=union.path)
    if filters.union_name.strip():
        qs = qs.filter(union__name__contains=filters.union_name.strip())
    if filters.status == "live":
        qs = qs.filter(status__in=LIVE_STATUSES)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.new_form == "any":
        qs = qs.filter(person__employment_form=EmploymentForm.NEW_FORM)
    elif filters.new_form:
        qs = qs.filter(person__employment_form=EmploymentForm.NEW_FORM, person__new_form_kind=filters.new_form)
    if filters.joined_from:
        qs = qs.filter(joined_on__gte=filters.joined_from)
    if filters.joined_to:
        qs = qs.filter(joined_on__lte=filters.joined_to)
    if (filters.q or "").strip():
        qs = qs.filter(person_query(filters.q, prefix="person__"))
    return qs.order_by("-joined_on", "-pk")


def member_filter_unions(*, user: Any, limit: int = 500) -> list[Union]:
    """The unions a staff member may narrow the list to, tree order; None when too many to list
    (the page then offers a name search instead)."""
    return list(Union.objects.visible_to(user).only("pk", "name", "path", "depth").order_by("path")[: limit + 1])


def person_get_for_user(*, user: Any, person_id: int, action: str = "view") -> Person:
    qs = Person.objects.visible_to(user, action).select_related("employer")
    return get_or_404(qs.prefetch_related(_live_memberships()), pk=person_id)


def person_membership_history(*, person: Person) -> QuerySet[Membership]:
    """All of a person's memberships, newest first, with their cards (history is never lost)."""
    return (
        Membership.objects.filter(person=person)
        .select_related("union", "employer")
        .prefetch_related(Prefetch("cards", queryset=MemberCard.objects.order_by("-issued_at")))
        .order_by("-joined_on", "-pk")
    )


def person_application_history(*, person: Person) -> QuerySet[MembershipApplication]:
    return MembershipApplication.objects.filter(person=person).select_related("union", "decided_by")


def membership_application_list(
    *, user: Any, status: str | None = None, q: str = ""
) -> QuerySet[MembershipApplication]:
    """The application queue of the user's subtree, oldest waiting first for open ones."""
    qs = MembershipApplication.objects.visible_to(user).select_related("person", "union", "employer")
    if status:
        if status not in MembershipApplication.Status.values:
            raise ValidationFailed(_("状态无效。"), code="status_invalid", field="status")
        qs = qs.filter(status=status)
    if (q or "").strip():
        qs = qs.filter(person_query(q, prefix="person__"))
    if status == MembershipApplication.Status.SUBMITTED:
        return qs.order_by("submitted_at", "pk")
    return qs.order_by("-submitted_at", "-pk")


def application_get_for_user(*, user: Any, application_id: int, action: str = "view") -> MembershipApplication:
    qs = MembershipApplication.objects.visible_to(user, action).select_related(
        "person", "union", "employer", "decided_by"
    )
    return get_or_404(qs, pk=application_id)


def membership_get_for_user(*, user: Any, membership_id: int, action: str = "view") -> Membership:
    qs = Membership.objects.visible_to(user, action).select_related("person", "union", "employer")
    return get_or_404(qs.prefetch_related("cards"), pk=membership_id)


def card_get_for_user(*, user: Any, card_id: int, action: str = "view") -> MemberCard:
    qs = jurisdiction.scope(
        MemberCard.objects.select_related("membership__person", "membership__union"), user,
        path_field="membership__union__path", action=action,
    )
    return get_or_404(qs, pk=card_id)


def _transfers_visible_to(user: Any, action: str = "view") -> QuerySet[MembershipTransfer]:
    """A transfer belongs to both unions: staff covering either side see it."""
    qs = MembershipTransfer.objects.all()
    outgoing = jurisdiction.scope(qs, user, path_field="from_union__path", action=action)
    incoming = jurisdiction.scope(qs, user, path_field="to_union__path", action=action)
    return outgoing | incoming


def transfer_list(*, user: Any, direction: str = "", status: str | None = None) -> QuerySet[MembershipTransfer]:
    """Transfers into (`in`), out of (`out`) or touching (``) the user's subtree."""
    base = MembershipTransfer.objects.select_related(
        "membership__person", "from_union", "to_union", "to_employer"
    )
    if direction == "in":
        qs = jurisdiction.scope(base, user, path_field="to_union__path")
    elif direction == "out":
        qs = jurisdiction.scope(base, user, path_field="from_union__path")
    elif not direction:
        qs = base.filter(pk__in=_transfers_visible_to(user).values("pk"))
    else:
        raise ValidationFailed(_("方向无效。"), code="direction_invalid", field="direction")
    if status == "open":
        qs = qs.filter(status__in=OPEN_TRANSFER_STATUSES)
    elif status:
        if status not in MembershipTransfer.Status.values:
            raise ValidationFailed(_("状态无效。"), code="status_invalid", field="status")
        qs = qs.filter(status=status)
    return qs.order_by("-requested_at", "-pk")


def transfer_get_for_user(*, user: Any, transfer_id: int) -> MembershipTransfer:
    qs = _transfers_visible_to(user).select_related(
        "membership__person", "from_union", "to_union", "to_employer", "new_membership",
        "requested_by", "released_by", "decided_by",
    )
    return get_or_404(qs, pk=transfer_id)


def member_counts_for_user(*, user: Any) -> dict[str, int]:
    """Dashboard figures for the user's subtree, one aggregate query per table."""
    members = Membership.objects.visible_to(user).aggregate(
        live=Count("pk", filter=Q(status__in=LIVE_STATUSES))
    )
    applications = MembershipApplication.objects.visible_to(user).aggregate(
        pending=Count("pk", filter=Q(status=MembershipApplication.Status.SUBMITTED))
    )
    open_q = Q(status__in=OPEN_TRANSFER_STATUSES)
    base = MembershipTransfer.objects.all()
    transfers_in = jurisdiction.scope(base, user, path_field="to_union__path").aggregate(n=Count("pk", filter=open_q))
    transfers_out = jurisdiction.scope(base, user, path_field="from_union__path").aggregate(n=Count("pk", filter=open_q))
    return {
        "members": members["live"] or 0,
        "pending_applications": applications["pending"] or 0,
        "transfers_in": transfers_in["n"] or 0,
        "transfers_out": transfers_out["n"] or 0,
    }


def transfer_target_for_worker(*, employer_id: int | None, union_id: int | None) -> tuple[Employer | None, Union]:
    """The new employer (and its union) or the federation a worker asks to transfer to."""
    employer = employer_for_application(employer_id=employer_id)
    if employer is not None:
        union = getattr(employer, "union", None)
        if union is None or union.status != Union.Status.ACTIVE:
            raise ValidationFailed(
                _("新单位尚未建立工会，暂不能转入。可选择所在城市的新业态工会联合会，或联系当地总工会。"),
                code="employer_has_no_union", field="employer",
            )
        return employer, union
    union = union_for_application(union_id=union_id)
    if union is None:
        raise ValidationFailed(_("请选择新单位或要转入的工会。"), code="union_required", field="employer")
    return None, union
