"""Responsibility letters and the organisation of safety work: letter templates, the
annual round, letters with their signatures, the safety production committee, post
duties, the holiday and weekend duty roster and joint-defence agreements."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from branches.choices import Post
from branches.models import Premises, Unit
from branches.scoping import Scope, ScopedQuerySet
from core.leases import LEASE_FIELDS, LeasedJob
from responsibilities.choices import (
    SIGNED_STATUSES,
    CommitteeRole,
    LetterKind,
    LetterStatus,
    PartyKind,
    RoundStatus,
)
from safetybank.audit import audit_history


def _english() -> bool:
    return (get_language() or "").startswith("en")


def bilingual(zh: str, en: str) -> str:
    """Head-office content carries both languages; show the reader's."""
    return en if _english() and en else zh


# --------------------------------------------------------------------------- templates and post duties


class LetterTemplateQuerySet(ScopedQuerySet):
    scope = Scope(unit="owner_unit")


class LetterTemplate(models.Model):
    """The text of one kind of letter, set by head office. Placeholders: {year} {issuer} {party} {post} {duties}.

    Editing a template never changes an issued letter: the text is copied into the
    letter when it is issued, and a signature covers that copy.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=LetterKind.choices, unique=True)
    owner_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("owner"), related_name="+")
    title = models.CharField(_("title"), max_length=150)
    title_en = models.CharField(_("title (English)"), max_length=150, blank=True)
    body = models.TextField(_("clauses"))
    body_en = models.TextField(_("clauses (English)"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = LetterTemplateQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        ordering = ["kind"]

    def __str__(self):
        return self.display_title

    @property
    def display_title(self) -> str:
        return bilingual(self.title, self.title_en)

    @property
    def display_body(self) -> str:
        return bilingual(self.body, self.body_en)


class PostDutyQuerySet(ScopedQuerySet):
    scope = Scope(unit="owner_unit")


class PostDuty(models.Model):
    """The safety duties of one post, written into the letters of the people who hold it."""

    post = models.CharField(_("post"), max_length=30, choices=Post.choices, unique=True)
    owner_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("owner"), related_name="+")
    duties = models.TextField(_("safety duties"))
    duties_en = models.TextField(_("safety duties (English)"), blank=True)

    objects = PostDutyQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("post duties")
        verbose_name_plural = _("post duties")
        ordering = ["post"]

    def __str__(self):
        return self.get_post_display()

    @property
    def display_duties(self) -> str:
        return bilingual(self.duties, self.duties_en)


# --------------------------------------------------------------------------- the annual round and letters


class LetterRoundQuerySet(ScopedQuerySet):
    scope = Scope(unit="issuing_unit")


class LetterRound(LeasedJob):
    """One unit's letters of one year, issued in the background; the page shows its progress.

    A worker holds it under a lease (``core.leases``): a round whose worker was killed is
    issued again by the next worker the sweep sends it to (issuing is idempotent)."""

    lease_task = "responsibilities.tasks.issue_round"

    issuing_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("issuing unit"), related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    issued_count = models.PositiveIntegerField(_("letters issued"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    objects = LetterRoundQuerySet.as_manager()
    history = audit_history(excluded_fields=["progress", *LEASE_FIELDS])

    class Meta:
        verbose_name = _("letter round")
        verbose_name_plural = _("letter rounds")
        ordering = ["-year", "issuing_unit__path"]
        constraints = [models.UniqueConstraint(fields=["issuing_unit", "year"], name="letter_round_once_per_year")]

    def __str__(self):
        return f"{self.issuing_unit} · {self.year}"

    def get_absolute_url(self):
        return reverse("responsibilities:round_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (RoundStatus.DONE, RoundStatus.FAILED)


class LetterQuerySet(ScopedQuerySet):
    scope = Scope(unit="unit", premises="premises")

    def current(self):
        return self.exclude(status=LetterStatus.SUPERSEDED)

    def signed(self):
        return self.filter(status__in=SIGNED_STATUSES)


class Letter(models.Model):
    """One responsibility letter between the issuing unit and one party: a department, a
    subordinate unit, a premises or a person.

    ``text``/``text_en`` are frozen when the letter is issued; what a signature covers is
    ``signing_content``. A letter is never edited after issue: a transfer or a change of
    post supersedes it with a new one.
    """

    round = models.ForeignKey(LetterRound, on_delete=models.PROTECT, related_name="letters", verbose_name=_("round"))
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=20, choices=LetterKind.choices)
    template = models.ForeignKey(LetterTemplate, on_delete=models.PROTECT, related_name="+", verbose_name=_("template"))
    issuing_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("issuing unit"))
    party_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("party unit")
    )
    party_premises = models.ForeignKey(
        Premises, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("party premises")
    )
    party_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsibility_letters",
        verbose_name=_("employee"),
    )
    party_key = models.CharField(max_length=40, editable=False)
    party_name = models.CharField(_("party"), max_length=150)
    signatory = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters_to_sign",
        verbose_name=_("signatory"),
    )
    post = models.CharField(_("post"), max_length=30, choices=Post.choices, blank=True)
    # Where the letter belongs for scoping: the party's unit and, for outlet staff and premises, the premises.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    premises = models.ForeignKey(
        Premises, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("premises")
    )
    title = models.CharField(_("title"), max_length=150)
    title_en = models.CharField(_("title (English)"), max_length=150, blank=True)
    text = models.TextField(_("text"))
    text_en = models.TextField(_("text (English)"), blank=True)
    status = models.CharField(_("status"), max_length=15, choices=LetterStatus.choices, default=LetterStatus.ISSUED)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_name = models.CharField(_("name typed by the signatory"), max_length=100, blank=True)
    on_paper = models.BooleanField(_("signed on paper"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    countersigned_at = models.DateTimeField(_("countersigned at"), null=True, blank=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("countersigned by"),
    )
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("superseded by")
    )

    objects = LetterQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("responsibility letter")
        verbose_name_plural = _("responsibility letters")
        ordering = ["-year", "unit__path", "kind", "party_name"]
        constraints = [
            # One current letter per party and year, whichever round issued it.
            models.UniqueConstraint(
                fields=["year", "party_key"],
                condition=~Q(status=LetterStatus.SUPERSEDED),
                name="letter_one_current_per_party_year",
            )
        ]
        indexes = [models.Index(fields=["year", "status"], name="letter_year_status")]

    def __str__(self):
        return f"{self.display_title} · {self.party_name}"

    def get_absolute_url(self):
        return reverse("responsibilities:letter_detail", args=[self.pk])

    @property
    def display_title(self) -> str:
        return bilingual(self.title, self.title_en)

    @property
    def display_text(self) -> str:
        return bilingual(self.text, self.text_en)

    @property
    def is_signed(self) -> bool:
        return self.status in SIGNED_STATUSES

    @property
    def signing_content(self) -> str:
        """The exact content a signature covers: the frozen texts and the parties, nothing a template edit touches."""
        from core.models import canonical_content

        return canonical_content(
            {
                "letter": self.pk,
                "year": self.year,
                "kind": self.kind,
                "issuer": self.issuing_unit_id,
                "party": self.party_key,
                "post": self.post,
                "title": self.title,
                "text": self.text,
                "text_en": self.text_en,
            }
        )


# --------------------------------------------------------------------------- committee


class CommitteeMemberQuerySet(ScopedQuerySet):
    scope = Scope(unit="unit")

    def current(self, on=None):
        today = on or timezone.localdate()
        return self.filter(start_date__lte=today).filter(Q(end_date__isnull=True) | Q(end_date__gte=today))


class CommitteeMember(models.Model):
    """A seat on a unit's safety production committee: the president directs, the leader in
    charge is deputy, the security department leads the members."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("staff member")
    )
    role = models.CharField(_("role"), max_length=10, choices=CommitteeRole.choices)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)

    objects = CommitteeMemberQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["unit__path", "role", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="committee_member_ends_after_start",
                violation_error_message=_("The end date must not be before the start date."),
            )
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"


# --------------------------------------------------------------------------- duty roster


class DutyDayQuerySet(ScopedQuerySet):
    scope = Scope(unit="unit")


class DutyDay(models.Model):
    """The leader on duty at a unit on one holiday or weekend day, with the duty phone number."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    date = models.DateField(_("date"))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("leader on duty")
    )
    phone = models.CharField(_("duty phone"), max_length=30)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = DutyDayQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("duty day")
        verbose_name_plural = _("duty roster")
        ordering = ["unit__path", "date"]
        constraints = [models.UniqueConstraint(fields=["unit", "date"], name="duty_day_once_per_unit")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.leader}"


# --------------------------------------------------------------------------- joint defence


class AgreementQuerySet(ScopedQuerySet):
    scope = Scope(unit="unit", premises="premises")


class JointDefenceAgreement(models.Model):
    """A joint-defence agreement with a police station, a neighbouring unit or a residents' committee."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    premises = models.ForeignKey(
        Premises,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("premises"),
        help_text=_("Leave empty when the agreement covers the whole unit."),
    )
    party_kind = models.CharField(_("kind of party"), max_length=20, choices=PartyKind.choices)
    party_name = models.CharField(_("party"), max_length=150)
    party_contact = models.CharField(_("their contact person"), max_length=60, blank=True)
    party_phone = models.CharField(_("their phone"), max_length=30, blank=True)
    our_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("our contact person")
    )
    signed_on = models.DateField(_("signed on"))
    expires_on = models.DateField(_("expires on"))
    terms = models.TextField(_("main terms"), blank=True)

    objects = AgreementQuerySet.as_manager()
    history = audit_history()

    class Meta:
        verbose_name = _("joint-defence agreement")
        verbose_name_plural = _("joint-defence agreements")
        ordering = ["expires_on", "party_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("signed_on")),
                name="agreement_expires_after_signing",
                violation_error_message=_("The expiry date must be after the signing date."),
            )
        ]

    def __str__(self):
        return self.party_name

    def get_absolute_url(self):
        return reverse("responsibilities:agreement_detail", args=[self.pk])

    @property
    def days_left(self) -> int:
        return (self.expires_on - timezone.localdate()).days

    @property
    def is_expired(self) -> bool:
        return self.days_left < 0
