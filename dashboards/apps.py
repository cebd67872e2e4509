from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from dashboards import permissions  # noqa: F401  (declares the actions)
        from dashboards.signals import record_saved

        post_save.connect(record_saved, dispatch_uid="dashboards-cache-saved")
        post_delete.connect(record_saved, dispatch_uid="dashboards-cache-deleted")
