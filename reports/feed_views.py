"""The private calendar feed: the signed-in person's page with their link, and the feed itself."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from branches.viewmixins import SIGNED_IN, ObjectPageView
from core.services import calendar_token_renew
from reports import calendar_feed


class CalendarFeedPageView(ObjectPageView):
    template_name = "reports/calendar_feed.html"
    action = SIGNED_IN

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        token = calendar_feed.token_for(user=self.request.user)
        if token:
            context["feed_url"] = self.request.build_absolute_uri(reverse("reports:calendar_ics", args=[token.token]))
        context["token"] = token
        return context


@login_required
@require_POST
def calendar_feed_renew(request):
    calendar_token_renew(user=request.user)
    messages.success(request, _("A new calendar link was made; the old one no longer works."))
    return redirect("reports:calendar_feed")


@require_GET
def calendar_ics(request, token: str):
    """Public by an unguessable token: no sign-in, 404 for an unknown or revoked token."""
    user = calendar_feed.user_for_token(token)
    if user is None:
        raise Http404
    body = calendar_feed.render_ics(user=user, events=calendar_feed.feed_events(user=user))
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="safetybank.ics"'
    return response
