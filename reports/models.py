"""Summary reports (monthly, Safety Month, hidden-danger reports) and the Safety Month campaign.

A report is one version of one document of one unit and period. Its ``numbers`` are the
answers of the owning apps' selectors, collected when it is generated; a draft's numbers are
refreshed by regenerating it, a finalised report's never change again (the PDF it filed is
rendered from them). A correction is a new version; the old one stays downloadable.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Unit
from branches.scoping import Scope, ScopedQuerySet
from reports.choices import ActivityKind, ReportKind, ReportStatus
from safetybank.audit import audit_history


class CampaignQuerySet(ScopedQuerySet):
    scope = Scope(unit="unit")


class Campaign(models.Model):
    """A Safety Production Month (安全生产月) run by a unit: June by default, a theme, its activities."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    year = models.PositiveSmallIntegerField(_("year"))
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    theme = models.CharField(_("theme"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )

    objects = CampaignQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("Safety Month")
        verbose_name_plural = _("Safety Months")
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="campaign_once_per_unit_year"),
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="campaign_ends_after_start",
                violation_error_message=_("The last day must not be before the first day."),
            ),
        ]

    def __str__(self):
        return f"{self.year} · {self.theme}"

    def get_absolute_url(self):
        return reverse("reports:campaign_detail", args=[self.pk])


class ActivityQuerySet(ScopedQuerySet):
    scope = Scope(unit="unit")


class Activity(models.Model):
    """One Safety Month activity at a unit: date, kind, participants, photos (attachments)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="activities")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what was done"), blank=True)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    objects = ActivityQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("Safety Month activity")
        verbose_name_plural = _("Safety Month activities")
        ordering = ["date", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.campaign.get_absolute_url()


class ReportQuerySet(ScopedQuerySet):
    scope = Scope(unit="unit")

    def current(self) -> ReportQuerySet:
        return self.filter(is_current=True)


class Report(models.Model):
    """One version of a unit's summary report for one period."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    kind = models.CharField(_("report"), max_length=20, choices=ReportKind.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("Safety Month"),
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current version"), default=True)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("corrects"),
    )
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    numbers = models.JSONField(_("numbers"), default=dict, blank=True)
    rules_text = models.TextField(
        _("rules and procedures"),
        blank=True,
        help_text=_("Rules, plans and procedures introduced or revised in the period."),
    )
    problems = models.TextField(_("3. Existing problems and their reasons"), blank=True)
    measures = models.TextField(_("4. Rectification measures"), blank=True)
    plans = models.TextField(_("5. Work plan for next year"), blank=True)
    correction_reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)
    generated_at = models.DateTimeField(_("numbers as of"), default=timezone.now)
    finalised_at = models.DateTimeField(_("finalised"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ReportQuerySet.as_manager()
    history = audit_history(excluded_fields=["numbers"])

    class Meta:
        verbose_name = _("summary report")
        verbose_name_plural = _("summary reports")
        ordering = ["-period_start", "unit__path", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind", "period_start"],
                condition=Q(is_current=True),
                name="report_one_current_per_unit_period",
            ),
            models.UniqueConstraint(fields=["unit", "kind", "period_start", "version"], name="report_version_unique"),
        ]

    def __str__(self):
        return f"{self.unit} · {self.get_kind_display()} · {self.period_label}"

    def get_absolute_url(self):
        return reverse("reports:report_detail", args=[self.pk])

    @property
    def period_label(self) -> str:
        if self.kind == ReportKind.HAZARD_QUARTERLY:
            return f"{self.period_start.year} Q{(self.period_start.month - 1) // 3 + 1}"
        if self.kind == ReportKind.SAFETY_MONTH:
            return f"{self.period_start:%Y-%m-%d} – {self.period_end:%Y-%m-%d}"
        if self.kind == ReportKind.YEAR_END:
            if self.is_year_to_date:
                return _("%(year)s (up to %(day)s)") % {
                    "year": self.period_start.year,
                    "day": f"{self.period_end:%Y-%m-%d}",
                }
            return f"{self.period_start.year}"
        return f"{self.period_start:%Y-%m}"

    @property
    def is_year_to_date(self) -> bool:
        """A year-end summary drafted before the year is over (截至 YYYY-MM-DD)."""
        return self.kind == ReportKind.YEAR_END and (self.period_end.month, self.period_end.day) != (12, 31)

    @property
    def is_draft(self) -> bool:
        return self.status == ReportStatus.DRAFT

    @property
    def is_frozen(self) -> bool:
        return self.status != ReportStatus.DRAFT


class ReportFile(models.Model):
    """The rendered PDF of a finalised report in one language: made on finalising, made again when
    it is signed or published (``state`` says which of those it shows), served by every path."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="files")
    language = models.CharField(max_length=10)
    file = models.FileField(upload_to="reports/", max_length=200)
    state = models.CharField(max_length=200, blank=True, help_text="status and signatures the file shows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "language"], name="reportfile_once_per_language")]
