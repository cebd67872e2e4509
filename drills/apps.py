from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrillsConfig(AppConfig):
    name = "drills"
    verbose_name = _("Emergency plans and drills")

    def ready(self):
        from drills import permissions  # noqa: F401  (declares the actions)
        from drills.registrations import register

        register()
