"""Worker pages of the stations module, under /stations/: the "nearest to me" map and list,
station details, QR check-in, rating and problem reports. Staff pages are in console_views.py."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.core.errors import DomainError
from gonghui.core.idempotency import idempotent_form
from gonghui.core.web import apply_domain_error, domain_errors

from . import selectors, services
from .forms import (
    NearbyForm,
    RatingForm,
    ReportForm,
)
from .models import Facility, Kind

worker_login_required = login_required(login_url="accounts:worker_login")




# --- worker pages --------------------------------------------------------------------------


@domain_errors
def nearby(request: HttpRequest) -> HttpResponse:
    """The "nearest to me" page. Full page, or the result list alone for htmx requests."""
    form = NearbyForm(request.GET or None)
    results: list[selectors.NearbyStation] = []
    searched = False
    error = ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None or lon is None) and data.get("region"):
            centre = next((r for r in selectors.region_centres() if r["code"] == data["region"]), None)
            if centre:
                lat, lon = centre["lat"], centre["lon"]
        if lat is not None and lon is not None:
            try:
                results = selectors.station_list_nearby(
                    lat=lat, lon=lon, kinds=data["kind"], facilities=data["facility"], open_now=data["open_now"]
                )
                searched = True
            except DomainError as exc:
                error = str(exc.message)
    elif form.is_bound:
        error = _("输入有误，请检查后重试。")
    context = {"form": form, "results": results, "searched": searched, "error": error}
    if getattr(request, "htmx", False):
        return render(request, "stations/partials/_results.html", context)
    context.update(
        regions=selectors.region_centres(), kinds=Kind.choices, facilities=Facility.choices,
        tile_url=settings.MAP_TILE_URL,
    )
    return render(request, "stations/pages/nearby.html", context)


@domain_errors
def detail(request: HttpRequest, station_id: int) -> HttpResponse:
    station = selectors.station_get_public(station_id=station_id)
    return render(request, "stations/pages/detail.html", {
        "station": station,
        "is_open": selectors.station_is_open(station=station),
        "directions_url": selectors.directions_url(lat=station.lat, lon=station.lon, name=station.name),
        "photos": selectors.station_photos(station=station),
        "honours": station.honours.all(),
        "recent_visit": selectors.station_my_recent_visit(station=station, user=request.user),
        "rating_form": RatingForm(),
    })


@worker_login_required
@require_http_methods(["GET", "POST"])
@domain_errors
@idempotent_form
def checkin(request: HttpRequest, token: str) -> HttpResponse:
    """Scanning the QR code opens this page; the button counts the visit."""
    station = selectors.station_from_checkin_token(token=token)
    if request.method == "POST":
        visit, counted = services.station_checkin(user=request.user, token=token)
        if counted:
            messages.success(request, _("签到成功，欢迎来到%(name)s！") % {"name": station.name})
        else:
            messages.info(request, _("您一小时内已在本站签到过，无需重复签到。"))
        return redirect("stations:detail", station_id=station.pk)
    return render(request, "stations/pages/checkin.html", {"station": station, "token": token})


@worker_login_required
@require_POST
@domain_errors
@idempotent_form
def rate(request: HttpRequest, station_id: int) -> HttpResponse:
    station = selectors.station_get_public(station_id=station_id)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.station_rate(user=request.user, station=station, stars=form.cleaned_data["stars"], comment=form.cleaned_data["comment"])
            messages.success(request, _("感谢您的评价！"))
        except DomainError as exc:
            apply_domain_error(exc, request=request)
    else:
        messages.error(request, _("请选择 1 到 5 星。"))
    return redirect("stations:detail", station_id=station.pk)


@worker_login_required
@require_http_methods(["GET", "POST"])
@domain_errors
@idempotent_form
def report(request: HttpRequest, station_id: int) -> HttpResponse:
    station = selectors.station_get_public(station_id=station_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report_item = services.station_report_submit(user=request.user, station=station, **form.cleaned_data)
            assert report_item.case is not None
            messages.success(request, _("已收到您的反映，登记为诉求 %(number)s，运营工会将按时限处理，进度可在“我的诉求”查看。") % {
                "number": report_item.case.number,
            })
            return redirect("cases:detail", pk=report_item.case.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "stations/pages/report.html", {"station": station, "form": form})


# --- staff console ---------------------------------------------------------------------------
