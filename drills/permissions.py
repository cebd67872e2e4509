"""Actions of emergency plans, drills and study, declared once in the post/action table."""

from branches.permissions import EVERYONE, LEADERS, MANAGERS, PREMISES_LEAD, register_actions

register_actions(
    {
        "plan.view": EVERYONE,
        "plan.manage": MANAGERS,
        "drill.view": EVERYONE,
        "drill.plan": MANAGERS,
        "drill.record": MANAGERS | PREMISES_LEAD,
        "drill.programme": MANAGERS | LEADERS,
        "study.view": EVERYONE,
        "study.record": MANAGERS | PREMISES_LEAD,
    }
)
