"""Leases of claimed background jobs: a job a worker claims is its job for a while only.

A worker that is killed (SIGKILL, OOM, a restarted container) cannot mark its job failed.
So a claim is a lease: the claim sets ``lease_until`` (``JOB_LEASE_SECONDS`` ahead, longer
than the task's hard time limit), progress renews it, finishing clears it. A job whose lease
ran out is claimable again, and the beat job ``core.sweep_jobs`` sends it to a worker once
more; after ``JOB_MAX_ATTEMPTS`` claims it is marked failed instead, so a job that kills its
worker every time does not loop for ever.

A job model inherits ``LeasedJob`` and names the task that runs it with its primary key::

    class GeneratedDocument(LeasedJob):
        lease_task = "core.tasks.render_document"
        status = ...  # "pending" / "running" / "done" / "failed"
        requested_at, error, finished_at = ...

The lease columns are plumbing, never audited (an audited job lists them in
``excluded_fields``), so the conditional UPDATE of a claim bypasses no audit.
"""

from __future__ import annotations

import datetime
import logging

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from safetybank.audit import set_reason
from safetybank.outbox import enqueue

logger = logging.getLogger(__name__)

WAITING, RUNNING, FAILED = "pending", "running", "failed"
LEASE_FIELDS = ["lease_until", "attempts"]


class LeasedJob(models.Model):
    """Abstract: the lease columns of a background job claimed by one worker at a time."""

    lease_task: str = ""  # dotted path of the Celery task that runs the job, called with its pk

    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, editable=False)

    class Meta:
        abstract = True

    @property
    def needs_retry(self) -> bool:
        """Failed, or not finished long after it was asked for: the page stops waiting and offers to try again."""
        if self.status not in (WAITING, RUNNING):
            return self.status == FAILED
        limit = datetime.timedelta(seconds=settings.JOB_WAIT_LIMIT_SECONDS)
        return self.requested_at < timezone.now() - limit


def _lease_end(now: datetime.datetime) -> datetime.datetime:
    return now + datetime.timedelta(seconds=settings.JOB_LEASE_SECONDS)


def _claimable(now: datetime.datetime) -> Q:
    """Waiting or running, and nobody holds a live lease on it."""
    return Q(status__in=[WAITING, RUNNING]) & (Q(lease_until__isnull=True) | Q(lease_until__lt=now))


def job_claim(model: type[LeasedJob], pk: int) -> bool:
    """Take the job for one lease: a waiting job, or a running one whose worker's lease ran out.

    One conditional UPDATE on the (unaudited) lease columns, so of two workers exactly one wins.
    A job that has used up its attempts is not claimed (the sweep marks it failed)."""
    now = timezone.now()
    return bool(
        model.objects.filter(_claimable(now), pk=pk, attempts__lt=settings.JOB_MAX_ATTEMPTS).update(
            lease_until=_lease_end(now), attempts=F("attempts") + 1
        )
    )


def job_renew(model: type[LeasedJob], pk: int, **fields) -> None:
    """The worker is alive: push the lease on, saving unaudited progress columns with it."""
    model.objects.filter(pk=pk, lease_until__isnull=False).update(lease_until=_lease_end(timezone.now()), **fields)


def leased_models() -> list[type[LeasedJob]]:
    return [model for model in apps.get_models() if issubclass(model, LeasedJob)]


def jobs_sweep(*, now: datetime.datetime | None = None) -> int:
    """Send every job whose lease ran out (or that waited a whole lease unclaimed: its message was
    lost) to a worker again; mark failed those that have used their attempts. Returns how many
    were sent again. Safe to run as often as wanted: the claim decides who runs a job."""
    now = now or timezone.now()
    unclaimed_since = now - datetime.timedelta(seconds=settings.JOB_LEASE_SECONDS)
    sent = 0
    for model in leased_models():
        stale = model.objects.filter(
            Q(status__in=[WAITING, RUNNING], lease_until__lt=now)
            | Q(status=WAITING, lease_until__isnull=True, requested_at__lt=unclaimed_since)
        )
        for job in stale.filter(attempts__gte=settings.JOB_MAX_ATTEMPTS):
            job.status, job.lease_until, job.finished_at = FAILED, None, now
            job.error = f"The worker was lost {job.attempts} times; not tried again."
            set_reason(job, "job.worker_lost")  # audited jobs record why
            job.save(update_fields=["status", "lease_until", "finished_at", "error"])
            logger.warning("%s %s failed: worker lost %s times", model._meta.label, job.pk, job.attempts)
        task = import_string(model.lease_task)
        for pk in stale.filter(attempts__lt=settings.JOB_MAX_ATTEMPTS).values_list("pk", flat=True):
            logger.warning("%s %s: lease ran out, sent to a worker again", model._meta.label, pk)
            enqueue(task, pk)
            sent += 1
    return sent
