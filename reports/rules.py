"""Who may sign a report: the predicate the signing service enforces and "my tasks" and the report
page show. Selectors and services both import it from here."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.choices import Post
from core.choices import SignatureKind
from core.selectors import has_signed, signed_ids
from reports.choices import ReportKind
from reports.models import Report


def signature_refusal(*, report: Report, user) -> str | None:
    """Why ``user`` may not sign ``report`` as its unit head, or None."""
    if report.kind != ReportKind.HAZARD_QUARTERLY:
        return _("Only the quarterly hidden-danger statistics are signed.")
    if not report.is_frozen:
        return _("Finalise the table before it is signed.")
    today = timezone.localdate()
    heads = report.unit_id == user.unit_id and user.post == Post.PRESIDENT
    acting = user.actings.filter(
        post=Post.PRESIDENT, unit_id=report.unit_id, start_date__lte=today, end_date__gte=today
    ).exists()
    if not (heads or acting):
        return _("Only the head of %(unit)s signs this table.") % {"unit": report.unit}
    if has_signed(report, signer=user, kind=SignatureKind.LEDGER_SIGNOFF):
        return _("You have already signed this.")
    return None


def to_sign_by(*, reports: QuerySet[Report], user) -> list[Report]:
    """Those of ``reports`` that ``user`` may sign now (``signature_refusal`` is None), decided for all of
    them at once: three queries however many reports."""
    headed = user.held_at(Post.PRESIDENT, of="unit")
    candidates = [
        report
        for report in reports.filter(unit_id__in=headed)
        if report.kind == ReportKind.HAZARD_QUARTERLY and report.is_frozen and report.unit_id in headed
    ]
    signed = signed_ids(candidates, signer=user, kind=SignatureKind.LEDGER_SIGNOFF)
    return [report for report in candidates if report.pk not in signed]
