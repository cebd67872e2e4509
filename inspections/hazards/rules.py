"""Who may do what with a hidden danger: the predicates the services enforce and the pages and
queues show. Selectors and services both import them from here; nothing here writes."""

from __future__ import annotations

from django.utils.translation import gettext as _

from branches.models import User
from branches.permissions import MANAGERS, can, effective_posts
from inspections.hazards.models import Hazard


def is_premises_staff(user: User, hazard: Hazard) -> bool:
    return user.home_premises_id is not None and user.home_premises_id == hazard.premises_id


def verify_refusal(*, hazard: Hazard, user: User, in_scope: bool = False) -> str | None:
    """Why ``user`` may not verify (or send back) ``hazard``, or None when they may.

    Never the rectifier, the responsible person or staff of the inspected premises; the verifier is
    the inspector who found it (in an inspection) or the security department with it in scope.
    ``in_scope``: the caller read ``hazard`` through ``for_user(user)`` (a queue), so the scope is
    not asked again, one query per danger.
    """
    if user.pk in (hazard.rectified_by_id, hazard.responsible_id):
        return _("Whoever rectified a hidden danger, or is responsible for it, cannot verify it.")
    if is_premises_staff(user, hazard):
        return _("Staff of the inspected premises cannot verify its hidden dangers.")
    if not in_scope and not Hazard.objects.for_user(user).filter(pk=hazard.pk).exists():
        return _("This hidden danger is outside your scope.")
    if user.is_superuser or effective_posts(user) & MANAGERS:
        return None
    inspection = hazard.source_inspection
    if inspection is not None and inspection.inspector_id == user.pk:
        return None
    return _("Only the inspector or the security department may verify a hidden danger.")


def may_verify(*, hazard: Hazard, user: User) -> bool:
    return verify_refusal(hazard=hazard, user=user) is None


def may_work_on(hazard: Hazard, by: User) -> bool:
    """The responsible person, or someone who manages hidden dangers with this one in scope."""
    if by.pk == hazard.responsible_id:
        return True
    return can(by, "hazard.manage") and Hazard.objects.for_user(by).filter(pk=hazard.pk).exists()


def may_fix_on_spot(hazard: Hazard, by: User) -> bool:
    """Who found it, staff of the premises, or whoever may work on it."""
    return by.pk == hazard.found_by_id or is_premises_staff(by, hazard) or may_work_on(hazard, by)
