"""The nightly overdue job: open assignments past their due date become overdue, in committed batches,
each told once, with one digest a day per person (issue 19: bounded at provincial scale)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from branches.models import Premises, Unit, User
from core.models import Notification
from core.selectors import superior_of
from core.services import notify_many
from inspections import summaries
from inspections.choices import AssignmentStatus
from inspections.models import Assignment

# --------------------------------------------------------------------------- overdue


# The per-row messages sent before the daily digest: notifications already stored name these titles
# and are still shown in the reader's language.
RETIRED_OVERDUE_TITLES = (
    gettext_lazy("Overdue inspection: %(what)s (due %(due)s)"),
    gettext_lazy("Not done in time: %(what)s (due %(due)s)"),
)

# Rows per committed batch of the nightly jobs below: a run that stops (a worker lost, a time limit)
# keeps what it committed, and the next run carries on from what is left.
OVERDUE_BATCH = 2000
# Digests per committed batch: a stop keeps the people already told, and the next run skips them.
DIGEST_BATCH = 1000


def assignments_mark_overdue(*, today: datetime.date | None = None, batch_size: int = OVERDUE_BATCH) -> int:
    """Daily: open assignments past their due date become overdue, in batches by primary key, each
    committed. Each overdue assignment is told once, never again the nights after: it is claimed
    (``notified_overdue_on``) batch by batch, and the people concerned get one digest a day for all
    those claimed today: the assignee (their own), and the superiors above the assignee, or above
    the place when nobody holds the post (their area's). Running twice, or again after a stop,
    marks and tells nothing twice. Returns how many became overdue."""
    today = today or timezone.localdate()
    # Marked and claimed in the same statement; the second pass claims what became overdue otherwise.
    marked = _in_batches(
        Assignment.objects.filter(status=AssignmentStatus.OPEN, period_end__lt=today),
        batch_size,
        lambda ids: Assignment.objects.filter(pk__in=ids, status=AssignmentStatus.OPEN).update(
            status=AssignmentStatus.OVERDUE, notified_overdue_on=today
        ),
    )
    _in_batches(
        Assignment.objects.filter(status=AssignmentStatus.OVERDUE, notified_overdue_on__isnull=True),
        batch_size,
        lambda ids: Assignment.objects.filter(pk__in=ids, notified_overdue_on__isnull=True).update(
            notified_overdue_on=today
        ),
    )
    summaries.record_overdue(today=today)
    _overdue_digests(today)
    return marked


def _in_batches(queryset, batch_size: int, write) -> int:
    """``write(ids)`` over the rows of ``queryset`` in primary-key order, one transaction per batch."""
    done, last = 0, 0
    while True:
        ids = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return done
        with transaction.atomic():
            done += write(ids)
        last = ids[-1]


def _overdue_digests(today: datetime.date) -> int:
    """One message per person for the assignments claimed today (``notified_overdue_on``): how many of
    theirs and of their area became overdue, with a link to the list. Sent at most once a day (the
    key is the day), so a second run, or a run resumed after a stop, sends nothing more."""
    claimed = (
        Assignment.objects.filter(notified_overdue_on=today)
        .values("assignee_id", "assignee__unit_id", "premises__unit_id", "unit_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    mine: dict[int, int] = {}
    area: dict[int, int] = {}
    superiors: dict[tuple, list[User]] = {}
    for row in claimed:
        if row["assignee_id"]:
            mine[row["assignee_id"]] = mine.get(row["assignee_id"], 0) + row["count"]
            key = ("user", row["assignee__unit_id"])  # a person's superiors follow from their unit
        else:
            key = ("premises", row["premises__unit_id"]) if row["premises__unit_id"] else ("unit", row["unit_id"])
        if key not in superiors:
            superiors[key] = _superiors_for(row)
        for person in superiors[key]:
            area[person.pk] = area.get(person.pk, 0) + row["count"]
    key = f"inspection_overdue_digest:{today.isoformat()}"
    # A second run, or one resumed after a stop, skips at once whoever already has today's digest.
    told = set(Notification.objects.filter(dedupe_key=key).values_list("user_id", flat=True))
    people = User.objects.in_bulk((set(mine) | set(area)) - told)
    mine_url = reverse("inspections:my_inspections") + "?status=overdue"
    area_url = reverse("inspections:compliance")
    recipients = []
    for pk, person in sorted(people.items()):
        own, theirs = mine.get(pk, 0), area.get(pk, 0)
        params = {"count": own + theirs, "mine": own, "area": theirs}
        recipients.append((person, params, mine_url if own else area_url))
    # Written in bulk, a thousand people a statement, each their own counts (notify_many).
    return sum(
        notify_many(
            kind="inspection_overdue_digest",
            title=gettext_lazy("%(count)s inspections became overdue"),
            body=gettext_lazy("Yours: %(mine)s. Not done in time in your area: %(area)s."),
            recipients=recipients[start : start + DIGEST_BATCH],
            dedupe_key=key,
        )
        for start in range(0, len(recipients), DIGEST_BATCH)
    )


def _superiors_for(row: dict) -> list[User]:
    """Who is told an assignment was not done in time: above the assignee, else above the place."""
    if row["assignee_id"]:
        return superior_of(User.objects.select_related("unit").get(pk=row["assignee_id"]))
    if row["premises__unit_id"]:
        return superior_of(Premises(unit=Unit.objects.get(pk=row["premises__unit_id"])))
    return superior_of(Unit.objects.get(pk=row["unit_id"]))
