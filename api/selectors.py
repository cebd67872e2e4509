"""Reads of the api app."""

from __future__ import annotations

from api.models import ApiToken


def tokens_of(*, user):
    """A person's own tokens, newest first: nobody else's are ever listed."""
    return ApiToken.objects.filter(owner=user).order_by("-created_at")


def token_for_key(key_hash: str) -> ApiToken | None:
    return ApiToken.objects.live().select_related("owner").filter(key_hash=key_hash).first()
