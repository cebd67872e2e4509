"""Audit trail for regulated records, on django-simple-history.

Each audited model declares ``history = audit_history()``. A historical row keeps
who (``history_user``, from the request), when, the full row as it was after the
change (so before/after is the difference of two consecutive rows), why
(``history_change_reason``: a stable code from ``REASONS``, set with ``set_reason`` in the
service before saving) and from where (IP address and path of the request, added here).

Reasons are stored as codes ("hazard.assign"), never as text in the writer's language,
and shown translated in the reader's: ``reason_text(code)`` (template filter
``change_reason`` in ``core_tags``). A reason a person typed is stored as typed and shown
as it is; so are reasons written before codes existed.

Bulk writes (``QuerySet.update``, ``bulk_create``) bypass the model signals this
relies on, so regulated models are written only through services, which save row by
row or call ``simple_history.utils.bulk_create_with_history`` / ``bulk_update_with_history``, or
``update_with_history`` below for the same values on many rows. ``tests/test_audit_rules.py``
scans the source for ``.update()`` / ``bulk_update()`` on audited models; a column outside the
audit (``excluded_fields``) is allow-listed there, with a comment at the call.
"""

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.utils import get_history_manager_for_model


class AuditRequestFields(models.Model):
    """Extra columns on every historical table: where the change came from."""

    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_path = models.CharField(_("request"), max_length=300, blank=True)

    class Meta:
        abstract = True


# The one table of change reasons: code -> text in the reader's language.
REASONS = {
    "admin.change": _("Changed in the administration"),
    "admin.delete": _("Deleted in the administration"),
    "record.create": _("Recorded"),
    "record.edit": _("Changed"),
    "standard.content": _("Standard content"),
    "checklist.create": _("Checklist created"),
    "checklist.revise": _("Checklist revised"),
    "rule.successor": _("Changed from the next cycle"),
    "rule.replaced": _("Replaced from the next cycle"),
    "inspection.start": _("Inspection started"),
    "inspection.answer": _("Answered"),
    "inspection.submit": _("Submitted"),
    "inspection.cosign": _("Co-signed"),
    "inspection.acknowledge": _("Inspection facts acknowledged"),
    "inspection.acknowledgement_escalated": _("Not acknowledged in time: escalated"),
    "inspection.correction": _("Correction started"),
    "inspection.assignment": _("Counted toward a required inspection"),
    "hazard.report": _("Reported"),
    "hazard.grade": _("Grade changed"),
    "hazard.assign": _("Assigned"),
    "hazard.plan": _("Governance plan saved"),
    "hazard.start": _("Rectification started"),
    "hazard.submit_fix": _("Submitted for verification"),
    "hazard.fix_on_spot": _("Rectified on the spot"),
    "hazard.verify": _("Verified and closed"),
    "hazard.send_back": _("Sent back"),
    "hazard.overdue": _("Overdue"),
    "hazard.escalate": _("Escalated"),
    "hazard.settings": _("Settings changed"),
    "user.language": _("Language changed"),
    "staff.create": _("Account created"),
    "staff.edit": _("Details edited"),
    "staff.password_reset": _("Password reset: set-password link sent"),
    "acting.arrange": _("Acting arranged"),
    "staff.admin_create": _("Account created by an administrator"),
    "staff.admin_password": _("Password changed by an administrator"),
    "staff.password_link": _("Password set with the one-time link"),
    "unit.moved": _("Moved with its parent unit"),
    "import.xlsx": _("XLSX import"),
    "letter_template.edit": _("Template edited"),
    "post_duty.edit": _("Duties edited"),
    "letter.issue": _("Issued"),
    "letter.post_changed": _("Transfer or change of post"),
    "letter.not_a_party": _("No longer a party of this round"),
    "letter.supersede": _("Superseded by a new letter"),
    "letter.signatory": _("Signatory changed"),
    "letter.sign": _("Signed"),
    "letter.paper": _("Signed on paper, scan recorded"),
    "letter.countersign": _("Countersigned"),
    "round.request_again": _("Issued again"),
    "round.run": _("Issuing started"),
    "round.fail": _("Issue failed"),
    "round.done": _("Issued"),
    "committee.add": _("Seat added"),
    "committee.end": _("Seat ended"),
    "duty.arrange": _("Duty arranged"),
    "duty.remove": _("Duty removed"),
    "facility.add": _("Added to the ledger"),
    "facility.failed": _("Failed a test"),
    "facility.passed": _("Passed a test"),
    "facility_test.hazard": _("Hidden danger raised"),
    "cadence.change": _("Cadence changed"),
    "plan.create": _("Created"),
    "plan.revise": _("Revised"),
    "plan_role.assign": _("Assigned"),
    "plan_role.reassign": _("Reassigned"),
    "plan_role.remove": _("Removed"),
    "drill_plan.targets": _("Targets set"),
    "drill.plan": _("Planned"),
    "drill.correct": _("Corrected"),
    "drill.attendance": _("Attendance"),
    "drill.problem": _("Problem found in a drill"),
    "incident.report": _("Reported"),
    "incident.follow_up": _("Follow-up recorded"),
    "risk.weights": _("Risk weights updated"),
    # reports/services.py
    "report.generate": _("Draft generated"),
    "report.regenerate": _("Numbers refreshed"),
    "report.edit": _("Sections edited"),
    "report.finalise": _("Finalised"),
    "report.publish": _("Published"),
    "report.corrected": _("Corrected by a new version"),
    "report.correction": _("Correction of an earlier version"),
    "campaign.save": _("Saved"),
    "activity.record": _("Recorded"),
    "job.worker_lost": _("The worker was lost too often; not tried again"),
    "calendar.change": _("Calendar changed"),
    # branches/services.py: two-factor sign-in
    "mfa.enrol": _("Two-factor sign-in set up"),
    "mfa.recovery_codes": _("New recovery codes"),
    "mfa.off": _("Two-factor sign-in turned off"),
    "mfa.reset": _("Second factor reset by an administrator"),
}


def set_reason(obj, code: str, *, by=None, typed: str = "") -> None:
    """Say why ``obj`` is about to be saved: the reason a person ``typed`` (kept as typed), else
    ``code`` from ``REASONS`` (a typo fails at once); and who does it when the service knows
    (else the request's user is recorded, if there is one)."""
    if code not in REASONS:
        raise KeyError(f"Unknown change reason {code!r}: add it to safetybank.audit.REASONS")
    obj._change_reason = typed.strip()[:100] or code
    if by is not None and by.pk is not None:  # an unsaved stand-in (the seed's first run) is no one yet
        obj._history_user = by


def reason_text(value: str | None) -> str:
    """A stored change reason in the reader's language (typed or older reasons as stored)."""
    if not value:
        return ""
    return str(REASONS.get(value, value))


def audit_history(**kwargs) -> HistoricalRecords:
    """The one way to make a model audited."""
    kwargs.setdefault("bases", [AuditRequestFields])
    return HistoricalRecords(**kwargs)


def request_fields() -> dict:
    """IP and path of the current request (empty outside one), for the historical rows of a bulk
    write (``bulk_*_with_history(..., custom_historical_attrs=request_fields())``): the bulk path
    sends no signal, so without this its rows would not say where the change came from."""
    request = getattr(HistoricalRecords.context, "request", None)
    if request is None:
        return {}
    return {"ip_address": request.META.get("REMOTE_ADDR") or None, "request_path": request.path[:300]}


def stamp_request(sender, history_instance, **kwargs) -> None:
    """pre_create_historical_record receiver: copy IP and path from the current request, if any."""
    for name, value in request_fields().items():
        setattr(history_instance, name, value)


def update_with_history(objs: list, values: dict, **history) -> int:
    """``simple_history.utils.bulk_update_with_history`` when every row gets the same ``values`` (a
    defence group's "all fine"): one ``UPDATE ... SET ... WHERE id IN (...)`` instead of a ``CASE``
    per row and column, which Django takes several milliseconds to build, and the same historical
    rows ("~", with ``history``: ``default_user``, ``default_change_reason``, ``default_date``,
    ``custom_historical_attrs``). ``objs`` take the values in memory too. Returns the rows updated."""
    if not objs:
        return 0
    model = type(objs[0])
    for obj in objs:
        for name, value in values.items():
            setattr(obj, name, value)
    with transaction.atomic(savepoint=False):
        updated = model._default_manager.filter(pk__in=[obj.pk for obj in objs]).update(**values)
        get_history_manager_for_model(model).bulk_history_create(objs, update=True, **history)
    return updated
