"""The inspection engine: versioned checklists, frequency rules, monthly cycles and
their assignments, inspections with answers. The hidden dangers they raise live in
``inspections.hazards.models``."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from branches.choices import Post, PremisesKind
from branches.models import Premises, Unit
from branches.scoping import Scope, ScopedQuerySet
from inspections.choices import (
    AnswerType,
    AssignmentStatus,
    Defence,
    InspectionStatus,
    Level,
    Period,
    Purpose,
    Result,
    Target,
)
from safetybank.audit import audit_history


def _bilingual(zh: str, en: str) -> str:
    """Head-office standard content carries both languages; show the reader's."""
    return en if (get_language() or "").startswith("en") and en else zh


class ChecklistTemplateQuerySet(ScopedQuerySet):
    scope = Scope(unit="owner_unit")


class ChecklistTemplate(models.Model):
    """A checklist set by head office (or added by a branch's security department for its subtree)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    owner_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("owner"))
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = ChecklistTemplateQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        ordering = ["code"]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("inspections:template_detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        return _bilingual(self.name, self.name_en)

    @property
    def current_version(self) -> ChecklistVersion | None:
        return self.versions.order_by("-number").first()


class ChecklistVersion(models.Model):
    """An immutable edition of a checklist. Inspections keep the version they were done on."""

    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    note = models.CharField(_("what changed"), max_length=200, blank=True)

    history = audit_history()

    class Meta:
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="checklist_version_unique")]

    def __str__(self):
        return f"{self.template} v{self.number}"

    @property
    def is_in_use(self) -> bool:
        return self.inspections.exists()


class ChecklistItem(models.Model):
    """One question. Its ``code`` stays the same across versions, so findings compare over time."""

    version = models.ForeignKey(ChecklistVersion, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=20)
    defence = models.CharField(_("defence"), max_length=12, choices=Defence.choices)
    text = models.CharField(_("check item"), max_length=300)
    text_en = models.CharField(_("check item (English)"), max_length=300, blank=True)
    guidance = models.TextField(_("guidance"), blank=True)
    guidance_en = models.TextField(_("guidance (English)"), blank=True)
    answer_type = models.CharField(_("answer"), max_length=12, choices=AnswerType.choices, default=AnswerType.PASS_FAIL)
    photo_on_fail = models.BooleanField(_("photo required on failure"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = audit_history()

    class Meta:
        verbose_name = _("check item")
        verbose_name_plural = _("check items")
        ordering = ["order", "code"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="checklist_item_code_unique")]

    def __str__(self):
        return f"{self.code} {self.display_text}"

    @property
    def display_text(self) -> str:
        return _bilingual(self.text, self.text_en)

    @property
    def display_guidance(self) -> str:
        return _bilingual(self.guidance, self.guidance_en)


class FrequencyRuleQuerySet(ScopedQuerySet):
    scope = Scope(unit="owner_unit")

    def valid_in(self, month: datetime.date):
        """Rules in force for the cycle of ``month`` (its first day)."""
        return self.filter(valid_from__lte=month).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=month))


class FrequencyRule(models.Model):
    """Who inspects what, how often, with which checklist: the five levels as data.

    A change made by head office applies from the next cycle: the service closes the
    old row at the end of the current month and starts a new one from the next.
    """

    code = models.CharField(_("code"), max_length=40)
    owner_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("owner"))
    level = models.CharField(_("level"), max_length=2, choices=Level.choices)
    period = models.CharField(_("period"), max_length=15, choices=Period.choices)
    count = models.PositiveSmallIntegerField(_("times per period"), default=1)
    target = models.CharField(_("applies to"), max_length=20, choices=Target.choices)
    premises_kind = models.CharField(_("premises kind"), max_length=20, choices=PremisesKind.choices, blank=True)
    performer_post = models.CharField(_("performed by"), max_length=30, choices=Post.choices)
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT, verbose_name=_("checklist"))
    season_start_month = models.PositiveSmallIntegerField(_("season starts (month)"), null=True, blank=True)
    season_end_month = models.PositiveSmallIntegerField(_("season ends (month)"), null=True, blank=True)
    due_days = models.PositiveSmallIntegerField(
        _("days allowed"), default=0, help_text=_("Working days allowed after the period for late completion.")
    )
    valid_from = models.DateField(_("in force from"))
    valid_until = models.DateField(_("in force until"), null=True, blank=True)

    objects = FrequencyRuleQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("frequency rule")
        verbose_name_plural = _("frequency rules")
        ordering = ["level", "code", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["code", "valid_from"], name="rule_code_valid_from_unique")]

    def __str__(self):
        return f"{self.get_level_display()} · {self.template}"


class InspectionCycle(models.Model):
    """One month of required inspections, opened before the month starts."""

    month = models.DateField(_("month"), unique=True)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)

    class Meta:
        verbose_name = _("inspection cycle")
        verbose_name_plural = _("inspection cycles")
        ordering = ["-month"]

    def __str__(self):
        return self.month.strftime("%Y-%m")


class AssignmentQuerySet(ScopedQuerySet):
    scope = Scope(unit="unit", premises="premises")

    def for_assignee(self, user):
        return self.filter(assignee=user)


class Assignment(models.Model):
    """One required inspection: who, where, which level and checklist, due when.

    ``target_key`` names the premises ("P12") or sub-branch ("U4"); with the rule, period
    and slot it is unique, so opening a cycle twice, or twice at once, creates nothing new.
    An assignment without an assignee is **unassigned**: a post nobody holds, shown, never hidden.
    """

    # No single-column index on cycle, rule, premises or assignee: the composite indexes below (and the
    # unique constraint, for rule) start with them and serve the same lookups.
    cycle = models.ForeignKey(InspectionCycle, on_delete=models.PROTECT, related_name="assignments", db_index=False)
    rule = models.ForeignKey(FrequencyRule, on_delete=models.PROTECT, related_name="assignments", db_index=False)
    level = models.CharField(_("level"), max_length=2, choices=Level.choices)
    version = models.ForeignKey(ChecklistVersion, on_delete=models.PROTECT, verbose_name=_("checklist"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("unit"))
    premises = models.ForeignKey(
        Premises, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("premises"), db_index=False
    )
    target_key = models.CharField(max_length=20)
    performer_post = models.CharField(_("performed by"), max_length=30, choices=Post.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_assignments",
        verbose_name=_("assignee"),
        db_index=False,
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("due"))
    slot = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(_("status"), max_length=10, choices=AssignmentStatus.choices, default="open")
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    notified_overdue_on = models.DateField(null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection assignment")
        verbose_name_plural = _("inspection assignments")
        ordering = ["period_end", "level", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "target_key", "period_start", "slot"], name="assignment_once_per_period"
            )
        ]
        indexes = [
            models.Index(fields=["cycle", "level", "status"]),
            models.Index(fields=["assignee", "status"]),
            # Coverage, the 12-month trend and today's checks: one level, a day or a range of days.
            models.Index(fields=["level", "period_start"], name="assignment_level_day"),
            # One premises' days: the register, missed days, today's checks at the home premises.
            models.Index(fields=["premises", "period_start"], name="assignment_premises_day"),
            # The nightly overdue job: what is still open past its due date, and the overdue not yet told
            # (small partial indexes: done rows, most of the table, are not in them).
            models.Index(fields=["period_end"], name="assignment_open_due", condition=models.Q(status="open")),
            models.Index(
                fields=["id"],
                name="assignment_overdue_untold",
                condition=models.Q(status="overdue", notified_overdue_on__isnull=True),
            ),
            # Rebuilding the summary tables: a month of daily checks, one target's month.
            models.Index(fields=["period_start"], name="assignment_period_start"),
            models.Index(fields=["target_key", "cycle", "level"], name="assignment_target_cycle"),
        ]

    def __str__(self):
        where = self.premises or self.unit
        return f"{self.get_level_display()} · {where} · {self.period_end}"

    def get_absolute_url(self):
        return reverse("inspections:assignment_detail", args=[self.pk])

    @property
    def is_unassigned(self) -> bool:
        return self.assignee_id is None

    @property
    def is_overdue(self) -> bool:
        return self.status in (AssignmentStatus.OPEN, AssignmentStatus.OVERDUE) and (
            self.period_end < timezone.localdate()
        )


class InspectionQuerySet(ScopedQuerySet):
    scope = Scope(unit="unit", premises="premises")

    def submitted(self):
        return self.filter(status=InspectionStatus.SUBMITTED)

    def awaiting_acknowledgement(self):
        return self.submitted().filter(acknowledge_by__isnull=False, acknowledged_at__isnull=True)


class Inspection(models.Model):
    """An inspection done on a checklist version at a premises. Submitted means immutable:
    a correction is a new inspection that points at the one it corrects, with a reason."""

    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="inspections"
    )
    level = models.CharField(_("level"), max_length=2, choices=Level.choices)
    version = models.ForeignKey(
        ChecklistVersion, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("checklist")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("unit"))
    premises = models.ForeignKey(Premises, on_delete=models.PROTECT, verbose_name=_("premises"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("inspector")
    )
    unannounced = models.BooleanField(_("unannounced"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=InspectionStatus.choices, default="draft")
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("corrects")
    )
    correction_reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)
    # Daily checks: when the officer says it was done (the server's own time is submitted_at),
    # how long the form took, and the second person's co-signature (proved by a core Signature).
    performed_at = models.DateTimeField(_("done at (as stated)"), null=True, blank=True)
    seconds_spent = models.PositiveIntegerField(_("seconds on the form"), null=True, blank=True)
    too_fast = models.BooleanField(
        _("too fast"), default=False, help_text=_("Submitted faster than a plausible minimum: flagged for review.")
    )
    cosigned_at = models.DateTimeField(_("co-signed at"), null=True, blank=True)
    cosigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cosigned_inspections",
        verbose_name=_("co-signed by"),
    )
    # The hand-off to the inspected side: the head of the premises acknowledges the facts by this
    # working day (empty: no acknowledgement asked, e.g. a premises' own daily check); past it the
    # reminder job tells them daily and, once, their superiors.
    acknowledge_by = models.DateField(_("acknowledge by"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledgement_escalated_on = models.DateField(null=True, blank=True)

    objects = InspectionQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.version.template} · {self.premises} · {timezone.localtime(self.started_at):%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("inspections:inspection_detail", args=[self.pk])

    @property
    def is_submitted(self) -> bool:
        return self.status == InspectionStatus.SUBMITTED


class AnswerQuerySet(ScopedQuerySet):
    scope = Scope(unit="inspection__unit", premises="inspection__premises")


class Answer(models.Model):
    """The answer to one item of an inspection. Unanswered until someone answers it."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="answers")
    result = models.CharField(_("result"), max_length=4, choices=Result.choices, blank=True)
    number = models.DecimalField(_("number"), max_digits=12, decimal_places=2, null=True, blank=True)
    text = models.CharField(_("answer"), max_length=500, blank=True)
    note = models.CharField(_("finding"), max_length=500, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    objects = AnswerQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["item__order", "item__code"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="answer_once_per_item")]

    def __str__(self):
        return f"{self.item.code}: {self.get_result_display() or self.text or self.number}"

    @property
    def is_answered(self) -> bool:
        if self.item.answer_type == AnswerType.PASS_FAIL:
            return bool(self.result)
        if self.item.answer_type == AnswerType.NUMBER:
            return self.number is not None
        return bool(self.text)

    @property
    def failed(self) -> bool:
        return self.result == Result.FAIL


# Hidden dangers live beside their code; imported here so Django registers them under this app.
from inspections.hazards.models import (  # noqa: E402, F401
    DEFENCE_TO_CATEGORY,
    FollowedHazardQuerySet,
    Hazard,
    HazardEvent,
    HazardEventQuerySet,
    HazardPlan,
    HazardPlanQuerySet,
    HazardPolicy,
    HazardQuerySet,
)
from inspections.summary_models import ComplianceSummary, DailySummary  # noqa: E402,F401  (summary tables)
