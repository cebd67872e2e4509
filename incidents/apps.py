from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Incidents")

    def ready(self):
        from core.attachment_owners import register_attachment_owner
        from incidents import permissions  # noqa: F401  (declares the actions)
        from incidents.models import Incident
        from incidents.selectors import incidents_for

        register_attachment_owner(Incident, incidents_for, action="incident.report")
