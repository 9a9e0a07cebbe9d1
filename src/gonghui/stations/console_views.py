"""Staff pages of the stations module, under /console/stations/: the registry, import and
export, QR check-in codes, visits, services, star rating and honours, problem reports.
Views are thin: selectors read, services write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.console.decorators import console_view, staff_required
from gonghui.core.errors import DomainError, ValidationFailed
from gonghui.core.idempotency import idempotent_form
from gonghui.core.web import apply_domain_error, domain_errors

from . import selectors, services
from .excel import stations_read_xlsx, stations_write_xlsx
from .forms import (
    AssessForm,
    HonourForm,
    ImportForm,
    PhotoForm,
    ResolveForm,
    ServiceRecordForm,
    StarApplyForm,
    StationForm,
)
from .models import Kind, StarApplication, Station, StationReport


@console_view
def station_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:50]
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    review = request.GET.get("review") == "1"
    stations = selectors.station_list_for_user(user=request.user, q=q, kind=kind if kind in Kind.values else "",
                                              status=status if status in Station.Status.values else "", review=review)
    context = {"stations": stations[:200], "total": stations.count(), "q": q, "kind": kind, "status": status,
               "review": review, "kinds": Kind.choices, "statuses": Station.Status.choices}
    template = "stations/partials/_console_rows.html" if getattr(request, "htmx", False) else "stations/pages/console_list.html"
    return render(request, template, context)


def _station_data(form: StationForm) -> services.StationData:
    d = form.cleaned_data
    return services.station_data_validate(
        name=d["name"], kind=d["kind"], address=d["address"], lat=d["lat"], lon=d["lon"],
        facilities=d["facilities"], hours_text=d["hours_text"], phone=d["phone"],
        description=d["description"], region=d["region"],
    )


@staff_required
@require_http_methods(["GET", "POST"])
@domain_errors
@idempotent_form
def station_create(request: HttpRequest) -> HttpResponse:
    unions = selectors.union_choices_for_user(user=request.user)
    form = StationForm(request.POST or None, unions=unions)
    if request.method == "POST" and form.is_valid():
        try:
            station = services.station_create(actor=request.user, union=form.cleaned_data["union"], data=_station_data(form))
            messages.success(request, _("站点已登记：%(code)s") % {"code": station.code})
            return redirect("console:stations:detail", station_id=station.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "stations/pages/console_form.html", {"form": form, "station": None})


@staff_required
@require_http_methods(["GET", "POST"])
@domain_errors
def station_edit(request: HttpRequest, station_id: int) -> HttpResponse:
    station = selectors.station_get_for_user(user=request.user, station_id=station_id, action="change")
    initial = {
        "union": station.union, "name": station.name, "kind": station.kind, "region": station.region,
        "address": station.address, "lat": station.lat, "lon": station.lon, "facilities": station.facility_codes,
        "hours_text": station.hours_text, "phone": station.phone, "description": station.description,
    }
    form = StationForm(request.POST or None, initial=initial, unions=selectors.union_choices_for_user(user=request.user))
    form.fields["union"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.station_update(actor=request.user, station=station, data=_station_data(form))
            status = request.POST.get("status", station.status)
            if status != station.status:
                services.station_set_status(actor=request.user, station=station, status=status)
            messages.success(request, _("已保存。"))
            return redirect("console:stations:detail", station_id=station.pk)
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "stations/pages/console_form.html", {
        "form": form, "station": station, "statuses": Station.Status.choices,
    })


@console_view
def station_detail(request: HttpRequest, station_id: int) -> HttpResponse:
    station = selectors.station_get_for_user(user=request.user, station_id=station_id)
    by_day = selectors.station_visits_by_day(station=station, days=30)
    by_hour = selectors.station_visits_by_hour(station=station, days=30)
    peak_day = max((n for _d, n in by_day), default=0) or 1
    peak_hour = max(by_hour) or 1
    checkin_url = request.build_absolute_uri(
        reverse("stations:checkin", kwargs={"token": selectors.station_checkin_token(station=station)})
    )
    return render(request, "stations/pages/console_detail.html", {
        "station": station,
        "by_day": [(d, n, round(n * 100 / peak_day)) for d, n in by_day],
        "by_hour": [(h, n, round(n * 100 / peak_hour)) for h, n in enumerate(by_hour)],
        "service_totals": selectors.station_service_totals(station=station),
        "services": station.services.all()[:20],
        "photos": selectors.station_photos(station=station),
        "honours": station.honours.all(),
        "applications": station.star_applications.all()[:10],
        "reports": station.reports.all()[:10],
        "checkin_url": checkin_url,
        "service_form": ServiceRecordForm(),
        "photo_form": PhotoForm(),
        "honour_form": HonourForm(initial={"year": timezone.localdate().year}),
        "star_form": StarApplyForm(),
    })


@console_view
def station_qr(request: HttpRequest, station_id: int) -> HttpResponse:
    """The check-in QR code as SVG, for printing at the station."""
    station = selectors.station_get_for_user(user=request.user, station_id=station_id)
    url = request.build_absolute_uri(
        reverse("stations:checkin", kwargs={"token": selectors.station_checkin_token(station=station)})
    )
    return HttpResponse(selectors.station_checkin_qr_svg(url=url), content_type="image/svg+xml")


@console_view
def station_qr_poster(request: HttpRequest, station_id: int) -> HttpResponse:
    """A printable A4 poster: the check-in QR code, the station, and how to check in."""
    station = selectors.station_get_for_user(user=request.user, station_id=station_id)
    return render(request, "stations/pages/console_qr_poster.html", {"station": station})


def _post_action(request: HttpRequest, station_id: int, action: str = "change") -> Station:
    return selectors.station_get_for_user(user=request.user, station_id=station_id, action=action)


def _station_form_post(
    request: HttpRequest,
    station: Station,
    form: Any,
    write: Callable[[dict[str, Any]], object],
    success: str,
    invalid: str | None = None,
) -> HttpResponse:
    """The shape every small console form on a station takes: validate, call one service,
    report the outcome as a page message, and return to the station."""
    if form.is_valid():
        try:
            write(form.cleaned_data)
            messages.success(request, success)
        except DomainError as exc:
            apply_domain_error(exc, request=request)
    else:
        messages.error(request, invalid or _("输入有误，请检查后重试。"))
    return redirect("console:stations:detail", station_id=station.pk)


@staff_required
@require_POST
@domain_errors
def service_add(request: HttpRequest, station_id: int) -> HttpResponse:
    station = _post_action(request, station_id)
    form = ServiceRecordForm(request.POST)
    return _station_form_post(
        request, station, form, lambda data: services.service_record_add(actor=request.user, station=station, **data), _("服务记录已登记。")
    )


@staff_required
@require_POST
@domain_errors
def photo_add(request: HttpRequest, station_id: int) -> HttpResponse:
    station = _post_action(request, station_id)
    form = PhotoForm(request.POST, request.FILES)
    return _station_form_post(
        request, station, form, lambda data: services.station_photo_add(actor=request.user, station=station, image=data["image"], caption=data["caption"]), _("照片已上传。"), _("请上传有效的图片文件。")
    )


@staff_required
@require_POST
@domain_errors
def honour_add(request: HttpRequest, station_id: int) -> HttpResponse:
    station = _post_action(request, station_id, action="view")
    form = HonourForm(request.POST)
    return _station_form_post(
        request, station, form, lambda data: services.station_honour_record(actor=request.user, station=station, **data), _("荣誉已登记。")
    )


@staff_required
@require_POST
@domain_errors
def station_qr_rotate(request: HttpRequest, station_id: int) -> HttpResponse:
    station = _post_action(request, station_id)
    services.station_qr_rotate(actor=request.user, station=station)
    messages.success(request, _("已生成新的签到二维码，旧二维码失效。"))
    return redirect("console:stations:detail", station_id=station.pk)


@staff_required
@require_POST
@domain_errors
def review_clear(request: HttpRequest, station_id: int) -> HttpResponse:
    station = _post_action(request, station_id, action="approve")
    try:
        services.station_review_clear(actor=request.user, station=station, note=request.POST.get("note", ""))
        messages.success(request, _("已解除复核标记。"))
    except DomainError as exc:
        apply_domain_error(exc, request=request)
    return redirect("console:stations:detail", station_id=station.pk)


@console_view
def station_export(request: HttpRequest) -> HttpResponse:
    content = stations_write_xlsx(selectors.station_list_for_export(user=request.user))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="stations-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


@staff_required
@require_http_methods(["GET", "POST"])
@domain_errors
def station_import(request: HttpRequest) -> HttpResponse:
    unions = selectors.union_choices_for_user(user=request.user)
    form = ImportForm(request.POST or None, request.FILES or None, unions=unions)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            upload = form.cleaned_data["file"]
            if upload.size > 10 * 1024 * 1024:
                raise ValidationFailed(_("文件不能超过 10 MB。"), code="file_too_large", field="file")
            rows = stations_read_xlsx(upload)
            result = services.station_import(actor=request.user, union=form.cleaned_data["union"], rows=rows)
            if not result.errors:
                messages.success(request, _("导入完成：新增 %(c)s 个，更新 %(u)s 个。") % {"c": result.created, "u": result.updated})
                return redirect("console:stations:list")
        except DomainError as exc:
            apply_domain_error(exc, form=form)
    return render(request, "stations/pages/console_import.html", {"form": form, "result": result})


@staff_required
@require_POST
@domain_errors
def star_apply(request: HttpRequest, station_id: int) -> HttpResponse:
    station = _post_action(request, station_id)
    form = StarApplyForm(request.POST)
    return _station_form_post(
        request, station, form, lambda data: services.star_application_submit(actor=request.user, station=station, **data), _("星级申报已提交，等待上级工会考评。")
    )


@console_view
def star_application_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    return render(request, "stations/pages/console_star_list.html", {
        "applications": selectors.star_application_list_for_user(
            user=request.user, status=status if status in StarApplication.Status.values else ""
        )[:200],
        "due": selectors.station_list_reassessment_due(user=request.user)[:100],
        "status": status, "statuses": StarApplication.Status.choices,
    })


@staff_required
@require_http_methods(["GET", "POST"])
@domain_errors
def star_assess(request: HttpRequest, application_id: int) -> HttpResponse:
    """The application's status for everyone who may see it; the scoring sheet only for the
    assessors (staff of the union above the operating union), while it is open."""
    application = selectors.star_application_get_for_user(user=request.user, application_id=application_id)
    can_assess = selectors.star_application_can_assess(user=request.user, application=application)
    is_open = application.status in {StarApplication.Status.SUBMITTED, StarApplication.Status.ASSESSING}
    sheet = form = None
    if can_assess and is_open:
        sheet = selectors.assessment_sheet_for(application=application) or services.assessment_sheet_default()
        form = AssessForm(request.POST or None, request.FILES or None, sheet=sheet)
        if request.method == "POST" and form.is_valid():
            try:
                photo = form.cleaned_data.get("photo")
                if photo:
                    services.station_photo_add(actor=request.user, station=application.station, image=photo,
                                               caption=_("考评现场照片"), application=application)
                services.star_application_assess(
                    actor=request.user, application=application, scores=form.scores(), notes=form.notes(),
                    conclusion=form.cleaned_data["conclusion"],
                )
                messages.success(request, _("考评结果已保存。"))
                return redirect("console:stations:star_list")
            except DomainError as exc:
                apply_domain_error(exc, form=form)
    elif request.method == "POST":
        messages.error(request, _("星级考评由上级工会进行。") if is_open else _("该申报已办结，不能再考评。"))
        return redirect("console:stations:star_assess", application_id=application.pk)
    return render(request, "stations/pages/console_star_assess.html", {
        "application": application, "form": form, "sheet": sheet, "can_assess": can_assess, "is_open": is_open,
        "assessor_union": selectors.star_application_assessor_union(application=application),
        "scores": application.scores.select_related("item"), "events": application.events.all(),
    })


@console_view
def report_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    return render(request, "stations/pages/console_reports.html", {
        "reports": selectors.station_report_list_for_user(
            user=request.user, status=status if status in StationReport.Status.values else ""
        )[:200],
        "status": status, "statuses": StationReport.Status.choices, "resolve_form": ResolveForm(),
    })


@staff_required
@require_POST
@domain_errors
def report_resolve(request: HttpRequest, report_id: int) -> HttpResponse:
    item = selectors.station_report_get_for_user(user=request.user, report_id=report_id, action="change")
    form = ResolveForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(_("请填写处理结果。"), code="resolution_required")
        services.station_report_resolve(actor=request.user, report=item, resolution=form.cleaned_data["resolution"])
        messages.success(request, _("已标记为已处理。"))
    except DomainError as exc:
        apply_domain_error(exc, request=request)
    return redirect("console:stations:reports")

