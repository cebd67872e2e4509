"""Actions of the shared mechanisms, added to the one post/action table."""

from branches.choices import Post
from branches.permissions import EVERYONE, register_actions

register_actions(
    {
        "calendar.view": EVERYONE,
        "calendar.manage": frozenset({Post.HEAD_OFFICE_SECURITY}),
        # The audit page: head office and each unit's security department, within their scope.
        # Group robots (WeCom, DingTalk) and which notices they take: each unit's security department.
        "channel.manage": frozenset({Post.HEAD_OFFICE_SECURITY, Post.SECURITY_DEPARTMENT}),
        "audit.view": frozenset({Post.HEAD_OFFICE_SECURITY, Post.SECURITY_DEPARTMENT}),
    }
)
