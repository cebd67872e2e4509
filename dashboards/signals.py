"""Cached dashboards (``selectors.cached_dashboard``) and the compliance grid stay right: the inspection
counts are versioned by the summary updates (``inspections.summaries``); every other record they read
(hidden dangers, drills, study, facility tests, incidents, letters, the organisation, risk weights, the
calendar) bumps ``cacheversions.DATA`` when it is saved or deleted. The rows the summaries already count,
and busy rows no dashboard reads, do not."""

from __future__ import annotations

from safetybank import cacheversions

APPS = {"inspections", "drills", "facilities", "incidents", "responsibilities", "branches", "dashboards"}
COUNTED_BY_SUMMARIES = {
    "inspections.assignment",
    "inspections.inspection",
    "inspections.answer",
    "inspections.inspectioncycle",
    "inspections.compliancesummary",
    "inspections.dailysummary",
}
OTHER = {"core.calendarday"}
QUIET_FIELDS = {"last_login"}  # a sign-in changes no figure


def record_saved(sender, instance=None, update_fields=None, **kwargs) -> None:
    meta = sender._meta
    label = meta.label_lower
    if label.split(".")[0] not in APPS and label not in OTHER:
        return
    if label in COUNTED_BY_SUMMARIES or meta.object_name.startswith("Historical"):
        return
    if update_fields and set(update_fields) <= QUIET_FIELDS:
        return
    cacheversions.bump(cacheversions.DATA)
