"""Errors as RFC 9457 problem details (``application/problem+json``) in the reader's language.

A service's ``ValidationError`` is a 400 with its translated message, a refusal by post a 403, an
object outside the reader's scope a 404 (the same answer as for one that does not exist).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

PROBLEM_CONTENT_TYPE = "application/problem+json"


def _titles() -> dict[int, str]:
    return {
        400: _("The request cannot be carried out"),
        401: _("Sign in first"),
        403: _("Not allowed for your post"),
        404: _("Not found"),
        405: _("Method not allowed"),
        406: _("Not acceptable"),
        415: _("Unsupported media type"),
        429: _("Too many requests"),
        503: _("Busy preparing reports"),
    }


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [
            f"{key}: {message}" if key != "non_field_errors" else message
            for key, value in detail.items()
            for message in _flatten(value)
        ]
    if isinstance(detail, list):
        return [message for item in detail for message in _flatten(item)]
    return [str(detail)]


def problem(status_code: int, detail: str, *, errors=None, headers=None) -> Response:
    body = {
        "type": "about:blank",
        "title": _titles().get(status_code, _("Error")),
        "status": status_code,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    response = Response(body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)
    return response


def problem_details_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        set_rollback()
        messages = exc.messages
        return problem(status.HTTP_400_BAD_REQUEST, " ".join(messages))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a real fault: Django's 500 page and the error log
    set_rollback()
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return problem(exc.status_code, " ".join(_flatten(exc.detail)), errors=errors, headers=headers)
    return problem(exc.status_code, " ".join(_flatten(exc.detail)), headers=headers)
