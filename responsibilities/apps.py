from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsibilitiesConfig(AppConfig):
    name = "responsibilities"
    verbose_name = _("Responsibilities")

    def ready(self):
        from responsibilities import permissions  # noqa: F401  (declares the actions)
        from responsibilities.registrations import register

        register()
