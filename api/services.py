"""Writes of the api app: personal tokens are made and revoked here only."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiToken
from branches.models import User

KEY_PREFIX = "sbk_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_create(*, owner: User, name: str, days: int) -> tuple[ApiToken, str]:
    """Make a token for ``owner``; returns the row and the key, which is never available again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the token a name, so you know later what uses it."))
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError(
            _("A token lives between 1 and %(max)s days.") % {"max": settings.API_TOKEN_MAX_DAYS}, code="days"
        )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        owner=owner,
        name=name[:80],
        prefix=key[:12],
        key_hash=hash_key(key),
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    return token, key


def token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke a token at once; only its owner or a superuser may. Revoking twice changes nothing."""
    if token.owner_id != by.pk and not by.is_superuser:
        raise ValidationError(_("Only the owner of a token can revoke it."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_touch(*, token: ApiToken) -> None:
    """Note when a token was last used, at most once a minute (not audited: a usage counter)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
