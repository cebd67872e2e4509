from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "facilities"
    verbose_name = _("Security facilities")

    def ready(self):
        from facilities import permissions  # noqa: F401  (declares the actions)
        from facilities.registrations import register

        register()
