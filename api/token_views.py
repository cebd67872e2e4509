"""The page where a person manages their own API tokens: make one (its key shown once), revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api import selectors, services
from api.forms import TokenForm

NEW_KEY = "api_new_token_key"


@login_required
def token_list(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, key = services.token_create(
                owner=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Post/redirect/get, so reloading never makes a second token; the key waits in the session
            # for the one page that shows it and is gone from there at once.
            request.session[NEW_KEY] = key
            return redirect("api:token_list")
    new_key = request.session.pop(NEW_KEY, None) if request.method == "GET" else None
    response = render(
        request,
        "api/token_list.html",
        {"form": form, "tokens": selectors.tokens_of(user=request.user), "new_key": new_key},
    )
    response["Cache-Control"] = "no-store"  # the key is on this page once; no cache keeps it
    return response


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(selectors.tokens_of(user=request.user), pk=pk)
    services.token_revoke(token=token, by=request.user)
    messages.success(request, _("Token “%(name)s” revoked: it no longer works.") % {"name": token.name})
    return redirect("api:token_list")
