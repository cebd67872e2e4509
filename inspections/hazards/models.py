"""Hidden dangers (隐患) and their rectification loop: the danger itself, its timeline of events,
the governance plan a major one needs, and head office's settings for the loop.

App label ``inspections`` (``inspections/models.py`` imports these so Django registers them); the
code that writes and reads them lives beside this module in ``inspections.hazards``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from branches.choices import Post
from branches.models import Premises, Unit
from branches.permissions import effective_posts
from branches.scoping import Scope, ScopedQuerySet, user_scope
from core.codes import render
from inspections.choices import (
    Defence,
    EscalationLevel,
    HazardCategory,
    HazardEventKind,
    HazardGrade,
    HazardStatus,
)
from safetybank.audit import audit_history


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
        "inspections.Inspection", null=True, blank=True, on_delete=models.PROTECT, related_name="hazards"
    )
    source_answer = models.OneToOneField(
        "inspections.Answer", null=True, blank=True, on_delete=models.PROTECT, related_name="hazard"
    )
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
        indexes = [
            models.Index(fields=["premises", "item_code", "closed_at"], name="hazard_repeat_lookup"),
            # The register's order: its first page is read from this index, not by sorting every danger
            # (31,273 at 3,000 premises: 324 ms sorted, see docs/benchmarks.md).
            models.Index(fields=["-found_at"], name="hazard_found_at"),
        ]

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
            if not message.get("note"):
                return text
            # Chinese punctuation in Chinese ("…：…"), not an English colon or full stop.
            return pgettext("generated text: what the person typed", "%(text)s: %(note)s") % {
                "text": text,
                "note": message["note"],
            }
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
