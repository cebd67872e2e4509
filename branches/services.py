"""Writes to the organisation: units, premises, staff lifecycle, contracting and acting.

Every change goes through here so the audit trail records who, when and why.
"""

from __future__ import annotations

import datetime
import secrets

from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import rules
from branches.choices import Post
from branches.models import Acting, Contract, Premises, Unit, User
from branches.scoping import forget_scope
from safetybank.audit import set_reason

# Letters and digits that cannot be mistaken for each other when read aloud at a counter.
_PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789"


def generate_initial_password(length: int = 12) -> str:
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))


def _with_reason(obj, reason: str):
    obj._change_reason = reason[:100] if reason else None
    return obj


def record_save(*, form, by: User, reason: str = ""):
    """Save a validated unit or premises form, recording why in the audit trail."""
    obj = form.save(commit=False)
    _with_reason(obj, reason)
    obj.save()
    form.save_m2m()
    return obj


@transaction.atomic
def staff_create(*, by: User, password: str | None = None, **fields) -> tuple[User, str]:
    """Create a staff account with an initial password they must change at first sign-in.

    Refuses (``rules.Refused``) a post or place that ``by`` may not give.
    Returns the user and the initial password, shown once to the administrator.
    """
    user = User(**fields)
    rules.check(
        by=by,
        action=rules.GRANT_POST,
        post=user.post,
        unit=user.unit,
        premises=user.home_premises,
        part_time=user.part_time_posts,
    )
    initial = password or generate_initial_password()
    user.set_password(initial)
    user.must_change_password = True
    set_reason(user, "staff.create", by=by)
    user.full_clean(exclude=["password"])
    user.save()
    return user, initial


_PLACE_FIELDS = ("post", "unit_id", "home_premises_id")


@transaction.atomic
def staff_save(*, staff: User, by: User, reason: str = "") -> User:
    """Save a changed staff record (form, import or admin) after checking who may change it.

    Nobody changes their own record or that of someone above them; a new post, part-time
    post, unit or home premises must be one ``by`` may give (``rules.check``).
    """
    before = User.objects.select_related("unit").get(pk=staff.pk) if staff.pk else None
    rules.check(by=by, action=rules.GRANT_POST, person=before)
    moved = before is None or any(getattr(before, name) != getattr(staff, name) for name in _PLACE_FIELDS)
    if moved:
        rules.check(by=by, action=rules.GRANT_POST, post=staff.post, unit=staff.unit, premises=staff.home_premises)
    # Part-time posts are given like the main post: each new one, or all of them at a new place.
    added = [post for post in staff.part_time_posts or [] if moved or post not in before.part_time_posts]
    if added:
        rules.check(by=by, action=rules.GRANT_POST, part_time=added, unit=staff.unit, premises=staff.home_premises)
    if reason:
        _with_reason(staff, reason)  # as the person typed it
    else:
        set_reason(staff, "staff.edit", by=by)
    staff.save()
    forget_scope(staff)
    return staff


def staff_update(*, form, by: User, reason: str = "") -> User:
    """Save the staff form through ``staff_save`` (the rule and the audit reason)."""
    return staff_save(staff=form.save(commit=False), by=by, reason=reason)


@transaction.atomic
def staff_transfer(
    *, staff: User, unit: Unit, post: str, home_premises: Premises | None, by: User, reason: str, on: datetime.date
) -> User:
    """Move a person to another unit and/or post; the audit trail keeps the history."""
    if not staff.is_active:
        raise ValidationError(_("A person who has left cannot be transferred."))
    rules.check(by=by, action=rules.GRANT_POST, person=staff, post=post, unit=unit, premises=home_premises)
    if home_premises is not None and not home_premises.unit.path.startswith(unit.path):
        raise ValidationError(_("The home premises must belong to the new unit."))
    staff.unit, staff.post, staff.home_premises = unit, post, home_premises
    if post not in (Post.SECURITY_DEPARTMENT, Post.HEAD_OFFICE_SECURITY):
        staff.contracts.all().delete()
    _with_reason(staff, _("Transferred on %(date)s: %(reason)s") % {"date": on.isoformat(), "reason": reason})
    staff.save()
    forget_scope(staff)
    return staff


def _end_sessions(user: User) -> int:
    """Delete every stored session of ``user``. Sessions are signed blobs, so each is decoded."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def staff_leave(*, staff: User, end_date: datetime.date, by: User, reason: str = "") -> int:
    """A person leaves: the account is deactivated and every session of theirs ends at once.

    Their open items stay where they are and show on the orphaned-items page until reassigned.
    Returns the number of sessions ended.
    """
    if staff.pk == by.pk:
        raise ValidationError(_("You cannot record your own leaving."))
    rules.check(by=by, action=rules.MANAGE_PERSON, person=staff)
    staff.is_active = False
    staff.end_date = end_date
    # A new password hash also invalidates any session kept elsewhere (cache, signed cookie).
    staff.set_unusable_password()
    _with_reason(staff, _("Left on %(date)s: %(reason)s") % {"date": end_date.isoformat(), "reason": reason})
    staff.save()
    staff.contracts.all().delete()
    return _end_sessions(staff)


@transaction.atomic
def staff_reset_password(*, staff: User, by: User) -> None:
    """Reset another person's password without anyone seeing it.

    The current password stops working, every session of the person ends, the reset is
    audited (who reset whom, when) and a one-time link to choose a new password is
    e-mailed to the person, in their language, after commit. Nobody resets their own
    password here, nor that of someone above them (``rules.check``).
    """
    rules.check(by=by, action=rules.RESET_PASSWORD, person=staff)
    if not staff.is_active:
        raise ValidationError(_("A person who has left cannot be given a password."))
    if not staff.email:
        raise ValidationError(
            _("%(name)s has no e-mail address for the set-password link; add one first.") % {"name": staff}
        )
    staff.set_unusable_password()
    staff.must_change_password = False  # they choose their own password through the link
    set_reason(staff, "staff.password_reset", by=by)  # who reset it is the history's user
    staff.save()
    _end_sessions(staff)
    from branches.tasks import send_set_password_link
    from safetybank.outbox import enqueue

    enqueue(send_set_password_link, staff.pk)


def staff_password_link_send(*, staff_id: int) -> bool:
    """E-mail the one-time set-password link, in the person's language.

    The token (Django's ``default_token_generator``) is made here, at sending time, so it
    is stored nowhere: not in the database, the broker or a notification. It stops working
    once the password is set, after ``PASSWORD_RESET_TIMEOUT``, or at the next sign-in.
    Returns False when there is nobody to send it to.
    """
    from django.conf import settings
    from django.contrib.auth.tokens import default_token_generator
    from django.core.mail import send_mail
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode
    from django.utils.translation import override

    staff = User.objects.filter(pk=staff_id, is_active=True).first()
    if staff is None or not staff.email:
        return False
    uidb64 = urlsafe_base64_encode(force_bytes(staff.pk))
    token = default_token_generator.make_token(staff)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    with override(staff.language or settings.LANGUAGE_CODE):
        subject = _("[SafetyBank] Choose your new password")
        body = "\n\n".join(
            [
                _("Your SafetyBank password was reset (username %(username)s).") % {"username": staff.username},
                _("Choose a new password with this link. It works once, within %(hours)d hours:") % {"hours": hours},
                settings.SITE_URL.rstrip("/") + path,
                _("If you did not expect this, tell your security department."),
            ]
        )
    send_mail(subject, body, None, [staff.email])
    return True


@transaction.atomic
def staff_password_set(*, staff: User, password: str | None, by: User, reason: str) -> User:
    """Give ``staff`` a new password (None: none at all) and end their sessions, audited.

    Used by the set-password link (``by`` is the person) and by an administrator in the
    admin; when someone else chose the password, it must be changed at the next sign-in.
    """
    if password is None:
        staff.set_unusable_password()
    else:
        staff.set_password(password)
    staff.must_change_password = password is not None and by.pk != staff.pk
    _with_reason(staff, reason)
    staff._history_user = by
    staff.save()
    _end_sessions(staff)
    return staff


@transaction.atomic
def staff_set_contracts(*, staff: User, premises: list[Premises], by: User) -> None:
    """Set the premises a security-department member contracts (inspects weekly)."""
    if premises and staff.post not in (Post.SECURITY_DEPARTMENT, Post.HEAD_OFFICE_SECURITY):
        raise ValidationError(_("Only security department staff contract premises."))
    wanted = {p.pk for p in premises}
    staff.contracts.exclude(premises_id__in=wanted).delete()
    existing = set(staff.contracts.values_list("premises_id", flat=True))
    for premises_id in wanted - existing:
        Contract.objects.create(user=staff, premises_id=premises_id)
    forget_scope(staff)


@transaction.atomic
def acting_save(*, acting: Acting, by: User) -> Acting:
    """Record an acting arrangement, if ``by`` may give that post there (``rules.check``)."""
    rules.check(
        by=by,
        action=rules.GRANT_ACTING,
        person=acting.user,
        post=acting.post,
        unit=acting.unit,
        premises=acting.premises,
    )
    set_reason(acting, "acting.arrange", by=by)
    acting.save()
    forget_scope(acting.user)
    return acting


def acting_create(*, form, by: User) -> Acting:
    """Save the acting form through ``acting_save``."""
    return acting_save(acting=form.save(commit=False), by=by)


# Details the staff edit form changes directly; unit, post and home premises change by transfer
# (``staff_transfer``), leaving by ``staff_leave``, the password by the password services.
STAFF_DETAIL_FIELDS = frozenset({"full_name", "employee_number", "phone", "email", "start_date", "language"})


@transaction.atomic
def staff_details_update(*, staff: User, by: User, reason: str = "", **fields) -> User:
    """Change a person's details as the staff edit form does, for callers without a form (the XLSX import).

    Only ``STAFF_DETAIL_FIELDS`` may be given; the audit row carries ``reason`` (default "Details edited").
    """
    unknown = set(fields) - STAFF_DETAIL_FIELDS
    if unknown:
        raise ValueError(f"staff_details_update cannot change {', '.join(sorted(unknown))}")
    if not staff.is_active:
        raise ValidationError(_("This person has left; re-activate them on their page."))
    for name, value in fields.items():
        setattr(staff, name, value)
    if "employee_number" in fields:
        staff.employee_number = staff.employee_number or None  # unique: empty means none
    # The same rules as the edit form (branches.rules: never oneself, never a superior).
    return staff_save(staff=staff, by=by, reason=reason)


@transaction.atomic
def staff_change(
    *,
    staff: User,
    by: User,
    reason: str,
    on: datetime.date,
    unit: Unit,
    post: str,
    home_premises: Premises | None,
    end_date: datetime.date | None = None,
    **details,
) -> bool:
    """Bring a person to these values the way the staff pages would, for callers that hold a whole row.

    Details as the edit form (``staff_details_update``), a new unit, post or home premises as a
    transfer (``staff_transfer``: contracts end with the post), an ``end_date`` as leaving
    (``staff_leave``: account closed, sessions ended). Only what differs is written, so the same
    values again write nothing, audit trail included. Returns whether anything was written.
    """
    if not staff.is_active:
        raise ValidationError(_("This person has left; re-activate them on their page."))
    changed = {k: v for k, v in details.items() if (getattr(staff, k) or None) != (v or None)}
    if changed:
        staff_details_update(staff=staff, by=by, reason=reason, **changed)
    home_id = home_premises.pk if home_premises else None
    moves = (staff.unit_id, staff.post, staff.home_premises_id) != (unit.pk, post, home_id)
    if moves:
        staff_transfer(staff=staff, unit=unit, post=post, home_premises=home_premises, by=by, reason=reason, on=on)
    if end_date is not None:
        staff_leave(staff=staff, end_date=end_date, by=by, reason=reason)
    return bool(changed) or moves or end_date is not None


# --- Two-factor sign-in (issue 20) -------------------------------------------------------------
# django-otp holds the devices: one TOTP device (an authenticator app) and one static device whose
# tokens are the one-time recovery codes. Device tables are not audited themselves; each enrolment,
# renewal and reset is recorded on the person's own (audited) row with a reason code.

RECOVERY_CODE_COUNT = 10


def _second_factor_audit(user: User, code: str, *, by: User) -> None:
    from safetybank.audit import set_reason

    set_reason(user, code, by=by)
    user.save(update_fields=["must_change_password"])  # no change of value: the history row is the record


def second_factor_enrol_start(*, user: User):
    """The authenticator device a person is setting up: the one not yet confirmed, else a new one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def _recovery_codes_replace(user: User) -> list[str]:
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def second_factor_enrol_confirm(*, user: User, device, token: str) -> list[str]:
    """Confirm the authenticator app with a code it shows; returns new recovery codes (shown once).

    A wrong code is refused with a clear message and nothing changes. The person's other
    authenticator devices go: one phone at a time.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if device.user_id != user.pk or device.confirmed:
        raise ValidationError(_("This set-up has expired; start again."))
    if not device.verify_token((token or "").replace(" ", "")):
        raise ValidationError(_("That code is not right. Enter the 6 digits the app shows now."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes_replace(user)
        _second_factor_audit(user, "mfa.enrol", by=user)
    return codes


def second_factor_recovery_codes_renew(*, user: User) -> list[str]:
    """New recovery codes for an enrolled person; the old ones stop working."""
    from branches.selectors import second_factor_enrolled

    if not second_factor_enrolled(user):
        raise ValidationError(_("Set up two-factor sign-in first."))
    with transaction.atomic():
        codes = _recovery_codes_replace(user)
        _second_factor_audit(user, "mfa.recovery_codes", by=user)
    return codes


def _second_factor_remove(user: User) -> None:
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def second_factor_turn_off(*, user: User) -> None:
    """A person for whom two-factor sign-in is optional turns it off."""
    if rules.requires_second_factor(user):
        raise ValidationError(_("Your post requires two-factor sign-in; it cannot be turned off."))
    with transaction.atomic():
        _second_factor_remove(user)
        _second_factor_audit(user, "mfa.off", by=user)


def second_factor_reset(*, staff: User, by: User) -> None:
    """An administrator removes a person's second factor (a lost phone): audited, sessions end.

    At the next sign-in the person sets up a new authenticator app if their post requires one.
    """
    if not by.is_superuser:
        raise ValidationError(_("Only an administrator can reset a second factor."))
    if staff.pk == by.pk:
        raise ValidationError(_("An administrator cannot reset their own second factor; ask another one."))
    with transaction.atomic():
        _second_factor_remove(staff)
        _second_factor_audit(staff, "mfa.reset", by=by)
    _end_sessions(staff)
