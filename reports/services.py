"""Writes of the reports app: generation, the life cycle, signatures, PDFs and Safety Month.

Life cycle: draft → finalised → published. A draft's numbers are refreshed by
regenerating it (the hand-written sections stay); finalising collects them one last
time and freezes them; a correction is a new draft version that supersedes the old one.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from branches.choices import Post
from branches.models import Unit, User
from core.choices import SignatureKind
from core.models import canonical_content
from core.selectors import has_signed, signatures_of
from core.services import attachments_create, notify, signature_sign
from reports.choices import ReportKind, ReportStatus
from reports.models import Activity, Campaign, Report, ReportFile
from reports.scope import UnitReader
from reports.selectors import open_issues, report_numbers, report_units

# --------------------------------------------------------------------------- periods


def month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = day.replace(day=1)
    return start, (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


def quarter_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return start, month_bounds(start.replace(month=start.month + 2))[1]


def previous_month(today: datetime.date) -> datetime.date:
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


# --------------------------------------------------------------------------- generation


def _draft_text(numbers: dict, language: str) -> str:
    with override(language):
        return "\n".join(open_issues(numbers))


def report_generate(
    *,
    unit: Unit,
    kind: str,
    start: datetime.date,
    end: datetime.date,
    campaign: Campaign | None = None,
    by: User | None = None,
    today: datetime.date | None = None,
) -> Report:
    """Create the unit's draft for the period, or refresh the numbers of the current draft.

    Idempotent: one current version per unit, kind and period however often it runs (unique
    constraint + this guard). A finalised or published version is left exactly as it is.
    The hand-written sections of a draft are never overwritten; an empty section 3 starts as
    the period's open problems.
    """
    numbers = report_numbers(unit=unit, kind=kind, start=start, end=end, today=today, campaign=campaign)
    language = getattr(by, "language", None) or settings.LANGUAGE_CODE
    with transaction.atomic():
        report = (
            Report.objects.select_for_update().filter(unit=unit, kind=kind, period_start=start, is_current=True).first()
        )
        if report is not None:
            if report.is_frozen:
                return report
            problems = report.problems if report.problems.strip() else _draft_text(numbers, language)
            if report.numbers == numbers and report.problems == problems:
                return report  # nothing moved: running again (the daily job, the demo seed) writes no audit row
            report.numbers, report.problems = numbers, problems
            report.generated_at = timezone.now()
            report._change_reason = "regenerated"
            report.save()
            return report
        report = Report(
            unit=unit,
            kind=kind,
            period_start=start,
            period_end=end,
            campaign=campaign,
            numbers=numbers,
            problems=_draft_text(numbers, language),
        )
        report._change_reason = "generated"
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:  # a concurrent run made it first
            return Report.objects.get(unit=unit, kind=kind, period_start=start, is_current=True)
    return report


def reports_generate_month(*, month: datetime.date, units=None, today: datetime.date | None = None) -> int:
    """The month-end job: every unit's monthly summary and self-inspection report for ``month``,
    and, after a quarter's last month, the quarterly hidden-danger statistics. Returns how many
    reports it touched. ``units`` defaults to every reporting unit of the bank."""
    start, end = month_bounds(month)
    if units is None:
        root = Unit.objects.filter(parent__isnull=True).first()
        if root is None:
            return 0
        units = report_units(user=UnitReader(root))
    touched = 0
    for unit in units:
        report_generate(unit=unit, kind=ReportKind.MONTHLY, start=start, end=end, today=today)
        report_generate(unit=unit, kind=ReportKind.HAZARD_MONTHLY, start=start, end=end, today=today)
        touched += 2
        if end.month % 3 == 0:
            q_start, q_end = quarter_bounds(start)
            report_generate(unit=unit, kind=ReportKind.HAZARD_QUARTERLY, start=q_start, end=q_end, today=today)
            touched += 1
    return touched


def report_regenerate(*, report: Report, by: User) -> Report:
    if report.is_frozen or not report.is_current:
        raise ValidationError(_("Only the current draft can be regenerated."), code="frozen")
    return report_generate(
        unit=report.unit,
        kind=report.kind,
        start=report.period_start,
        end=report.period_end,
        campaign=report.campaign,
        by=by,
    )


# --------------------------------------------------------------------------- life cycle


def _require_current_draft(report: Report) -> None:
    if not report.is_current or report.is_frozen:
        raise ValidationError(
            _("This version is finalised and can no longer be changed; make a correction instead."), code="frozen"
        )


def report_save_sections(*, report: Report, by: User, rules_text: str, problems: str, measures: str) -> Report:
    """The security department writes sections 3–4 and the rules narrative of a draft."""
    _require_current_draft(report)
    report.rules_text, report.problems, report.measures = rules_text, problems, measures
    report._change_reason = "sections edited"
    report.save(update_fields=["rules_text", "problems", "measures"])
    return report


def report_finalise(*, report: Report, by: User, today: datetime.date | None = None) -> Report:
    """Collect the numbers one last time and freeze them: the filed PDF never changes again."""
    _require_current_draft(report)
    if not report.problems.strip() or not report.measures.strip():
        raise ValidationError(_("Write sections 3 (problems) and 4 (measures) before finalising."), code="incomplete")
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        _require_current_draft(report)
        report.numbers = report_numbers(
            unit=report.unit,
            kind=report.kind,
            start=report.period_start,
            end=report.period_end,
            today=today,
            campaign=report.campaign,
        )
        report.generated_at = timezone.now()
        report.status = ReportStatus.FINALISED
        report.finalised_at, report.finalised_by = timezone.now(), by
        report._change_reason = "finalised"
        report.save()
    return report


def report_publish(*, report: Report, by: User) -> Report:
    """Publish a finalised report; head office is told when a branch or sub-branch publishes."""
    if not report.is_current or report.status != ReportStatus.FINALISED:
        raise ValidationError(_("Only a finalised report can be published."), code="state")
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related("unit").get(pk=report.pk)
        if not report.is_current or report.status != ReportStatus.FINALISED:
            raise ValidationError(_("Only a finalised report can be published."), code="state")
        report.status = ReportStatus.PUBLISHED
        report.published_at, report.published_by = timezone.now(), by
        report._change_reason = "published"
        report.save()
        if report.unit.parent_id is not None:
            for person in User.objects.filter(post=Post.HEAD_OFFICE_SECURITY, is_active=True):
                notify(
                    user=person,
                    kind="report.published",
                    obj=report,
                    title=gettext_lazy("%(unit)s published its %(report)s for %(period)s"),
                    params={
                        "unit": report.unit.name,
                        "report": report.get_kind_display(),
                        "period": report.period_label,
                    },
                    url=report.get_absolute_url(),
                )
    return report


def report_correct(*, report: Report, by: User, reason: str) -> Report:
    """Start a correction: a new draft version with the same texts; the old one stays downloadable."""
    if not report.is_current or not report.is_frozen:
        raise ValidationError(_("Only the current finalised or published version can be corrected."), code="state")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the report is corrected."), code="reason")
    with transaction.atomic():
        old = Report.objects.select_for_update().get(pk=report.pk)
        if not old.is_current:
            raise ValidationError(_("This version has already been corrected."), code="state")
        old.is_current = False
        old._change_reason = f"corrected: {reason}"
        old.save(update_fields=["is_current"])
        new = Report(
            unit=old.unit,
            kind=old.kind,
            period_start=old.period_start,
            period_end=old.period_end,
            campaign=old.campaign,
            version=old.version + 1,
            supersedes=old,
            numbers=old.numbers,
            rules_text=old.rules_text,
            problems=old.problems,
            measures=old.measures,
            correction_reason=reason[:300],
        )
        new._change_reason = f"correction of version {old.version}"
        new.save()
    return report_generate(
        unit=new.unit, kind=new.kind, start=new.period_start, end=new.period_end, campaign=new.campaign, by=by
    )


# --------------------------------------------------------------------------- unit head's signature


def signing_content(report: Report) -> str:
    """What the unit head signs: the report's identity and the exact numbers it prints."""
    return canonical_content(
        {
            "report": report.pk,
            "unit": report.unit.code,
            "kind": report.kind,
            "period": [report.period_start, report.period_end],
            "version": report.version,
            "numbers": report.numbers.get("hazards", {}),
        }
    )


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


def report_sign(*, report: Report, by: User, ip: str | None = None):
    refusal = signature_refusal(report=report, user=by)
    if refusal:
        raise ValidationError(refusal, code="refused")
    post = None if by.post == Post.PRESIDENT else Post.PRESIDENT
    return signature_sign(
        subject=report, kind=SignatureKind.LEDGER_SIGNOFF, signer=by, content=signing_content(report), ip=ip, post=post
    )


def report_signatures(report: Report):
    return signatures_of(report, SignatureKind.LEDGER_SIGNOFF).select_related("signer")


# --------------------------------------------------------------------------- PDFs


def report_pdf(*, report: Report, language: str) -> bytes:
    """The PDF of a version. A frozen version's PDF is rendered once per language and kept, so
    what was filed is what is downloaded later; a draft is rendered fresh each time."""
    from reports.documents import render_report

    if report.is_frozen:
        cached = ReportFile.objects.filter(report=report, language=language).first()
        if cached is not None:
            with cached.file.open("rb") as handle:
                return handle.read()
    pdf = render_report(report, language=language)
    if report.is_frozen:
        stored = ReportFile(report=report, language=language)
        stored.file.save(f"{report.pk}-{language}.pdf", ContentFile(pdf), save=False)
        try:
            with transaction.atomic():
                stored.save()
        except IntegrityError:
            stored.file.delete(save=False)  # a concurrent download stored it first
    return pdf


# --------------------------------------------------------------------------- Safety Month


def campaign_save(*, unit: Unit, year: int, start, end, theme: str, by: User, instance: Campaign | None = None):
    campaign = instance or Campaign(unit=unit, year=year, created_by=by)
    campaign.start, campaign.end, campaign.theme = start, end, theme
    if instance is None:
        campaign.unit, campaign.year = unit, year
    campaign.full_clean()
    campaign._change_reason = "saved"
    campaign.save()
    return campaign


def activity_record(
    *, campaign: Campaign, unit: Unit, date, kind: str, title: str, description: str, participants: int, by, uploads=()
) -> Activity:
    """Record one Safety Month activity with its photos, in one transaction."""
    if not campaign.start <= date <= campaign.end:
        raise ValidationError(
            _("The date must lie within the Safety Month (%(start)s – %(end)s).")
            % {"start": campaign.start, "end": campaign.end},
            code="date",
        )
    with transaction.atomic():
        activity = Activity(
            campaign=campaign,
            unit=unit,
            date=date,
            kind=kind,
            title=title,
            description=description,
            participants=participants,
            recorded_by=by,
        )
        activity._change_reason = "recorded"
        activity.save()
        attachments_create(owner=activity, uploads=uploads, by=by)
    return activity


def campaign_report_generate(*, campaign: Campaign, unit: Unit, by: User) -> Report:
    return report_generate(
        unit=unit, kind=ReportKind.SAFETY_MONTH, start=campaign.start, end=campaign.end, campaign=campaign, by=by
    )
