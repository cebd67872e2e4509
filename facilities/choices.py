from django.db import models
from django.utils.translation import gettext_lazy as _


class FacilityKind(models.TextChoices):
    """The security facilities a premises keeps in its ledger (台账)."""

    ALARM_110 = "alarm_110", _("110 police alarm link")
    INTRUSION_ALARM = "intrusion_alarm", _("Intrusion alarm")
    CCTV = "cctv", _("CCTV / digital video recorder")
    BULLETPROOF_GLASS = "bulletproof_glass", _("Bulletproof glass")
    STEEL_COUNTER = "steel_counter", _("Steel-plated counter")
    ANTI_ROBBERY = "anti_robbery", _("Anti-robbery device")
    SAFE_DOOR = "safe_door", _("Safe / vault door")
    STEEL_DOOR = "steel_door", _("Anti-robbery / steel door")
    ANTI_RAM = "anti_ram", _("Anti-ram posts")
    EXTINGUISHER = "extinguisher", _("Fire extinguishers")
    MICRO_FIRE_STATION = "micro_fire_station", _("Micro fire station")
    SELF_DEFENCE = "self_defence", _("Self-defence equipment")


class FacilityStatus(models.TextChoices):
    IN_USE = "in_use", _("In use")
    FAULTY = "faulty", _("Faulty")
    RETIRED = "retired", _("Retired")


class ExtinguisherType(models.TextChoices):
    DRY_POWDER = "dry_powder", _("Dry powder")
    CO2 = "co2", _("Carbon dioxide")
    WATER = "water", _("Water-based")


class TestKind(models.TextChoices):
    """The tests of the detection and calibration ledger; each has one cadence head office sets."""

    DVR_REBOOT = "dvr_reboot", _("Video recorder reboot")
    ALARM_MONTHLY = "alarm_monthly", _("Alarm test")
    ALARM_FULL = "alarm_full", _("Full alarm system test")
    EXTINGUISHER_INSPECTION = "extinguisher_inspection", _("Extinguisher inspection")
    LINK_110 = "link_110", _("110 link test")


class TestResult(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class CadenceUnit(models.TextChoices):
    WEEK = "week", _("week(s)")
    MONTH = "month", _("month(s)")


class DueState(models.TextChoices):
    OK = "ok", _("Up to date")
    DUE = "due", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


class InvestmentKind(models.TextChoices):
    PURCHASE = "purchase", _("Purchase")
    UPGRADE = "upgrade", _("Upgrade")
    OVERHAUL = "overhaul", _("Overhaul / maintenance")
    CONSTRUCTION = "construction", _("Construction")


class VideoKind(models.TextChoices):
    DIGITAL = "digital", _("Digital")
    ANALOGUE = "analogue", _("Analogue")


# Which hidden-danger category a failed test of a facility kind raises (inspections.choices.HazardCategory values).
HAZARD_CATEGORY = {
    FacilityKind.ALARM_110: "technical",
    FacilityKind.INTRUSION_ALARM: "technical",
    FacilityKind.CCTV: "technical",
    FacilityKind.BULLETPROOF_GLASS: "physical",
    FacilityKind.STEEL_COUNTER: "physical",
    FacilityKind.ANTI_ROBBERY: "physical",
    FacilityKind.SAFE_DOOR: "physical",
    FacilityKind.STEEL_DOOR: "physical",
    FacilityKind.ANTI_RAM: "physical",
    FacilityKind.EXTINGUISHER: "fire",
    FacilityKind.MICRO_FIRE_STATION: "fire",
    FacilityKind.SELF_DEFENCE: "civil",
}
