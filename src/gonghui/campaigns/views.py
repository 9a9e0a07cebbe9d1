"""Worker pages of the campaigns module, under /campaigns/: the campaign with its live
board, today's tasks and the card book; the step entry, the timer page, combining; the
public draw record; the worker's prizes and claiming them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.core.errors import DomainError, NotFound
from gonghui.core.qr import qr_svg
from gonghui.core.web import apply_domain_error, domain_errors

from . import culture as culture_services
from . import selectors, services
from .forms import WorkForm
from .models import ActivityKind, Appointment, Task, Winner, WorkKind

worker_login_required = login_required(login_url="accounts:worker_login")


def _card_message(request: HttpRequest, result: services.TaskResult) -> None:
    if not result.counted:
        messages.info(request, _("今天的这项任务已经记过了，每项任务每天只计一次。"))
    elif result.card is not None and result.card.kind is not None:
        messages.success(request, _("任务完成！获得一张“%(card)s”。") % {"card": result.card.kind.name})
    else:
        messages.success(request, _("任务完成！今日得卡已达上限。"))


@domain_errors
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "campaigns/pages/index.html", {"campaigns": selectors.campaign_list_published()[:20]})


@domain_errors
def detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get_published(campaign_id=campaign_id)
    book = selectors.card_book(campaign=campaign, user=request.user) if request.user.is_authenticated else None
    return render(request, "campaigns/pages/detail.html", {
        "campaign": campaign, "book": book, "board": selectors.campaign_board(campaign=campaign),
        "tasks": selectors.tasks_today(campaign=campaign, done=book.today_done if book else set()),
        "draws": selectors.draw_list(campaign=campaign),
    })


@worker_login_required
@require_POST
@domain_errors
def steps(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get_published(campaign_id=campaign_id)
    try:
        value = int(request.POST.get("steps", "").strip())
        _card_message(request, services.steps_self_report(campaign=campaign, user=request.user, steps=value))
    except ValueError:
        messages.error(request, _("请输入步数（整数）。"))
    except DomainError as exc:
        apply_domain_error(exc, request=request)
    return redirect("campaigns:detail", campaign_id=campaign.pk)


@worker_login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def timer(request: HttpRequest, campaign_id: int, task: str) -> HttpResponse:
    """The in-app timer for rope skips and the plank. GET issues a signed start ticket; the
    POST sends the result with it, and the server checks it against the time that passed."""
    campaign = selectors.campaign_get_published(campaign_id=campaign_id)
    if task not in (Task.ROPE, Task.PLANK):
        raise NotFound()
    if request.method == "POST":
        try:
            value = int(request.POST.get("value", "").strip())
            result = services.timer_finish(campaign=campaign, user=request.user, ticket=request.POST.get("ticket", ""), value=value)
            _card_message(request, result)
            return redirect("campaigns:detail", campaign_id=campaign.pk)
        except ValueError:
            messages.error(request, _("成绩应为整数。"))
        except DomainError as exc:
            apply_domain_error(exc, request=request)
    ticket = services.timer_start(campaign=campaign, user=request.user, task=task)
    return render(request, "campaigns/pages/timer.html", {
        "campaign": campaign, "task": task, "task_label": Task(task).label, "goal": campaign.goal_for(task),
        "ticket": ticket,
    })


@worker_login_required
@require_POST
@domain_errors
def combine(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get_published(campaign_id=campaign_id)
    try:
        services.ultimate_combine(campaign=campaign, user=request.user)
        messages.success(request, _("合成成功！获得一张五福合成卡，今晚起参加开奖。"))
    except DomainError as exc:
        apply_domain_error(exc, request=request)
    return redirect("campaigns:detail", campaign_id=campaign.pk)


@domain_errors
def draw(request: HttpRequest, draw_id: int) -> HttpResponse:
    draw_obj = selectors.draw_get_public(draw_id=draw_id)
    document = selectors.draw_document(draw=draw_obj)
    mine = ""
    if request.user.is_authenticated:
        mine = services.entrant_token(campaign_id=draw_obj.campaign_id, user_id=request.user.pk)
    return render(request, "campaigns/pages/draw.html", {
        "draw": draw_obj, "doc": document, "checks": selectors.draw_verify(draw=draw_obj), "mine": mine,
        "won": mine in document.get("winners", []),
    })


@domain_errors
def draw_entrants(request: HttpRequest, draw_id: int) -> StreamingHttpResponse:
    """The frozen entrant list of a drawn night, exactly as hashed (public, like the record)."""
    draw_obj = selectors.draw_get_public(draw_id=draw_id)
    if draw_obj.status != draw_obj.Status.DRAWN:
        raise NotFound()
    if draw_obj.entrants_file:
        response: StreamingHttpResponse = FileResponse(draw_obj.entrants_file.open("rb"), content_type="text/plain; charset=utf-8")
    else:
        response = StreamingHttpResponse([draw_obj.entrants.encode()], content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="draw-{draw_obj.pk}-entrants.txt"'
    return response


@worker_login_required
@domain_errors
def prizes(request: HttpRequest) -> HttpResponse:
    return render(request, "campaigns/pages/prizes.html", {
        "winners": selectors.winners_of_user(user=request.user)[:100], "methods": Winner.Method.choices,
    })


@worker_login_required
@require_POST
@domain_errors
def claim(request: HttpRequest, winner_id: int) -> HttpResponse:
    winner = selectors.winner_get_own(user=request.user, winner_id=winner_id)
    try:
        services.winner_claim(winner=winner, user=request.user, method=request.POST.get("method", ""),
                              address=request.POST.get("address", "")[:200])
        messages.success(request, _("已登记领取，工会将尽快安排。"))
    except DomainError as exc:
        apply_domain_error(exc, request=request)
    return redirect("campaigns:prizes")


# --- service activities ------------------------------------------------------------------------


@domain_errors
def activities(request: HttpRequest) -> HttpResponse:
    return render(request, "campaigns/pages/activities.html", {"activities": selectors.activity_list_published()[:50]})


def _by_local_day(slots: list[Any]) -> list[tuple[Any, list[Any]]]:
    """Slots grouped by their Beijing day, in order."""
    days: dict[Any, list[Any]] = {}
    for s in slots:
        days.setdefault(services.local_day(s.starts_at), []).append(s)
    return list(days.items())


@domain_errors
def activity(request: HttpRequest, activity_id: int) -> HttpResponse:
    obj = selectors.activity_get_published(activity_id=activity_id)
    vouchers: list[dict[str, Any]] = []
    if request.user.is_authenticated:
        for v in selectors.vouchers_of_user(activity=obj, user=request.user):
            url = request.build_absolute_uri(reverse("console:campaigns:redeem_code", kwargs={"code": v.code}))
            vouchers.append({"voucher": v, "qr": "" if v.redeemed else qr_svg(url, scale=5, title=str(_("服务券二维码")))})
    checkup = obj.kind == ActivityKind.CHECKUP
    appointments = list(selectors.appointments_of_user(activity=obj, user=request.user)[:20]) if checkup else []
    return render(request, "campaigns/pages/activity.html", {
        "checkup": checkup, "appointments": appointments,
        "live": next((a for a in appointments if a.status == Appointment.Status.BOOKED), None),
        "slot_days": _by_local_day(list(selectors.slots_open(activity=obj)[:200])) if checkup else [],
        "activity": obj, "vouchers": vouchers, "points": obj.points.select_related("station"),
        "can_take": not any(not v["voucher"].redeemed for v in vouchers) and len(vouchers) < obj.daily_quota,
        "quota_used": len(vouchers) >= obj.daily_quota and all(v["voucher"].redeemed for v in vouchers),
    })


@worker_login_required
@require_POST
@domain_errors
def voucher_take(request: HttpRequest, activity_id: int) -> HttpResponse:
    obj = selectors.activity_get_published(activity_id=activity_id)
    try:
        services.voucher_take(activity=obj, user=request.user)
        messages.success(request, _("已领取今天的服务券，到服务点出示二维码使用。"))
    except DomainError as exc:
        apply_domain_error(exc, request=request)
    return redirect("campaigns:activity", activity_id=obj.pk)


@worker_login_required
@require_POST
@domain_errors
def appointment_book(request: HttpRequest, activity_id: int) -> HttpResponse:
    obj = selectors.activity_get_published(activity_id=activity_id)
    slot = selectors.slot_of_activity(activity=obj, slot_id=request.POST.get("slot", ""))
    if slot is None:
        messages.error(request, _("请选择一个时段。"))
    else:
        try:
            services.appointment_book(slot=slot, user=request.user)
            messages.success(request, _("预约成功。体检前一天会提醒您；不能来请提前取消。"))
        except DomainError as exc:
            apply_domain_error(exc, request=request)
    return redirect("campaigns:activity", activity_id=obj.pk)


@worker_login_required
@require_POST
@domain_errors
def appointment_cancel(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = selectors.appointment_get_of_user(user=request.user, appointment_id=appointment_id)
    try:
        services.appointment_cancel(appointment=appointment, user=request.user)
        messages.success(request, _("已取消预约，名额已释放。"))
    except DomainError as exc:
        apply_domain_error(exc, request=request)
    return redirect("campaigns:activity", activity_id=appointment.activity_id)


# --- the culture showcase ------------------------------------------------------------------------


def _once_per_session(request: HttpRequest, key: str) -> bool:
    """True the first time this session opens `key` (a view counts once per visit)."""
    seen = request.session.get("campaigns_seen", [])
    if key in seen:
        return False
    request.session["campaigns_seen"] = (seen + [key])[-200:]
    return True


@domain_errors
def culture(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    kind = kind if kind in WorkKind.values else ""
    return render(request, "campaigns/pages/culture.html", {
        "today": selectors.showcase_today(limit=6), "events": selectors.events_public()[:5],
        "works": selectors.works_published(kind=kind)[:60], "kind": kind, "kinds": WorkKind.choices,
        "mine": list(selectors.works_of_user(user=request.user)[:20]) if request.user.is_authenticated else [],
    })


@domain_errors
def work(request: HttpRequest, work_id: int) -> HttpResponse:
    obj = selectors.work_get_published(work_id=work_id)
    if _once_per_session(request, f"w{obj.pk}"):
        culture_services.work_view(work=obj)
        obj.views += 1
    return render(request, "campaigns/pages/work.html", {
        "work": obj, "liked": selectors.work_liked(work=obj, user=request.user),
    })


@worker_login_required
@require_POST
@domain_errors
def work_like(request: HttpRequest, work_id: int) -> HttpResponse:
    obj = selectors.work_get_published(work_id=work_id)
    if culture_services.work_like(work=obj, user=request.user):
        messages.success(request, _("已点赞。"))
    return redirect("campaigns:work", work_id=obj.pk)


@worker_login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def work_submit(request: HttpRequest) -> HttpResponse:
    form = WorkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            culture_services.work_submit(user=request.user, title=d["title"], kind=d["kind"], author=d["author"],
                                         link=d["link"], description=d["description"])
            messages.success(request, _("投稿成功，工会审核通过后公开展示。"))
            return redirect("campaigns:culture")
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "campaigns/pages/work_form.html", {"form": form})


@domain_errors
def culture_event(request: HttpRequest, event_id: int) -> HttpResponse:
    event = selectors.event_get_public(event_id=event_id)
    if _once_per_session(request, f"e{event.pk}"):
        culture_services.event_view(event=event)
        event.views += 1
    return render(request, "campaigns/pages/culture_event.html", {"event": event})
