from django.contrib import admin
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from safetybank.audit import reason_text, set_reason


class SuperuserAdminSite(AdminSite):
    """The Django admin is for superusers only: its querysets do not pass the scoping chokepoint."""

    site_header = _("SafetyBank administration")
    site_title = _("SafetyBank administration")

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def login(self, request, extra_context=None):
        """Administrators sign in on the site's own page, which asks for the second factor."""
        from django.contrib.auth.views import redirect_to_login
        from django.urls import reverse

        if request.user.is_authenticated:
            raise PermissionDenied  # signed in, but not an administrator
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


# The three kinds of admin every app uses (see core/admin.py for what each is for).
class NoWrites:
    """No add, change or delete: view only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(NoWrites, admin.ModelAdmin):
    """View and search only."""


class ReadOnlyInline(NoWrites, admin.TabularInline):
    """The rows of a read-only record, shown inside it."""

    extra = 0


class AuditedAdmin(SimpleHistoryAdmin):
    """Admin of audited reference data: changes are recorded with who and why; its history can be
    read, never reverted from a screen."""

    def save_model(self, request, obj, form, change):
        set_reason(obj, "admin.change")
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        set_reason(obj, "admin.delete")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:  # one by one: each deletion carries its reason
            self.delete_model(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # Display only (never saved): the stored reason code in the reader's language.
        for record in historical_records:
            record.history_change_reason = reason_text(record.history_change_reason)
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)


class RecordAdmin(ReadOnlyAdmin, AuditedAdmin):
    """A workflow record: read-only here (its services own every change), with its audit history."""
