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

from branches.choices import Post
from branches.models import Acting, Contract, Premises, Unit, User
from branches.scoping import forget_scope

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

    Returns the user and the initial password, shown once to the administrator.
    """
    initial = password or generate_initial_password()
    user = User(**fields)
    user.set_password(initial)
    user.must_change_password = True
    _with_reason(user, _("Account created"))
    user.full_clean(exclude=["password"])
    user.save()
    return user, initial


@transaction.atomic
def staff_update(*, form, by: User, reason: str = "") -> User:
    user = form.save(commit=False)
    _with_reason(user, reason or _("Details edited"))
    user.save()
    forget_scope(user)
    return user


@transaction.atomic
def staff_transfer(
    *, staff: User, unit: Unit, post: str, home_premises: Premises | None, by: User, reason: str, on: datetime.date
) -> User:
    """Move a person to another unit and/or post; the audit trail keeps the history."""
    if not staff.is_active:
        raise ValidationError(_("A person who has left cannot be transferred."))
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
    staff.is_active = False
    staff.end_date = end_date
    # A new password hash also invalidates any session kept elsewhere (cache, signed cookie).
    staff.set_unusable_password()
    _with_reason(staff, _("Left on %(date)s: %(reason)s") % {"date": end_date.isoformat(), "reason": reason})
    staff.save()
    staff.contracts.all().delete()
    return _end_sessions(staff)


@transaction.atomic
def staff_reset_password(*, staff: User, by: User) -> str:
    """Issue a new initial password (changed at first sign-in). Returns it to show once."""
    if not staff.is_active:
        raise ValidationError(_("A person who has left cannot be given a password."))
    initial = generate_initial_password()
    staff.set_password(initial)
    staff.must_change_password = True
    _with_reason(staff, _("Initial password issued"))
    staff.save()
    _end_sessions(staff)
    return initial


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


def acting_create(*, form, by: User) -> Acting:
    acting = form.save(commit=False)
    _with_reason(acting, _("Acting arranged"))
    acting.save()
    forget_scope(acting.user)
    return acting


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
    _with_reason(staff, reason or _("Details edited"))
    staff.save()
    return staff


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
