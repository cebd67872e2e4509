from django.contrib.admin import AdminSite
from django.utils.translation import gettext_lazy as _


class SuperuserAdminSite(AdminSite):
    """The Django admin is for superusers only: its querysets do not pass the scoping chokepoint."""

    site_header = _("SafetyBank administration")
    site_title = _("SafetyBank administration")

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser
