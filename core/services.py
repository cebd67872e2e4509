"""Writes of the shared mechanisms. Views, tasks, admin actions and other apps call these."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.db.models.constants import OnConflict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from branches.models import User
from core import codes
from core.channels import channels_take, channels_taking
from core.choices import DocumentStatus, SignatureKind
from core.documents import document_kind
from core.leases import job_claim, job_renew
from core.models import (
    Attachment,
    CalendarDay,
    CalendarToken,
    ClientRequest,
    GeneratedDocument,
    Notification,
    Signature,
)
from core.uploads import CheckedUpload, check_upload
from safetybank.audit import set_reason
from safetybank.outbox import enqueue, enqueue_many

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------- notifications


def _message(title, body, params: dict | None) -> dict:
    """A notice as stored: its texts as codes, with their parameters (``core.codes``)."""
    message = {"title": codes.encode(title), "params": codes.encode_params(params)}
    if body:
        message["body"] = codes.encode(body)
    return message


def _notification(user: User, kind: str, message: dict, dedupe_key: str, day, url: str, obj=None) -> Notification:
    """The notice, not saved yet, with its title and body rendered in ``user``'s language."""
    with override(user.language or settings.LANGUAGE_CODE):
        title = codes.render(message["title"], message["params"])[:300]
        body = codes.render(message["body"], message["params"]) if "body" in message else ""
    return Notification(
        user=user,
        kind=kind,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=obj.pk if obj is not None else None,
        dedupe_key=dedupe_key,
        local_date=day,
        title=title,
        body=body,
        message=message,
        url=url,
    )


def notify(
    *,
    user: User,
    kind: str,
    title,
    obj: Model | None = None,
    body="",
    params: dict | None = None,
    url: str = "",
    dedupe_key: str | None = None,
    email: bool = True,
) -> Notification | None:
    """Tell ``user`` something; an identical message at most once per ``dedupe_key`` per local day.

    ``title`` and ``body`` are lazy translatable strings (``gettext_lazy``) with ``%(name)s``
    placeholders filled from ``params``. They are stored as codes with parameters
    (``core.codes``) and shown in the reader's language; the e-mail goes in the recipient's.
    The key defaults to ``kind`` + the object + a fingerprint of the message: a reminder
    task running every hour reminds once a day, but a changed deadline, assignee or grade
    (different parameters) is a new message and is sent. Returns the new notification, or
    None when the same one was already sent today. An e-mail follows after commit when the
    user has an address.
    """
    message = _message(title, body, params)
    fingerprint = codes.digest(message)
    if dedupe_key is None:
        target = f"{obj._meta.label_lower}:{obj.pk}" if obj is not None else ""
        dedupe_key = f"{kind}:{target}:{fingerprint}"
    dedupe_key = dedupe_key[:200]
    notification = _notification(user, kind, message, dedupe_key, timezone.localdate(), url, obj)
    # In the caller's transaction, if any (no savepoint: nothing here is caught and carried on from).
    with transaction.atomic(savepoint=False):
        if not _insert_once(notification):
            return None  # already sent today (or by a concurrent run, once it committed)
        from core.tasks import deliver_to_channels, send_notification_email

        if email and user.email and user.is_active:
            enqueue(send_notification_email, notification.pk)
        if channels_take(notification):  # a group robot or WeCom takes this kind (core/channels.py)
            enqueue(deliver_to_channels, notification.pk)
    return notification


def _insert_once(notification: Notification) -> bool:
    """Insert ``notification`` unless today's with its key is there: one ``INSERT ... ON CONFLICT DO
    NOTHING RETURNING id`` (the unique (user, dedupe_key, local_date) constraint decides, concurrent
    runs included), instead of a look first and an insert in a savepoint. ``bulk_create`` with
    ``ignore_conflicts`` would not say whether the row was made, so this is ``QuerySet._insert``, the
    call ``Model.save`` makes (no signal listens to notifications). True when it was inserted."""
    fields = [f for f in Notification._meta.concrete_fields if not f.primary_key]
    rows = Notification.objects._insert(
        [notification], fields=fields, returning_fields=[Notification._meta.pk], on_conflict=OnConflict.IGNORE
    )
    if not rows or rows[0] is None:  # nothing returned: the row was there (one object: [None])
        return False
    notification.pk = rows[0][0]
    notification._state.adding, notification._state.db = False, Notification.objects.db
    return True


def notify_many(*, kind: str, title, body="", recipients: list[tuple[User, dict, str]], dedupe_key: str) -> int:
    """``notify`` for many people at once, each with their own ``params`` and ``url``, under one
    ``dedupe_key`` (a nightly digest): who already has today's is skipped, the rest are written in
    one INSERT per thousand, their e-mails and channel deliveries queued in one more each. Returns
    how many were sent. A concurrent run that wrote some first: each is then sent one by one."""
    from core.tasks import deliver_to_channels, send_notification_email

    today = timezone.localdate()
    dedupe_key = dedupe_key[:200]
    ids = [user.pk for user, _params, _url in recipients]
    told = set(
        Notification.objects.filter(user_id__in=ids, dedupe_key=dedupe_key, local_date=today).values_list(
            "user_id", flat=True
        )
    )
    rows = []
    for user, params, url in recipients:
        if user.pk in told:
            continue
        rows.append(_notification(user, kind, _message(title, body, params), dedupe_key, today, url))
    if not rows:
        return 0
    try:
        with transaction.atomic():
            made = Notification.objects.bulk_create(rows, batch_size=1000)
            enqueue_many(send_notification_email, [(n.pk,) for n in made if n.user.email and n.user.is_active])
            taken = channels_taking(made)
            enqueue_many(deliver_to_channels, [(n.pk,) for n in made if n.pk in taken])
    except IntegrityError:  # a concurrent run made some first
        sent = 0
        for user, params, url in recipients:
            if user.pk not in told:
                made = notify(
                    user=user, kind=kind, title=title, body=body, params=params, url=url, dedupe_key=dedupe_key
                )
                sent += made is not None
        return sent
    return len(made)


def notification_send_email(*, notification_id: int) -> bool:
    """E-mail one notification, once. Returns False when there was nothing to send."""
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(emailed_at=timezone.now())
    if not claimed:
        return False
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    user = notification.user
    if not user.email:
        return False
    with override(user.language or settings.LANGUAGE_CODE):
        body = notification.display_body
        lines = [body] if body else []
        if notification.url:
            lines.append(_("Open: %(url)s") % {"url": settings.SITE_URL.rstrip("/") + notification.url})
        lines.append(_("This message was sent by SafetyBank."))
        subject = _("[SafetyBank] %(title)s") % {"title": notification.display_title}
    try:
        send_mail(subject, "\n\n".join(lines), None, [user.email])
    except Exception:
        # Give the next attempt its chance: the claim is released when the send failed.
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


# --------------------------------------------------------------------------- business calendar


def calendar_day_save(
    *, date, kind: str, festival: str, note: str = "", reason: str = "", instance: CalendarDay | None = None
) -> CalendarDay:
    """Add or change one holiday or make-up working day (audited, with the reason)."""
    day = instance or CalendarDay()
    day.date, day.kind, day.festival, day.note = date, kind, festival, note
    day.full_clean()
    set_reason(day, "calendar.change", typed=reason)
    day.save()
    return day


def calendar_day_delete(*, day: CalendarDay, reason: str = "") -> None:
    set_reason(day, "calendar.change", typed=reason)
    day.delete()


def calendar_year_load(*, days: Iterable[tuple], reason: str = "") -> int:
    """Enter a published year: ``(date, kind, festival)`` rows; existing dates are replaced. Returns the count."""
    count = 0
    with transaction.atomic():
        for date, kind, festival in days:
            existing = CalendarDay.objects.filter(date=date).first()
            calendar_day_save(date=date, kind=kind, festival=festival, reason=reason, instance=existing)
            count += 1
    return count


# --------------------------------------------------------------------------- attachments


class DuplicateClientRequest(Exception):
    """The phone's id for this write is already recorded: the write was done before."""


def client_request_record(*, client_id, by: User, path: str) -> ClientRequest:
    """Record that the write the phone called ``client_id`` is done, inside the write's own
    transaction; raises DuplicateClientRequest when it was (two retries racing: the second one's
    transaction is rolled back whole)."""
    try:
        with transaction.atomic():
            return ClientRequest.objects.create(client_id=client_id, user=by, path=path[:200])
    except IntegrityError:
        raise DuplicateClientRequest(str(client_id)) from None


def attachment_create(*, owner: Model, upload: CheckedUpload, by: User) -> Attachment:
    """Store an upload for ``owner`` under a generated name. ``upload`` is what ``AttachmentField`` cleaned
    (a raw uploaded file is checked here first, so no path skips the policy)."""
    if not isinstance(upload, CheckedUpload):
        upload = check_upload(upload)
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(owner),
        object_id=owner.pk,
        kind=upload.kind,
        original_name=upload.original_name,
        size=len(upload.content),
        sha256=upload.sha256,
        width=upload.width,
        height=upload.height,
        taken_at=upload.taken_at,
        uploaded_by=by,
    )
    attachment.file.save(f"upload.{upload.extension}", ContentFile(upload.content), save=False)
    if upload.thumbnail:
        attachment.thumbnail.save("thumb.jpg", ContentFile(upload.thumbnail), save=False)
    attachment.save()
    return attachment


def attachments_create(*, owner: Model, uploads: Iterable[CheckedUpload], by: User) -> list[Attachment]:
    with transaction.atomic():
        return [attachment_create(owner=owner, upload=upload, by=by) for upload in uploads]


# --------------------------------------------------------------------------- signatures


def _signing_post(signer: User, post: str | None):
    """The post to sign in, and the acting arrangement that grants it when it is not the signer's own."""
    if post is None or post == signer.post:
        return signer.post, None
    today = timezone.localdate()
    acting = signer.actings.filter(post=post, start_date__lte=today, end_date__gte=today).first()
    if acting is None:
        raise ValidationError(_("You neither hold this post nor act for it today."), code="not_your_post")
    return post, acting


def signature_sign(
    *,
    subject: Model,
    kind: str,
    signer: User,
    content: str | bytes,
    ip: str | None = None,
    post: str | None = None,
    objection: str = "",
) -> Signature:
    """``signer`` signs ``content`` (the exact text or bytes shown to them) for ``subject``.

    ``post`` is the post signed in; when it is not the signer's own, a current acting
    arrangement for it is required and recorded. An objection is allowed only on an
    acknowledgement. Signing the same thing twice is refused.
    """
    if kind not in SignatureKind.values:
        raise ValueError(f"unknown signature kind {kind!r}")
    objection = (objection or "").strip()
    if objection and kind != SignatureKind.ACKNOWLEDGEMENT:
        raise ValidationError(_("An objection can only be recorded with an acknowledgement."), code="objection")
    post, acting = _signing_post(signer, post)
    return _sign_one(
        subject=subject, kind=kind, signer=signer, content=content, ip=ip, post=post, acting=acting, objection=objection
    )


def _sign_one(*, subject, kind, signer, content, ip, post, acting, objection="") -> Signature:
    content_type = ContentType.objects.get_for_model(subject)
    if Signature.objects.filter(content_type=content_type, object_id=subject.pk, kind=kind, signer=signer).exists():
        raise ValidationError(_("You have already signed this."), code="already_signed")
    try:
        with transaction.atomic():
            return Signature.objects.create(
                kind=kind,
                content_type=content_type,
                object_id=subject.pk,
                signer=signer,
                post=post,
                acting=acting,
                ip_address=ip or None,
                content_sha256=Signature.hash_content(content),
                objection=objection,
            )
    except IntegrityError as exc:
        raise ValidationError(_("You have already signed this."), code="already_signed") from exc


@dataclass
class BatchSignResult:
    signed: list[Signature] = field(default_factory=list)
    already_signed: list[Model] = field(default_factory=list)


def signatures_sign_batch(
    *,
    items: Iterable[tuple[Model, str | bytes]],
    kind: str,
    signer: User,
    ip: str | None = None,
    post: str | None = None,
) -> BatchSignResult:
    """Sign many ``(subject, content)`` pairs in one action, all or nothing.

    Items the signer has already signed are reported, not signed again, so a repeated
    batch (a double click, a retried request) changes nothing.
    """
    if kind not in SignatureKind.values:
        raise ValueError(f"unknown signature kind {kind!r}")
    post, acting = _signing_post(signer, post)
    result = BatchSignResult()
    with transaction.atomic():
        for subject, content in items:
            try:
                result.signed.append(
                    _sign_one(
                        subject=subject, kind=kind, signer=signer, content=content, ip=ip, post=post, acting=acting
                    )
                )
            except ValidationError as exc:
                if exc.code != "already_signed":
                    raise
                result.already_signed.append(subject)
    return result


def signature_verify(*, signature: Signature, content: str | bytes) -> bool:
    """True when ``content`` is exactly what was signed (a read, kept here beside the signing for symmetry)."""
    return signature.verify(content)


# --------------------------------------------------------------------------- generated documents


UNFINISHED = (DocumentStatus.PENDING, DocumentStatus.RUNNING)


def document_request(*, kind: str, by: User, params: dict | None = None, language: str | None = None):
    """Queue a PDF for ``by``; the worker renders it after this transaction commits."""
    if document_kind(kind) is None:
        raise ValueError(f"unknown document kind {kind!r}")
    document = GeneratedDocument.objects.create(
        kind=kind, params=params or {}, requested_by=by, language=language or by.language or settings.LANGUAGE_CODE
    )
    from core.tasks import render_document

    enqueue(render_document, document.pk)
    return document


def document_render(*, document_id: int) -> bool:
    """Render a queued document. Claimed under a lease (``core.leases``): a second delivery of the
    message backs off while the first worker is alive; once its lease ran out (the worker was
    killed), the sweep's delivery claims it again and renders it from the start."""
    from safetybank.pdf import render_pdf

    if not job_claim(GeneratedDocument, document_id):
        return False
    # Status and progress are plain columns of an unaudited model.
    GeneratedDocument.objects.filter(pk=document_id, status__in=UNFINISHED).update(
        status=DocumentStatus.RUNNING, progress=5
    )
    document = GeneratedDocument.objects.select_related("requested_by").get(pk=document_id)
    spec_kind = document_kind(document.kind)

    def progress(percent: int) -> None:
        job_renew(GeneratedDocument, document_id, progress=max(5, min(int(percent), 95)))

    try:
        with override(document.language):
            spec = spec_kind.build(document, progress)
            progress(60)
            _hold_for_fault_test()
            pdf = spec.pdf
            if pdf is None:
                pdf = render_pdf(spec.template, spec.context, language=document.language)
            title = str(spec.title)
    except Exception as exc:
        logger.exception("document %s failed", document_id)
        GeneratedDocument.objects.filter(pk=document_id).update(
            status=DocumentStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now(), lease_until=None
        )
        return False
    document.title = title[:200]
    document.file.save(f"{document.pk}.pdf", ContentFile(pdf), save=False)
    document.status = DocumentStatus.DONE
    document.progress = 100
    document.finished_at = timezone.now()
    document.lease_until = None
    document.save(update_fields=["title", "file", "status", "progress", "finished_at", "lease_until"])
    return True


def _hold_for_fault_test() -> None:
    """Only tests/test_fault_worker_killed.py sets ``DOCUMENT_RENDER_HOLD_SECONDS`` (in the worker it
    starts), so the worker it kills is certainly mid-render; everywhere else it is 0."""
    if settings.DOCUMENT_RENDER_HOLD_SECONDS:
        import time

        time.sleep(settings.DOCUMENT_RENDER_HOLD_SECONDS)


def document_retry(*, document: GeneratedDocument, by: User) -> GeneratedDocument:
    """Ask again for a document that failed or waited past the limit: a new request with the same
    kind, parameters and language; the old one is given up (the sweep no longer sends it)."""
    if not document.needs_retry:
        raise ValidationError(_("This document is still being prepared; please wait."), code="busy")
    GeneratedDocument.objects.filter(pk=document.pk, status__in=UNFINISHED).update(
        status=DocumentStatus.FAILED, error="Given up: asked for again.", finished_at=timezone.now(), lease_until=None
    )
    return document_request(kind=document.kind, by=by, params=document.params, language=document.language)


# --------------------------------------------------------------------------- audit retention


def audit_history_prune(*, years: int) -> int:
    """Delete audit-trail rows older than ``years`` (``AUDIT_RETENTION_YEARS``); each record's latest row
    stays, so its current state keeps who last changed it. Running it twice deletes nothing more."""
    from core.audit_selectors import audited_models, history_prunable, retention_cutoff

    cutoff = retention_cutoff(years)
    deleted = 0
    for model in audited_models().values():
        count, _detail = history_prunable(model, before=cutoff).delete()
        deleted += count
    return deleted


@transaction.atomic
def calendar_token_renew(*, user: User) -> CalendarToken:
    """Give ``user`` a new calendar-feed token; the old link (if any) stops working at once."""
    token, _created = CalendarToken.objects.update_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32), "created_at": timezone.now()}
    )
    return token
