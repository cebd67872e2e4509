import time

from django.shortcuts import redirect
from django.urls import reverse


class ForcePasswordChangeMiddleware:
    """Send a user whose password is an initial one to the change page, and nowhere else."""

    # The service worker and the web manifest carry nothing of anyone's: a phone may fetch them any time.
    allowed_names = (
        "password_change",
        "password_change_done",
        "logout",
        "set_language",
        "healthz",
        "service_worker",
        "web_manifest",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = {reverse(name) for name in self.allowed_names}
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect("password_change")
        return self.get_response(request)


# Session key set by the sign-in view when a person whose post requires a second factor has none yet.
MUST_ENROL_SESSION_KEY = "second_factor_must_enrol"


class SecondFactorEnrolmentMiddleware(ForcePasswordChangeMiddleware):
    """After a password sign-in that still needs a second factor, only the enrolment page (and the
    password change before it) can be reached.

    The requirement is decided at sign-in (``branches.mfa_views.SignInView``), which marks the
    session; this middleware keeps such a session on the enrolment page until it is done.
    """

    allowed_names = ForcePasswordChangeMiddleware.allowed_names + ("second_factor_enrol",)

    def __call__(self, request):
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and user.is_authenticated and session is not None and session.get(MUST_ENROL_SESSION_KEY):
            allowed = {reverse(name) for name in self.allowed_names}
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect("second_factor_enrol")
        return self.get_response(request)


class UserLanguageMiddleware:
    """Keep the interface language and the person's preferred language in step.

    A signed-in person without a language cookie gets their preferred language; a person who
    switches language in the menu has it remembered as their preference, so e-mails and PDFs
    built in the background speak it too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated and hasattr(user, "language")
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if signed_in and not cookie:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        elif signed_in and cookie and cookie != user.language and cookie in dict(settings.LANGUAGES):
            from safetybank.audit import set_reason

            user.language = cookie
            set_reason(user, "user.language")  # saved row by row: the user's row is audited
            user.save(update_fields=["language"])
        response = self.get_response(request)
        if signed_in and not cookie and "Content-Language" in response:
            response["Content-Language"] = user.language
        return response


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every HTML page and Permissions-Policy on every response.

    The policy allows no inline script (htmx is configured by a meta tag, page behaviour lives in
    ``static/js/``); a view that sets its own policy (attachments are sandboxed) keeps it.
    Both policies come from settings: ``CONTENT_SECURITY_POLICY`` and ``PERMISSIONS_POLICY``.
    """

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.csp = "; ".join(f"{name} {value}".strip() for name, value in settings.CONTENT_SECURITY_POLICY.items())
        self.permissions = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Permissions-Policy", self.permissions)
        return response


class PrivateCacheMiddleware:
    """Nothing a signed-in person is shown is kept by a browser or proxy: pages, PDFs and exports are
    ``Cache-Control: private, no-store`` (a shared counter PC's back button or cache shows no one's records).

    "Signed in" is read from the session cookie, not ``request.user``: deciding a header must not need
    the database (it may be the very thing that is down while an error page goes out).
    """

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.cookie = settings.SESSION_COOKIE_NAME

    def __call__(self, request):
        from django.utils.cache import add_never_cache_headers

        response = self.get_response(request)
        if self.cookie in request.COOKIES:
            add_never_cache_headers(response)
        return response


class HealthProbeMiddleware:
    """Answer the health probe (``GET``/``HEAD /healthz``) before the TLS redirect and the host check.

    A container healthcheck or load balancer asks ``http://127.0.0.1:8000/healthz``: plain HTTP, an IP
    for a host. Through the full stack that is a 301 to https (``SECURE_SSL_REDIRECT``) or a 400 (the
    host is not in ``ALLOWED_HOSTS``), so a healthy server would never be reported healthy. Placed before
    ``SecurityMiddleware`` and ``CommonMiddleware``, this answers that one path itself and passes
    everything else (every other path, every other method) through untouched. The answer names only
    "ok" or the failing part; it carries no data and reads no session.
    """

    path = "/healthz"
    methods = ("GET", "HEAD")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == self.path and request.method in self.methods:
            from safetybank.health import healthz

            return healthz(request)
        return self.get_response(request)


class SessionRenewMiddleware:
    """Idle sessions end after ``SESSION_IDLE_MINUTES`` without writing the session table on every
    request (``SESSION_SAVE_EVERY_REQUEST`` is off): a signed-in session is saved again, which moves
    its expiry, only when something in it changed or its last renewal is ``SESSION_RENEW_MINUTES``
    old. So a session ends between IDLE − RENEW and IDLE minutes after its last request, and a
    person reading page after page writes the table at most once every RENEW minutes.

    Sits right after ``SessionMiddleware``, so its response half runs before the session is saved.
    """

    KEY = "_renewed"

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.every = settings.SESSION_RENEW_MINUTES * 60

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed or session.is_empty():
            return response  # not read (static files, the health probe) or nobody signed in
        now = int(time.time())
        if session.modified or now - session.get(self.KEY, 0) >= self.every:
            session[self.KEY] = now  # saved anyway, or due: the expiry moves
        return response


def session_renewed_at_login(sender, request, user, **kwargs):
    """A new sign-in's session is written anyway: it counts as renewed now, however it was made
    (``SessionRenewMiddleware`` would otherwise write it again on the next request when the sign-in
    did not pass through it, as ``Client.force_login`` does). Connected in ``SafetybankConfig.ready``."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SessionRenewMiddleware.KEY] = int(time.time())
