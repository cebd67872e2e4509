"""Who may do what to one inspection: predicates shared by the views (403) and the services
(ValidationError), so the rule lives in one place."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.choices import Post
from branches.models import User
from branches.permissions import effective_posts
from core.selectors import attachments_of, superior_of
from inspections.choices import Level
from inspections.models import Inspection

LEADERSHIP = frozenset({Post.PRESIDENT, Post.LEADER_IN_CHARGE, Post.HEAD_OFFICE_SECURITY})

# The inspected side acknowledges the facts within this many working days of the submission;
# after that the reminder job tells them daily and their superiors once.
ACKNOWLEDGE_WITHIN_WORKING_DAYS = 3


def needs_acknowledgement(inspection: Inspection) -> bool:
    """An inspection by someone from outside the premises is handed to the inspected side to
    acknowledge; a premises' own daily check (co-signed instead) is not."""
    if inspection.level == Level.L4_PREMISES:
        return False
    return inspection.inspector.home_premises_id != inspection.premises_id


def acknowledgers_of(inspection: Inspection) -> list[User]:
    """Who acknowledges: the outlet head of the inspected premises (or whoever acts for them today);
    where the premises has none (a self-service bank), the nearest president up the tree."""
    today = timezone.localdate()
    premises = inspection.premises
    heads = User.objects.filter(is_active=True).filter(
        Q(post=Post.OUTLET_HEAD, home_premises=premises)
        | Q(
            actings__post=Post.OUTLET_HEAD,
            actings__premises=premises,
            actings__start_date__lte=today,
            actings__end_date__gte=today,
        )
    )
    people = list(heads.exclude(pk=inspection.inspector_id).distinct().order_by("pk"))
    if people:
        return people
    ancestors = list(premises.unit.ancestors())  # root first
    presidents = list(
        User.objects.filter(is_active=True, post=Post.PRESIDENT, unit__in=ancestors)
        .exclude(pk=inspection.inspector_id)
        .order_by("pk")
    )
    for unit in reversed(ancestors):  # the nearest president up the tree
        nearest = [person for person in presidents if person.unit_id == unit.pk]
        if nearest:
            return nearest
    return []


def acknowledged_by(user: User, inspections) -> list[Inspection]:
    """Those of ``inspections`` that ``user`` is an acknowledger of (``acknowledgers_of``), worked out for
    all of them at once: three queries however many inspections (which need ``premises__unit``)."""
    inspections = list(inspections)
    if not inspections or not user.is_active:
        return []
    today = timezone.localdate()
    premises_ids = {inspection.premises_id for inspection in inspections}
    heads: dict[int, set[int]] = {}
    for pk, premises_id in User.objects.filter(
        is_active=True, post=Post.OUTLET_HEAD, home_premises_id__in=premises_ids
    ).values_list("pk", "home_premises_id"):
        heads.setdefault(premises_id, set()).add(pk)
    for pk, premises_id in (
        User.objects.filter(
            is_active=True,
            actings__post=Post.OUTLET_HEAD,
            actings__premises_id__in=premises_ids,
            actings__start_date__lte=today,
            actings__end_date__gte=today,
        )
        .values_list("pk", "actings__premises_id")
        .distinct()
    ):
        heads.setdefault(premises_id, set()).add(pk)
    ancestor_ids = {pk for inspection in inspections for pk in inspection.premises.unit.ancestor_ids}
    presidents: dict[int, set[int]] = {}
    for pk, unit_id in User.objects.filter(is_active=True, post=Post.PRESIDENT, unit_id__in=ancestor_ids).values_list(
        "pk", "unit_id"
    ):
        presidents.setdefault(unit_id, set()).add(pk)

    def acknowledges(inspection: Inspection) -> bool:
        people = heads.get(inspection.premises_id, set()) - {inspection.inspector_id}
        if people:
            return user.pk in people
        for unit_id in reversed(inspection.premises.unit.ancestor_ids):  # the nearest president up the tree
            nearest = presidents.get(unit_id, set()) - {inspection.inspector_id}
            if nearest:
                return user.pk in nearest
        return False

    return [inspection for inspection in inspections if acknowledges(inspection)]


def may_correct(user: User, inspection: Inspection) -> bool:
    """Only the inspector's side corrects an inspection: the inspector, a colleague of the
    inspector's department, or the inspector's superiors (the security department above them,
    and the leadership of a unit the inspector works under). The inspected side (the staff of
    the premises) never rewrites a finding about itself: it objects through the acknowledgement."""
    if user.pk == inspection.inspector_id:
        return True
    if not user.is_active or user.unit_id is None:
        return False
    inspector = inspection.inspector
    if user.home_premises_id is not None and user.home_premises_id == inspection.premises_id:
        return False
    if inspector.unit_id is not None and user.unit_id == inspector.unit_id and inspector.unit.is_department:
        return True
    if any(person.pk == user.pk for person in superior_of(inspector)):
        return True
    if LEADERSHIP & effective_posts(user) and inspector.unit_id is not None:
        return inspector.unit.scope_root.path.startswith(user.unit.scope_root.path)
    return False


def submission_problems(inspection, answers=None) -> list[str]:
    """What keeps an inspection from being submitted, all of it at once: items not answered, failures
    not described, photos missing where the checklist asks for one. ``answers`` (with their items):
    when the caller has read them already."""
    problems = []
    for answer in inspection.answers.select_related("item") if answers is None else answers:
        if not answer.is_answered:
            problems.append(_("%(code)s is not answered.") % {"code": answer.item.code})
        elif answer.failed and not answer.note:
            problems.append(_("%(code)s failed: describe what is wrong.") % {"code": answer.item.code})
        elif answer.failed and answer.item.photo_on_fail and not attachments_of(answer).exists():
            problems.append(_("%(code)s failed: a photo is required.") % {"code": answer.item.code})
    return problems
