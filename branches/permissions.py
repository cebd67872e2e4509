"""Which post may do which action: one table, read by every view.

Views check scope first (an object outside the user's scope is a 404, so a 403
never confirms that it exists) and then the post with ``can``; a refusal is logged
with ``log_refusal``. Acting for a post gives that post's actions for the acting
period. Features add their actions to ``ACTIONS`` in their own module with
``register_actions``, so the table stays in one place at run time.
"""

from __future__ import annotations

import logging

from django.utils import timezone

from branches.choices import Post

logger = logging.getLogger("safetybank.access")

MANAGERS = frozenset({Post.HEAD_OFFICE_SECURITY, Post.SECURITY_DEPARTMENT})
LEADERS = frozenset({Post.PRESIDENT, Post.LEADER_IN_CHARGE})
PREMISES_LEAD = frozenset({Post.SECURITY_OFFICER, Post.OUTLET_HEAD})
EVERYONE = frozenset(Post.values)

ACTIONS: dict[str, frozenset[str]] = {
    "unit.view": EVERYONE,
    "unit.manage": frozenset({Post.HEAD_OFFICE_SECURITY}),
    "premises.view": EVERYONE,
    "premises.manage": MANAGERS,
    "staff.view": MANAGERS | LEADERS | frozenset({Post.OUTLET_HEAD}),
    "staff.manage": MANAGERS,
    "staff.import": MANAGERS,
    "staff.reset_password": MANAGERS,
    "orphans.view": MANAGERS | LEADERS,
    # Administrators (superusers) only: they hold every action whatever the table says.
    "staff.reset_second_factor": frozenset(),
}


def register_actions(actions: dict[str, frozenset[str]]) -> None:
    """A feature declares its actions once, at import time of its own permissions module."""
    for name, posts in actions.items():
        if name in ACTIONS and ACTIONS[name] != posts:
            raise ValueError(f"Action {name!r} is already declared with other posts.")
        ACTIONS[name] = frozenset(posts)


def effective_posts(user) -> set[str]:
    """The user's own post, a part-time security officer's post (they log the daily checks of
    their premises) and every post they act for today. Guard and volunteer firefighter held
    part-time grant nothing: they are counted, not given actions."""
    cached = getattr(user, "_safetybank_posts", None)
    if cached is not None:
        return cached
    posts = {user.post}
    if Post.SECURITY_OFFICER in (getattr(user, "part_time_posts", None) or ()):
        posts.add(Post.SECURITY_OFFICER)
    acting = getattr(user, "_safetybank_acting_posts", None)  # read with the scope, when it was worked out
    if acting is None:
        today = timezone.localdate()
        acting = user.actings.filter(start_date__lte=today, end_date__gte=today).values_list("post", flat=True)
    posts.update(acting)
    user._safetybank_posts = posts
    return posts


def can(user, action: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    allowed = ACTIONS[action]  # a KeyError here is a programming error: undeclared action
    return bool(effective_posts(user) & allowed)


def log_refusal(request, action: str) -> None:
    from branches.models import RefusedAccess

    user = request.user if request.user.is_authenticated else None
    ip = request.META.get("REMOTE_ADDR")
    RefusedAccess.objects.create(user=user, action=action, path=request.path[:300], ip_address=ip)
    logger.warning("refused %s to %s at %s from %s", action, user, request.path, ip)


def require(request, action: str) -> None:
    """For function views: 403 (logged) unless the person's post allows ``action``. Check scope first."""
    from django.core.exceptions import PermissionDenied

    if not can(request.user, action):
        log_refusal(request, action)
        raise PermissionDenied
