"""The inspection engine: versioned checklists, frequency rules, monthly cycles and
their assignments, inspections with answers, and the hidden dangers they raise."""

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
from branches.permissions import effective_posts
from branches.scoping import Scope, ScopedQuerySet, user_scope
from core.codes import render
from inspections.choices import (
    AnswerType,
    AssignmentStatus,
    Defence,
    EscalationLevel,
    HazardCategory,
    HazardEventKind,
    HazardGrade,
    HazardStatus,
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

    cycle = models.ForeignKey(InspectionCycle, on_delete=models.PROTECT, related_name="assignments")
    rule = models.ForeignKey(FrequencyRule, on_delete=models.PROTECT, related_name="assignments")
    level = models.CharField(_("level"), max_length=2, choices=Level.choices)
    version = models.ForeignKey(ChecklistVersion, on_delete=models.PROTECT, verbose_name=_("checklist"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("unit"))
    premises = models.ForeignKey(Premises, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("premises"))
    target_key = models.CharField(max_length=20)
    performer_post = models.CharField(_("performed by"), max_length=30, choices=Post.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_assignments",
        verbose_name=_("assignee"),
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


class FollowedHazardQuerySet(ScopedQuerySet):
    """A hidden danger's scope is its premises' scope plus the people who follow it: whoever reported
    it, whoever is responsible for it, and the outlet head of the reporter's outlet (an officer who
    reports at a self-service bank they patrol hands it to security, and their head follows it).
    ``hazard`` is the path from the row to its hidden danger ("" for the danger itself)."""

    hazard = ""

    def for_user(self, user):
        info = user_scope(user)
        if info.everything:
            return self.all()
        condition = self._scope_condition(info)
        # Only a saved person follows (a report's stand-in reader has no pk: "responsible IS NULL" would leak).
        if getattr(user, "is_authenticated", False) and user.is_active and getattr(user, "pk", None) is not None:
            prefix = f"{self.hazard}__" if self.hazard else ""
            condition |= Q(**{f"{prefix}found_by": user.pk}) | Q(**{f"{prefix}responsible": user.pk})
            if user.home_premises_id and Post.OUTLET_HEAD in effective_posts(user):
                condition |= Q(**{f"{prefix}found_by__home_premises": user.home_premises_id})
        return self.filter(condition)

    def in_scope(self, user):
        """The premises' scope alone, without what a person follows: what counts and dashboards of a
        unit read (a danger an officer reported elsewhere is not their unit's)."""
        return super().for_user(user)


class HazardQuerySet(FollowedHazardQuerySet):
    scope = Scope(unit="unit", premises="premises")

    def open(self):
        return self.exclude(status=HazardStatus.CLOSED)


class Hazard(models.Model):
    """A hidden danger (隐患): what, where, which defence, how serious, who found it and when.

    Born from a failed check item, a drill problem, a facility test or a report by hand; its
    source is an explicit nullable link, never a generic relation. The rectification loop
    (assignment, evidence, independent verification) lives in ``inspections.services``.
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("unit"))
    premises = models.ForeignKey(Premises, on_delete=models.PROTECT, verbose_name=_("premises"))
    item_code = models.CharField(_("item code"), max_length=20, blank=True)
    description = models.TextField(_("description"))
    # A generated description (a failed facility test) as a code with parameters (core.codes), shown
    # in the reader's language; ``description`` keeps it rendered in the site language for search.
    description_message = models.JSONField(default=dict, blank=True)
    category = models.CharField(_("category"), max_length=12, choices=HazardCategory.choices)
    grade = models.CharField(_("grade"), max_length=10, choices=HazardGrade.choices, default=HazardGrade.GENERAL)
    status = models.CharField(_("status"), max_length=12, choices=HazardStatus.choices, default="reported")
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hazards_found", verbose_name=_("found by")
    )
    found_at = models.DateTimeField(_("found at"), default=timezone.now)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazards_responsible",
        verbose_name=_("responsible person"),
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    source_inspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.PROTECT, related_name="hazards"
    )
    source_answer = models.OneToOneField(Answer, null=True, blank=True, on_delete=models.PROTECT, related_name="hazard")
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    fixed_on_spot = models.BooleanField(_("rectified on the spot"), default=False)
    rectified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazards_rectified",
        verbose_name=_("rectified by"),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazards_verified",
        verbose_name=_("verified by"),
    )
    overdue_since = models.DateField(_("overdue since"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation level"), choices=EscalationLevel.choices, default=EscalationLevel.NONE
    )
    escalated_at = models.DateTimeField(_("first escalated"), null=True, blank=True)
    is_repeat = models.BooleanField(
        _("repeat finding"),
        default=False,
        help_text=_("The same item at the same premises within 30 days of the last one closed."),
    )
    repeat_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("repeats")
    )

    objects = HazardQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("hidden danger")
        verbose_name_plural = _("hidden dangers")
        ordering = ["-found_at"]
        indexes = [models.Index(fields=["premises", "item_code", "closed_at"], name="hazard_repeat_lookup")]

    def __str__(self):
        return f"{self.premises} · {self.item_code or ''} {self.description[:40]}"

    def get_absolute_url(self):
        return reverse("inspections:hazard_detail", args=[self.pk])

    @property
    def display_description(self) -> str:
        """The description in the reader's language (generated ones), else as the reporter typed it."""
        message = self.description_message
        if message.get("text"):
            text = render(message["text"], message.get("params"))
            return f"{text}: {message['note']}" if message.get("note") else text
        return self.description

    @property
    def code(self) -> str:
        """How people quote a hidden danger: YH + year + number."""
        return f"YH{self.found_at:%Y}-{self.pk:05d}" if self.pk else ""

    @property
    def is_open(self) -> bool:
        return self.status != HazardStatus.CLOSED

    @property
    def is_major(self) -> bool:
        return self.grade == HazardGrade.MAJOR

    @property
    def is_overdue(self) -> bool:
        return self.status != HazardStatus.CLOSED and self.deadline is not None and self.deadline < timezone.localdate()


DEFENCE_TO_CATEGORY = {
    Defence.CIVIL: HazardCategory.CIVIL,
    Defence.PHYSICAL: HazardCategory.PHYSICAL,
    Defence.TECHNICAL: HazardCategory.TECHNICAL,
    Defence.FIRE: HazardCategory.FIRE,
    Defence.CASH: HazardCategory.OTHER,
}


# --------------------------------------------------------------------------- hidden-danger loop


class HazardEventQuerySet(FollowedHazardQuerySet):
    scope = Scope(unit="hazard__unit", premises="hazard__premises")
    hazard = "hazard"


class HazardEvent(models.Model):
    """One step of a hidden danger's timeline: who did what, when, why, with which evidence.

    Written only by the services in ``inspections.hazards.services``, never changed afterwards.
    Evidence photos are attachments of the event (served through this scoped queryset).
    ``by`` is empty for steps the daily job takes (overdue, escalation).
    """

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what"), max_length=15, choices=HazardEventKind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    from_status = models.CharField(_("from"), max_length=12, choices=HazardStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=HazardStatus.choices, blank=True)
    note = models.TextField(_("note"), blank=True)  # what the person typed, never translated
    # What the system wrote (repeat finding, new deadline, escalation level ...) as a code with
    # parameters (core.codes), rendered in the reader's language.
    message = models.JSONField(default=dict, blank=True)

    objects = HazardEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("hidden-danger event")
        verbose_name_plural = _("hidden-danger events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.hazard_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return self.hazard.get_absolute_url()

    @property
    def display_note(self) -> str:
        """The system's text in the reader's language, then what the person typed."""
        generated = render(self.message["text"], self.message.get("params")) if self.message.get("text") else ""
        return "\n".join(part for part in (generated, self.note) if part)


class HazardPlanQuerySet(FollowedHazardQuerySet):
    scope = Scope(unit="hazard__unit", premises="hazard__premises")
    hazard = "hazard"


class HazardPlan(models.Model):
    """The governance plan (治理方案) a major hidden danger needs before it can leave "assigned":
    the six contents the national rules list."""

    hazard = models.OneToOneField(Hazard, on_delete=models.CASCADE, related_name="plan")
    targets = models.TextField(_("targets and tasks"))
    methods = models.TextField(_("methods and measures"))
    funds = models.TextField(_("funds and materials"))
    organisation = models.TextField(_("responsible organisation and people"))
    time_limit = models.DateField(_("time limit"))
    safety_measures = models.TextField(_("safety measures and emergency plan"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = HazardPlanQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("governance plan")
        verbose_name_plural = _("governance plans")

    def __str__(self):
        return f"{self.hazard}"

    @property
    def is_complete(self) -> bool:
        texts = (self.targets, self.methods, self.funds, self.organisation, self.safety_measures)
        return all(text.strip() for text in texts) and self.time_limit is not None


class HazardPolicy(models.Model):
    """Head office's settings for the loop (one row): when an overdue danger climbs a level,
    how long a repeat finding looks back, default deadlines in working days."""

    escalate_after_days = models.PositiveSmallIntegerField(
        _("escalate after (days overdue)"),
        default=3,
        help_text=_("An overdue hidden danger goes one level up after this many days, and again after as many more."),
    )
    repeat_window_days = models.PositiveSmallIntegerField(_("repeat finding window (days)"), default=30)
    general_deadline_days = models.PositiveSmallIntegerField(
        _("deadline for a general danger (working days)"), default=5
    )
    major_deadline_days = models.PositiveSmallIntegerField(_("deadline for a major danger (working days)"), default=30)

    history = audit_history()

    class Meta:
        verbose_name = _("hidden-danger settings")
        verbose_name_plural = _("hidden-danger settings")

    def __str__(self):
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> HazardPolicy:
        policy = cls.objects.order_by("pk").first()
        return policy if policy is not None else cls()


from inspections.summary_models import ComplianceSummary, DailySummary  # noqa: E402,F401  (summary tables)
