"""Sign-in pages: workers by phone + SMS code, staff by password (+ TOTP)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from gonghui.core.errors import DomainError
from gonghui.core.net import client_ip
from gonghui.core.qr import qr_svg as make_qr_svg
from gonghui.core.web import apply_domain_error

from . import selectors, services
from .forms import PhoneForm, SmsCodeForm, StaffLoginForm, TotpForm
from .middleware import totp_is_verified, totp_mark_verified

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def safe_next(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default)


def _with_next(viewname: str, next_url: str) -> str:
    return f"{resolve_url(viewname)}?{urlencode({'next': next_url})}"


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """Redirect; htmx requests get HX-Redirect so the whole page moves, not a fragment."""
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


# --- workers ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def worker_login(request: HttpRequest) -> HttpResponse:
    """Step 1: phone → send code. Step 2: code → signed in. One view, page or htmx partial."""
    next_url = safe_next(request, "web:home")
    context: dict[str, Any] = {"next": next_url, "step": "phone", "form": PhoneForm()}
    if request.method == "POST":
        step = request.POST.get("step", "phone")
        if step == "code":
            code_form = SmsCodeForm(request.POST)
            context.update(step="code", form=code_form, phone=request.POST.get("phone", ""))
            if code_form.is_valid():
                try:
                    user = services.sms_code_verify(
                        phone=code_form.cleaned_data["phone"], code=code_form.cleaned_data["code"]
                    )
                except DomainError as exc:
                    if exc.field == "phone":  # the hidden phone was tampered with: start over
                        context.update(step="phone", form=PhoneForm(request.POST))
                    apply_domain_error(exc, form=context["form"])
                else:
                    login(request, user, backend=MODEL_BACKEND)
                    return _go(request, next_url)
        else:
            phone_form = PhoneForm(request.POST)
            context["form"] = phone_form
            if phone_form.is_valid():
                phone = phone_form.cleaned_data["phone"]
                normalized = "".join(ch for ch in phone if ch.isdigit())[-11:]
                try:
                    sent = services.sms_code_send(phone=phone, ip=client_ip(request))
                except DomainError as exc:
                    if request.POST.get("resend") and exc.code in ("sms_too_frequent", "sms_unavailable"):
                        # "重新获取" pressed too early (no JavaScript to hold it), or the SMS
                        # gateway is away: stay on the code step, the code already sent still
                        # works; say why (and how long is left).
                        context.update(
                            step="code", phone=normalized, form=SmsCodeForm(initial={"phone": normalized}),
                            resend_error=exc.message, resend_after=exc.params.get("retry_after", 0),
                        )
                    else:
                        apply_domain_error(exc, form=phone_form)
                else:
                    context.update(
                        step="code", phone=normalized, sent=sent, resend_after=sent.resend_after,
                        form=SmsCodeForm(initial={"phone": normalized}),
                        demo_code=sent.code if settings.DEMO_MODE else "",
                    )
    template = "accounts/partials/_worker_login_step.html" if getattr(request, "htmx", False) else "accounts/pages/worker_login.html"
    return render(request, template, context)


# --- staff ----------------------------------------------------------------------------------


def _after_staff_login(request: HttpRequest, next_url: str) -> HttpResponse:
    user = request.user
    if selectors.user_needs_totp(user) and not totp_is_verified(request):
        target = "accounts:totp_verify" if user.totp_confirmed else "accounts:totp_setup"  # type: ignore[union-attr]
        return redirect(_with_next(target, next_url))
    return redirect(next_url)


@require_http_methods(["GET", "POST"])
def staff_login(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, "console:home")
    form = StaffLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.staff_authenticate(
                username=form.cleaned_data["username"], password=form.cleaned_data["password"],
                ip=client_ip(request), request=request,
            )
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            login(request, user, backend=MODEL_BACKEND)
            return _after_staff_login(request, next_url)
    return render(request, "accounts/pages/staff_login.html", {"form": form, "next": next_url})


def _staff_login_required(view: Any) -> Any:
    return login_required(view, login_url="accounts:staff_login")


@_staff_login_required
@require_http_methods(["GET", "POST"])
def totp_setup(request: HttpRequest) -> HttpResponse:
    """Bind an authenticator app: scan the QR (or type the secret), confirm with one code."""
    next_url = safe_next(request, "console:home")
    user: Any = request.user
    if user.totp_confirmed:
        return redirect(_with_next("accounts:totp_verify", next_url))
    secret = services.totp_secret_ensure(user=user)
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_confirm(user=user, code=form.cleaned_data["code"])
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            totp_mark_verified(request)
            return redirect(next_url)
    uri = services.totp_provisioning_uri(user=user)
    qr_svg = make_qr_svg(uri, scale=4)
    grouped = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    return render(request, "accounts/pages/totp_setup.html", {
        "form": form, "qr_svg": qr_svg, "secret": grouped, "next": next_url,
    })


@_staff_login_required
@require_http_methods(["GET", "POST"])
def totp_verify(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, "console:home")
    user: Any = request.user
    if not user.totp_confirmed:
        return redirect(_with_next("accounts:totp_setup", next_url))
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_verify(user=user, code=form.cleaned_data["code"])
        except DomainError as exc:
            apply_domain_error(exc, form=form)
        else:
            totp_mark_verified(request)
            return redirect(next_url)
    return render(request, "accounts/pages/totp_verify.html", {"form": form, "next": next_url})
