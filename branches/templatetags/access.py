"""``{% load access %}`` … ``{% if user|can:"dashboard.view" %}``: show a link only to posts that may use it.

The same post/action table the views enforce, so a menu never offers a page that answers 403.
"""

from django import template

from branches.permissions import can as _can

register = template.Library()


@register.filter
def can(user, action: str) -> bool:
    return _can(user, action)
