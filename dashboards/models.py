"""The one table of the dashboards: the weights of the risk early-warning score, set by head office."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safetybank.audit import audit_history


class RiskWeights(models.Model):
    """How much each warning sign of a premises adds to its risk score (a single row, pk 1).

    score = Σ weight × count, over: open dangers past their deadline, open escalated dangers,
    checks missed in the month, facility tests failed in the month, facility tests overdue,
    and no drill held at the premises within ``drill_window_days``. Changes are audited.
    """

    overdue_danger = models.PositiveSmallIntegerField(_("per overdue hidden danger"), default=5)
    escalated_danger = models.PositiveSmallIntegerField(_("per escalated hidden danger"), default=8)
    missed_check = models.PositiveSmallIntegerField(_("per missed check"), default=2)
    failed_test = models.PositiveSmallIntegerField(_("per failed facility test"), default=4)
    overdue_test = models.PositiveSmallIntegerField(_("per overdue facility test"), default=3)
    no_recent_drill = models.PositiveSmallIntegerField(_("no recent drill"), default=3)
    drill_window_days = models.PositiveSmallIntegerField(
        _("a drill is recent within (days)"), default=90, help_text=_("From 7 to 366 days.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    history = audit_history()

    class Meta:
        verbose_name = _("risk weights")
        verbose_name_plural = _("risk weights")

    def __str__(self):
        return str(_("Risk weights"))

    @classmethod
    def current(cls) -> RiskWeights:
        """The weights in force: the saved row, or the defaults before head office has saved any."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)
