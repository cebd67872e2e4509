"""Audit trail for regulated records, on django-simple-history.

Each audited model declares ``history = audit_history()``. A historical row keeps
who (``history_user``, from the request), when, the full row as it was after the
change (so before/after is the difference of two consecutive rows), why
(``history_change_reason``: set ``obj._change_reason`` in the service before saving)
and from where (IP address and path of the request, added here).

Bulk writes (``QuerySet.update``, ``bulk_create``) bypass the model signals this
relies on, so regulated models are written only through services, which save row by
row or call ``simple_history.utils.bulk_create_with_history`` / ``bulk_update_with_history``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class AuditRequestFields(models.Model):
    """Extra columns on every historical table: where the change came from."""

    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_path = models.CharField(_("request"), max_length=300, blank=True)

    class Meta:
        abstract = True


def audit_history(**kwargs) -> HistoricalRecords:
    """The one way to make a model audited."""
    kwargs.setdefault("bases", [AuditRequestFields])
    return HistoricalRecords(**kwargs)


def stamp_request(sender, history_instance, **kwargs) -> None:
    """pre_create_historical_record receiver: copy IP and path from the current request, if any."""
    request = getattr(HistoricalRecords.context, "request", None)
    if request is None:
        return
    history_instance.ip_address = request.META.get("REMOTE_ADDR") or None
    history_instance.request_path = request.path[:300]
