"""Who may open an attachment: exactly who may open the object it belongs to.

Every model that owns attachments registers, once in its app's ``AppConfig.ready``, the
selector its own detail view reads through and the action that view requires::

    register_attachment_owner(Incident, lambda user: incidents_for(user=user), action="incident.report")

``core.selectors.attachment_for_user`` asks that selector and nothing else, so a photo is a
404 for whoever gets a 404 (or a 403) on its incident. An owner that registered nothing is
never served: a generic ``for_user`` is not enough, because a detail view may narrow it
further (one's own incidents, one's own letters).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class AttachmentOwner:
    opens: Callable[..., QuerySet]  # opens(user=...) -> the owners that user may open
    action: str | None = None  # the action the owner's detail view requires, if any


_owners: dict[type[Model], AttachmentOwner] = {}


def register_attachment_owner(model: type[Model], opens: Callable[..., QuerySet], *, action: str | None = None) -> None:
    """Declare how ``model``'s attachments are opened: ``opens(user)`` and the detail view's ``action``."""
    _owners[model] = AttachmentOwner(opens=opens, action=action)


def attachment_owner(model: type[Model] | None) -> AttachmentOwner | None:
    return _owners.get(model) if model is not None else None


def registered_owner_models() -> list[type[Model]]:
    return list(_owners)
