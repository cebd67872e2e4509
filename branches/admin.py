"""Admin for superusers only (see safetybank.admin.SuperuserAdminSite). The organisation is
audited reference data; contracts (not audited) change only through the staff pages' service,
and refused accesses are a log."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from branches import services
from branches.forms import AuditedAdminPasswordChangeForm
from branches.models import Acting, Contract, Premises, RefusedAccess, Unit, User
from safetybank.admin import AuditedAdmin, ReadOnlyAdmin


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["name", "code", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(Premises)
class PremisesAdmin(AuditedAdmin):
    list_display = ["name", "code", "kind", "unit", "area"]
    list_filter = ["kind", "area"]
    search_fields = ["name", "code"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin, AuditedAdmin):
    list_display = ["username", "full_name", "post", "unit", "is_active"]
    list_filter = ["post", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "employee_number"]
    ordering = ["username"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Personal info"),
            {"fields": ("full_name", "email", "phone", "employee_number", "language")},
        ),
        (_("Post"), {"fields": ("unit", "home_premises", "post", "start_date", "end_date")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "must_change_password")},
        ),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "full_name", "password1", "password2")}),)
    change_password_form = AuditedAdminPasswordChangeForm

    def save_model(self, request, obj, form, change):
        services.staff_save(staff=obj, by=request.user, reason="admin.change" if change else "staff.admin_create")

    def log_change(self, request, obj, message):
        # The password form prepared the new password; saving it here, with the request, audits who set it.
        if hasattr(obj, "_admin_new_password"):
            services.staff_password_set(
                staff=obj,
                password=obj.__dict__.pop("_admin_new_password"),
                by=request.user,
                reason="staff.admin_password",
            )
        return super().log_change(request, obj, message)


@admin.register(Acting)
class ActingAdmin(AuditedAdmin):
    list_display = ["user", "post", "unit", "premises", "start_date", "end_date"]

    def save_model(self, request, obj, form, change):
        services.acting_save(acting=obj, by=request.user)


admin.site.register(Contract, ReadOnlyAdmin)


@admin.register(RefusedAccess)
class RefusedAccessAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "action", "path", "ip_address"]


# Second factors change only through branches.services (audited, sessions ended): django-otp's device
# pages (which also show the secret keys) would be a side door, so they are not in the admin.
def _unregister_second_factor_devices() -> None:
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for model in (TOTPDevice, StaticDevice):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


_unregister_second_factor_devices()
