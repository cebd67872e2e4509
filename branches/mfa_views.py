"""Two-factor sign-in (issue 20): the code step of signing in, enrolment, recovery codes, reset.

The requirement is enforced where a session is made, at sign-in: after the password, a person with
an authenticator app is not signed in until the code is right (wrong codes count toward the
django-axes lockout like wrong passwords); a person whose post requires a second factor and has none
is signed in to a session that reaches only the enrolment page (``SecondFactorEnrolmentMiddleware``),
after the forced password change. Sessions made another way (``Client.force_login`` in tests) are
not stopped: no page of the site makes one without the code.
"""

from __future__ import annotations

import base64
import time

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, user_login_failed
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView
from django.views.generic.detail import SingleObjectMixin
from django_otp import login as otp_login
from django_otp import match_token

from branches import rules, selectors, services
from branches.forms import SecondFactorCodeForm
from branches.models import User
from branches.viewmixins import ScopedMixin
from safetybank.middleware import MUST_ENROL_SESSION_KEY

PENDING_SESSION_KEY = "second_factor_pending"


class SignInView(auth_views.LoginView):
    """The password step; the code step follows for anyone with an authenticator app."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if selectors.second_factor_enrolled(user):
            self.request.session[PENDING_SESSION_KEY] = {
                "user": user.pk,
                "backend": user.backend,
                "at": time.time(),
                "next": self.get_success_url(),
            }
            return redirect("second_factor_verify")
        response = super().form_valid(form)
        if rules.requires_second_factor(user):
            self.request.session[MUST_ENROL_SESSION_KEY] = True
        return response


def _pending_user(request):
    pending = request.session.get(PENDING_SESSION_KEY)
    if not pending or time.time() - pending["at"] > settings.SECOND_FACTOR_PENDING_MINUTES * 60:
        return None, None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending


class SecondFactorVerifyView(FormView):
    """The code step of signing in: a code from the app, or a recovery code (used up)."""

    form_class = SecondFactorCodeForm
    template_name = "registration/second_factor_verify.html"

    def dispatch(self, request, *args, **kwargs):
        self.user, self.pending = _pending_user(request)
        if self.user is None:
            request.session.pop(PENDING_SESSION_KEY, None)
            messages.info(request, _("Sign in with your password first."))
            return redirect("login")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        request = self.request
        credentials = {"username": self.user.username}
        if not AxesProxyHandler.is_allowed(request, credentials):
            request.session.pop(PENDING_SESSION_KEY, None)
            return get_lockout_response(request, None, credentials)
        device = match_token(self.user, form.cleaned_data["code"])
        if device is None:
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if not AxesProxyHandler.is_allowed(request, credentials):
                request.session.pop(PENDING_SESSION_KEY, None)
                return get_lockout_response(request, None, credentials)
            form.add_error("code", _("That code is not right. Enter the 6 digits the app shows now."))
            return self.form_invalid(form)
        request.session.pop(PENDING_SESSION_KEY, None)
        login(request, self.user, backend=self.pending["backend"])
        otp_login(request, device)
        target = self.pending.get("next") or ""
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse(settings.LOGIN_REDIRECT_URL)
        return redirect(target)


def _qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


def _codes_page(request, codes: list[str]):
    return render(request, "registration/second_factor_codes.html", {"codes": codes})


class SecondFactorEnrolView(LoginRequiredMixin, FormView):
    """Set up an authenticator app: scan the code (or type the key), confirm with a code it shows."""

    form_class = SecondFactorCodeForm
    template_name = "registration/second_factor_enrol.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.device = services.second_factor_enrol_start(user=request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        secret = base64.b32encode(self.device.bin_key).decode().rstrip("=")
        return {
            **super().get_context_data(**kwargs),
            "secret": secret,
            "secret_groups": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            # The SVG is paths drawn by qrcode from our own URL: no text of anyone's goes into it.
            "qr_svg": mark_safe(_qr_svg(self.device.config_url)),  # noqa: S308
            "required": rules.requires_second_factor(self.request.user),
        }

    def form_valid(self, form):
        try:
            codes = services.second_factor_enrol_confirm(
                user=self.request.user, device=self.device, token=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            form.add_error("code", exc.messages[0])
            return self.form_invalid(form)
        otp_login(self.request, self.device)
        self.request.session.pop(MUST_ENROL_SESSION_KEY, None)
        messages.success(self.request, _("Two-factor sign-in is set up."))
        return _codes_page(self.request, codes)


class SecondFactorView(LoginRequiredMixin, TemplateView):
    """A person's own two-factor sign-in: state, new recovery codes, turning it off if optional."""

    template_name = "registration/second_factor.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "enrolled": selectors.second_factor_enrolled(user),
            "codes_left": selectors.second_factor_recovery_codes_left(user),
            "required": rules.requires_second_factor(user),
        }

    def post(self, request, *args, **kwargs):
        try:
            if request.POST.get("do") == "off":
                services.second_factor_turn_off(user=request.user)
                messages.success(request, _("Two-factor sign-in is turned off."))
                return redirect("second_factor")
            codes = services.second_factor_recovery_codes_renew(user=request.user)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("second_factor")
        return _codes_page(request, codes)


class SecondFactorResetView(ScopedMixin, SingleObjectMixin, TemplateView):
    """An administrator removes a person's second factor (a lost phone)."""

    model = User
    action = "staff.reset_second_factor"
    template_name = "registration/second_factor_reset.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "staff": self.object,
            "enrolled": selectors.second_factor_enrolled(self.object),
        }

    def post(self, request, *args, **kwargs):
        try:
            services.second_factor_reset(staff=self.object, by=request.user)
        except ValidationError as exc:
            return self.render_to_response(self.get_context_data(errors=exc.messages))
        messages.success(
            request,
            _("The second factor of %(name)s is reset; their sessions have ended.") % {"name": self.object},
        )
        return redirect(self.object.get_absolute_url())
