"""Staff pages of the campaigns module, under /console/campaigns/: configure and publish a
campaign, monitor it (board, prize stock, draws), run a due draw, list winners."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.console.decorators import console_view
from gonghui.core.errors import DomainError
from gonghui.core.idempotency import idempotent_form
from gonghui.core.jurisdiction import has_action
from gonghui.core.pii import mask_name, mask_phone
from gonghui.core.web import apply_domain_error, run_service

from . import culture as culture_services
from . import exports, selectors, services
from .forms import (
    ActivityForm,
    CampaignForm,
    EventForm,
    ReplayForm,
    ReviewForm,
    ShowcaseForm,
    SlotsForm,
    WorkForm,
)
from .models import ActivityKind, CultureWork


@console_view
def campaign_list(request: HttpRequest) -> HttpResponse:
    return render(request, "campaigns/pages/console_list.html", {
        "campaigns": selectors.campaign_list_for_user(user=request.user)[:200],
    })


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def campaign_create(request: HttpRequest) -> HttpResponse:
    unions = selectors.union_choices_for_user(user=request.user)
    form = CampaignForm(request.POST or None, unions=unions)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            campaign = services.campaign_create(
                actor=request.user, union=d["union"], name=d["name"], starts_on=d["starts_on"], ends_on=d["ends_on"],
                eligibility=d["eligibility"], kinds=d["kinds"], prizes=d["prizes"], steps_goal=d["steps_goal"],
                rope_goal=d["rope_goal"], plank_goal=d["plank_goal"], draw_time=d["draw_time"],
            )
            messages.success(request, _("活动已创建，核对后发布。"))
            return redirect("console:campaigns:detail", campaign_id=campaign.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "campaigns/pages/console_form.html", {"form": form})


@console_view
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get_for_user(user=request.user, campaign_id=campaign_id)
    return render(request, "campaigns/pages/console_detail.html", {
        "campaign": campaign, "board": selectors.campaign_board(campaign=campaign),
        "kinds": campaign.kinds.all(), "prizes": campaign.prizes.all(), "draws": selectors.draw_list(campaign=campaign),
        "winners": selectors.winner_list_for_campaign(campaign=campaign)[:200],
        # The partner app's signing key, for staff who may change the campaign.
        "can_change": (can_change := has_action(request.user, "change", campaign.union.path)),
        "partner_key": campaign.partner_key if can_change else "",
    })


@console_view
@require_POST
def campaign_publish(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get_for_user(user=request.user, campaign_id=campaign_id, action="change")
    run_service(request, lambda: services.campaign_publish(actor=request.user, campaign=campaign),
                success=_("已发布，每晚开奖的种子承诺已公示。"))
    return redirect("console:campaigns:detail", campaign_id=campaign.pk)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@console_view
def winners_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """中奖名单 as XLSX, with phone and address for sending the prizes: staff who may change
    the campaign only (others get 404, like another branch's campaign)."""
    campaign = selectors.campaign_get_for_user(user=request.user, campaign_id=campaign_id, action="change")
    content, _rows = exports.winners_xlsx(actor=request.user, campaign=campaign)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}-winners.xlsx"'
    return response


@console_view
@require_POST
def draw_run(request: HttpRequest, draw_id: int) -> HttpResponse:
    draw = selectors.draw_get_for_user(user=request.user, draw_id=draw_id)
    selectors.campaign_get_for_user(user=request.user, campaign_id=draw.campaign_id, action="change")
    run_service(request, lambda: services.draw_run(draw=draw), success=_("已开奖。"))
    return redirect("console:campaigns:detail", campaign_id=draw.campaign_id)


# --- service activities ------------------------------------------------------------------------


@console_view
def activity_list(request: HttpRequest) -> HttpResponse:
    return render(request, "campaigns/pages/console_activities.html", {
        "activities": selectors.activity_list_for_user(user=request.user)[:200],
    })


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def activity_create(request: HttpRequest) -> HttpResponse:
    form = ActivityForm(request.POST or None, unions=selectors.union_choices_for_user(user=request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            activity = services.activity_create(
                actor=request.user, union=d["union"], kind=d["kind"], name=d["name"], starts_on=d["starts_on"],
                ends_on=d["ends_on"], eligibility=d["eligibility"], daily_quota=d["daily_quota"],
                points=d["points"], description=d["description"],
            )
            messages.success(request, _("活动已创建，核对后发布。"))
            return redirect("console:campaigns:activity", activity_id=activity.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "campaigns/pages/console_activity_form.html", {"form": form})


@console_view
def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = selectors.activity_get_for_user(user=request.user, activity_id=activity_id)
    can_change = has_action(request.user, "change", activity.union.path)
    checkup = activity.kind == ActivityKind.CHECKUP
    return render(request, "campaigns/pages/console_activity.html", {
        "activity": activity, "counts": selectors.activity_counts(activity=activity), "can_change": can_change,
        "checkup": checkup, "slots": selectors.slots_for_staff(activity=activity)[:300] if checkup else [],
        "slots_form": SlotsForm(activity=activity) if checkup and can_change else None,
    })


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def slots_add(request: HttpRequest, activity_id: int) -> HttpResponse:
    """体检时段: cut a day at a check point into slots with a capacity each."""
    activity = selectors.activity_get_for_user(user=request.user, activity_id=activity_id, action="change")
    form = SlotsForm(request.POST or None, activity=activity)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            rows = services.slots_add(actor=request.user, activity=activity, point=d["point"], day=d["day"],
                                      start=d["start"], end=d["end"], minutes=d["minutes"], capacity=d["capacity"])
            messages.success(request, _("已添加 %(n)d 个时段。") % {"n": len(rows)})
            return redirect("console:campaigns:activity", activity_id=activity.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "campaigns/pages/console_slots_form.html", {"activity": activity, "form": form})


@console_view
def slot_detail(request: HttpRequest, slot_id: int) -> HttpResponse:
    """One 体检 slot's list, for the check point's staff: who booked, who came; 登记到检."""
    slot = selectors.slot_get_for_user(user=request.user, slot_id=slot_id)
    rows = [{"appointment": a, "name": a.user.full_name or _("职工"), "phone": mask_phone(a.user.phone) if a.user.phone else ""}
            for a in selectors.slot_appointments(slot=slot)]
    return render(request, "campaigns/pages/console_slot.html", {
        "slot": slot, "rows": rows, "can_change": has_action(request.user, "change", slot.activity.union.path),
    })


@console_view
@require_POST
def appointment_attend(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = selectors.appointment_get_for_user(user=request.user, appointment_id=appointment_id)
    run_service(request, lambda: services.appointment_attend(actor=request.user, appointment=appointment),
                success=_("已登记到检。"))
    return redirect("console:campaigns:slot", slot_id=appointment.slot_id)


@console_view
@require_POST
def activity_publish(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = selectors.activity_get_for_user(user=request.user, activity_id=activity_id, action="change")
    run_service(request, lambda: services.activity_publish(actor=request.user, activity=activity),
                success=_("已发布，职工可以在“服务活动”里领券。"))
    return redirect("console:campaigns:activity", activity_id=activity.pk)


@console_view
def redeem(request: HttpRequest) -> HttpResponse:
    """核销: type the code under the QR (when the camera cannot read it) to open the voucher."""
    code = request.GET.get("code", "").strip()
    if code:
        return redirect("console:campaigns:redeem_code", code=code[:32])
    return render(request, "campaigns/pages/console_redeem.html", {})


@console_view
@require_http_methods(["GET", "POST"])
def redeem_code(request: HttpRequest, code: str) -> HttpResponse:
    """The page the voucher's QR opens on the point staff's phone: who, which activity, which
    day, and 确认核销 at one of the activity's points."""
    voucher = selectors.voucher_get_for_staff(user=request.user, code=code)
    points = list(voucher.activity.points.all())
    result = None
    if request.method == "POST":
        point = next((p for p in points if str(p.pk) == request.POST.get("point", "")), None)
        if point is None:
            messages.error(request, _("请选择服务点。"))
        else:
            try:
                result = services.voucher_redeem(actor=request.user, code=voucher.code, point=point)
                request.session["campaigns_point"] = point.pk
                voucher.refresh_from_db()
            except DomainError as exc:
                apply_domain_error(exc, request=request)
    return render(request, "campaigns/pages/console_redeem_code.html", {
        "voucher": voucher, "points": points, "result": result,
        "worker": mask_name(voucher.user.full_name) if voucher.user.full_name else _("职工"),
        "chosen": request.session.get("campaigns_point"),
    })


# --- the culture showcase ------------------------------------------------------------------------


@console_view
def culture(request: HttpRequest) -> HttpResponse:
    """文化展播: works waiting for review, the published works, the coming showcase days and the events."""
    status = request.GET.get("status", CultureWork.Status.PENDING)
    status = status if status in CultureWork.Status.values else CultureWork.Status.PENDING
    return render(request, "campaigns/pages/console_culture.html", {
        "status": status, "statuses": CultureWork.Status.choices,
        "works": selectors.works_for_user(user=request.user, status=status)[:200], "review_form": ReviewForm(),
        "showcase": selectors.showcase_for_user(user=request.user, since=services.local_day())[:100],
        "events": selectors.events_for_user(user=request.user)[:50],
    })


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def work_create(request: HttpRequest) -> HttpResponse:
    """Add a work for a worker or an art troupe (it still goes through review)."""
    form = WorkForm(request.POST or None, unions=selectors.union_choices_for_user(user=request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            culture_services.work_submit(user=request.user, union=d["union"], title=d["title"], kind=d["kind"],
                                         author=d["author"], link=d["link"], description=d["description"])
            messages.success(request, _("作品已添加，审核通过后公开。"))
            return redirect("console:campaigns:culture")
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "campaigns/pages/console_work_form.html", {"form": form, "heading": _("添加文化作品")})


@console_view
@require_POST
def work_review(request: HttpRequest, work_id: int) -> HttpResponse:
    work = selectors.work_get_for_user(user=request.user, work_id=work_id, action="change")
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择审核结果。"))
    else:
        approve = form.cleaned_data["decision"] == "approve"
        run_service(request, lambda: culture_services.work_review(actor=request.user, work=work, approve=approve,
                                                                  note=form.cleaned_data["note"]),
                    success=_("已发布。") if approve else _("已退回或下架。"))
    return redirect(f"{reverse('console:campaigns:culture')}?status={work.status}")


@console_view
@require_http_methods(["GET", "POST"])
def showcase_edit(request: HttpRequest) -> HttpResponse:
    """Which published works the home page shows on a day (replaces that day's list)."""
    unions = selectors.union_choices_for_user(user=request.user)
    works = selectors.works_for_user(user=request.user, status=CultureWork.Status.PUBLISHED)
    form = ShowcaseForm(request.POST or None, unions=unions, works=works[:300] if not request.POST else works,
                        initial={"day": services.local_day()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            culture_services.showcase_set(actor=request.user, union=d["union"], day=d["day"], works=list(d["works"]))
            messages.success(request, _("%(day)s 的展播已安排。") % {"day": d["day"].isoformat()})
            return redirect("console:campaigns:culture")
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "campaigns/pages/console_work_form.html", {"form": form, "heading": _("安排每日展播")})


@console_view
@require_http_methods(["GET", "POST"])
@idempotent_form
def event_create(request: HttpRequest) -> HttpResponse:
    form = EventForm(request.POST or None, unions=selectors.union_choices_for_user(user=request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            culture_services.event_create(actor=request.user, union=d["union"], title=d["title"], starts_at=d["starts_at"],
                                          live_url=d["live_url"], replay_url=d["replay_url"], description=d["description"])
            messages.success(request, _("活动已添加，职工可在“文化展播”观看。"))
            return redirect("console:campaigns:culture")
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "campaigns/pages/console_work_form.html", {"form": form, "heading": _("添加直播活动")})


@console_view
@require_http_methods(["GET", "POST"])
def event_replay(request: HttpRequest, event_id: int) -> HttpResponse:
    event = selectors.event_get_for_user(user=request.user, event_id=event_id, action="change")
    form = ReplayForm(request.POST or None, initial={"replay_url": event.replay_url})
    if request.method == "POST" and form.is_valid():
        try:
            culture_services.event_replay_set(actor=request.user, event=event, replay_url=form.cleaned_data["replay_url"])
            messages.success(request, _("回放链接已保存。"))
            return redirect("console:campaigns:culture")
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "campaigns/pages/console_work_form.html", {"form": form, "heading": event.title})
