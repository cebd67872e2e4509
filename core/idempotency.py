"""Writes a phone sends again from its offline queue (static/js/offline-check.js): each carries the
``client_id`` (a UUID) the phone gave it when the officer acted, so a retry whose first answer was
lost is done once. Such a replay is answered for a script, not a person: 200 once done (or done
before), 409 with the server's reasons (in the reader's language) when it is refused, so the phone
shows them and keeps what was entered, never dropping it silently."""

from __future__ import annotations

import uuid
from functools import wraps

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.utils.translation import gettext as _

from core.models import ClientRequest
from core.services import DuplicateClientRequest, client_request_record


def is_replay(request) -> bool:
    """Sent from the phone's offline queue (not a person's tap on the page)."""
    return bool(request.POST.get("client_id"))


def conflict_response(error: ValidationError | str, status: int = 409) -> JsonResponse:
    """The refusal of a replayed write: the reasons, for the phone to show beside what it kept."""
    messages = error.messages if isinstance(error, ValidationError) else [error]
    return JsonResponse({"status": "conflict", "messages": messages}, status=status)


def _done(duplicate: bool) -> JsonResponse:
    return JsonResponse({"status": "duplicate" if duplicate else "done"})


def idempotent(view):
    """A POST with a ``client_id`` runs the view at most once per id: a repeated id answers "done
    before" without running it, and the id is recorded in the view's transaction only when the view
    succeeded (a refused write may be sent again after the officer has put it right)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        raw = request.POST.get("client_id", "")
        if not raw or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        try:
            client_id = uuid.UUID(raw)
        except ValueError:
            return conflict_response(_("This phone sent a request the server cannot read."), status=400)
        if ClientRequest.objects.filter(client_id=client_id).exists():
            return _done(duplicate=True)
        try:
            with transaction.atomic():
                response = view(request, *args, **kwargs)
                if response.status_code >= 400:
                    return response
                client_request_record(client_id=client_id, by=request.user, path=request.path)
        except DuplicateClientRequest:
            return _done(duplicate=True)
        return _done(duplicate=False)

    return wrapper
