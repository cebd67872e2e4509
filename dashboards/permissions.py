"""Actions of the dashboards, declared once in the post/action table."""

from branches.choices import Post
from branches.permissions import LEADERS, MANAGERS, register_actions

register_actions(
    {
        # Presidents, leaders in charge, security departments and head office see their subtree.
        "dashboard.view": MANAGERS | LEADERS,
        # The weights of the risk score are a head-office standard, like checklists and cadences.
        "risk.weights": frozenset({Post.HEAD_OFFICE_SECURITY}),
    }
)
