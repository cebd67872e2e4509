"""An attachment is served to exactly the people who may open the object it belongs to.

For every kind of owner, each persona asks for the owner's page, the file and its thumbnail:
whoever gets the page gets the file (200); whoever gets a 404 or 403 on the page gets a 404 on
the file. The openers are written out per owner, so a selector that widens or narrows is caught
on the page and on the file alike.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Attachment
from core.services import attachment_create
from core.uploads import check_upload
from tests.inspection_helpers import photo

PERSONAS = ("headoffice", "president", "security", "outlethead", "officer", "teller", "outsider")
IN_B1 = {"headoffice", "president", "security", "outlethead", "officer", "teller"}
LEADS_OF_A = {"headoffice", "president", "security", "outlethead", "officer"}  # not the teller's post
REPORTER_AND_MANAGERS = {"headoffice", "president", "security", "officer"}  # officer's own, and leadership


def _incident(org):
    from incidents.models import Incident
    from incidents.services import incident_report

    incident = Incident(
        premises=org.outlet_a,
        kind="theft",
        occurred_at=timezone.now() - datetime.timedelta(hours=2),
        description="营业厅客户手机被盗",
    )
    return incident_report(incident=incident, by=org.officer), "incidents:incident_detail"


def _letter(org):
    from responsibilities import services
    from responsibilities.models import Letter

    round = services.round_request(unit=org.branch1, year=timezone.localdate().year, by=org.security)
    services.round_run(round_id=round.pk)
    return Letter.objects.get(party_user=org.officer), "responsibilities:letter_detail"


def _hazard_event(org):
    from inspections.hazards.services import hazard_report

    hazard = hazard_report(premises=org.outlet_a, description="摄像头遮挡", category="technical", by=org.officer)
    return hazard.events.get(), ("inspections:hazard_detail", hazard.pk)


def _answer(org):
    from inspections.models import Inspection
    from tests.test_inspections_access import _inspected

    _inspected(org)
    inspection = Inspection.objects.get()
    return inspection.answers.first(), ("inspections:inspection_detail", inspection.pk)


def _facility_test(org):
    from facilities.services import facility_test_record
    from tests.test_facilities_access import make_alarm

    test = facility_test_record(
        facility=make_alarm(org),
        test_kind="alarm_monthly",
        tested_on=timezone.localdate(),
        result="pass",
        by=org.officer,
    )
    return test, "facilities:test_detail"


def _drill(org):
    from tests.test_drills_access import _drill

    return _drill(org), "drills:drill_detail"


def _plan(org):
    from tests.test_drills_access import _plan

    return _plan(org), "drills:plan_detail"


def _study(org):
    from tests.test_drills_access import _session

    return _session(org), "drills:study_detail"


def _agreement(org):
    from responsibilities.models import JointDefenceAgreement
    from tests.test_responsibilities_access import _agreement_setup

    _agreement_setup(org)
    return JointDefenceAgreement.objects.get(), "responsibilities:agreement_detail"


def _activity(org):
    from reports.models import Campaign
    from reports.services import activity_record
    from tests.test_reports_access import _campaign

    _campaign(org)
    campaign = Campaign.objects.get()
    activity = activity_record(
        campaign=campaign,
        unit=org.sub1,
        date=datetime.date(2026, 6, 16),
        kind="consultation_day",
        title="安全咨询日",
        description="",
        participants=12,
        by=org.security,
    )
    return activity, ("reports:campaign_detail", campaign.pk)


# owner builder -> the personas who may open it (and so its attachments)
OWNERS = {
    "incident": (_incident, REPORTER_AND_MANAGERS),
    "letter": (_letter, REPORTER_AND_MANAGERS),
    "hazard_event": (_hazard_event, IN_B1),
    "answer": (_answer, IN_B1),
    "facility_test": (_facility_test, LEADS_OF_A),
    "drill": (_drill, IN_B1),
    "plan": (_plan, IN_B1),
    "study": (_study, IN_B1),
    "agreement": (_agreement, LEADS_OF_A),
    "activity": (_activity, IN_B1),
}


def _page_url(owner, page) -> str:
    name, pk = page if isinstance(page, tuple) else (page, owner.pk)
    return reverse(name, args=[pk])


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(OWNERS))
def test_an_attachment_opens_for_exactly_those_who_open_its_owner(client, colleagues, kind):
    build, openers = OWNERS[kind]
    owner, page = build(colleagues)
    attachment = attachment_create(owner=owner, upload=check_upload(photo()), by=colleagues.security)
    page_url = _page_url(owner, page)
    file_urls = [reverse("attachment", args=[attachment.pk]), reverse("attachment_thumbnail", args=[attachment.pk])]
    for persona in PERSONAS:
        client.force_login(getattr(colleagues, persona))
        page_status = client.get(page_url).status_code
        files = [client.get(url).status_code for url in file_urls]
        if persona in openers:
            assert (page_status, files) == (200, [200, 200]), f"{persona} may open the {kind}"
        else:
            assert page_status in (403, 404) and files == [404, 404], f"{persona} may not open the {kind}"


@pytest.mark.django_db
def test_staff_who_get_404_on_an_incident_get_404_on_its_photo_and_thumbnail(client, colleagues):
    # The case of issue 15: the outlet head works where the incident happened but did not report it.
    incident, _ = _incident(colleagues)
    attachment = attachment_create(owner=incident, upload=check_upload(photo()), by=colleagues.officer)
    client.force_login(colleagues.outlethead)
    assert client.get(reverse("incidents:incident_detail", args=[incident.pk])).status_code == 404
    assert client.get(reverse("attachment", args=[attachment.pk])).status_code == 404
    assert client.get(reverse("attachment_thumbnail", args=[attachment.pk])).status_code == 404
    client.force_login(colleagues.officer)
    assert client.get(reverse("attachment_thumbnail", args=[attachment.pk])).status_code == 200


@pytest.mark.django_db
def test_a_file_hung_on_an_owner_that_registered_no_selector_is_never_served(client, org):
    # Premises have a for_user, but nobody declared that their page opens attachments.
    attachment = attachment_create(owner=org.outlet_a, upload=check_upload(photo()), by=org.officer)
    client.force_login(org.headoffice)
    assert client.get(reverse("branches:premises_detail", args=[org.outlet_a.pk])).status_code == 200
    assert client.get(reverse("attachment", args=[attachment.pk])).status_code == 404
    assert Attachment.objects.filter(pk=attachment.pk).exists()
