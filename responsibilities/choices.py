from django.db import models
from django.utils.translation import gettext_lazy as _


class LetterKind(models.TextChoices):
    """Who the issuing unit signs with."""

    DEPARTMENT = "department", _("Unit ↔ department")
    PREMISES = "premises", _("Unit ↔ premises")
    EMPLOYEE = "employee", _("Unit ↔ employee")
    SAFETY_PRODUCTION = "safety_production", _("Safety production (unit ↔ subordinate unit)")


class LetterStatus(models.TextChoices):
    ISSUED = "issued", _("Waiting for signature")
    SIGNED = "signed", _("Signed")
    COUNTERSIGNED = "countersigned", _("Countersigned")
    SUPERSEDED = "superseded", _("Superseded")


SIGNED_STATUSES = (LetterStatus.SIGNED, LetterStatus.COUNTERSIGNED)


class RoundStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Issuing")
    DONE = "done", _("Issued")
    FAILED = "failed", _("Failed")


class CommitteeRole(models.TextChoices):
    DIRECTOR = "director", _("Director")
    DEPUTY = "deputy", _("Deputy director")
    MEMBER = "member", _("Member")


class PartyKind(models.TextChoices):
    POLICE_STATION = "police_station", _("Police station")
    NEIGHBOUR_UNIT = "neighbour_unit", _("Neighbouring unit")
    RESIDENTS_COMMITTEE = "residents_committee", _("Residents' committee")
    OTHER = "other", _("Other")
