"""Scoped reads of the organisation."""

from __future__ import annotations

import functools

from django.db.models import Q

from branches.models import Premises, Unit, User


def staff_who_left(*, user) -> User:
    return User.objects.for_user(user).filter(is_active=False, end_date__isnull=False).select_related("unit")


def unit_overview(*, unit: Unit, user) -> dict:
    """What the unit page shows: its children, premises and people, each within the viewer's scope."""
    return {
        "children": Unit.objects.for_user(user).filter(parent=unit).order_by("kind", "code"),
        "premises": Premises.objects.for_user(user).filter(unit__path__startswith=unit.path).select_related("unit"),
        "staff_count": User.objects.for_user(user).filter(unit=unit, is_active=True).count(),
        "ancestors": unit.ancestors(include_self=False),
    }


def second_factor_enrolled(user) -> bool:
    """Whether ``user`` has a confirmed authenticator app (recovery codes alone do not count)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_recovery_codes_left(user) -> int:
    from django_otp.plugins.otp_static.models import StaticToken

    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


SEARCH_LIMIT = 20  # what a search-as-you-type list offers at most
SEARCH_MIN_LENGTH = 1


def _search(queryset, term: str, fields: tuple[str, ...], limit: int, within=None):
    """At most ``limit`` rows of ``queryset`` (the person's scope) with ``term`` in one of ``fields``; with
    ``within`` (a form field's own queryset), only its rows among them: it narrows, it never widens."""
    term = (term or "").strip()
    if len(term) < SEARCH_MIN_LENGTH:
        return queryset.none()
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__icontains": term})
    if within is not None:
        queryset = queryset.filter(pk__in=within.values("pk"))
    return queryset.filter(condition)[:limit]


def premises_search(*, user, term: str, limit: int = SEARCH_LIMIT, within=None):
    """Premises in ``user``'s scope (and in ``within``) whose name, code or address holds ``term``."""
    queryset = Premises.objects.for_user(user).select_related("unit").order_by("-is_active", "name", "pk")
    return _search(queryset, term, ("name", "code", "address"), limit, within)


def people_search(*, user, term: str, limit: int = SEARCH_LIMIT, within=None):
    """People in ``user``'s scope (and in ``within``) whose name, user name or employee number holds ``term``."""
    queryset = User.objects.for_user(user).select_related("unit").order_by("-is_active", "full_name", "pk")
    return _search(queryset, term, ("full_name", "username", "employee_number"), limit, within)


def unit_search(*, user, term: str, limit: int = SEARCH_LIMIT, within=None) -> list[Unit]:
    """Units in ``user``'s scope (and in ``within``) whose name or code holds ``term``, larger units first.
    Each has ``search_detail``: its kind and the units it lies in ("支行 · 城关分行 › 城关支行"), so two
    departments of the same name are told apart; only the units above it the person may see are named."""
    queryset = Unit.objects.for_user(user).order_by("depth", "path")
    units = list(_search(queryset, term, ("name", "code"), limit, within))
    above = {pk for unit in units for pk in unit.ancestor_ids[1:-1]}  # the head office, the same for all, left out
    names = dict(Unit.objects.visible_to(user).filter(pk__in=above).values_list("pk", "name")) if above else {}
    for unit in units:
        path = " › ".join(names[pk] for pk in unit.ancestor_ids[1:-1] if pk in names)
        unit.search_detail = f"{unit.get_kind_display()} · {path}" if path else unit.get_kind_display()
    return units


@functools.lru_cache(maxsize=8192)
def path_prefixes(path: str) -> tuple[str, ...]:
    """ "/1/4/9/" -> ("/1/", "/1/4/", "/1/4/9/"): the paths of the unit and of every unit above it, so that
    "which of these units is this row under" is a few dictionary lookups, not a scan of every unit."""
    parts = [part for part in path.strip("/").split("/") if part]
    return tuple("/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts)))


def units_above(paths, units_by_path: dict) -> set:
    """The ids (values of ``units_by_path``, keyed by unit path) of the units any of ``paths`` lies under."""
    return {units_by_path[p] for path in paths for p in path_prefixes(path) if p in units_by_path}


def sum_by_subtree(units, rows, path_key: str = "path") -> dict[int, dict[str, int]]:
    """Counts grouped by a row's unit path (``rows``: dicts with ``path_key`` and counts), summed for each
    of ``units`` over its subtree, by unit id: what a ``unit__path__startswith`` filter per unit would
    count, from one grouped query whatever the number of units. A unit without rows gets an empty dict."""
    totals: dict[int, dict[str, int]] = {unit.pk: {} for unit in units}
    by_path = {unit.path: unit.pk for unit in units}
    for row in rows:
        for unit_id in units_above([row[path_key]], by_path):
            total = totals[unit_id]
            for name, value in row.items():
                if name != path_key:
                    total[name] = total.get(name, 0) + value
    return totals
