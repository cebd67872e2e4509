"""The post→action table of the pages (``branches.permissions.can``) applied to API views.

A view names ``read_action`` and, per extra route, ``route_actions = {"assign": "hazard.manage"}``.
Scope is the queryset's (``for_user`` selectors): on a route about one object the post is checked
only once the object was found in scope, so an object outside it is a 404, never a 403.
"""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from branches.permissions import can, log_refusal


def required_action(view) -> str | None:
    per_route = getattr(view, "route_actions", {}) or {}
    return per_route.get(getattr(view, "action", None)) or getattr(view, "read_action", None) or None


def _allowed(request, view) -> bool:
    action = required_action(view)
    if action is None or can(request.user, action):
        return True
    log_refusal(request, action)
    return False


class PostMayDo(BasePermission):
    """403 (logged, like the pages) unless the person's post allows the view's action."""

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if view.kwargs.get(getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", "pk")):
            return True  # decided in has_object_permission, after the scoped lookup
        return _allowed(request, view)

    def has_object_permission(self, request, view, obj) -> bool:
        return _allowed(request, view)
