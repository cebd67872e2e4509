"""Choices of emergency plans, drills and safety study (reference-content.md §3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanKind(models.TextChoices):
    # The "four prevention plans" (四防预案).
    ROBBERY = "robbery", _("Robbery prevention")
    THEFT = "theft", _("Theft prevention")
    FRAUD = "fraud", _("Fraud prevention")
    FIRE_EXPLOSION = "fire_explosion", _("Fire and explosion prevention")
    # Plans per link (分环节预案).
    OUTLET = "outlet", _("Business outlet")
    VAULT = "vault", _("Vault guarding")
    ESCORT = "escort", _("Cash-in-transit escort")
    OFFICE_FIRE = "office_fire", _("Office-building fire")
    SPECIAL_EQUIPMENT = "special_equipment", _("Special equipment (vehicles, canteen gas)")


FOUR_PREVENTION = (PlanKind.ROBBERY, PlanKind.THEFT, PlanKind.FRAUD, PlanKind.FIRE_EXPLOSION)


class RolePeriod(models.TextChoices):
    BUSINESS_HOURS = "business_hours", _("Business hours")
    STORAGE = "storage", _("Storage (outside business hours)")
    ESCORT = "escort", _("Escort")


class PlanRoleKind(models.TextChoices):
    COMMANDER = "commander", _("Incident commander")
    DEPUTY_COMMANDER = "deputy_commander", _("Deputy commander (B role)")
    ALARM = "alarm", _("Alarm raiser / liaison")
    CASH_PROTECTION = "cash_protection", _("Cash-protection team")
    EVACUATION = "evacuation", _("Evacuation guide")
    DOOR_KEEPER = "door_keeper", _("Door keeper")
    DEFENDER = "defender", _("Defender")
    SCENE_KEEPER = "scene_keeper", _("Scene keeper / witness")


class DrillKind(models.TextChoices):
    """The national rule distinguishes these: comprehensive or special-plan drills yearly, on-site every half year."""

    COMPREHENSIVE = "comprehensive", _("Comprehensive drill")
    SPECIAL = "special", _("Special-plan drill")
    ON_SITE = "on_site", _("On-site response drill")


class DrillStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# Scenarios seen in the sources (§3.3): offered as suggestions, free text allowed.
SCENARIOS = (
    _("Armed counter robbery"),
    _("Hostage taking with explosive threat"),
    _("Bomb note at the counter"),
    _("Threatening phone call"),
    _("Robbery during cash-box handover"),
    _("Electrical fire in the banking hall"),
    _("Snatch of a customer's cash"),
    _("Impostor withdrawal / telecom fraud interception"),
    _("Crowd of withdrawals before the New Year"),
    _("Flood and typhoon"),
)


class StudyKind(models.TextChoices):
    RULES = "rules", _("Rules and regulations")
    CASES = "cases", _("Typical cases")
    WARNING = "warning", _("Warning education")
    SKILLS = "skills", _("Skills")


class RuleState(models.TextChoices):
    MET = "met", _("Met")
    PLANNED = "planned", _("Planned, not yet done")
    OPEN = "open", _("Open, nothing planned")
    AT_RISK = "at_risk", _("Due within 30 days")
    MISSED = "missed", _("Missed")
