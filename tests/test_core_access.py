"""Access matrix of core's pages, in the shape of tests/access.py.

``ACCESS_CASES`` and ``POST_ONLY`` are counted by the URL walker (tests/access.py FEATURE_MODULES).
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.forms import AttachmentForm
from core.models import Attachment, GeneratedDocument
from core.services import attachment_create
from tests.access import (
    ALL,
    POST_PERSONAS,
    AccessCase,
    PostCase,
    check_access,
    check_post,
    check_post_only,
    post_params,
)

IN_B1 = ("headoffice", "president", "security", "outlethead", "officer")


def _photo_of_outlet_a(org):
    """A photo of a drill at outlet A: every post in branch 1 may open the drill (and so the photo)."""
    from tests.test_drills_access import _drill

    out = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(out, "JPEG")
    form = AttachmentForm(files={"file": SimpleUploadedFile("p.jpg", out.getvalue())})
    assert form.is_valid()
    attachment_create(owner=_drill(org), upload=form.cleaned_data["file"], by=org.officer)


def _attachment(org):
    return [Attachment.objects.get().pk]


def _officers_document(org):
    from django.core.files.base import ContentFile

    document = GeneratedDocument.objects.create(
        kind="core.business_calendar", requested_by=org.officer, language="zh-hans", status="done", progress=100
    )
    document.file.save("d.pdf", ContentFile(b"%PDF-1.4 test"))


def _document(org):
    return [GeneratedDocument.objects.get().pk]


ACCESS_CASES = [
    AccessCase("notifications", ok=ALL),
    AccessCase("notification_bell", ok=ALL),
    AccessCase("business_calendar", ok=ALL),
    AccessCase("attachment", setup=_photo_of_outlet_a, args=_attachment, ok=IN_B1, hidden=("outsider",)),
    AccessCase("attachment_thumbnail", setup=_photo_of_outlet_a, args=_attachment, ok=IN_B1, hidden=("outsider",)),
    # A generated document is its requester's alone.
    AccessCase(
        "document_status",
        setup=_officers_document,
        args=_document,
        ok=("officer",),
        hidden=("headoffice", "president", "security", "outlethead", "outsider"),
    ),
    AccessCase(
        "document_download",
        setup=_officers_document,
        args=_document,
        ok=("officer",),
        hidden=("headoffice", "president", "security", "outlethead", "outsider"),
    ),
]


def _sub1_channel(org):
    from core.models import ChannelKind, UnitChannel

    UnitChannel.objects.create(
        unit=org.sub1,
        name="城关支行安保群",
        kind=ChannelKind.WECOM_ROBOT,
        webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
        kinds=["inspection_overdue_digest"],
    )


def _channel(org):
    from core.models import UnitChannel

    return [UnitChannel.objects.get(unit=org.sub1).pk]


def _channel_data(org):
    return {
        "unit": org.sub1.pk,
        "name": "城关支行钉钉群",
        "kind": "dingtalk_robot",
        "language": "zh-hans",
        "kinds": ["inspection_overdue_digest"],
        "active": "on",
        "new_webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=abc",
        "new_secret": "SECabc",
    }


# Group robots: the security departments (head office's and the branch's) only.
CHANNEL_MANAGERS = ("headoffice", "security")
NOT_CHANNEL_MANAGERS = ("president", "outlethead", "officer", "outsider")
ACCESS_CASES += [
    AccessCase("channels", ok=CHANNEL_MANAGERS, forbidden=NOT_CHANNEL_MANAGERS),
    AccessCase("channel_create", ok=CHANNEL_MANAGERS, forbidden=NOT_CHANNEL_MANAGERS),
    AccessCase(
        "channel_edit",
        setup=_sub1_channel,
        args=_channel,
        ok=CHANNEL_MANAGERS,
        forbidden=("president", "outlethead", "officer"),
        hidden=("outsider",),
    ),
]

# POST-only actions, tested in the feature tests (own notifications, head office only, etc.).
POST_ONLY = {
    "notification_open": [1],
    "notifications_read_all": [],
    "calendar_day_delete": [1],
    "document_request": ["core.business_calendar"],
    "document_retry": [1],
}


def _officers_notification(org):
    from django.utils.translation import gettext_lazy

    from core.services import notify

    notify(user=org.officer, kind="test.hello", title=gettext_lazy("Hello"), url="/", email=False)


def _notification(org):
    from core.models import Notification

    return [Notification.objects.get(user=org.officer).pk]


def _calendar_day(org):
    from core.models import CalendarDay

    return [CalendarDay.objects.filter(date__year=2026).first().pk]


def _officers_failed_document(org):
    from core.choices import DocumentStatus
    from core.models import GeneratedDocument

    GeneratedDocument.objects.create(
        kind="core.business_calendar",
        params={"year": 2026},
        requested_by=org.officer,
        language="zh-hans",
        status=DocumentStatus.FAILED,
    )


def _failed_document(org):
    from core.models import GeneratedDocument

    return [GeneratedDocument.objects.get(requested_by=org.officer).pk]


NOT_HO = tuple(p for p in POST_PERSONAS if p != "headoffice")
OTHERS_THAN_OFFICER = tuple(p for p in POST_PERSONAS if p != "officer")

POST_CASES = [
    # Only one's own notifications: the others have none to mark, or may not open the officer's.
    PostCase("notifications_read_all", setup=_officers_notification, ok=("officer",), shown=OTHERS_THAN_OFFICER),
    PostCase(
        "notification_open",
        setup=_officers_notification,
        args=_notification,
        ok=("officer",),
        hidden=OTHERS_THAN_OFFICER,
    ),
    PostCase(
        "business_calendar",
        data={"date": "2027-01-01", "kind": "holiday", "festival": "new_year", "note": "", "reason": "国务院通知"},
        ok=("headoffice",),
        forbidden=NOT_HO,
    ),
    PostCase(
        "calendar_day_delete", args=_calendar_day, data={"reason": "录入有误"}, ok=("headoffice",), forbidden=NOT_HO
    ),
    PostCase("document_request", args=lambda org: ["core.business_calendar"], data={"year": "2026"}, ok=POST_PERSONAS),
    PostCase(
        "channel_create",
        data=_channel_data,
        ok=CHANNEL_MANAGERS,
        forbidden=(*NOT_CHANNEL_MANAGERS, "teller"),
    ),
    PostCase(
        "channel_edit",
        setup=_sub1_channel,
        args=_channel,
        data=_channel_data,
        ok=CHANNEL_MANAGERS,
        forbidden=("president", "outlethead", "officer", "teller"),
        hidden=("outsider",),
    ),
    # Only the requester asks again for a document that failed; to anyone else it does not exist.
    PostCase(
        "document_retry",
        setup=_officers_failed_document,
        args=_failed_document,
        ok=("officer",),
        hidden=OTHERS_THAN_OFFICER,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", post_params(POST_CASES))
def test_core_post_matrix(client, colleagues, case):
    check_post(client, colleagues, case)


@pytest.mark.django_db
@pytest.mark.parametrize("case", ACCESS_CASES, ids=lambda case: case.id)
def test_core_access_matrix(client, org, case):
    check_access(client, org, case)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_core_actions_need_sign_in_and_post(client, org, name):
    check_post_only(client, org, name, POST_ONLY[name])
