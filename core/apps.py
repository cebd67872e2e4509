from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Shared mechanisms")

    def ready(self):
        from core import permissions  # noqa: F401  (declares the calendar actions)
        from core.registrations import register

        register()
