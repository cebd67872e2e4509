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
from core.documents import DocumentSpec
from core.models import canonical_content
from core.services import attachments_create, notify, signature_sign
from reports.choices import ReportKind, ReportStatus
from reports.documents import TEMPLATE_LANGUAGES, TEMPLATES, render_report, report_context, report_title
from reports.models import Activity, Campaign, Report, ReportFile
from reports.numbers import open_issues, report_numbers
from reports.rules import signature_refusal
from reports.scope import UnitReader
from reports.selectors import report_signatures, report_units, reports_for
from safetybank.audit import set_reason
from safetybank.outbox import enqueue
from safetybank.periods import month_bounds, quarter_bounds, year_bounds

# --------------------------------------------------------------------------- generation


def draft_problems(numbers: dict, language: str) -> str:
    """The pre-fill of section 3 in ``language``: the period's open problems from the data. Never
    stored at generation: the page offers it in the writer's language and an unwritten draft's PDF
    prints it in the PDF's language; what a person saves stays as written."""
    with override(language):
        return "\n".join(open_issues(numbers))


def _require_within_campaign(campaign: Campaign | None, start: datetime.date, end: datetime.date) -> None:
    if campaign is None:
        raise ValidationError(_("A Safety Month summary needs its Safety Month."), code="campaign")
    if not campaign.start <= start <= end <= campaign.end:
        raise ValidationError(
            _("A Safety Month summary covers its Safety Month only (%(start)s – %(end)s), not %(from)s – %(to)s.")
            % {"start": campaign.start, "end": campaign.end, "from": start, "to": end},
            code="period",
        )


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
    The hand-written sections of a draft are never overwritten (and never pre-filled here: see
    ``draft_problems``). A year-to-date draft's period grows to ``end``.
    A Safety Month summary covers its campaign's days and no others.
    """
    if kind == ReportKind.SAFETY_MONTH:
        _require_within_campaign(campaign, start, end)
    numbers = report_numbers(unit=unit, kind=kind, start=start, end=end, today=today, campaign=campaign)
    with transaction.atomic():
        report = (
            Report.objects.select_for_update().filter(unit=unit, kind=kind, period_start=start, is_current=True).first()
        )
        if report is not None:
            if report.is_frozen:
                return report
            if report.numbers == numbers and report.period_end == end:
                return report  # nothing moved: running again (the daily job, the demo seed) writes no audit row
            report.numbers = numbers
            report.period_end = end
            report.generated_at = timezone.now()
            set_reason(report, "report.regenerate")
            report.save()
            return report
        report = Report(
            unit=unit,
            kind=kind,
            period_start=start,
            period_end=end,
            campaign=campaign,
            numbers=numbers,
        )
        set_reason(report, "report.generate")
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:  # a concurrent run made it first
            return Report.objects.get(unit=unit, kind=kind, period_start=start, is_current=True)
    return report


def _bank_units(units):
    """The units a job reports on: those given, else every reporting unit of the bank."""
    if units is not None:
        return units
    root = Unit.objects.filter(parent__isnull=True).first()
    return report_units(user=UnitReader(root)) if root is not None else []


def reports_generate_month(*, month: datetime.date, units=None, today: datetime.date | None = None) -> int:
    """The month-end job: every unit's monthly summary and self-inspection report for ``month``,
    and, after a quarter's last month, the quarterly hidden-danger statistics. Returns how many
    reports it touched. ``units`` defaults to every reporting unit of the bank."""
    start, end = month_bounds(month)
    touched = 0
    for unit in _bank_units(units):
        report_generate(unit=unit, kind=ReportKind.MONTHLY, start=start, end=end, today=today)
        report_generate(unit=unit, kind=ReportKind.HAZARD_MONTHLY, start=start, end=end, today=today)
        touched += 2
        if end.month % 3 == 0:
            q_start, q_end = quarter_bounds(start)
            report_generate(unit=unit, kind=ReportKind.HAZARD_QUARTERLY, start=q_start, end=q_end, today=today)
            touched += 1
    return touched


def reports_generate_year(*, year: int, units=None, today: datetime.date | None = None) -> int:
    """Every unit's year-end summary for ``year``: in the first days of January for the year just
    ended, or on demand while the year runs as a year-to-date draft (截至 today). Drafts get fresh
    numbers; finalised and published versions are left alone. Returns how many it touched."""
    today = today or timezone.localdate()
    start, end = year_bounds(year, today=today)
    touched = 0
    for unit in _bank_units(units):
        report_generate(unit=unit, kind=ReportKind.YEAR_END, start=start, end=end, today=today)
        touched += 1
    return touched


def _regenerated_end(report: Report) -> datetime.date:
    """A year-to-date draft is refreshed up to today (at most the year's end); others keep their period."""
    if report.kind != ReportKind.YEAR_END:
        return report.period_end
    return year_bounds(report.period_start.year, today=timezone.localdate())[1]


def report_regenerate(*, report: Report, by: User) -> Report:
    if report.is_frozen or not report.is_current:
        raise ValidationError(_("Only the current draft can be regenerated."), code="frozen")
    return report_generate(
        unit=report.unit,
        kind=report.kind,
        start=report.period_start,
        end=_regenerated_end(report),
        campaign=report.campaign,
        by=by,
    )


# --------------------------------------------------------------------------- life cycle


def _require_current_draft(report: Report) -> None:
    if not report.is_current or report.is_frozen:
        raise ValidationError(
            _("This version is finalised and can no longer be changed; make a correction instead."), code="frozen"
        )


def report_save_sections(
    *, report: Report, by: User, rules_text: str, problems: str, measures: str, plans: str = ""
) -> Report:
    """The security department writes sections 3–4 (5 in a year-end summary) and the rules narrative."""
    _require_current_draft(report)
    report.rules_text, report.problems, report.measures = rules_text, problems, measures
    if report.kind == ReportKind.YEAR_END:
        report.plans = plans
    set_reason(report, "report.edit")
    report.save(update_fields=["rules_text", "problems", "measures", "plans"])
    return report


def report_finalise(*, report: Report, by: User, today: datetime.date | None = None) -> Report:
    """Collect the numbers one last time and freeze them: the filed PDF never changes again."""
    _require_current_draft(report)
    if not report.problems.strip() or not report.measures.strip():
        raise ValidationError(_("Write sections 3 (problems) and 4 (measures) before finalising."), code="incomplete")
    if report.kind == ReportKind.YEAR_END and not report.plans.strip():
        raise ValidationError(_("Write section 5 (next year's work plan) before finalising."), code="incomplete")
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
        set_reason(report, "report.finalise")
        report.save()
        _store_files_after_commit(report)
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
        set_reason(report, "report.publish")
        report.save()
        _store_files_after_commit(report)
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
    if report.kind == ReportKind.SAFETY_MONTH:  # refused before the old version is retired
        _require_within_campaign(report.campaign, report.period_start, report.period_end)
    with transaction.atomic():
        old = Report.objects.select_for_update().get(pk=report.pk)
        if not old.is_current:
            raise ValidationError(_("This version has already been corrected."), code="state")
        old.is_current = False
        set_reason(old, "report.corrected", typed=reason)
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
            plans=old.plans,
            correction_reason=reason[:300],
        )
        set_reason(new, "report.correction")
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


def report_sign(*, report: Report, by: User, ip: str | None = None):
    refusal = signature_refusal(report=report, user=by)
    if refusal:
        raise ValidationError(refusal, code="refused")
    post = None if by.post == Post.PRESIDENT else Post.PRESIDENT
    with transaction.atomic():
        signature = signature_sign(
            subject=report,
            kind=SignatureKind.LEDGER_SIGNOFF,
            signer=by,
            content=signing_content(report),
            ip=ip,
            post=post,
        )
        _store_files_after_commit(report)  # the filed PDF now carries the signature
    return signature


# --------------------------------------------------------------------------- PDFs


def report_file_state(report: Report) -> str:
    """What a frozen version's PDF prints besides its frozen numbers: its status and signatures.
    The stored file is made again when this changes, and only then."""
    signed = ",".join(str(pk) for pk in sorted(report_signatures(report).values_list("pk", flat=True)))
    return f"{report.status}|{signed}"


def report_file_store(*, report: Report, language: str) -> ReportFile:
    """The one producer of a frozen version's PDF in one language: made on finalising, again on
    signing and publishing (or at the first download after, should that job not have run), and
    kept. Every path (download, ZIP, background document) serves this stored file."""
    state = report_file_state(report)
    stored = ReportFile.objects.filter(report=report, language=language).first()
    if stored is not None and stored.state == state:
        return stored
    pdf = render_report(report, language=language)
    with transaction.atomic():
        stored = ReportFile.objects.select_for_update().filter(report=report, language=language).first()
        if stored is not None and stored.state == state:
            return stored  # a concurrent producer stored this state first
        replaced = stored.file.name if stored is not None else ""
        stored = stored or ReportFile(report=report, language=language)
        stored.file.save(f"{report.pk}-{language}.pdf", ContentFile(pdf), save=False)
        stored.state, stored.created_at = state, timezone.now()
        try:
            with transaction.atomic():
                stored.save()
        except IntegrityError:  # a concurrent first download stored it first
            stored.file.delete(save=False)
            return ReportFile.objects.get(report=report, language=language)
        if replaced:  # the file of the earlier state (e.g. before the signature) is no longer served
            transaction.on_commit(lambda: stored.file.storage.delete(replaced))
    return stored


def report_files_store(*, report_id: int) -> int:
    """After finalising, signing or publishing: the version's PDF in every language, stored.
    Idempotent (a file whose state is current is kept). Returns how many languages were stored."""
    report = Report.objects.select_related("unit").filter(pk=report_id).first()
    if report is None or not report.is_frozen:
        return 0
    for language, _name in settings.LANGUAGES:
        report_file_store(report=report, language=language)
    return len(settings.LANGUAGES)


def _store_files_after_commit(report: Report) -> None:
    from reports.tasks import store_files

    enqueue(store_files, report.pk)


def report_pdf(*, report: Report, language: str) -> bytes:
    """The PDF of a version: a frozen version's stored file (``report_file_store``), so what was
    filed is what is downloaded later; a draft is rendered fresh each time."""
    if not report.is_frozen:
        return render_report(report, language=language)
    with report_file_store(report=report, language=language).file.open("rb") as handle:
        return handle.read()


def build_report_document(document, progress) -> DocumentSpec:
    """``core.documents`` builder: the requester's report, through their scope (404-equivalent: an error)."""
    report = reports_for(user=document.requested_by).get(pk=int(document.params.get("report", 0)))
    progress(30)
    if report.is_frozen:  # the filed PDF, byte for byte, as the download serves it
        language = document.language if document.language in TEMPLATE_LANGUAGES else settings.LANGUAGE_CODE
        pdf = report_pdf(report=report, language=language)
        return DocumentSpec(template=TEMPLATES[report.kind], title=report_title(report), pdf=pdf)
    return DocumentSpec(template=TEMPLATES[report.kind], title=report_title(report), context=report_context(report))


# --------------------------------------------------------------------------- Safety Month


def campaign_save(*, unit: Unit, year: int, start, end, theme: str, by: User, instance: Campaign | None = None):
    campaign = instance or Campaign(unit=unit, year=year, created_by=by)
    campaign.start, campaign.end, campaign.theme = start, end, theme
    if instance is None:
        campaign.unit, campaign.year = unit, year
    campaign.full_clean()
    set_reason(campaign, "campaign.save")
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
        set_reason(activity, "activity.record")
        activity.save()
        attachments_create(owner=activity, uploads=uploads, by=by)
    return activity


def campaign_report_generate(*, campaign: Campaign, unit: Unit, by: User) -> Report:
    return report_generate(
        unit=unit, kind=ReportKind.SAFETY_MONTH, start=campaign.start, end=campaign.end, campaign=campaign, by=by
    )
