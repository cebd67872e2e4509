"""The one chokepoint for who sees what.

Every domain queryset inherits ``ScopedQuerySet`` and declares, with a ``Scope``,
which of its fields name the organisational unit and the premises a row belongs to.
``Model.objects.for_user(user)`` then returns the rows the user may see, and
``visible_to(user)`` the reference data that flows down the tree (the user's
ancestors plus their subtree). Views, forms, exports, tasks and reports all start
from these two methods; nothing else decides scope.

Rules:
- superusers and head-office staff see everything;
- managers (presidents, leaders in charge, security departments) see the subtree of
  their unit; a department looks at the unit it belongs to;
- premises staff (security officers, outlet heads, tellers, employees) see their home
  premises, premises they contract or act for, and premises they are assigned to
  inspect this month or last (a self-service bank they patrol, a premises they
  inspect for another unit);
- an acting arrangement adds the acted-for unit or premises for its date range.

Every rule is in ``_compute_scope`` below. It reads only through the person's own relations
(``user.contracts``, ``user.actings``, ``user.inspection_assignments``), so this module
imports no model and ``branches.models`` can build its querysets on it without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q
from django.utils import timezone

from branches.choices import PREMISES_POSTS, Post
from safetybank.periods import previous_month


@dataclass(frozen=True)
class Scope:
    """Where a row belongs. ``unit``/``premises`` are field paths; "" means the row itself; None means none."""

    unit: str | None = None
    premises: str | None = None


@dataclass
class UserScope:
    """What one user may see, worked out once per request."""

    everything: bool = False
    unit_paths: list[str] = field(default_factory=list)  # whole subtrees
    exact_unit_ids: set[int] = field(default_factory=set)  # just these units
    premises_ids: set[int] = field(default_factory=set)
    premises_unit_ids: set[int] = field(default_factory=set)  # units that own those premises
    anchor_paths: list[str] = field(default_factory=list)  # for visible_to: ancestors of these


def _lookup(prefix: str, suffix: str) -> str:
    return f"{prefix}__{suffix}" if prefix else suffix


def user_scope(user) -> UserScope:
    """Compute (and cache on the user object) what ``user`` may see today."""
    cached = getattr(user, "_safetybank_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    user._safetybank_scope = scope
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope after the user's unit, post or arrangements changed."""
    user.__dict__.pop("_safetybank_scope", None)
    user.__dict__.pop("_safetybank_acting_posts", None)


def _compute_scope(user) -> UserScope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return UserScope()
    if user.is_superuser or user.post == Post.HEAD_OFFICE_SECURITY:
        return UserScope(everything=True)

    scope = UserScope()
    unit = user.unit
    if unit is not None:
        root = unit.scope_root
        if user.post in PREMISES_POSTS:
            if user.home_premises_id is None:
                scope.exact_unit_ids.add(unit.pk)
                scope.anchor_paths.append(unit.path)
        elif root.parent_id is None:
            return UserScope(everything=True)
        else:
            scope.unit_paths.append(root.path)
            scope.anchor_paths.append(root.path)

    today = timezone.localdate()
    actings = list(user.current_actings(on=today).select_related("unit", "premises__unit"))
    # The posts acted for today, for ``branches.permissions.effective_posts`` (read once per request).
    user._safetybank_acting_posts = {acting.post for acting in actings}

    # Premises, each with the unit that owns it: (premises id, unit id, unit path), in one query for
    # the home premises, the contracts and the inspection assignments of this month or last (the
    # reverse relation of inspections.Assignment).
    owned = ("premises_id", "premises__unit_id", "premises__unit__path")
    home = user.__class__.objects.filter(pk=user.pk, home_premises__isnull=False)  # request.user: a lazy proxy
    assigned = user.inspection_assignments.filter(premises__isnull=False, period_end__gte=previous_month(today))
    premises: set[tuple[int, int, str]] = set(
        home.values_list("home_premises_id", "home_premises__unit_id", "home_premises__unit__path")
        .order_by()
        .union(user.contracts.values_list(*owned).order_by(), assigned.values_list(*owned).order_by())
    )

    for acting in actings:
        if acting.premises_id:
            premises.add((acting.premises_id, acting.premises.unit_id, acting.premises.unit.path))
        elif acting.unit_id:
            if acting.post in PREMISES_POSTS:
                scope.exact_unit_ids.add(acting.unit_id)
                scope.anchor_paths.append(acting.unit.path)
            else:
                acted_root = acting.unit.scope_root
                if acted_root.parent_id is None:
                    return UserScope(everything=True)
                scope.unit_paths.append(acted_root.path)
                scope.anchor_paths.append(acted_root.path)

    for premises_id, unit_id, path in premises:
        scope.premises_ids.add(premises_id)
        scope.premises_unit_ids.add(unit_id)
        if path not in scope.anchor_paths:
            scope.anchor_paths.append(path)
    return scope


def scope_fingerprint(user) -> str:
    """What ``user`` may see, as a stable text: two people with the same scope share cached pages."""
    info = user_scope(user)
    if info.everything:
        return "everything"
    parts = (
        sorted(info.unit_paths),
        sorted(info.exact_unit_ids),
        sorted(info.premises_ids),
        sorted(info.premises_unit_ids),
        sorted(info.anchor_paths),
    )
    return repr(parts)


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows where its rows belong; subclasses set ``scope``."""

    scope: Scope = Scope()

    def _scope_condition(self, info: UserScope) -> Q:
        unit_field, premises_field = self.scope.unit, self.scope.premises
        condition = Q(pk__in=[])
        if unit_field is not None:
            for path in info.unit_paths:
                condition |= Q(**{_lookup(unit_field, "path__startswith"): path})
            if info.exact_unit_ids:
                condition |= Q(**{_lookup(unit_field, "pk__in"): info.exact_unit_ids})
        if premises_field is not None:
            if info.premises_ids:
                condition |= Q(**{_lookup(premises_field, "pk__in"): info.premises_ids})
        elif unit_field is not None and info.premises_unit_ids:
            # Unit-level rows (no premises) of the units that own the user's premises.
            condition |= Q(**{_lookup(unit_field, "pk__in"): info.premises_unit_ids})
        return condition

    def for_user(self, user) -> ScopedQuerySet:
        """The rows ``user`` may see."""
        info = user_scope(user)
        if info.everything:
            return self.all()
        return self.filter(self._scope_condition(info))

    def visible_to(self, user) -> ScopedQuerySet:
        """Reference data that flows down the tree: rows of the user's ancestors and of their subtree."""
        info = user_scope(user)
        if info.everything:
            return self.all()
        if self.scope.unit is None:
            return self.for_user(user)
        ancestor_ids = {int(part) for path in info.anchor_paths for part in path.strip("/").split("/") if part}
        return self.filter(self._scope_condition(info) | Q(**{_lookup(self.scope.unit, "pk__in"): ancestor_ids}))
