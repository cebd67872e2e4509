from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections")

    def ready(self):
        from inspections import permissions  # noqa: F401  (declares the actions)
        from inspections.registrations import register

        register()
