"""Writes of the dashboards: head office changes the risk weights."""

from __future__ import annotations

from django.db import transaction

from dashboards.models import RiskWeights
from safetybank.audit import set_reason

WEIGHT_FIELDS = (
    "overdue_danger",
    "escalated_danger",
    "missed_check",
    "failed_test",
    "overdue_test",
    "no_recent_drill",
    "drill_window_days",
)


@transaction.atomic
def risk_weights_update(*, by, reason: str = "", **values) -> RiskWeights:
    """Save new weights (audited: who, when, before/after, why). Unknown names are a programming error."""
    unknown = set(values) - set(WEIGHT_FIELDS)
    if unknown:
        raise TypeError(f"unknown risk weights: {sorted(unknown)}")
    weights = RiskWeights.objects.select_for_update().filter(pk=1).first() or RiskWeights(pk=1)
    for name, value in values.items():
        setattr(weights, name, value)
    weights.updated_by = by
    set_reason(weights, "risk.weights", by=by, typed=reason)
    weights.save()
    return weights
