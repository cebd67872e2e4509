"""Reads of the incident register. Anyone sees what they reported; ``incident.view_all``
opens every incident in the person's scope. Every read starts here."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from branches.permissions import can
from incidents.models import Incident


def incidents_for(*, user) -> QuerySet[Incident]:
    """The incidents ``user`` may list and open."""
    incidents = Incident.objects.for_user(user)
    if not can(user, "incident.view_all"):
        incidents = incidents.filter(reported_by=user)
    return incidents.select_related("premises", "unit", "reported_by")


@dataclass
class IncidentCounts:
    by_kind: dict[str, int] = field(default_factory=dict)
    loss_by_kind: dict[str, Decimal] = field(default_factory=dict)
    total: int = 0
    loss_total: Decimal = Decimal("0")
    open: int = 0


def _day_bounds(start: datetime.date, end: datetime.date):
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz),
    )


def incident_counts(*, user, start: datetime.date, end: datetime.date) -> IncidentCounts:
    """Incidents that happened between ``start`` and ``end`` (inclusive, local days) by kind, with their loss."""
    since, until = _day_bounds(start, end)
    incidents = incidents_for(user=user).filter(occurred_at__gte=since, occurred_at__lt=until).order_by()
    counts = IncidentCounts()
    for kind, n, loss in incidents.values_list("kind").annotate(n=Count("pk"), loss=Sum("loss_amount")):
        counts.by_kind[kind] = n
        counts.loss_by_kind[kind] = loss or Decimal("0")
    counts.total = sum(counts.by_kind.values())
    counts.loss_total = sum(counts.loss_by_kind.values(), Decimal("0"))
    counts.open = incidents.exclude(status="closed").count()
    return counts
