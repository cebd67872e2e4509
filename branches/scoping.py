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

import datetime
from dataclasses import dataclass, field

from django.db import connections, models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from branches.choices import PREMISES_POSTS, Post, UnitKind
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

    today = timezone.localdate()
    rows = _scope_rows(user, today)
    # The posts acted for today, for ``branches.permissions.effective_posts`` (read once per request).
    user._safetybank_acting_posts = {post for kind, post, *_rest in rows if kind == "acting"}

    scope = UserScope()
    premises: set[tuple[int, int, str]] = set()
    for kind, post, premises_id, unit_id, path, root_path, root_parent in rows:
        if premises_id:  # the home premises, a contract, an assignment or an acting for premises
            premises.add((premises_id, unit_id, path))
            continue
        if kind == "unit":  # their own unit
            post = user.post
            if post in PREMISES_POSTS and user.home_premises_id is not None:
                continue  # premises staff look at their premises, not their unit
        if post in PREMISES_POSTS:  # a unit's premises staff without premises, or acting for such a post
            scope.exact_unit_ids.add(unit_id)
            scope.anchor_paths.append(path)
        elif root_parent is None:
            return UserScope(everything=True)
        else:
            scope.unit_paths.append(root_path)
            scope.anchor_paths.append(root_path)

    for premises_id, unit_id, path in sorted(premises):
        scope.premises_ids.add(premises_id)
        scope.premises_unit_ids.add(unit_id)
        if path not in scope.anchor_paths:
            scope.anchor_paths.append(path)
    return scope


# Stand-ins for the person, their unit and the day while the scope query is compiled (``_scope_rows``).
_ANY_USER, _ANY_UNIT, _ANY_DAY = -(2**62) - 1, -(2**62) - 2, datetime.date(1901, 1, 15)
_COMPILED: dict[str, tuple[str, tuple]] = {}  # database alias -> (SQL, parameters with the stand-ins)


def _scope_rows(user, today) -> list[tuple]:
    """The rows of ``_scope_queryset``, read on every request. Django takes several times longer to
    build that UNION than PostgreSQL takes to run it, so it is compiled once per process with
    stand-ins for the person, their unit and the day, and run with theirs."""
    model = user.__class__  # request.user is a lazy proxy: type() would name the proxy
    alias = model.objects.db
    compiled = _COMPILED.get(alias)
    if compiled is None:
        probe = model(pk=_ANY_USER, unit_id=_ANY_UNIT)
        compiled = _COMPILED[alias] = _scope_queryset(probe, _ANY_DAY).query.sql_with_params()
    sql, params = compiled
    values = {_ANY_USER: user.pk, _ANY_UNIT: user.unit_id}
    adapt = connections[alias].ops.adapt_datefield_value  # SQLite's parameters hold dates as text
    for stand_in, day in ((_ANY_DAY, today), (previous_month(_ANY_DAY), previous_month(today))):
        values[stand_in] = day
        values[adapt(stand_in)] = adapt(day)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [values.get(param, param) for param in params])
        return cursor.fetchall()


def _scope_queryset(user, today):
    """Everything the scope is made of, in one query (a UNION): rows of (kind, post, premises id,
    unit id, unit path, scope root path, scope root's parent id), where the kind is
    - "unit": the person's own unit (its scope root: a department looks at the unit it belongs to);
    - "acting": an acting arrangement of today, for premises (with the unit that owns them) or for
      a unit (with its scope root);
    - "premises": the home premises, a contracted premises, or one assigned to inspect this month
      or last (the reverse relation of inspections.Assignment), each with the unit that owns it."""
    text, number = models.CharField(), models.BigIntegerField()

    def columns(kind, post, premises, unit, path, root_path, root_parent):
        return {
            "s_kind": Value(kind, output_field=text),
            "s_post": post if post is not None else Value("", output_field=text),
            "s_premises": premises if premises is not None else Value(None, output_field=number),
            "s_unit": unit,
            "s_path": path,
            "s_root_path": root_path if root_path is not None else Value(None, output_field=text),
            "s_root_parent": root_parent if root_parent is not None else Value(None, output_field=number),
        }

    def root(prefix):  # a unit's scope root (``Unit.scope_root``): its path and its parent's id
        department = Q(**{f"{prefix}kind": UnitKind.DEPARTMENT, f"{prefix}parent__isnull": False})
        path = Case(When(department, then=F(f"{prefix}parent__path")), default=F(f"{prefix}path"))
        parent = Case(When(department, then=F(f"{prefix}parent__parent_id")), default=F(f"{prefix}parent_id"))
        return path, parent

    def owned(queryset, field="premises"):  # premises rows: the premises and the unit that owns them
        unit = (F(f"{field}__unit_id"), F(f"{field}__unit__path"))
        return queryset.annotate(**columns("premises", None, F(f"{field}_id"), *unit, None, None))

    names = ("s_kind", "s_post", "s_premises", "s_unit", "s_path", "s_root_path", "s_root_parent")
    acted_premises = Q(premises__isnull=False)
    parts = [
        user.current_actings(on=today).annotate(
            **columns(
                "acting",
                F("post"),
                F("premises_id"),
                Case(When(acted_premises, then=F("premises__unit_id")), default=F("unit_id")),
                Case(When(acted_premises, then=F("premises__unit__path")), default=F("unit__path")),
                *root("unit__"),
            )
        ),
        # ``user.__class__``: request.user is a lazy proxy.
        owned(user.__class__.objects.filter(pk=user.pk, home_premises__isnull=False), "home_premises"),
        owned(user.contracts.all()),
        owned(user.inspection_assignments.filter(premises__isnull=False, period_end__gte=previous_month(today))),
    ]
    unit = user._meta.get_field("unit").related_model.objects.filter(pk=user.unit_id)  # none without a unit
    parts.insert(0, unit.annotate(**columns("unit", None, None, F("pk"), F("path"), *root(""))))
    first, *rest = (part.order_by().values_list(*names) for part in parts)
    return first.union(*rest)


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
