"""Who may do what to one inspection: predicates shared by the views (403) and the services
(ValidationError), so the rule lives in one place."""

from __future__ import annotations

from branches.choices import Post
from branches.models import User
from branches.permissions import effective_posts
from core.selectors import superior_of
from inspections.models import Inspection

LEADERSHIP = frozenset({Post.PRESIDENT, Post.LEADER_IN_CHARGE, Post.HEAD_OFFICE_SECURITY})


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
