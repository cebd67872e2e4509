"""Open items owned by people who left: features register where theirs are.

A provider is ``fn(user, left_people) -> iterable of OrphanItem``, where ``left_people``
is the scoped queryset of inactive staff; it returns that feature's open items owned
by them (hazards to fix, letters to sign, checks assigned, ...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

_providers: list[Callable] = []


@dataclass(frozen=True)
class OrphanItem:
    owner: object
    kind: str
    title: str
    url: str


def register_orphan_provider(provider: Callable) -> None:
    if provider not in _providers:
        _providers.append(provider)


def orphaned_items(user) -> list[OrphanItem]:
    from branches.selectors import staff_who_left

    left = staff_who_left(user=user)
    items: list[OrphanItem] = []
    for provider in _providers:
        items.extend(provider(user, left))
    return items
