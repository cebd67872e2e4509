"""Pages of the shared mechanisms: home ("my tasks"), notifications, the business calendar,
attachment downloads and background documents. Thin: scope, permission, one service call."""

from __future__ import annotations

import datetime
import logging
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from branches.permissions import require
from branches.viewmixins import SIGNED_IN, ObjectDetailView, ObjectListView, ObjectPageView
from core import selectors, services
from core.documents import document_kind
from core.filters import NotificationFilter
from core.forms import CalendarDayForm, TaskFilterForm
from core.models import CalendarDay, Notification
from core.tables import NotificationTable
from core.tasks_registry import work_queue
from safetybank.htmx import render_partial
from safetybank.params import year_param

logger = logging.getLogger(__name__)


def client_ip(request) -> str | None:
    """The address recorded with signatures and audit rows (the same source as the audit trail)."""
    return request.META.get("REMOTE_ADDR") or None


# --------------------------------------------------------------------------- home and notifications


TASKS_PER_PAGE = 25


class HomeView(ObjectPageView):
    """Each person's start page: their work queue (grouped by kind, overdue first, what needs a
    decision today on top, filtered by kind and premises, paged: nothing is left out) and their
    unread notifications."""

    action = SIGNED_IN
    template_name = "core/home.html"

    def get_extra_context(self):
        request, user = self.request, self.request.user
        kind = request.GET.get("kind", "").strip()[:60]
        premises_id = None
        if request.GET.get("premises"):
            try:
                premises_id = int(request.GET["premises"])
            except ValueError:
                messages.error(request, _("Choose premises from the list."))
        queue = work_queue(user, kind=kind, premises_id=premises_id)
        premises_filter = TaskFilterForm(
            user=user, premises_ids=[pk for pk, _name in queue.premises], initial={"premises": premises_id}
        )
        page = Paginator(queue.items, TASKS_PER_PAGE).get_page(request.GET.get("page"))
        filters = request.GET.copy()
        filters.pop("page", None)
        return {
            "queue": queue,
            "premises_filter": premises_filter,
            "page_obj": page,
            "tasks": page.object_list,
            "kind": kind,
            "premises_id": premises_id,
            "filters": filters.urlencode(),
            "filtered": bool(kind or premises_id),
            "unread": selectors.notifications_of(user).filter(read_at__isnull=True)[:5],
            "unread_count": selectors.unread_count(user),
        }


class NotificationListView(ObjectListView):
    """One's own notifications, newest first (no post needed: they are addressed to the person)."""

    selector = selectors.notifications_of
    action = SIGNED_IN
    table_class = NotificationTable
    filterset_class = NotificationFilter

    def get_extra_context(self):
        return {"unread_count": selectors.unread_count(self.request.user)}


@login_required
@require_GET
def notification_bell(request):
    """The bell alone, for HTMX to refresh the unread count."""
    return render(request, "core/partials/_bell.html", {"unread_count": selectors.unread_count(request.user)})


@login_required
@require_POST
def notification_open(request, pk: int):
    """Mark one of one's own notifications read and go to what it is about."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    services.notification_mark_read(notification=notification)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return redirect("notifications")


@login_required
@require_POST
def notifications_read_all(request):
    services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications")


# --------------------------------------------------------------------------- business calendar


class CalendarView(ObjectPageView):
    """The holidays and make-up working days of one year; head office adds days here (POST)."""

    action = "calendar.view"
    template_name = "core/calendarday_list.html"

    def post(self, request, *args, **kwargs):
        require(request, "calendar.manage")
        form = CalendarDayForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        day = services.calendar_day_save(**form.cleaned_data)
        messages.success(request, _("%(date)s is now in the calendar.") % {"date": day.date.isoformat()})
        return redirect(f"{reverse('business_calendar')}?year={day.date.year}")

    def get_extra_context(self):
        year = year_param(self.request)
        may_manage = self.can("calendar.manage")
        form = CalendarDayForm(initial={"date": datetime.date(year, 1, 1)}) if may_manage else None
        return {
            "form": form,
            "year": year,
            "days": selectors.calendar_of_year(year),
            "years": sorted(set(selectors.calendar_years()) | {year, timezone.localdate().year}),
            "may_manage": may_manage,
        }


@login_required
@require_POST
def calendar_day_delete(request, pk: int):
    require(request, "calendar.manage")
    day = get_object_or_404(CalendarDay, pk=pk)
    year = day.date.year
    services.calendar_day_delete(day=day, reason=request.POST.get("reason", "")[:100])
    messages.success(request, _("The day was removed from the calendar."))
    return redirect(f"{reverse('business_calendar')}?year={year}")


# --------------------------------------------------------------------------- attachments


@login_required
@require_GET
def attachment_download(request, pk: int, thumbnail: bool = False):
    """Serve a stored file, only to people who may see the object it belongs to (404 otherwise)."""
    attachment = selectors.attachment_for_user(pk, request.user)
    if attachment is None:
        raise Http404
    stored = attachment.thumbnail if thumbnail else attachment.file
    if not stored:
        raise Http404
    inline = attachment.is_image and request.GET.get("download") != "1"
    content_type = "image/jpeg" if thumbnail else _content_type(attachment)
    try:
        handle = stored.open("rb")
    except OSError:
        return _missing_file(request, attachment, image=thumbnail or inline)
    response = FileResponse(
        handle, as_attachment=not inline, filename=attachment.original_name, content_type=content_type
    )
    # Even if a file were ever mistaken for a page, it could run nothing here.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


MISSING_IMAGE = Path(settings.BASE_DIR) / "static" / "img" / "missing-file.svg"


def _missing_file(request, attachment, *, image: bool):
    """The record names a file the storage no longer has (a restore without media, a disk fault):
    a picture gets a placeholder picture, a download a page that says so; both answer 404."""
    logger.error("Attachment %s: stored file %s is missing", attachment.pk, attachment.file.name)
    if image:
        response = HttpResponse(MISSING_IMAGE.read_bytes(), content_type="image/svg+xml", status=404)
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
        return response
    return render(request, "core/attachment_missing.html", {"attachment": attachment}, status=404)


def _content_type(attachment) -> str:
    if not attachment.is_image:
        return "application/pdf"
    ext = attachment.file.name.rsplit(".", 1)[-1].lower()
    return {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}.get(ext, "application/octet-stream")


# --------------------------------------------------------------------------- generated documents


@login_required
@require_POST
def document_request(request, kind: str):
    """Queue a PDF; the person lands on a page that shows its progress."""
    spec = document_kind(kind)
    if spec is None:
        raise Http404
    if spec.action:
        require(request, spec.action)
    params = {key: value for key, value in request.POST.items() if key != "csrfmiddlewaretoken"}
    try:
        document = services.document_request(kind=kind, by=request.user, params=params, language=get_language())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("home")
    return redirect("document_status", pk=document.pk)


class DocumentDetailView(ObjectDetailView):
    """The progress of one's own background document; HTMX polls its status fragment."""

    selector = selectors.documents_of
    action = SIGNED_IN
    context_object_name = "document"
    template_name = "core/generateddocument_detail.html"  # rendered whole or as its status fragment

    def render_to_response(self, context, **kwargs):
        partial = "core/partials/_document_status.html"
        return render_partial(self.request, self.template_name, partial, context, **kwargs)


@login_required
@require_POST
def document_retry(request, pk: int):
    """Ask again for a document that failed or waited too long; lands on the new one's page."""
    document = get_object_or_404(selectors.documents_of(request.user), pk=pk)
    spec = document_kind(document.kind)
    if spec is None:
        raise Http404
    if spec.action:  # the same permission as asking for it the first time
        require(request, spec.action)
    try:
        document = services.document_retry(document=document, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("document_status", pk=document.pk)


@login_required
@require_GET
def document_download(request, pk: int):
    document = get_object_or_404(selectors.documents_of(request.user), pk=pk)
    if not document.file:
        raise Http404
    filename = f"{document.title or document.kind}.pdf"
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf")
