from django.shortcuts import redirect
from django.urls import reverse


class ForcePasswordChangeMiddleware:
    """Send a user whose password is an initial one to the change page, and nowhere else."""

    allowed_names = ("password_change", "password_change_done", "logout", "set_language", "healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = {reverse(name) for name in self.allowed_names}
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect("password_change")
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
