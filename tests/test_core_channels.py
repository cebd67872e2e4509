"""Notification channels: WeCom and DingTalk group robots and WeCom application messages, against a
local fake webhook server; retries with backoff, then the failure shown to the administrator."""

import base64
import datetime
import hashlib
import hmac

import pytest
from django.urls import reverse

from core.models import ChannelDelivery, ChannelKind, DeliveryStatus, UnitChannel, WeComApp
from core.tasks import channels_retry
from inspections.cycles import cycle_open
from inspections.overdue import assignments_mark_overdue
from inspections.services import standard_content_install
from tests.fake_webhook import FakeWebhook

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def fake():
    with FakeWebhook() as server:
        yield server


@pytest.fixture
def daily(org):
    standard_content_install(head_office=org.head_office, valid_from=D(2026, 1, 1))
    cycle_open(month=D(2026, 12, 1))
    return org


def _outlet_group(org, fake, key):
    """The WeCom group of the sub-branch's outlet staff, taking the missed-check reminders."""
    return UnitChannel.objects.create(
        unit=org.sub1,
        name="城关支行安保群",
        kind=ChannelKind.WECOM_ROBOT,
        webhook_url=f"{fake.url}/cgi-bin/webhook/send?key={key}",
        kinds=["inspection_overdue_digest"],
    )


def _missed_check_reminders(django_capture_on_commit_callbacks, time_machine):
    """No opening check on 1 December: the morning job on the 2nd reminds and escalates."""
    time_machine.move_to("2026-12-02T00:20:00+08:00")
    with django_capture_on_commit_callbacks(execute=True):
        assignments_mark_overdue(today=D(2026, 12, 2))


def test_a_missed_check_reminder_goes_to_the_wecom_group_and_the_signed_dingtalk_group(
    daily, fake, django_capture_on_commit_callbacks, time_machine, settings
):
    settings.SITE_URL = "https://safety.example.cn"
    wecom = _outlet_group(daily, fake, "wecom-key-1")
    UnitChannel.objects.create(
        unit=daily.b1_security,
        name="Security department",
        kind=ChannelKind.DINGTALK_ROBOT,
        webhook_url=f"{fake.url}/robot/send?access_token=ding-token",
        secret="SECdingsecret123",
        language="en",
        kinds=["inspection_overdue_digest"],
    )
    _missed_check_reminders(django_capture_on_commit_callbacks, time_machine)

    sent = fake.posts("/cgi-bin/webhook/send")
    assert sent and all(request["query"]["key"] == "wecom-key-1" for request in sent)
    payload = sent[0]["json"]
    assert payload["msgtype"] == "text"
    text = payload["text"]["content"]
    assert "项检查已逾期" in text  # the unit's language: Chinese by default
    assert "https://safety.example.cn/inspections/" in text
    assert ChannelDelivery.objects.filter(channel=wecom, status=DeliveryStatus.DELIVERED).count() == len(sent)

    ding = fake.posts("/robot/send")
    assert ding, "the escalation reached the security department's DingTalk group"
    query = ding[0]["query"]
    assert query["access_token"] == "ding-token"
    expected = base64.b64encode(
        hmac.new(b"SECdingsecret123", f"{query['timestamp']}\nSECdingsecret123".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == expected
    assert "became overdue" in ding[0]["json"]["text"]["content"]  # this group is set to English

    channels_retry()  # a delivered notice is never sent twice
    assert len(fake.posts("/cgi-bin/webhook/send")) == len(sent)


def test_a_person_with_a_wecom_user_id_gets_an_application_message_in_their_language(
    daily, fake, django_capture_on_commit_callbacks, time_machine, settings
):
    settings.WECOM_API_BASE = fake.url
    fake.answers["/cgi-bin/gettoken"] = {"errcode": 0, "access_token": "tok-1", "expires_in": 7200}
    WeComApp.objects.create(corp_id="ww123", agent_id=1000002, secret="app-secret", kinds=["inspection_overdue_digest"])
    daily.officer.wecom_userid = "ZhouAnQuan"
    daily.officer.language = "en"
    daily.officer.save()
    _missed_check_reminders(django_capture_on_commit_callbacks, time_machine)

    token = [request for request in fake.requests if request["path"] == "/cgi-bin/gettoken"]
    assert token[0]["query"] == {"corpid": "ww123", "corpsecret": "app-secret"}
    message = fake.posts("/cgi-bin/message/send")[0]
    assert message["query"]["access_token"] == "tok-1"
    assert message["json"]["touser"] == "ZhouAnQuan"
    assert message["json"]["agentid"] == 1000002
    assert "became overdue" in message["json"]["text"]["content"]


def test_a_failing_endpoint_is_retried_with_backoff_then_reported(
    daily, fake, django_capture_on_commit_callbacks, time_machine, settings, client
):
    settings.CHANNEL_MAX_ATTEMPTS = 3
    settings.CHANNEL_RETRY_BASE_SECONDS = 60
    fake.status = 500
    channel = _outlet_group(daily, fake, "k")
    _missed_check_reminders(django_capture_on_commit_callbacks, time_machine)
    deliveries = ChannelDelivery.objects.filter(channel=channel)
    reminders = deliveries.count()
    assert reminders >= 1 and len(fake.posts("/cgi-bin/webhook/send")) == reminders
    delivery = deliveries.first()
    assert (delivery.attempts, delivery.status) == (1, DeliveryStatus.PENDING)
    assert "HTTP 500" in delivery.last_error
    first_wait = delivery.next_attempt_at

    channels_retry()  # not yet due: nothing is sent
    assert len(fake.posts("/cgi-bin/webhook/send")) == reminders

    time_machine.move_to(first_wait + datetime.timedelta(seconds=5))
    channels_retry()
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at - first_wait >= datetime.timedelta(seconds=120)  # the wait doubled

    time_machine.move_to(delivery.next_attempt_at + datetime.timedelta(seconds=5))
    channels_retry()
    assert set(deliveries.values_list("attempts", "status")) == {(3, DeliveryStatus.FAILED)}
    time_machine.move_to(delivery.next_attempt_at + datetime.timedelta(days=1))
    channels_retry()  # a failed delivery is reported, not tried for ever
    assert len(fake.posts("/cgi-bin/webhook/send")) == 3 * reminders

    client.force_login(daily.security)
    page = client.get(reverse("channels")).content.decode()
    assert f"{reminders} failed" in page or f"{reminders} 条失败" in page
    admin = daily.security.__class__.objects.create_superuser("root", "root@example.cn", "x-Pass-12345")
    client.force_login(admin)
    listing = client.get(reverse("admin:core_channeldelivery_changelist")).content.decode()
    assert "HTTP 500" in listing


def test_the_channel_page_keeps_secrets_and_never_shows_them_back(daily, client):
    client.force_login(daily.security)
    response = client.post(
        reverse("channel_create"),
        {
            "unit": daily.sub1.pk,
            "name": "城关支行钉钉群",
            "kind": ChannelKind.DINGTALK_ROBOT,
            "language": "zh-hans",
            "kinds": ["inspection_overdue_digest", "hazard.overdue"],
            "active": "on",
            "new_webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=abcdef123456",
            "new_secret": "SECverysecretvalue",
        },
    )
    assert response.status_code == 302
    channel = UnitChannel.objects.get()
    assert channel.secret == "SECverysecretvalue" and channel.kinds == ["inspection_overdue_digest", "hazard.overdue"]
    edit = client.get(reverse("channel_edit", args=[channel.pk])).content.decode()
    listing = client.get(reverse("channels")).content.decode()
    for page in (edit, listing):
        assert "SECverysecretvalue" not in page and "abcdef123456" not in page
    assert "••••alue" in edit and "••••3456" in listing
    # Saved again with the secret fields left blank: the stored ones stay.
    client.post(
        reverse("channel_edit", args=[channel.pk]),
        {"unit": daily.sub1.pk, "name": "改名", "kind": ChannelKind.DINGTALK_ROBOT, "language": "en", "active": "on"},
    )
    channel.refresh_from_db()
    assert (channel.name, channel.secret, channel.kinds) == ("改名", "SECverysecretvalue", [])
    assert channel.webhook_url.endswith("abcdef123456")
