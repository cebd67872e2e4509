"""The inspection engine's actions, declared once in the post/action table."""

from branches.choices import Post
from branches.permissions import EVERYONE, LEADERS, MANAGERS, register_actions

INSPECTORS = MANAGERS | LEADERS | frozenset({Post.SECURITY_OFFICER, Post.OUTLET_HEAD})

register_actions(
    {
        "inspection.view": EVERYONE,
        "inspection.perform": INSPECTORS,
        "inspection.acknowledge": frozenset({Post.OUTLET_HEAD, Post.PRESIDENT}),
        # Co-signing a daily check: the outlet head, or a vault's second custodian (any post at the premises).
        "inspection.cosign": frozenset({Post.OUTLET_HEAD, Post.SECURITY_OFFICER, Post.TELLER, Post.EMPLOYEE}),
        "checklist.view": INSPECTORS,
        "checklist.manage": MANAGERS,
        "rule.manage": frozenset({Post.HEAD_OFFICE_SECURITY}),
        "compliance.view": MANAGERS | LEADERS,
        "hazard.view": EVERYONE,
        "hazard.report": EVERYONE,
        "hazard.manage": MANAGERS | LEADERS | frozenset({Post.OUTLET_HEAD}),
        "hazard.grade": MANAGERS | LEADERS,
        "hazard.verify": MANAGERS | INSPECTORS,
        "hazard.configure": frozenset({Post.HEAD_OFFICE_SECURITY}),
    }
)
