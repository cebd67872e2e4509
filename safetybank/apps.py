from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class SafetybankConfig(AppConfig):
    default = True
    name = "safetybank"
    verbose_name = "SafetyBank"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from simple_history.signals import pre_create_historical_record

        from safetybank import (
            checks,  # noqa: F401  (registers the deploy checks)
            tasks,  # noqa: F401  (the outbox sweep and its worker-start hook)
        )
        from safetybank.audit import stamp_request
        from safetybank.middleware import session_renewed_at_login

        pre_create_historical_record.connect(stamp_request, dispatch_uid="safetybank.audit.stamp_request")
        user_logged_in.connect(session_renewed_at_login, dispatch_uid="safetybank.middleware.session_renewed_at_login")


class SafetybankAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "safetybank.admin.SuperuserAdminSite"
