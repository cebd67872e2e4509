"""Actions of the summary reports and Safety Month, declared once in the post/action table."""

from branches.permissions import EVERYONE, LEADERS, MANAGERS, PREMISES_LEAD, register_actions

register_actions(
    {
        # Presidents and leaders read their subtree's reports; the security department writes them.
        "report.view": MANAGERS | LEADERS,
        "report.edit": MANAGERS,
        "report.sign": LEADERS,
        "campaign.view": EVERYONE,
        "campaign.manage": MANAGERS,
        "activity.record": MANAGERS | PREMISES_LEAD,
    }
)
