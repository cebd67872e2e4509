"""Scoped reads of the organisation."""

from __future__ import annotations

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
