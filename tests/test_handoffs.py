"""Every hand-off lands on exactly the right person's queue, with a notification; messages are
stored as codes and read in the reader's language; a changed deadline notifies again; the home
page is a work queue that drops nothing and its numbers agree with the bell."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils.translation import gettext_lazy, override

from core.models import Notification
from core.tasks_registry import work_queue
from core.uploads import check_upload
from inspections.choices import HazardGrade, Level
from inspections.hazards import rectification
from inspections.hazards import services as hazards
from inspections.hazards.models import Hazard, HazardEvent
from inspections.models import ChecklistTemplate, Inspection
from inspections.services import (
    acknowledgements_remind,
    inspection_acknowledge,
    inspection_start_unannounced,
    inspection_submit,
    standard_content_install,
)
from tests.factories import ContractFactory, PremisesFactory
from tests.inspection_helpers import answer_all, photo

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=8))
MONDAY = datetime.datetime(2026, 3, 2, 10, tzinfo=TZ)
PEOPLE = ("headoffice", "president", "security", "outlethead", "officer", "outsider")


def holders(org, kind: str, obj) -> set[str]:
    """Whose work queue holds ``obj`` under ``kind``."""
    url = obj.get_absolute_url()
    found = set()
    for name in PEOPLE:
        person = getattr(org, name)
        person.__dict__.pop("_safetybank_scope", None)
        if url in [item.url for item in work_queue(person, kind=kind).items]:
            found.add(name)
    return found


def told(org, kind: str, obj) -> set[str]:
    """Who received a notification of ``kind`` about ``obj``."""
    users = Notification.objects.filter(kind=kind, object_id=obj.pk).values_list("user__username", flat=True)
    return set(users)


def _submitted_inspection(org, premises=None) -> Inspection:
    standard_content_install(head_office=org.head_office, valid_from=datetime.date(2026, 1, 1))
    inspection = inspection_start_unannounced(
        premises=premises or org.outlet_a,
        level=Level.L3_SECURITY,
        template=ChecklistTemplate.objects.get(code="WEEKLY-CONTRACT"),
        by=org.security,
    )
    answer_all(inspection, org.security)
    inspection_submit(inspection=inspection, by=org.security)
    inspection.refresh_from_db()
    return inspection


def test_a_submitted_inspection_is_the_outlet_heads_to_acknowledge_then_late_it_climbs_to_security(org):
    with time_machine.travel(MONDAY, tick=False):
        inspection = _submitted_inspection(org)
        assert inspection.acknowledge_by == datetime.date(2026, 3, 5)  # three working days
        assert holders(org, "inspection.acknowledge", inspection) == {"outlethead"}
        assert told(org, "inspection.acknowledge", inspection) == {"outlethead"}
        assert holders(org, "inspection.not_acknowledged", inspection) == set()

    with time_machine.travel(datetime.datetime(2026, 3, 6, 9, tzinfo=TZ), tick=False):
        assert acknowledgements_remind() == {"reminded": 1, "escalated": 1}
        assert acknowledgements_remind() == {"reminded": 0, "escalated": 0}  # twice a day changes nothing
        assert holders(org, "inspection.not_acknowledged", inspection) == {"security"}
        assert told(org, "inspection.acknowledge_escalated", inspection) == {"security"}
        [item] = work_queue(org.outlethead, kind="inspection.acknowledge").items
        assert item.is_overdue

        inspection_acknowledge(inspection=inspection, by=org.outlethead, ip=None, objection="锁舌已报修")
        assert holders(org, "inspection.acknowledge", inspection) == set()
        assert holders(org, "inspection.not_acknowledged", inspection) == set()
        objection = Notification.objects.get(kind="inspection.objection")
        assert objection.user == org.security and "锁舌已报修" in objection.display_body


@time_machine.travel(MONDAY, tick=False)
def test_a_premises_without_an_outlet_head_hands_the_facts_to_the_nearest_president(org):
    inspection = _submitted_inspection(org, premises=org.outlet_a2)  # the self-service bank
    assert holders(org, "inspection.acknowledge", inspection) == {"president"}
    assert told(org, "inspection.acknowledge", inspection) == {"president"}
    inspection_acknowledge(inspection=inspection, by=org.president, ip=None)
    assert holders(org, "inspection.acknowledge", inspection) == set()


@time_machine.travel(MONDAY, tick=False)
def test_the_hazard_loop_hands_each_step_to_exactly_the_right_person(org, client):
    ContractFactory(user=org.officer, premises=org.outlet_a2)  # the officer patrols the self-service bank
    hazard = hazards.hazard_report(
        premises=org.outlet_a2, description="自助银行监控黑屏", category="technical", by=org.officer
    )
    assert holders(org, "hazard.assign", hazard) == {"security"}
    assert told(org, "hazard.reported", hazard) == {"security"}

    # The reporter and the head of the reporter's outlet follow it; someone outside does not see it.
    for name, status in (("officer", 200), ("outlethead", 200), ("outsider", 404)):
        client.force_login(getattr(org, name))
        assert client.get(hazard.get_absolute_url()).status_code == status, name

    hazard = rectification.hazard_assign(
        hazard=hazard, by=org.security, responsible=org.outlethead, deadline=datetime.date(2026, 3, 13)
    )
    assert holders(org, "hazard.assign", hazard) == set()
    assert holders(org, "hazard.fix", hazard) == {"outlethead"}
    assert told(org, "hazard.assigned", hazard) == {"outlethead"}

    rectification.hazard_start(hazard=hazard, by=org.outlethead)
    hazard = rectification.hazard_submit_fix(
        hazard=hazard, by=org.outlethead, note="已更换摄像头", uploads=[check_upload(photo())]
    )
    assert holders(org, "hazard.fix", hazard) == set()
    assert holders(org, "hazard.verify", hazard) == {"security"}
    assert told(org, "hazard.submitted", hazard) == {"security"}

    rectification.hazard_verify(hazard=hazard, by=org.security)
    for kind in ("hazard.assign", "hazard.fix", "hazard.verify", "hazard.escalated"):
        assert holders(org, kind, hazard) == set(), kind
    assert told(org, "hazard.closed", hazard) == {"outlethead"}
    assert told(org, "hazard.reported_closed", hazard) == {"officer"}  # the reporter follows it to the end


@time_machine.travel(MONDAY, tick=False)
def test_a_corrected_deadline_a_new_assignee_or_grade_notifies_again_but_an_identical_message_once(org):
    hazard = hazards.hazard_report(premises=org.outlet_a, description="灭火器压力不足", category="fire", by=org.officer)
    for _ in range(2):  # assigning twice with the same deadline is one message
        hazard = rectification.hazard_assign(
            hazard=hazard, by=org.security, responsible=org.outlethead, deadline=datetime.date(2030, 1, 1)
        )
    hazard = rectification.hazard_assign(
        hazard=hazard, by=org.security, responsible=org.outlethead, deadline=datetime.date(2026, 12, 7)
    )
    titles = list(
        Notification.objects.filter(user=org.outlethead, kind="hazard.assigned")
        .order_by("pk")
        .values_list("title", flat=True)
    )
    assert len(titles) == 2 and "2030-01-01" in titles[0] and "2026-12-07" in titles[1]

    rectification.hazard_grade(hazard=hazard, by=org.security, grade=HazardGrade.MAJOR, reason="涉及现金区")
    assert Notification.objects.filter(user=org.outlethead, kind="hazard.graded").count() == 1

    # a new assignee: the work moves to their queue, and the one who had it is told
    hazard = rectification.hazard_assign(
        hazard=hazard, by=org.security, responsible=org.officer, deadline=datetime.date(2026, 12, 7)
    )
    assert holders(org, "hazard.fix", hazard) == {"officer"}
    assert told(org, "hazard.assigned", hazard) == {"outlethead", "officer"}
    assert told(org, "hazard.handed_over", hazard) == {"outlethead"}


@time_machine.travel(MONDAY, tick=False)
def test_messages_and_the_timeline_read_in_the_readers_language_whoever_wrote_them(org, client):
    org.security.language = "en"
    org.security.save()
    org.outlethead.language = "zh-hans"
    org.outlethead.save()
    hazard = hazards.hazard_report(premises=org.outlet_a, description="灭火器压力不足", category="fire", by=org.officer)
    rectification.hazard_assign(
        hazard=hazard, by=org.security, responsible=org.outlethead, deadline=datetime.date(2026, 3, 13)
    )
    event = HazardEvent.objects.get(hazard=hazard, kind="assigned")
    assert event.note == ""  # nothing typed: the system's words are a code, not a sentence
    assert event.message["text"] == {"t": "%(person)s, by %(date)s"}

    notification = Notification.objects.get(user=org.outlethead, kind="hazard.assigned")
    with override("zh-hans"):
        chinese = notification.display_title
    with override("en"):
        english = notification.display_title
    assert "2026-03-13" in chinese and "2026-03-13" in english
    assert chinese != english and re.search(r"[\u4e00-\u9fff]", chinese)

    client.force_login(org.outlethead)
    page = client.get(hazard.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "李主任" in page and "2026-03-13" in page


@time_machine.travel(MONDAY, tick=False)
def test_a_facility_test_danger_reads_in_the_readers_language(org):
    hazard = hazards.hazard_raise(
        premises=org.outlet_a,
        description=gettext_lazy("%(test)s of %(facility)s failed on %(date)s"),
        description_params={"test": "Alarm", "facility": "1号主机", "date": datetime.date(2026, 3, 2)},
        description_note="无响应",
        category="technical",
        found_by=org.officer,
    )
    hazard = Hazard.objects.get(pk=hazard.pk)
    with override("en"):
        assert hazard.display_description == "Alarm of 1号主机 failed on 2026-03-02: 无响应"
    with override("zh-hans"):
        assert "1号主机" in hazard.display_description and "failed" not in hazard.display_description
    assert "failed" not in hazard.description  # stored for search in the site language


@time_machine.travel(MONDAY, tick=False)
def test_the_work_queue_drops_nothing_pages_it_and_puts_a_new_report_on_top(org, client):
    for number in range(40):
        hazards.hazard_report(premises=org.outlet_a, description=f"隐患{number}", category="fire", by=org.officer)
    newest = Hazard.objects.order_by("-pk").first()
    queue = work_queue(org.security, kind="hazard.assign")
    assert len(queue.items) == 40  # not the 30 oldest
    assert queue.items[0].url == newest.get_absolute_url()
    [group] = [g for g in queue.groups if g.kind == "hazard.assign"]
    assert group.count == 40 and group.decision

    client.force_login(org.security)
    first = client.get(reverse("home"), {"kind": "hazard.assign"}).content.decode()
    second = client.get(reverse("home"), {"kind": "hazard.assign", "page": 2}).content.decode()

    def tasks_of(page):
        return page.split('id="my-tasks"')[1].split('id="home-unread-count"')[0]

    shown = re.findall(r"YH2026-\d{5}", tasks_of(first)) + re.findall(r"YH2026-\d{5}", tasks_of(second))
    assert len(set(shown)) == 40
    assert re.search(r'class="task-title">([^<]+)<', first).group(1).startswith(newest.code)
    assert 'rel="next"' in first

    other = client.get(reverse("home"), {"premises": org.outlet_b.pk}).content.decode()
    assert "YH2026-" not in other.split('id="my-tasks"')[1].split('id="home-unread-count"')[0]
    bad = client.get(reverse("home"), {"premises": "abc"})
    assert bad.status_code == 200 and "从列表中选择网点" in bad.content.decode()


@time_machine.travel(MONDAY, tick=False)
def test_a_queue_over_many_premises_filters_by_a_search_box_that_offers_only_premises_with_tasks(org, client):
    from branches.widgets import SHORT_LIST

    places = [PremisesFactory(code=f"T{n:02d}", name=f"桃园{n:02d}号", unit=org.sub1) for n in range(SHORT_LIST + 1)]
    PremisesFactory(code="T99", name="桃园99号", unit=org.sub1)  # no task there
    for place in places:
        hazards.hazard_report(premises=place, description="灭火器过期", category="fire", by=org.security)
    client.force_login(org.security)
    page = client.get(reverse("home")).content.decode()
    task_filter = page.split('id="task-filter"')[1].split("</form>")[0]
    assert "<option" not in task_filter and 'role="combobox"' in task_filter  # not 32 options
    search = re.search(r'hx-get="([^"]+within=[0-9a-f]+)"', task_filter).group(1).replace("&amp;", "&")
    offered = re.findall(r'data-label="([^"]*)"', client.get(search, {"term": "桃园"}).content.decode())
    assert "桃园00号" in offered and "桃园99号" not in offered

    chosen = client.get(reverse("home"), {"premises": places[3].pk}).content.decode()
    tasks = chosen.split('id="my-tasks"')[1]
    assert tasks.count("桃园03号") == 1 and "桃园04号" not in tasks
    assert f'value="{places[3].pk}"' in chosen.split('id="task-filter"')[1].split("</form>")[0]


@time_machine.travel(MONDAY, tick=False)
def test_the_number_on_the_bell_is_the_number_on_the_pages(org, client):
    for number in range(7):
        hazards.hazard_report(premises=org.outlet_a, description=f"隐患{number}", category="fire", by=org.officer)
    client.force_login(org.security)
    home = client.get(reverse("home")).content.decode()
    bell = client.get(reverse("notification_bell")).content.decode()
    listing = client.get(reverse("notifications")).content.decode()
    on_bell = int(re.search(r'data-unread="(\d+)"', bell).group(1))
    on_list = int(re.search(r'id="unread-count" data-unread="(\d+)"', listing).group(1))
    on_home = int(re.search(r'id="home-unread-count" data-unread="(\d+)"', home).group(1))
    assert on_bell == on_list == on_home == 7
    assert len(re.findall(r"<tr class=\"table-warning", listing)) == 7  # the unread rows, highlighted


@time_machine.travel(MONDAY, tick=False)
def test_following_is_personal_a_reports_stand_in_reader_sees_only_its_units_dangers(org):
    from reports.scope import UnitReader

    hazards.hazard_report(premises=org.outlet_a, description="无人负责的隐患", category="fire", by=org.officer)
    assert not Hazard.objects.for_user(UnitReader(org.sub2)).exists()
    assert not Hazard.objects.for_user(org.outsider).exists()
    assert Hazard.objects.for_user(UnitReader(org.sub1)).count() == 1
