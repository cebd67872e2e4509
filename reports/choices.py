from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly safety summary")
    SAFETY_MONTH = "safety_month", _("Safety Month summary")
    HAZARD_MONTHLY = "hazard_monthly", _("Self-inspection and rectification report")
    HAZARD_QUARTERLY = "hazard_quarterly", _("Quarterly hidden-danger statistics")
    YEAR_END = "year_end", _("Year-end safety work summary")


# The kinds whose sections 3 (problems) and 4 (measures) are written and printed; the
# year-end summary also has section 5 (next year's plan).
KINDS_WITH_SECTIONS = (ReportKind.MONTHLY, ReportKind.SAFETY_MONTH, ReportKind.HAZARD_MONTHLY, ReportKind.YEAR_END)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINALISED = "finalised", _("Finalised")
    PUBLISHED = "published", _("Published")


class ActivityKind(models.TextChoices):
    """What banks do in Safety Month (reference content §7)."""

    INSPECTION = "inspection", _("Special inspection / sweep")
    CONSULTATION_DAY = "consultation_day", _("16 June consultation day")
    TRAINING = "training", _("Fire training and practice")
    DRILL = "drill", _("Emergency drill")
    CONTEST = "contest", _("Knowledge contest / quiz")
    FILM = "film", _("Theme or warning films")
    OUTREACH = "outreach", _("Outreach (“five into”)")
    OTHER = "other", _("Other")
