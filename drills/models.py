"""Emergency plans with their roles, annual drill plans, drills with participants and problems,
and safety study sessions. Every queryset is scoped through ``branches.scoping``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from branches.models import Premises, Unit
from branches.scoping import Scope, ScopedQuerySet, user_scope
from drills.choices import DrillKind, DrillStatus, PlanKind, PlanRoleKind, RolePeriod, StudyKind
from inspections.choices import HazardCategory, HazardGrade
from inspections.hazards.models import Hazard
from safetybank.audit import audit_history


class EmergencyPlanQuerySet(ScopedQuerySet):
    scope = Scope(unit="unit")

    def for_user(self, user):
        """Plans flow down: a person sees those of their units, of the units below and of the units above."""
        return self.visible_to(user)

    def manageable_by(self, user):
        """Only the plans of the person's own subtree are theirs to change."""
        return super().for_user(user)


class EmergencyPlan(models.Model):
    """An emergency plan (应急预案) of a unit; a branch's plans flow down to its sub-branches.

    Each revision raises ``version``; the audit trail keeps every earlier edition.
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("unit covered"))
    kind = models.CharField(_("kind"), max_length=30, choices=PlanKind.choices)
    title = models.CharField(_("title"), max_length=150)
    summary = models.TextField(_("key actions"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    change_note = models.CharField(_("what changed"), max_length=200, blank=True)
    next_review = models.DateField(_("next review"))
    is_active = models.BooleanField(_("in force"), default=True)

    objects = EmergencyPlanQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("emergency plan")
        verbose_name_plural = _("emergency plans")
        ordering = ["unit__path", "kind", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("drills:plan_detail", args=[self.pk])


class PlanRoleQuerySet(ScopedQuerySet):
    scope = Scope(unit="plan__unit")


class PlanRole(models.Model):
    """One role of a plan held by a named person for one period (business hours, storage, escort)."""

    plan = models.ForeignKey(EmergencyPlan, on_delete=models.CASCADE, related_name="roles")
    period = models.CharField(_("period"), max_length=20, choices=RolePeriod.choices)
    role = models.CharField(_("role"), max_length=20, choices=PlanRoleKind.choices)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plan_roles", verbose_name=_("held by")
    )
    duties = models.CharField(_("duties"), max_length=300, blank=True)

    objects = PlanRoleQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("plan role")
        verbose_name_plural = _("plan roles")
        ordering = ["period", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "period", "role", "holder"], name="plan_role_once_per_holder")
        ]

    def __str__(self):
        return f"{self.get_role_display()} · {self.holder}"

    @property
    def needs_reassignment(self) -> bool:
        """The holder left, or moved to a unit outside the one the plan covers."""
        holder = self.holder
        if not holder.is_active:
            return True
        return holder.unit is None or not holder.unit.path.startswith(self.plan.unit.path)


class AnnualDrillPlanQuerySet(ScopedQuerySet):
    scope = Scope(unit="unit")


class AnnualDrillPlan(models.Model):
    """A unit's drill plan for one year and the bank's own targets for it (the national minimums are fixed)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("unit"))
    year = models.PositiveSmallIntegerField(_("year"))
    drills_per_month = models.PositiveSmallIntegerField(
        _("drills per month"), default=1, help_text=_("The bank's target for the unit; 0 switches the rule off.")
    )
    outlet_drills_per_quarter = models.PositiveSmallIntegerField(
        _("drills per business outlet per quarter"),
        default=1,
        help_text=_("Every business outlet takes part this often; 0 switches the rule off."),
    )
    note = models.TextField(_("note"), blank=True)

    objects = AnnualDrillPlanQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("annual drill plan")
        verbose_name_plural = _("annual drill plans")
        ordering = ["-year", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="annual_drill_plan_once_per_year")]

    def __str__(self):
        return f"{self.unit} {self.year}"


class DrillQuerySet(ScopedQuerySet):
    scope = Scope(unit="unit", premises="premises")

    def for_user(self, user):
        # The premises are many-to-many: filter by id so a drill at two visible premises appears once.
        info = user_scope(user)
        if info.everything:
            return self.all()
        return self.filter(pk__in=self.model._default_manager.filter(self._scope_condition(info)).values("pk"))

    def done(self):
        return self.filter(status=DrillStatus.DONE)

    def planned(self):
        return self.filter(status=DrillStatus.PLANNED)


class Drill(models.Model):
    """A drill exercising a plan at a unit, first planned, then recorded as done (or cancelled).

    A drill at several premises counts for each of them.
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("unit"))
    premises = models.ManyToManyField(Premises, related_name="drills", verbose_name=_("premises"), blank=True)
    plan = models.ForeignKey(
        EmergencyPlan,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drills",
        verbose_name=_("emergency plan"),
    )
    kind = models.CharField(_("kind of drill"), max_length=20, choices=DrillKind.choices)
    scenario = models.CharField(_("scenario"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=DrillStatus.choices, default=DrillStatus.PLANNED)
    planned_date = models.DateField(_("planned date"))
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drills_led",
        verbose_name=_("organiser"),
    )
    unannounced = models.BooleanField(_("unannounced"), default=False)
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score (0–100)"), null=True, blank=True)
    evaluation = models.TextField(_("evaluation"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drills_recorded",
        verbose_name=_("recorded by"),
    )
    reminded_on = models.DateField(null=True, blank=True, editable=False)

    objects = DrillQuerySet.as_manager()
    history = audit_history(excluded_fields=["reminded_on"])

    class Meta:
        verbose_name = _("drill")
        verbose_name_plural = _("drills")
        ordering = ["-planned_date", "-pk"]
        indexes = [models.Index(fields=["status", "planned_date"])]

    def __str__(self):
        return f"{self.planned_date:%Y-%m-%d} {self.scenario}"

    def get_absolute_url(self):
        return reverse("drills:drill_detail", args=[self.pk])

    @property
    def is_done(self) -> bool:
        return self.status == DrillStatus.DONE

    @property
    def date(self):
        """The day it was held, else the day it is planned for."""
        from django.utils import timezone

        return timezone.localdate(self.held_at) if self.held_at else self.planned_date


class DrillParticipantQuerySet(ScopedQuerySet):
    scope = Scope(unit="drill__unit")


class DrillParticipant(models.Model):
    """A member of staff expected at a drill, and whether they attended."""

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="drill_participations")
    attended = models.BooleanField(_("attended"), default=True)

    objects = DrillParticipantQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("drill participant")
        verbose_name_plural = _("drill participants")
        ordering = ["person__full_name"]
        constraints = [models.UniqueConstraint(fields=["drill", "person"], name="drill_participant_once")]

    def __str__(self):
        return str(self.person)


class DrillProblemQuerySet(ScopedQuerySet):
    scope = Scope(unit="drill__unit", premises="premises")


class DrillProblem(models.Model):
    """A problem a drill exposed. It becomes a hidden danger in the same step; the link is kept here."""

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="problems")
    premises = models.ForeignKey(Premises, on_delete=models.PROTECT, verbose_name=_("premises"))
    description = models.TextField(_("problem found"))
    category = models.CharField(_("category"), max_length=12, choices=HazardCategory.choices)
    grade = models.CharField(_("grade"), max_length=10, choices=HazardGrade.choices, default=HazardGrade.GENERAL)
    hazard = models.OneToOneField(
        Hazard,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drill_problem",
        verbose_name=_("hidden danger"),
    )
    found_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("found at"), auto_now_add=True)

    objects = DrillProblemQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("drill problem")
        verbose_name_plural = _("drill problems")
        ordering = ["pk"]

    def __str__(self):
        return self.description[:60]


class RuleReminder(models.Model):
    """That the "30 days before a rule would be missed" reminder went out for a unit and rule period: once."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE)
    rule = models.CharField(max_length=40)
    period_start = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "rule", "period_start"], name="rule_reminder_once")]


class StudySessionQuerySet(ScopedQuerySet):
    scope = Scope(unit="unit")


class StudySession(models.Model):
    """A safety study session (安全学习): at least two a month per sub-branch."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("unit"))
    topic = models.CharField(_("topic"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=StudyKind.choices)
    date = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), null=True, blank=True)
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="study_sessions_presented",
        verbose_name=_("presenter"),
    )
    notes = models.TextField(_("content"), blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="StudyAttendance",
        related_name="study_sessions",
        verbose_name=_("attendees"),
        blank=True,
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = StudySessionQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("study session")
        verbose_name_plural = _("study sessions")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.topic}"

    def get_absolute_url(self):
        return reverse("drills:study_detail", args=[self.pk])


class StudyAttendance(models.Model):
    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="study_attendance_once")]
