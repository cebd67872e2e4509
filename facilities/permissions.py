"""The facilities ledger's actions, declared once in the post/action table."""

from branches.choices import Post
from branches.permissions import LEADERS, MANAGERS, PREMISES_LEAD, register_actions

register_actions(
    {
        "facility.view": MANAGERS | LEADERS | PREMISES_LEAD,
        "facility.manage": MANAGERS | frozenset({Post.OUTLET_HEAD}),
        "facility.test": MANAGERS | PREMISES_LEAD,
        "facility.export": MANAGERS | LEADERS,
        "cadence.manage": frozenset({Post.HEAD_OFFICE_SECURITY}),
        "investment.view": MANAGERS | LEADERS,
        "investment.manage": MANAGERS,
    }
)
