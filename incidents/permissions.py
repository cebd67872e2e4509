"""The incident register's actions, declared once in the post/action table.

Anyone may report an incident and sees what they reported; the security department and
leadership see every incident in their scope (``incident.view_all``)."""

from branches.permissions import EVERYONE, LEADERS, MANAGERS, register_actions

register_actions(
    {
        "incident.report": EVERYONE,
        "incident.view_all": MANAGERS | LEADERS,
        "incident.manage": MANAGERS,
        "incident.export": MANAGERS | LEADERS,
    }
)
