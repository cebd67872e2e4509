"""The actions of responsibility letters, the committee, post duties, the duty roster and joint defence."""

from branches.choices import Post
from branches.permissions import EVERYONE, LEADERS, MANAGERS, PREMISES_LEAD, register_actions

register_actions(
    {
        "letter.view": EVERYONE,  # scoped: one's own letters and, for managers, their subtree's
        "letter.manage": MANAGERS,  # issue rounds, record paper letters, remind
        "letter.countersign": frozenset({Post.PRESIDENT}),
        "letter.coverage": MANAGERS | LEADERS,
        "lettertemplate.manage": frozenset({Post.HEAD_OFFICE_SECURITY}),
        "postduty.manage": frozenset({Post.HEAD_OFFICE_SECURITY}),
        "committee.view": EVERYONE,
        "committee.manage": MANAGERS,
        "roster.view": EVERYONE,
        "roster.manage": MANAGERS,
        "agreement.view": MANAGERS | LEADERS | PREMISES_LEAD,
        "agreement.manage": MANAGERS,
    }
)
