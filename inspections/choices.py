from django.db import models
from django.utils.translation import gettext_lazy as _


class Defence(models.TextChoices):
    """The three defences, plus fire safety and cash/vouchers/seals, as checklists group them."""

    CIVIL = "civil", _("Civil defence")
    PHYSICAL = "physical", _("Physical defence")
    TECHNICAL = "technical", _("Technical defence")
    FIRE = "fire", _("Fire safety")
    CASH = "cash", _("Cash, vouchers and seals")


class AnswerType(models.TextChoices):
    PASS_FAIL = "pass_fail", _("Pass / fail / not applicable")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Text")


class Result(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NOT_APPLICABLE = "na", _("Not applicable")


class Purpose(models.TextChoices):
    DAILY_OPEN = "daily_open", _("Before opening")
    DAILY_CLOSE = "daily_close", _("After closing")
    SELF_SERVICE_PATROL = "self_service_patrol", _("Self-service bank patrol")
    VAULT_DUAL = "vault_dual", _("Vault open/close under dual control")
    CIT_TRIP = "cit_trip", _("Cash-in-transit trip")
    OFFICE_WEEKLY = "office_weekly", _("Office building weekly check")
    WEEKLY_CONTRACTED = "weekly_contracted", _("Weekly check of contracted premises")
    MONTHLY_COMPREHENSIVE = "monthly_comprehensive", _("Monthly comprehensive inspection")
    PRESIDENT = "president", _("President's inspection")
    LEADER = "leader", _("Leader-in-charge inspection")
    PHASED_REVIEW = "phased_review", _("Phased leadership review")
    HOLIDAY = "holiday", _("Holiday check")
    SUMMER_ELECTRICAL = "summer_electrical", _("Summer electrical check")


class Level(models.TextChoices):
    """The five levels of inspection, and the extra inspections on top of them."""

    L1_PRESIDENT = "L1", _("1 President")
    L2_LEADER = "L2", _("2 Leader in charge")
    L3_SECURITY = "L3", _("3 Security department")
    L4_PREMISES = "L4", _("4 Outlet head and security officer")
    L5_REVIEW = "L5", _("5 Leadership review")
    COMPREHENSIVE = "MC", _("Monthly comprehensive")
    HOLIDAY = "HO", _("Holiday")
    SUMMER = "SU", _("Summer electrical")


class Period(models.TextChoices):
    BUSINESS_DAY = "business_day", _("Every business day")
    WEEK = "week", _("Every week")
    MONTH = "month", _("Every month")
    QUARTER = "quarter", _("Every quarter")
    SEASON = "season", _("Every month of a season")
    HOLIDAY = "holiday", _("Before each holiday")


class Target(models.TextChoices):
    EACH_PREMISES_OF_KIND = "premises_of_kind", _("Each premises of a kind")
    EACH_SUB_BRANCH = "sub_branch", _("Each sub-branch")
    EACH_CONTRACTED_PREMISES = "contracted", _("Each contracted premises")


class AssignmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done on time")
    LATE = "late", _("Done late")
    OVERDUE = "overdue", _("Overdue")


class InspectionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class HazardCategory(models.TextChoices):
    CIVIL = "civil", _("Civil defence")
    PHYSICAL = "physical", _("Physical defence")
    TECHNICAL = "technical", _("Technical defence")
    FIRE = "fire", _("Fire safety")
    OTHER = "other", _("Other")


class HazardGrade(models.TextChoices):
    GENERAL = "general", _("General")
    MAJOR = "major", _("Major")


class HazardStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    ASSIGNED = "assigned", _("Assigned")
    RECTIFYING = "rectifying", _("Rectifying")
    SUBMITTED = "submitted", _("Submitted for verification")
    CLOSED = "closed", _("Verified and closed")


class EscalationLevel(models.IntegerChoices):
    """How far up an overdue (or repeated) hidden danger has gone; the responsible person stays."""

    NONE = 0, _("Not escalated")
    SECURITY = 1, _("Security department")
    LEADERSHIP = 2, _("Leader in charge")
    HEAD_OFFICE = 3, _("Head office")


class HazardEventKind(models.TextChoices):
    """One line of a hidden danger's timeline."""

    REPORTED = "reported", _("Reported")
    GRADED = "graded", _("Grade changed")
    ASSIGNED = "assigned", _("Assigned")
    PLAN_SAVED = "plan_saved", _("Governance plan saved")
    STARTED = "started", _("Rectification started")
    FIXED_ON_SPOT = "fixed_on_spot", _("Rectified on the spot")
    SUBMITTED = "submitted", _("Submitted for verification")
    SENT_BACK = "sent_back", _("Sent back")
    VERIFIED = "verified", _("Verified and closed")
    OVERDUE = "overdue", _("Overdue")
    ESCALATED = "escalated", _("Escalated")
