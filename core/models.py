"""Shared mechanisms every feature uses: notifications, the business calendar,
attachments, signatures and generated documents.

Rows that point at a feature's object use a generic relation (content type + id),
so one table serves every feature; who may see such a row is decided by the
scoping chokepoint on the object it belongs to.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.choices import Post
from branches.models import Unit
from branches.scoping import Scope, ScopedQuerySet
from core.choices import AttachmentKind, CalendarDayKind, DocumentStatus, Festival, SignatureKind
from core.codes import render
from core.leases import LeasedJob
from safetybank.audit import audit_history


class Notification(models.Model):
    """A message to one person, shown under the bell and e-mailed when they have an address.

    ``message`` keeps the title and body as codes with parameters (``core.codes``), so the page
    shows them in the reader's language of the moment; ``title``/``body`` hold the text rendered
    in the recipient's language when it was made (for the e-mail, and for rows made before codes).
    ``dedupe_key`` + ``local_date`` is unique per recipient: the default key names the object and a
    fingerprint of the message, so a reminder job that runs every hour still sends one identical
    message a day, while a changed deadline, assignee or grade is a new message and is sent.
    """

    # No index of its own: the unique (user, ...) constraint and the unread index start with it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=60)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    obj = GenericForeignKey("content_type", "object_id")
    dedupe_key = models.CharField(max_length=200)
    local_date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    message = models.JSONField(_("message"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key", "local_date"], name="notification_once_per_object_per_day"
            )
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def display_title(self) -> str:
        """The title in the active (the reader's) language."""
        if self.message.get("title"):
            return render(self.message["title"], self.message.get("params"))[:300]
        return self.title

    @property
    def display_body(self) -> str:
        if self.message.get("body"):
            return render(self.message["body"], self.message.get("params"))
        return self.body


class CalendarDay(models.Model):
    """A date that differs from the ordinary week: a public holiday, or a weekend day worked (调休).

    Ordinary weekdays and weekends are not stored. Head office maintains these rows each
    year once the State Council publishes the arrangement.
    """

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CalendarDayKind.choices)
    festival = models.CharField(_("festival"), max_length=20, choices=Festival.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = audit_history()

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("business calendar")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"

    def clean(self):
        if self.kind == CalendarDayKind.MAKEUP_WORKDAY and self.date and self.date.weekday() < 5:
            raise ValidationError({"date": _("A make-up working day must fall on a Saturday or Sunday.")})


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    """Generated storage names: nothing of the uploader's file name reaches the disk."""
    return f"attachments/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{filename[filename.rfind('.') :]}"


class Attachment(models.Model):
    """A photo or PDF belonging to one object of a feature (a check, a hazard, a drill ...).

    Who may open it is decided by the object it belongs to: the serving view looks the
    owner up through its ``for_user`` queryset.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    owner = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=200)
    thumbnail = models.FileField(_("thumbnail"), upload_to=attachment_upload_to, max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=150)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="attachment_owner")]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.kind == AttachmentKind.IMAGE


def canonical_content(data: dict) -> str:
    """One exact text for a set of fields: what a feature hands to ``signature_sign`` and later to ``verify``.

    Keys sorted, no whitespace variation, dates and decimals as text, so the same
    facts always give the same SHA-256.
    """
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)


class Signature(models.Model):
    """One person's signature on one thing: who, when, from where, in which post, over which content.

    ``content_sha256`` is the SHA-256 of the exact content signed; ``verify(content)``
    proves that what is shown now is what was signed. A signature is never edited.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=SignatureKind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("signed by")
    )
    post = models.CharField(_("post"), max_length=30, choices=Post.choices)
    acting = models.ForeignKey(
        "branches.Acting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acting arrangement"),
        help_text=_("Set when the person signed for a post they were acting for."),
    )
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    content_sha256 = models.CharField(_("SHA-256 of the content"), max_length=64)
    objection = models.TextField(_("objection"), blank=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind", "signer"], name="signature_once_per_signer"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="signature_subject")]

    def __str__(self):
        return f"{self.signer} · {self.get_kind_display()} · {self.signed_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("A signature cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A signature cannot be deleted."))

    @staticmethod
    def hash_content(content: str | bytes) -> str:
        data = content.encode("utf-8") if isinstance(content, str) else content
        return hashlib.sha256(data).hexdigest()

    def verify(self, content: str | bytes) -> bool:
        """True when ``content`` is exactly what was signed."""
        return hmac.compare_digest(self.content_sha256, self.hash_content(content))


class GeneratedDocument(LeasedJob):
    """A PDF asked for from a page and built in the background; the page polls its status.

    A worker holds it under a lease (``core.leases``): if the worker dies mid-render, the sweep
    sends it to another one."""

    lease_task = "core.tasks.render_document"

    kind = models.CharField(_("document"), max_length=60)
    params = models.JSONField(default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    title = models.CharField(_("title"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to="documents/", max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return self.title or self.kind

    @property
    def is_finished(self) -> bool:
        return self.status in (DocumentStatus.DONE, DocumentStatus.FAILED)


# --------------------------------------------------------------------------- notification channels


class ChannelKind(models.TextChoices):
    WECOM_ROBOT = "wecom_robot", _("WeCom group robot")
    DINGTALK_ROBOT = "dingtalk_robot", _("DingTalk group robot")


class UnitChannelQuerySet(ScopedQuerySet):
    scope = Scope(unit="unit")


class UnitChannel(models.Model):
    """A group robot of one unit (WeCom or DingTalk) and the kinds of notice it receives.

    The webhook URL and the signing secret are kept to send with; pages show them masked.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="channels", verbose_name=_("unit"))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("channel"), max_length=20, choices=ChannelKind.choices)
    webhook_url = models.CharField(_("webhook URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=[("zh-hans", "简体中文"), ("en", "English")], default="zh-hans"
    )
    kinds = models.JSONField(_("kinds of notice"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = UnitChannelQuerySet.as_manager()
    history = audit_history(excluded_fields=["webhook_url", "secret"])  # who changed what; never the secrets

    class Meta:
        verbose_name = _("notification channel")
        verbose_name_plural = _("notification channels")
        ordering = ["unit__path", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("channel_edit", args=[self.pk])


class WeComApp(models.Model):
    """The bank's WeCom application (企业微信自建应用): per-person messages to a WeCom user id."""

    corp_id = models.CharField(_("corp ID"), max_length=100)
    agent_id = models.PositiveBigIntegerField(_("agent ID"))
    secret = models.CharField(_("secret"), max_length=200)
    kinds = models.JSONField(_("kinds of notice"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)

    history = audit_history(excluded_fields=["secret"])

    class Meta:
        verbose_name = _("WeCom application")
        verbose_name_plural = _("WeCom applications")

    def __str__(self):
        return f"{self.corp_id}/{self.agent_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")


class ChannelDelivery(models.Model):
    """One notification through one channel: tried until delivered, with backoff, then reported failed."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.ForeignKey(UnitChannel, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries")
    wecom_app = models.ForeignKey(WeComApp, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    target = models.CharField(_("target"), max_length=60)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("channel delivery")
        verbose_name_plural = _("channel deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["notification", "target"], name="delivery_once_per_target")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self):
        return f"{self.target} #{self.notification_id}"


# --------------------------------------------------------------------------- offline clients


class ClientRequest(models.Model):
    """A write a phone sent from its offline queue, under the id the phone gave it (a UUID): when the
    same id comes again (the answer was lost, the phone retries) nothing is done twice. Kept only
    for the writes that succeeded; the stated and received times live on the record itself."""

    client_id = models.UUIDField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=200)
    received_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.client_id} {self.path}"


# --------------------------------------------------------------------------- calendar feed


class CalendarToken(models.Model):
    """The secret in a person's private calendar-feed URL; replacing it revokes the old link."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token", verbose_name=_("person")
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed link")
        verbose_name_plural = _("calendar feed links")

    def __str__(self):
        return f"{self.user} ({self.created_at:%Y-%m-%d})"
