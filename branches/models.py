"""Organisation, people and posts: the unit tree, premises, staff, contracting and acting."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_update_with_history

from branches.choices import PART_TIME_POSTS, Area, DepartmentKind, Post, PremisesKind, UnitKind
from branches.scoping import Scope, ScopedQuerySet
from safetybank.audit import audit_history


class UnitQuerySet(ScopedQuerySet):
    scope = Scope(unit="")

    def subtree_of(self, unit: Unit) -> UnitQuerySet:
        """The unit and everything below it: one query whatever the depth (materialised path)."""
        return self.filter(path__startswith=unit.path)


class Unit(models.Model):
    """A node of the bank's organisation: head office, branch, sub-branch or department.

    ``path`` is a materialised path of primary keys ("/1/4/9/"), so a subtree is one
    ``startswith`` filter and the ancestors are the ids in the path.
    """

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    department_kind = models.CharField(_("department kind"), max_length=20, choices=DepartmentKind.choices, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    objects = UnitQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """Keep the materialised path right on create and on a move (descendants in one UPDATE)."""
        with transaction.atomic():
            if self.pk is None:
                super().save(*args, **kwargs)  # the path is made of primary keys
                args, kwargs = (), {}
            old_path, old_depth = self.path, self.depth
            parent_path = self.parent.path if self.parent_id else "/"
            if old_path and parent_path.startswith(old_path):
                raise ValidationError(_("A unit cannot be moved below itself."))
            self.path = f"{parent_path}{self.pk}/"
            self.depth = self.path.count("/") - 2
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                # The descendants move too: in bulk, each with its audit row (paths are audited).
                descendants = list(Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk))
                for unit in descendants:
                    unit.path = self.path + unit.path[len(old_path) :]
                    unit.depth = unit.depth + (self.depth - old_depth)
                bulk_update_with_history(descendants, Unit, ["path", "depth"], default_change_reason="unit.moved")

    def get_absolute_url(self):
        return reverse("branches:unit_detail", args=[self.pk])

    def natural_key(self):
        return (self.code,)

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]

    @property
    def is_department(self) -> bool:
        return self.kind == UnitKind.DEPARTMENT

    @property
    def scope_root(self) -> Unit:
        """Where a person of this unit looks: a department acts for the unit it belongs to."""
        return self.parent if self.is_department and self.parent_id else self

    def ancestors(self, include_self: bool = True) -> UnitQuerySet:
        ids = self.ancestor_ids if include_self else self.ancestor_ids[:-1]
        return Unit.objects.filter(pk__in=ids).order_by("depth")

    def descendants(self, include_self: bool = True) -> UnitQuerySet:
        qs = Unit.objects.subtree_of(self)
        return qs if include_self else qs.exclude(pk=self.pk)


class PremisesQuerySet(ScopedQuerySet):
    scope = Scope(unit="unit", premises="")


class Premises(models.Model):
    """A place where the bank works: an outlet, self-service bank, vault, cash-in-transit team or building."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="premises")
    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=PremisesKind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    area = models.CharField(_("area"), max_length=10, choices=Area.choices, default=Area.URBAN)
    opens_at = models.TimeField(_("opening time"), null=True, blank=True)
    closes_at = models.TimeField(_("closing time"), null=True, blank=True)
    open_24h = models.BooleanField(_("open 24 hours"), default=False)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = PremisesQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("premises")
        verbose_name_plural = _("premises")
        ordering = ["unit__path", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(open_24h=True) | Q(opens_at__isnull=True) | Q(closes_at__gt=models.F("opens_at")),
                name="premises_closes_after_opening",
                violation_error_message=_("The closing time must be after the opening time."),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("branches:premises_detail", args=[self.pk])

    def natural_key(self):
        return (self.code,)

    @property
    def is_attended(self) -> bool:
        """Self-service banks are often unattended; every other kind has staff on site."""
        return self.kind != PremisesKind.SELF_SERVICE


class StaffQuerySet(ScopedQuerySet):
    scope = Scope(unit="unit", premises="home_premises")


class StaffManager(UserManager.from_queryset(StaffQuerySet)):
    pass


def validate_part_time_posts(value) -> None:
    """Only the security posts of ``PART_TIME_POSTS`` are held part-time; never a signing post."""
    if not isinstance(value, list) or any(post not in PART_TIME_POSTS for post in value):
        raise ValidationError(
            _("Only these posts may be held part-time: %(posts)s.")
            % {"posts": ", ".join(str(Post(post).label) for post in PART_TIME_POSTS)},
            code="part_time_posts",
        )


class User(AbstractUser):
    """A member of staff who signs in. One full-name field, family name first (张伟)."""

    first_name = None
    last_name = None
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    home_premises = models.ForeignKey(
        Premises,
        verbose_name=_("home premises"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("For outlet staff: the premises where they work."),
    )
    post = models.CharField(_("post"), max_length=30, choices=Post.choices, default=Post.EMPLOYEE)
    part_time_posts = models.JSONField(
        _("part-time posts"),
        default=list,
        blank=True,
        validators=[validate_part_time_posts],
        help_text=_("Security posts held besides the main post, e.g. a teller who is a volunteer firefighter."),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    employee_number = models.CharField(_("employee number"), max_length=30, unique=True, null=True, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set when an administrator issues an initial password; cleared when the person changes it."),
    )
    language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=[("zh-hans", "简体中文"), ("en", "English")],
        default="zh-hans",
        help_text=_("Used for e-mails and PDFs built in the background."),
    )
    wecom_userid = models.CharField(
        _("WeCom user ID"),
        max_length=64,
        blank=True,
        help_text=_("Where the bank has a WeCom application: notices also go to this person in WeCom."),
    )
    contracted_premises = models.ManyToManyField(
        Premises,
        through="Contract",
        related_name="contractors",
        blank=True,
        verbose_name=_("contracted premises"),
    )

    objects = StaffManager()
    history = audit_history(excluded_fields=["password", "last_login"])

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["unit__path", "full_name"]

    def __str__(self):
        return self.full_name or self.username

    def get_absolute_url(self):
        return reverse("branches:staff_detail", args=[self.pk])

    def get_full_name(self):
        return self.full_name or self.username

    def get_short_name(self):
        return self.full_name or self.username

    @property
    def part_time_post_labels(self) -> list[str]:
        """The part-time posts as their translated names (the staff page)."""
        return [str(Post(post).label) for post in self.part_time_posts or [] if post in Post.values]

    @property
    def has_left(self) -> bool:
        return not self.is_active and self.end_date is not None

    def current_actings(self, on=None):
        today = on or timezone.localdate()
        return self.actings.filter(start_date__lte=today, end_date__gte=today)

    def held_at(self, post: str, *, of: str) -> set[int]:
        """Where this person holds ``post`` today: the ids of the units (``of="unit"``) or premises
        (``of="premises"``) they hold it at themselves or act for it at (one query)."""
        acting = self.current_actings().filter(post=post, **{f"{of}__isnull": False})
        ids = set(acting.values_list(f"{of}_id", flat=True))
        own = self.unit_id if of == "unit" else self.home_premises_id
        if self.post == post and own:
            ids.add(own)
        return ids


class Contract(models.Model):
    """A security-department member "contracts" a premises and inspects it every week."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="contracts", verbose_name=_("staff member"))
    premises = models.ForeignKey(
        Premises, on_delete=models.CASCADE, related_name="contracts", verbose_name=_("premises")
    )
    since = models.DateField(_("since"), default=timezone.localdate)

    class Meta:
        verbose_name = _("contracted premises")
        verbose_name_plural = _("contracted premises")
        constraints = [models.UniqueConstraint(fields=["user", "premises"], name="contract_unique_user_premises")]

    def __str__(self):
        return f"{self.user} → {self.premises}"


class Acting(models.Model):
    """Someone acts for a post at a unit or premises for a date range (a head on leave, a president away)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="actings", verbose_name=_("acting person"))
    post = models.CharField(_("post"), max_length=30, choices=Post.choices)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("unit"))
    premises = models.ForeignKey(Premises, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("premises"))
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    history = audit_history()

    class Meta:
        verbose_name = _("acting arrangement")
        verbose_name_plural = _("acting arrangements")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="acting_ends_after_start",
                violation_error_message=_("The end date must not be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(premises__isnull=False),
                name="acting_has_place",
                violation_error_message=_("Name the unit or the premises the person acts for."),
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_post_display()})"


class RefusedAccess(models.Model):
    """A logged refusal: someone tried an action their post does not allow."""

    user = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, verbose_name=_("staff member"))
    action = models.CharField(_("action"), max_length=60)
    path = models.CharField(_("address"), max_length=300)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("refused access")
        verbose_name_plural = _("refused accesses")
        ordering = ["-at"]
