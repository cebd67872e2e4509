"""The incident register: theft, robbery, fraud, fire, property loss and liability accidents."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Premises, Unit
from branches.scoping import Scope, ScopedQuerySet
from incidents.choices import IncidentKind, IncidentStatus
from safetybank.audit import audit_history


class IncidentQuerySet(ScopedQuerySet):
    scope = Scope(unit="unit", premises="premises")


class Incident(models.Model):
    """One case or accident at a premises, reported by anyone, followed up by the security department."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("unit"), editable=False)
    premises = models.ForeignKey(
        Premises, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("premises")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=IncidentKind.choices)
    occurred_at = models.DateTimeField(_("when it happened"))
    description = models.TextField(_("what happened"))
    loss_amount = models.DecimalField(
        _("loss (yuan)"), max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    police_report_no = models.CharField(_("police report number"), max_length=50, blank=True)
    status = models.CharField(_("status"), max_length=15, choices=IncidentStatus.choices, default="reported")
    follow_up = models.TextField(_("follow-up actions"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="incidents_reported",
        verbose_name=_("reported by"),
        editable=False,
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)

    objects = IncidentQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["occurred_at"]), models.Index(fields=["reported_by"])]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.premises} · {timezone.localtime(self.occurred_at):%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("incidents:incident_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == IncidentStatus.CLOSED
