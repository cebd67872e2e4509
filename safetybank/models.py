"""Domain-free plumbing that needs a table: the transactional outbox of background tasks."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A background task asked for by a change, written in the change's own transaction.

    ``safetybank.outbox.enqueue`` writes it; after commit it is published at once when the broker
    answers within a second, otherwise the sweep (beat every minute, and when a worker starts)
    publishes it later. A broker outage therefore delays work but never loses it, and never
    holds up or fails the request that asked for it. Tasks are idempotent, so a message that
    is published twice (a publish that succeeded but could not be marked) does its work once.
    """

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["created_at", "pk"]
        indexes = [
            # The sweep reads only what waits, oldest first.
            models.Index(fields=["created_at", "id"], condition=models.Q(sent_at__isnull=True), name="outbox_unsent"),
        ]

    def __str__(self):
        return f"{self.task} #{self.pk}"
