from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    HEAD_OFFICE = "head_office", _("Head office")
    BRANCH = "branch", _("Branch")
    SUB_BRANCH = "sub_branch", _("Sub-branch")
    DEPARTMENT = "department", _("Department")


class DepartmentKind(models.TextChoices):
    SECURITY = "security", _("Security department")
    RISK = "risk", _("Risk department")
    BUSINESS = "business", _("Business department")
    OFFICE = "office", _("Office")


class PremisesKind(models.TextChoices):
    OUTLET = "outlet", _("Business outlet")
    SELF_SERVICE = "self_service", _("Self-service bank")
    VAULT = "vault", _("Vault / treasury")
    CASH_IN_TRANSIT = "cash_in_transit", _("Cash-in-transit team")
    OFFICE_BUILDING = "office_building", _("Office building")


class Area(models.TextChoices):
    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")


class Post(models.TextChoices):
    HEAD_OFFICE_SECURITY = "head_office_security", _("Head-office security")
    PRESIDENT = "president", _("President")
    LEADER_IN_CHARGE = "leader_in_charge", _("Leader in charge of security")
    SECURITY_DEPARTMENT = "security_department", _("Security department staff")
    SECURITY_OFFICER = "security_officer", _("Security officer")
    OUTLET_HEAD = "outlet_head", _("Outlet head")
    TELLER = "teller", _("Teller")
    GUARD = "guard", _("Guard")
    VOLUNTEER_FIREFIGHTER = "volunteer_firefighter", _("Volunteer firefighter")
    EMPLOYEE = "employee", _("Employee")


# Posts whose scope is the premises they work at, not the whole unit subtree.
PREMISES_POSTS = frozenset(
    {Post.SECURITY_OFFICER, Post.OUTLET_HEAD, Post.TELLER, Post.GUARD, Post.VOLUNTEER_FIREFIGHTER, Post.EMPLOYEE}
)
# Security staff a summary counts by post (一、基本情况).
SECURITY_POSTS = (Post.SECURITY_OFFICER, Post.GUARD, Post.VOLUNTEER_FIREFIGHTER)
# Posts a person may hold part-time besides their own (a teller who is also a volunteer firefighter).
PART_TIME_POSTS = (Post.SECURITY_OFFICER, Post.GUARD, Post.VOLUNTEER_FIREFIGHTER)
