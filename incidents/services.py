"""Writes of the incident register. Views and the demo seed call these."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.models import User
from core.selectors import superior_of
from core.services import attachments_create, notify
from incidents.choices import TRANSITIONS, IncidentStatus
from incidents.models import Incident
from safetybank.audit import set_reason


@transaction.atomic
def incident_report(*, incident: Incident, by: User, uploads=()) -> Incident:
    """Anyone reports an incident (with photos or documents); the security department above is told."""
    if incident.occurred_at and incident.occurred_at > timezone.now():
        raise ValidationError(_("An incident cannot have happened in the future."))
    incident.unit = incident.premises.unit
    incident.reported_by = by
    incident.status = IncidentStatus.REPORTED
    incident.full_clean()
    set_reason(incident, "incident.report", by=by)
    incident.save()
    attachments_create(owner=incident, uploads=uploads, by=by)
    for person in superior_of(incident.premises):
        if person.pk == by.pk:
            continue
        notify(
            user=person,
            kind="incident.reported",
            obj=incident,
            title=gettext_lazy("Incident reported: %(what)s"),
            params={"what": str(incident)},
            url=incident.get_absolute_url(),
        )
    return incident


@transaction.atomic
def incident_follow_up(
    *,
    incident: Incident,
    by: User,
    status: str,
    follow_up: str,
    loss_amount,
    police_report_no: str,
    reason: str = "",
    uploads=(),
) -> Incident:
    """The security department records the follow-up; closing needs the actions taken. Closed stays closed."""
    current = Incident.objects.select_for_update().get(pk=incident.pk)
    if status not in TRANSITIONS[current.status]:
        if current.status == IncidentStatus.CLOSED:
            raise ValidationError(_("This incident is closed and can no longer be changed."))
        raise ValidationError(_("An incident under investigation cannot go back to reported."))
    follow_up = (follow_up or "").strip()
    if status == IncidentStatus.CLOSED and not follow_up:
        raise ValidationError(_("Describe the follow-up actions before closing the incident."))
    incident.status = status
    incident.follow_up = follow_up
    incident.loss_amount = loss_amount
    incident.police_report_no = (police_report_no or "").strip()
    if status == IncidentStatus.CLOSED:
        incident.closed_at = timezone.now()
    incident.full_clean()
    set_reason(incident, "incident.follow_up", by=by, typed=reason)
    incident.save()
    attachments_create(owner=incident, uploads=uploads, by=by)
    return incident
