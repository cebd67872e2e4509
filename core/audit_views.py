"""The audit page (issue 20): search the audit trail within one's scope, read a record's history, export.

Head office and each unit's security department (action ``audit.view``); rows through
``core.audit_selectors`` (the models' ``for_user``). Reasons and field names in the reader's language.
"""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tables2 import RequestConfig

from branches.filters import ScopedFilterSet, date_from, date_until
from branches.models import User
from branches.permissions import can, log_refusal
from core.audit_selectors import audit_rows, audited_models, record_history
from safetybank.audit import REASONS, reason_text
from safetybank.exports import FORMATS, tabular_response

CHANGE_KINDS = [("+", _("Created")), ("~", _("Changed")), ("-", _("Deleted"))]
EXPORT_LIMIT = 50_000


def _kind_choices():
    return [(label, str(model._meta.verbose_name)) for label, model in audited_models().items()]


class AuditFilter(ScopedFilterSet):
    """Applied to each audited model's rows before they are united (every field exists on all of them)."""

    kind = django_filters.MultipleChoiceFilter(label=_("Kind of record"), choices=_kind_choices, method="by_kind")
    record = django_filters.NumberFilter(label=_("Record number"), field_name="id")
    person = django_filters.ModelChoiceFilter(
        label=_("Changed by"), field_name="history_user", queryset=lambda request: User.objects.for_user(request.user)
    )
    change = django_filters.ChoiceFilter(label=_("Change"), field_name="history_type", choices=CHANGE_KINDS)
    reason = django_filters.ChoiceFilter(
        label=_("Reason"), field_name="history_change_reason", choices=lambda: sorted(REASONS.items())
    )
    since = date_from("history_date__date")
    until = date_until("history_date__date", _("To"))

    def by_kind(self, queryset, name, value):
        return queryset  # chooses the models in audit_rows, not rows within one


def _record_url(row) -> str:
    app_label, model_name = row["audit_kind"].split(".")
    return reverse("audit_record", args=[app_label, model_name, row["id"]])


class AuditTable(tables.Table):
    history_date = tables.DateTimeColumn(verbose_name=_("When"), format="Y-m-d H:i", orderable=False)
    history_user_id = tables.Column(verbose_name=_("Who"), orderable=False)
    audit_kind = tables.Column(verbose_name=_("Record"), orderable=False)
    history_type = tables.Column(verbose_name=_("Change"), orderable=False)
    history_change_reason = tables.Column(verbose_name=_("Reason"), orderable=False, default="")

    class Meta:
        template_name = "django_tables2/bootstrap5-responsive.html"
        attrs = {"class": "table table-sm align-middle", "id": "audit-table"}
        empty_text = _("No changes match.")

    def __init__(self, *args, people: dict, **kwargs):
        self.people = people
        self.kinds = {label: model._meta.verbose_name for label, model in audited_models().items()}
        super().__init__(*args, **kwargs)

    def render_history_user_id(self, value):
        return self.people.get(value, "—")

    def render_audit_kind(self, value, record):
        return format_html('<a href="{}">{} #{}</a>', _record_url(record), self.kinds.get(value, value), record["id"])

    def render_history_type(self, value):
        return dict(CHANGE_KINDS).get(value, value)

    def render_history_change_reason(self, value):
        return reason_text(value)


def _may_read(request) -> None:
    if not can(request.user, "audit.view"):
        log_refusal(request, "audit.view")
        raise PermissionDenied


def _people(ids) -> dict:
    return {user.pk: str(user) for user in User.objects.filter(pk__in={i for i in ids if i})}


@login_required
def audit_list(request):
    """Search the audit trail; ``?export=csv|xlsx`` downloads what the search finds."""
    _may_read(request)
    filterset = AuditFilter(request.GET or None, queryset=User.history.none(), request=request)
    valid = filterset.is_valid() if request.GET else True
    data = filterset.form.cleaned_data if request.GET and valid else {}

    def narrow(rows):
        return filterset.filter_queryset(rows) if data else rows

    rows = audit_rows(request.user, kinds=data.get("kind") or None, narrow=narrow) if valid else None
    export = request.GET.get("export")
    if export and rows is not None:
        if export not in FORMATS:
            raise Http404
        found = list(rows[:EXPORT_LIMIT])
        people = _people(r["history_user_id"] for r in found)
        kinds = {label: model._meta.verbose_name for label, model in audited_models().items()}
        headers = [_("When"), _("Who"), _("Kind of record"), _("Record number"), _("Change"), _("Reason")]
        return tabular_response(
            export,
            "audit",
            headers,
            (
                [
                    r["history_date"],
                    people.get(r["history_user_id"], ""),
                    str(kinds.get(r["audit_kind"], r["audit_kind"])),
                    r["id"],
                    str(dict(CHANGE_KINDS).get(r["history_type"], r["history_type"])),
                    reason_text(r["history_change_reason"]),
                ]
                for r in found
            ),
        )
    table = None
    if rows is not None:
        table = AuditTable(rows, people={})
        RequestConfig(request, paginate={"per_page": 25}).configure(table)
        page_rows = list(table.page.object_list.data) if table.page else []
        table.people.update(_people(r["history_user_id"] for r in page_rows))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return render(request, "core/audit/audit_list.html", {"filter": filterset, "table": table, "query": query})


@login_required
def audit_record(request, app_label: str, model_name: str, pk: int):
    """The history of one record: who, when, before → after, why."""
    _may_read(request)
    label = f"{app_label}.{model_name}".lower()
    model = audited_models().get(label)
    if model is None:
        raise Http404
    history = record_history(model, pk, request.user)
    if not history:
        raise Http404  # outside the reader's scope, or no such record: the same answer
    current = model._default_manager.filter(pk=pk).first()
    return render(
        request,
        "core/audit/audit_record.html",
        {
            "model": model,
            "verbose_name": model._meta.verbose_name,
            "pk": pk,
            "history": list(reversed(history)),
            "current": current,
            "change_kinds": dict(CHANGE_KINDS),
        },
    )
