"""Notices beyond e-mail and the bell: WeCom and DingTalk group robots of a unit, and WeCom
application messages to one person.

``core.services.notify`` enqueues ``core.tasks.deliver_to_channels`` for every new notification.
``channels_deliver`` makes one ``ChannelDelivery`` per channel that takes the notice's kind and
tries each; a failure is tried again by the beat sweep (``channels_retry``) after an exponential
backoff, and after ``CHANNEL_MAX_ATTEMPTS`` it is reported failed (admin list, channel page). A
delivery is claimed by a conditional UPDATE before it is sent, and a delivered one is never sent again.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import logging
import time

import requests
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from core.models import ChannelDelivery, ChannelKind, DeliveryStatus, Notification, UnitChannel, WeComApp
from safetybank.audit import set_reason

logger = logging.getLogger(__name__)

# The kinds of notice a unit may send to a group, as offered on the channel page.
NOTICE_KINDS = [
    # The nightly overdue job tells each person once a day, in one digest (inspections/overdue.py).
    ("inspection_overdue_digest", gettext_lazy("Inspections and daily checks not done in time (a daily digest)")),
    ("daily_cosign", gettext_lazy("Daily check waiting for co-signature")),
    ("hazard.reported", gettext_lazy("Hidden danger reported")),
    ("hazard.overdue", gettext_lazy("Hidden danger overdue")),
    ("hazard.escalated", gettext_lazy("Hidden danger escalated")),
    ("hazard.major", gettext_lazy("Major hidden danger")),
    ("incident.reported", gettext_lazy("Incident reported")),
    ("drill.upcoming", gettext_lazy("Drill coming up")),
    ("facility.test_due", gettext_lazy("Facility test due")),
    ("facility.test_failed", gettext_lazy("Facility test failed")),
    ("roster.gap", gettext_lazy("Duty roster gap")),
]


class DeliveryError(Exception):
    """The channel did not take the message (HTTP error, refusal in the answer, no connection)."""


# --------------------------------------------------------------------------- sending


def _post_json(url: str, payload: dict, params: dict | None = None) -> dict:
    try:
        response = requests.post(url, json=payload, params=params, timeout=settings.CHANNEL_TIMEOUT_SECONDS)
    except requests.RequestException as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
    return _answer(response)


def _answer(response) -> dict:
    if response.status_code >= 300:
        raise DeliveryError(f"HTTP {response.status_code}: {response.text[:200]}")
    try:
        data = response.json()
    except ValueError:
        data = {}
    if data.get("errcode", 0) != 0:
        raise DeliveryError(f"errcode {data.get('errcode')}: {data.get('errmsg', '')}"[:300])
    return data


def dingtalk_sign(secret: str, timestamp: str) -> str:
    """DingTalk's robot signature: base64 of HMAC-SHA256 over "timestamp\\nsecret", keyed with the secret."""
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _robot_send(channel: UnitChannel, text: str) -> None:
    payload = {"msgtype": "text", "text": {"content": text}}
    params = None
    if channel.kind == ChannelKind.DINGTALK_ROBOT and channel.secret:
        timestamp = str(int(time.time() * 1000))
        params = {"timestamp": timestamp, "sign": dingtalk_sign(channel.secret, timestamp)}
    _post_json(channel.webhook_url, payload, params)


def _token_key(app: WeComApp) -> str:
    return f"core.channels:wecom-token:{app.pk}"


def _wecom_token(app: WeComApp) -> str:
    """The application's access token, kept in the cache until shortly before it expires (7200 s)."""
    token = cache.get(_token_key(app))
    if token:
        return token
    try:
        response = requests.get(
            f"{settings.WECOM_API_BASE}/cgi-bin/gettoken",
            params={"corpid": app.corp_id, "corpsecret": app.secret},
            timeout=settings.CHANNEL_TIMEOUT_SECONDS,
        )
    except requests.RequestException as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
    data = _answer(response)
    if not data.get("access_token"):
        raise DeliveryError("gettoken: no access_token in the answer")
    cache.set(_token_key(app), data["access_token"], max(60, int(data.get("expires_in", 7200)) - 300))
    return data["access_token"]


def _wecom_app_send(app: WeComApp, userid: str, text: str) -> None:
    payload = {"touser": userid, "msgtype": "text", "agentid": app.agent_id, "text": {"content": text}}
    try:
        _post_json(f"{settings.WECOM_API_BASE}/cgi-bin/message/send", payload, {"access_token": _wecom_token(app)})
    except DeliveryError:
        cache.delete(_token_key(app))  # an expired or revoked token is fetched anew next time
        raise


def message_text(notification: Notification, language: str) -> str:
    with override(language):
        lines = [notification.display_title]
        if notification.display_body:
            lines.append(notification.display_body)
        if notification.url:
            lines.append(_("Open: %(url)s") % {"url": settings.SITE_URL.rstrip("/") + notification.url})
        return "\n".join(lines)


# --------------------------------------------------------------------------- deliveries


def _targets(notification: Notification) -> list[dict]:
    user = notification.user
    targets = []
    if user.unit_id:
        for channel in UnitChannel.objects.filter(unit_id=user.unit_id, active=True):
            if notification.kind in channel.kinds:
                targets.append({"channel": channel, "target": f"channel:{channel.pk}"})
    if user.wecom_userid:
        for app in WeComApp.objects.filter(active=True):
            if notification.kind in app.kinds:
                targets.append({"wecom_app": app, "target": f"wecom:{app.pk}:{user.wecom_userid}"[:60]})
    return targets


def channels_taking(notifications: list[Notification]) -> set[int]:
    """The ids of those ``notifications`` a channel takes, in two queries however many (``channels_take``
    for many at once: the nightly digests)."""
    unit_ids = {n.user.unit_id for n in notifications if n.user.unit_id}
    kinds_by_unit: dict[int, set[str]] = {}
    for unit_id, kinds in UnitChannel.objects.filter(unit_id__in=unit_ids, active=True).values_list("unit_id", "kinds"):
        kinds_by_unit.setdefault(unit_id, set()).update(kinds)
    app_kinds: set[str] = set()
    if any(n.user.wecom_userid for n in notifications):
        for kinds in WeComApp.objects.filter(active=True).values_list("kinds", flat=True):
            app_kinds.update(kinds)
    return {
        n.pk
        for n in notifications
        if n.kind in kinds_by_unit.get(n.user.unit_id, ()) or (n.user.wecom_userid and n.kind in app_kinds)
    }


def channels_take(notification: Notification) -> bool:
    """Whether any channel takes this notice (so a delivery task is worth queueing)."""
    return bool(_targets(notification))


def _plan(notification: Notification) -> None:
    """One delivery row per channel that takes this kind of notice (a second run adds nothing)."""
    targets = _targets(notification)
    for target in targets:
        try:
            with transaction.atomic():
                ChannelDelivery.objects.get_or_create(
                    notification=notification, target=target.pop("target"), defaults=target
                )
        except IntegrityError:
            pass  # made by a concurrent run


def delivery_attempt(*, delivery_id: int) -> bool:
    """Try one delivery once if it is due. Returns True when it was delivered now."""
    now = timezone.now()
    claimed = ChannelDelivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, delivered_at__isnull=True, next_attempt_at__lte=now
    ).update(
        attempts=F("attempts") + 1,
        next_attempt_at=now + datetime.timedelta(seconds=settings.CHANNEL_CLAIM_SECONDS),
    )
    if not claimed:
        return False
    delivery = ChannelDelivery.objects.select_related("notification__user", "channel", "wecom_app").get(pk=delivery_id)
    notification = delivery.notification
    try:
        if delivery.channel_id:
            _robot_send(delivery.channel, message_text(notification, delivery.channel.language))
        elif delivery.wecom_app_id:
            user = notification.user
            _wecom_app_send(
                delivery.wecom_app, user.wecom_userid, message_text(notification, user.language or "zh-hans")
            )
    except DeliveryError as exc:
        failed = delivery.attempts >= settings.CHANNEL_MAX_ATTEMPTS
        backoff = settings.CHANNEL_RETRY_BASE_SECONDS * 2 ** (delivery.attempts - 1)
        ChannelDelivery.objects.filter(pk=delivery_id).update(
            last_error=str(exc)[:1000],
            status=DeliveryStatus.FAILED if failed else DeliveryStatus.PENDING,
            next_attempt_at=timezone.now() + datetime.timedelta(seconds=backoff),
        )
        logger.warning("channel delivery %s failed (attempt %s): %s", delivery_id, delivery.attempts, exc)
        return False
    ChannelDelivery.objects.filter(pk=delivery_id).update(
        status=DeliveryStatus.DELIVERED, delivered_at=timezone.now(), last_error=""
    )
    return True


def channels_deliver(*, notification_id: int) -> int:
    """Plan and try the deliveries of one notification. Returns how many were delivered now."""
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None:
        return 0
    _plan(notification)
    due = ChannelDelivery.objects.filter(notification=notification, status=DeliveryStatus.PENDING)
    return sum(delivery_attempt(delivery_id=pk) for pk in due.values_list("pk", flat=True))


def channels_retry(*, limit: int = 200) -> int:
    """Beat: try again the deliveries whose backoff has passed, oldest first."""
    due = ChannelDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now())
    ids = list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    return sum(delivery_attempt(delivery_id=pk) for pk in ids)


def channel_save(*, channel: UnitChannel, by, secret: str = "", webhook_url: str = "") -> UnitChannel:
    """Save a channel; a blank secret or webhook URL on an existing channel keeps the stored one."""
    if secret:
        channel.secret = secret
    if webhook_url:
        channel.webhook_url = webhook_url
    set_reason(channel, "record.edit" if channel.pk else "record.create", by=by)
    channel.save()
    return channel


def mask(value: str) -> str:
    """A secret shown back: only its last four characters."""
    if not value:
        return ""
    return "••••" + value[-4:] if len(value) > 8 else "••••"
