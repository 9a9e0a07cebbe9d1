"""Staff pages of the campaigns module, under /console/campaigns/: configure and publish a
campaign, monitor it (board, prize stock, draws), run a due draw, list winners."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.console.decorators import console_view
from gonghui.core.errors import DomainError
from gonghui.core.idempotency import idempotent_form
from gonghui.core.jurisdiction import has_action
from gonghui.core.pii import mask_name
from gonghui.core.web import apply_domain_error, run_service

from . import selectors, services
from .forms import ActivityForm, CampaignForm


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
        "partner_key": campaign.partner_key if has_action(request.user, "change", campaign.union.path) else "",
    })


@console_view
@require_POST
def campaign_publish(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get_for_user(user=request.user, campaign_id=campaign_id, action="change")
    run_service(request, lambda: services.campaign_publish(actor=request.user, campaign=campaign),
                success=_("已发布，每晚开奖的种子承诺已公示。"))
    return redirect("console:campaigns:detail", campaign_id=campaign.pk)


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
    return render(request, "campaigns/pages/console_activity.html", {
        "activity": activity, "counts": selectors.activity_counts(activity=activity),
        "can_change": has_action(request.user, "change", activity.union.path),
    })


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
