"""Reading "as" a unit: the scope a report is generated in.

A report is about a unit's subtree, whoever asks for it and whether or not anyone asks
(the month-end job has no request user). ``UnitReader(unit)`` stands in for the reader:
it carries a pre-computed ``branches.scoping.UserScope`` (cached where ``user_scope``
looks first) of exactly that subtree — or of everything for head office — so every
selector of the other apps still reads through ``for_user``/``visible_to`` and counts
the same rows a manager of that unit would see. It holds the post of that unit's
security department, so post-gated reads (incidents, ``incident.view_all``) see what
the security department sees. It is never saved and cannot sign in.
"""

from __future__ import annotations

from branches.choices import Post
from branches.scoping import UserScope


class UnitReader:
    is_authenticated = True
    is_active = True
    is_superuser = False
    is_anonymous = False
    pk = None
    id = None
    home_premises_id = None
    language = "zh-hans"

    def __init__(self, unit):
        self.unit = unit
        self.unit_id = unit.pk
        is_root = unit.parent_id is None
        self.post = Post.HEAD_OFFICE_SECURITY if is_root else Post.SECURITY_DEPARTMENT
        self._safetybank_scope = (
            UserScope(everything=True) if is_root else UserScope(unit_paths=[unit.path], anchor_paths=[unit.path])
        )
        self._safetybank_posts = {self.post}

    def __str__(self):
        return f"reader of {self.unit}"
