"""Two-factor sign-in in tests: an enrolled authenticator device and the code it shows now."""

from __future__ import annotations

import base64

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def code_for_secret(secret: str, *, drift: int = 0) -> str:
    """What an authenticator app shows for a base32 ``secret`` (as the enrolment page gives it)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, step=30, t0=0, digits=6, drift=drift):06d}"


def enrolled_device(user) -> TOTPDevice:
    """``user``'s authenticator app, set up (one per person)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def code_for(device: TOTPDevice) -> str:
    """The code ``device`` shows now; a code already used is refused, so the replay guard is cleared."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
