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
  premises, premises they contract or act for, and premises other features assign
  to them (``register_premises_provider``);
- an acting arrangement adds the acted-for unit or premises for its date range.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q
from django.utils import timezone

_premises_providers: list[Callable] = []


def register_premises_provider(provider: Callable) -> None:
    """Let a feature add premises to a person's scope: ``provider(user) -> iterable of premises ids``."""
    if provider not in _premises_providers:
        _premises_providers.append(provider)


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


def _compute_scope(user) -> UserScope:
    from branches.choices import PREMISES_POSTS, Post
    from branches.models import Acting, Unit

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

    if user.home_premises_id:
        scope.premises_ids.add(user.home_premises_id)
    scope.premises_ids.update(user.contracts.values_list("premises_id", flat=True))

    today = timezone.localdate()
    actings = Acting.objects.filter(user=user, start_date__lte=today, end_date__gte=today).select_related("unit")
    for acting in actings:
        if acting.premises_id:
            scope.premises_ids.add(acting.premises_id)
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

    for provider in _premises_providers:
        scope.premises_ids.update(provider(user))

    if scope.premises_ids:
        owners = Unit.objects.filter(premises__pk__in=scope.premises_ids).values_list("pk", "path").distinct()
        for unit_id, path in owners:
            scope.premises_unit_ids.add(unit_id)
            scope.anchor_paths.append(path)
    return scope


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
