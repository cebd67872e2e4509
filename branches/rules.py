"""Who may give whom a post, an acting arrangement or a new password: the one rule.

Nobody grants more than they hold themselves. Every service that hands out a post
(``staff_create``, ``staff_save``, ``staff_transfer``), an acting arrangement
(``acting_save``) or acts on another person's account (``staff_reset_password``,
``staff_leave``) asks this module, so the staff form, the acting form, the XLSX
import and the admin all meet the same refusals.

- Never for oneself: nobody changes their own post, unit or account, acts for a post
  on their own say-so or resets their own password through the staff pages.
- Only people not above you: a person whose post ranks above yours, one of your own
  superiors (the president or leader in charge of your unit or of a unit above it) or
  an administrator is managed by the level above, not by you.
- Only places in your scope: the unit or premises of the post lies in your subtree.
- No post above your own; the posts that sign (president, outlet head, head office)
  only from someone strictly above them, and never your own superiors' posts.

Administrators (superusers) hold everything; what they do is audited like the rest.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from branches.choices import PART_TIME_POSTS, Post

# How far a post reaches when granting. Head-office security manages the whole bank;
# a president outranks the leader in charge, who outranks the security department.
RANK: dict[str, int] = {
    Post.HEAD_OFFICE_SECURITY: 6,
    Post.PRESIDENT: 5,
    Post.LEADER_IN_CHARGE: 4,
    Post.SECURITY_DEPARTMENT: 3,
    Post.OUTLET_HEAD: 2,
    Post.SECURITY_OFFICER: 1,
    Post.TELLER: 0,
    Post.GUARD: 0,
    Post.VOLUNTEER_FIREFIGHTER: 0,
    Post.EMPLOYEE: 0,
}

# Posts that sign for their unit or premises: appointed only by the level above.
SIGNING_POSTS = frozenset({Post.PRESIDENT, Post.OUTLET_HEAD, Post.HEAD_OFFICE_SECURITY})
# The leadership of a unit: the superiors of everybody in it and below it.
LEADERSHIP_POSTS = frozenset({Post.PRESIDENT, Post.LEADER_IN_CHARGE})

# The action names refusals are logged under (``log_refusal``).
GRANT_POST = "rules.post"
GRANT_ACTING = "rules.acting"
RESET_PASSWORD = "rules.password"
MANAGE_PERSON = "rules.person"


class Refused(ValidationError):
    """A refusal of the rule: a translated message, and the action to log it under."""

    def __init__(self, message: str, *, action: str):
        super().__init__(message, code="refused")
        self.action = action


def _rank(post: str) -> int:
    return RANK.get(post, 0)


def _post_label(post: str) -> str:
    return str(Post(post).label) if post in Post.values else post


def _chain_ids(user) -> list[int]:
    """The units whose leadership is above ``user``: their scope root and every unit above it."""
    if user.unit_id is None:
        return []
    return user.unit.scope_root.ancestor_ids


def _is_superior(person, of) -> bool:
    """Whether ``person`` is above ``of``: a higher post, or the leadership of ``of``'s chain."""
    if _rank(person.post) > _rank(of.post):
        return True
    if person.post in LEADERSHIP_POSTS and person.unit_id is not None:
        return person.unit.scope_root.pk in _chain_ids(of)
    return False


def person_refusal(*, by, person) -> str | None:
    """Why ``by`` may not act on ``person``'s post or account, or None when they may."""
    if by.is_superuser:
        return None
    if person.pk is not None and person.pk == by.pk:
        return _("You cannot do this for yourself; ask a colleague or the level above.")
    if person.is_superuser:
        return _("Administrators' accounts are changed only by an administrator.")
    if _is_superior(person, by):
        return _("%(name)s (%(post)s) is above you; only the level above may change this.") % {
            "name": person,
            "post": _post_label(person.post),
        }
    if person.pk is not None:
        from branches.models import User

        if not User.objects.for_user(by).filter(pk=person.pk).exists():
            return _("%(name)s is outside your scope.") % {"name": person}
    return None


def grant_refusal(*, by, post: str, unit=None, premises=None) -> str | None:
    """Why ``by`` may not give ``post`` at ``unit`` / ``premises``, or None when they may."""
    from branches.models import Premises, Unit

    if by.is_superuser:
        return None
    if unit is not None and not Unit.objects.for_user(by).filter(pk=unit.pk).exists():
        return _("%(name)s is outside your scope.") % {"name": unit}
    if premises is not None and not Premises.objects.for_user(by).filter(pk=premises.pk).exists():
        return _("%(name)s is outside your scope.") % {"name": premises}
    label = _post_label(post)
    if _rank(post) > _rank(by.post):
        return _("The post “%(post)s” is above yours; only the level above may give it.") % {"post": label}
    if post in SIGNING_POSTS and _rank(post) >= _rank(by.post):
        return _("The post “%(post)s” signs for its unit; only the level above may give it.") % {"post": label}
    if post in LEADERSHIP_POSTS and unit is not None and unit.scope_root.pk in _chain_ids(by):
        return _("The post “%(post)s” of %(unit)s is one of your own superiors; only the level above may give it.") % {
            "post": label,
            "unit": unit.scope_root,
        }
    return None


def part_time_refusal(*, by, posts, unit=None, premises=None) -> str | None:
    """Why ``by`` may not give the part-time ``posts`` at ``unit`` / ``premises``, or None when they may.

    Only the security posts of ``PART_TIME_POSTS`` are held part-time, and each is a post given
    like any other: never above what ``by`` may give."""
    for post in posts:
        if post not in PART_TIME_POSTS:
            return _("The post “%(post)s” cannot be held part-time.") % {"post": _post_label(post)}
        message = grant_refusal(by=by, post=post, unit=unit, premises=premises)
        if message:
            return message
    return None


def check(*, by, action: str, person=None, post: str | None = None, unit=None, premises=None, part_time=()) -> None:
    """Raise ``Refused`` (logged under ``action``) unless ``by`` may act on ``person`` (None: a new
    account) and, when ``post`` is given, give that post at ``unit`` / ``premises``; likewise
    each of the ``part_time`` posts."""
    message = (
        (person is not None and person_refusal(by=by, person=person))
        or (post is not None and grant_refusal(by=by, post=post, unit=unit, premises=premises))
        or (part_time and part_time_refusal(by=by, posts=part_time, unit=unit, premises=premises))
    )
    if message:
        raise Refused(message, action=action)


# Two-factor sign-in (issue 20): those who sign for the bank and administrators must have a second
# factor; everybody else may choose one.
SECOND_FACTOR_POSTS = frozenset({Post.PRESIDENT, Post.HEAD_OFFICE_SECURITY})


def requires_second_factor(user) -> bool:
    """Whether ``user`` must sign in with a code from an authenticator app as well as a password."""
    return bool(user.is_superuser or user.post in SECOND_FACTOR_POSTS)
