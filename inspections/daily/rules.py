"""Which checks are daily and two-person, and who may co-sign one: the predicates the daily-check
services enforce and the queues and pages show. Selectors and services both import them from here."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from branches.choices import Post
from branches.models import User
from inspections.choices import Purpose
from inspections.models import Inspection

COSIGNED = frozenset({Purpose.DAILY_OPEN, Purpose.DAILY_CLOSE, Purpose.VAULT_DUAL})
DAILY = COSIGNED | {Purpose.SELF_SERVICE_PATROL, Purpose.CIT_TRIP}


def purpose_of(inspection: Inspection) -> str:
    return inspection.version.template.purpose


def needs_cosign(inspection: Inspection) -> bool:
    return purpose_of(inspection) in COSIGNED


def cosigners_of(inspection: Inspection) -> list[User]:
    """Who may co-sign: the outlet head of the premises (or whoever acts for them); for a vault,
    any other custodian of it as well."""
    today = timezone.localdate()
    premises = inspection.premises_id
    acting = User.objects.filter(
        actings__premises=premises,
        actings__post=Post.OUTLET_HEAD,
        actings__start_date__lte=today,
        actings__end_date__gte=today,
    )
    own = Q(home_premises=premises)
    if purpose_of(inspection) != Purpose.VAULT_DUAL:  # a vault: any other custodian of it as well
        own &= Q(post=Post.OUTLET_HEAD)
    # One query for the heads of the premises and whoever acts for one today: a UNION, each part by its
    # index (an OR of the two made PostgreSQL read every one of a province's 25,828 staff: 4.3 ms).
    heads = User.objects.filter(own, is_active=True).order_by().union(acting.filter(is_active=True).order_by())
    return list(heads.order_by("pk"))


def may_cosign_filter(user: User) -> Q:
    """``cosigners_of`` turned around, for a whole queue: a filter of the inspections ``user`` is a
    co-signer of (outlet head of the premises or acting for one today; for a vault, any of its
    staff). One query (today's acting) whatever the number of inspections."""
    if not user.is_active:
        return Q(pk__in=[])
    headed = user.held_at(Post.OUTLET_HEAD, of="premises")
    condition = Q(premises_id__in=headed)
    if user.home_premises_id:
        condition |= Q(premises_id=user.home_premises_id, version__template__purpose=Purpose.VAULT_DUAL)
    return condition


def minimum_seconds(items: int) -> int:
    """Faster than this, a check of ``items`` items is flagged "too fast" for review."""
    return settings.DAILY_CHECK_MIN_SECONDS_PER_ITEM * items


def earliest_unflagged_submit(inspection: Inspection, items: int):
    """The first moment a submission of ``inspection`` is not flagged: shown on the form beforehand."""
    return inspection.started_at + datetime.timedelta(seconds=minimum_seconds(items))
