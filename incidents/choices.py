from django.db import models
from django.utils.translation import gettext_lazy as _


class IncidentKind(models.TextChoices):
    THEFT = "theft", _("Theft")
    ROBBERY = "robbery", _("Robbery")
    FRAUD = "fraud", _("Fraud")
    FIRE = "fire", _("Fire")
    PROPERTY_LOSS = "property_loss", _("Property loss")
    LIABILITY_ACCIDENT = "liability_accident", _("Liability accident")
    OTHER = "other", _("Other")


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    INVESTIGATING = "investigating", _("Under investigation")
    CLOSED = "closed", _("Closed")


# The moves the security department may make; a closed incident stays closed.
TRANSITIONS = {
    IncidentStatus.REPORTED: {IncidentStatus.REPORTED, IncidentStatus.INVESTIGATING, IncidentStatus.CLOSED},
    IncidentStatus.INVESTIGATING: {IncidentStatus.INVESTIGATING, IncidentStatus.CLOSED},
    IncidentStatus.CLOSED: set(),
}
