"""The security facilities ledger: facilities per premises, the cadences head office sets,
the detection and calibration ledger of tests, and money spent on upgrades."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Premises, Unit
from branches.scoping import Scope, ScopedQuerySet
from facilities.choices import (
    CadenceUnit,
    ExtinguisherType,
    FacilityKind,
    FacilityStatus,
    InvestmentKind,
    TestKind,
    TestResult,
    VideoKind,
)
from inspections.hazards.models import Hazard
from safetybank.audit import audit_history


class Cadence(models.Model):
    """How often one kind of test is due, set by head office for the whole bank."""

    test_kind = models.CharField(_("test"), max_length=30, choices=TestKind.choices, unique=True)
    facility_kind = models.CharField(_("facility kind"), max_length=30, choices=FacilityKind.choices)
    every = models.PositiveSmallIntegerField(_("every"), default=1, validators=[MinValueValidator(1)])
    unit = models.CharField(_("period"), max_length=10, choices=CadenceUnit.choices, default=CadenceUnit.MONTH)
    remind_days = models.PositiveSmallIntegerField(
        _("remind days before"), default=5, help_text=_("A test shows as due this many days before its date.")
    )
    requires_police_receipt = models.BooleanField(
        _("needs the police's confirmation"),
        default=False,
        help_text=_("A passed test records who at the 110 centre confirmed receipt of the alarm."),
    )
    is_active = models.BooleanField(_("in force"), default=True)

    history = audit_history()

    class Meta:
        verbose_name = _("test cadence")
        verbose_name_plural = _("test cadences")
        ordering = ["facility_kind", "test_kind"]

    def __str__(self):
        return str(self.get_test_kind_display())

    def get_absolute_url(self):
        return reverse("facilities:cadence_list")

    @property
    def interval(self) -> relativedelta:
        if self.unit == CadenceUnit.WEEK:
            return relativedelta(weeks=self.every)
        return relativedelta(months=self.every)

    @property
    def interval_display(self) -> str:
        return f"{self.every} {self.get_unit_display()}"

    def next_due(self, after: datetime.date) -> datetime.date:
        return after + self.interval


class FacilityQuerySet(ScopedQuerySet):
    scope = Scope(unit="unit", premises="premises")

    def in_use(self):
        return self.exclude(status=FacilityStatus.RETIRED)


class Facility(models.Model):
    """One security facility of a premises: what it is, since when, from whom, and its state."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("unit"), editable=False)
    premises = models.ForeignKey(
        Premises, on_delete=models.PROTECT, related_name="facilities", verbose_name=_("premises")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=FacilityKind.choices)
    name = models.CharField(_("name"), max_length=100, help_text=_("What the staff call it, e.g. “hall DVR”."))
    model_name = models.CharField(_("make and model"), max_length=100, blank=True)
    supplier = models.CharField(_("supplier"), max_length=100, blank=True)
    install_date = models.DateField(_("installed on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=FacilityStatus.choices, default="in_use")
    registered_on = models.DateField(_("in the ledger since"), default=timezone.localdate, editable=False)
    # CCTV / digital video recorder
    video_kind = models.CharField(_("recording"), max_length=10, choices=VideoKind.choices, blank=True)
    channels = models.PositiveSmallIntegerField(_("channels"), null=True, blank=True)
    retention_days = models.PositiveSmallIntegerField(_("retention (days)"), null=True, blank=True)
    # Fire extinguishers
    quantity = models.PositiveSmallIntegerField(_("count"), null=True, blank=True)
    extinguisher_type = models.CharField(
        _("extinguisher type"), max_length=12, choices=ExtinguisherType.choices, blank=True
    )
    expiry_date = models.DateField(_("expires on"), null=True, blank=True)
    next_overhaul = models.DateField(_("next overhaul"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = FacilityQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["premises__code", "kind", "name"]
        indexes = [models.Index(fields=["premises", "kind"])]

    def __str__(self):
        return f"{self.premises} · {self.name}"

    def get_absolute_url(self):
        return reverse("facilities:facility_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.kind != FacilityKind.CCTV:
            for field in ("video_kind", "channels", "retention_days"):
                if getattr(self, field) not in (None, ""):
                    errors[field] = _("Only a video recorder has channels and a retention period.")
        if self.kind != FacilityKind.EXTINGUISHER:
            for field in ("quantity", "extinguisher_type", "expiry_date", "next_overhaul"):
                if getattr(self, field):
                    errors[field] = _("Only fire extinguishers have a count, a type and an expiry date.")
        elif not self.quantity:
            errors["quantity"] = _("Give how many extinguishers there are.")
        if self.install_date and self.install_date > timezone.localdate():
            errors["install_date"] = _("The installation date cannot be in the future.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_expired(self) -> bool:
        return self.expiry_date is not None and self.expiry_date < timezone.localdate()

    @property
    def baseline(self) -> datetime.date:
        """The date the first test is counted from: entry into the ledger (or a later installation)."""
        if self.install_date and self.install_date > self.registered_on:
            return self.install_date
        return self.registered_on


class FacilityTestQuerySet(ScopedQuerySet):
    scope = Scope(unit="facility__unit", premises="facility__premises")


class FacilityTest(models.Model):
    """One entry of the detection and calibration ledger, signed by the tester when recorded.

    A recorded test is not changed afterwards: the tester's signature covers its content.
    A failed test raises a hidden danger (``hazard``); the link is here so the inspection
    app does not depend on this one (``hazard.facility_test`` gives the other direction).
    """

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="tests", verbose_name=_("facility"))
    test_kind = models.CharField(_("test"), max_length=30, choices=TestKind.choices)
    tested_on = models.DateField(_("tested on"), default=timezone.localdate)
    tester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="facility_tests", verbose_name=_("tester")
    )
    result = models.CharField(_("result"), max_length=4, choices=TestResult.choices)
    notes = models.TextField(_("notes"), blank=True)
    police_receipt = models.CharField(
        _("police confirmation of receipt"),
        max_length=100,
        blank=True,
        help_text=_("Who at the 110 centre confirmed the alarm arrived, and their reference."),
    )
    hazard = models.OneToOneField(
        Hazard,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="facility_test",
        verbose_name=_("hidden danger"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = FacilityTestQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("facility test")
        verbose_name_plural = _("facility tests")
        ordering = ["-tested_on", "-recorded_at"]
        indexes = [models.Index(fields=["facility", "test_kind", "tested_on"])]

    def __str__(self):
        return f"{self.facility} · {self.get_test_kind_display()} · {self.tested_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("facilities:test_detail", args=[self.pk])

    @property
    def failed(self) -> bool:
        return self.result == TestResult.FAIL

    def signed_content(self) -> dict:
        """What the tester signs: the facts of the entry, nothing that changes later."""
        return {
            "test": self.pk,
            "facility": self.facility_id,
            "premises": self.facility.premises.code,
            "kind": self.test_kind,
            "tested_on": self.tested_on.isoformat(),
            "tester": self.tester_id,
            "result": self.result,
            "notes": self.notes,
            "police_receipt": self.police_receipt,
        }


class InvestmentQuerySet(ScopedQuerySet):
    scope = Scope(unit="unit", premises="premises")


class Investment(models.Model):
    """Money spent on security facilities: a purchase, upgrade, overhaul/maintenance or construction,
    booked at one premises and covering it and ``premises_covered``."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("unit"), editable=False)
    premises = models.ForeignKey(
        Premises, on_delete=models.PROTECT, related_name="investments", verbose_name=_("premises")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InvestmentKind.choices, default="upgrade")
    facility_kind = models.CharField(_("facility kind"), max_length=30, choices=FacilityKind.choices, blank=True)
    premises_covered = models.ManyToManyField(
        Premises,
        blank=True,
        related_name="+",
        verbose_name=_("also covers"),
        help_text=_("Other premises the same work covered (e.g. CCTV upgraded at three outlets)."),
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    description = models.CharField(_("what it bought"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
        editable=False,
    )

    objects = InvestmentQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("investment")
        verbose_name_plural = _("investments")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.premises} · {self.date:%Y-%m-%d} · ¥{self.amount}"

    def get_absolute_url(self):
        return reverse("facilities:investment_update", args=[self.pk])
