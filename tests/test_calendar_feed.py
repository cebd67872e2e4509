"""The private calendar feed: what a calendar app reads from a person's link."""

import datetime

import pytest
from django.urls import reverse

from core.services import calendar_token_renew
from drills.models import Drill, DrillParticipant
from inspections.cycles import cycle_open
from inspections.models import Assignment
from inspections.services import standard_content_install
from reports.calendar_feed import fold
from responsibilities.models import DutyDay

D = datetime.date
NOW = "2026-12-08 10:00:00+08:00"


def events(response) -> list[dict]:
    """Parse the feed as a calendar app does: CRLF lines, unfolded, one dict per VEVENT."""
    text = response.content.decode("utf-8")
    assert text.endswith("\r\n")
    raw = text.split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in raw)
    lines: list[str] = []
    for line in raw:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    found, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            key, _, value = line.partition(":")
            current[key] = value
    return found


def by_uid(response) -> dict[str, dict]:
    return {event["UID"]: event for event in events(response)}


def feed(client, user):
    token = calendar_token_renew(user=user)
    return client.get(reverse("reports:calendar_ics", args=[token.token]))


@pytest.fixture
def items(org, time_machine):
    time_machine.move_to(NOW)
    duty = DutyDay.objects.create(unit=org.sub1, date=D(2026, 12, 12), leader=org.officer, phone="110")
    other_duty = DutyDay.objects.create(unit=org.sub2, date=D(2026, 12, 13), leader=org.outsider, phone="119")
    drill = Drill.objects.create(unit=org.sub1, scenario="抢劫应急", kind="on_site", planned_date=D(2026, 12, 20))
    other_drill = Drill.objects.create(unit=org.sub2, scenario="火灾疏散", kind="on_site", planned_date=D(2026, 12, 21))
    far_drill = Drill.objects.create(unit=org.sub1, scenario="明年演练", kind="on_site", planned_date=D(2027, 9, 1))
    standard_content_install(head_office=org.head_office, valid_from=D(2026, 1, 1))
    cycle_open(month=D(2026, 12, 1))
    assignment = Assignment.objects.filter(premises=org.outlet_a, status="open").order_by("period_end").last()
    assignment.assignee = org.officer
    assignment.save()
    return {
        "duty": duty,
        "other_duty": other_duty,
        "drill": drill,
        "other_drill": other_drill,
        "far_drill": far_drill,
        "assignment": assignment,
    }


@pytest.mark.django_db
def test_the_feed_lists_the_persons_duty_days_drills_and_deadlines(client, org, items):
    response = feed(client, org.officer)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    found = by_uid(response)
    duty = found[f"duty-{items['duty'].pk}@safetybank"]
    assert duty["DTSTART;VALUE=DATE"] == "20261212" and duty["DTEND;VALUE=DATE"] == "20261213"
    drill = found[f"drill-{items['drill'].pk}@safetybank"]
    assert drill["DTSTART;VALUE=DATE"] == "20261220"
    assert "抢劫应急" in drill["SUMMARY"]
    assert drill["URL"].endswith(f"/drills/{items['drill'].pk}/") or drill["URL"].endswith(
        items["drill"].get_absolute_url()
    )
    assignment = items["assignment"]
    deadline = found[f"assignment-{assignment.pk}@safetybank"]
    assert deadline["DTSTART;VALUE=DATE"] == f"{assignment.period_end:%Y%m%d}"
    assert deadline["URL"].endswith(assignment.get_absolute_url())
    # Another person's duty and another unit's drill are not in it, nor a drill nine months away.
    assert f"duty-{items['other_duty'].pk}@safetybank" not in found
    assert f"drill-{items['other_drill'].pk}@safetybank" not in found
    assert f"drill-{items['far_drill'].pk}@safetybank" not in found


@pytest.mark.django_db
def test_a_drill_of_another_unit_taken_part_in_is_in_the_feed(client, org, items):
    DrillParticipant.objects.create(drill=items["other_drill"], person=org.officer)
    assert f"drill-{items['other_drill'].pk}@safetybank" in by_uid(feed(client, org.officer))


@pytest.mark.django_db
def test_texts_are_in_the_persons_language(client, org, items):
    org.officer.language = "en"
    org.officer.save()
    summary = by_uid(feed(client, org.officer))[f"duty-{items['duty'].pk}@safetybank"]["SUMMARY"]
    assert summary.startswith("On duty:")
    org.officer.language = "zh-hans"
    org.officer.save()
    summary = by_uid(feed(client, org.officer))[f"duty-{items['duty'].pk}@safetybank"]["SUMMARY"]
    assert summary.startswith("值班")


@pytest.mark.django_db
def test_a_new_link_revokes_the_old_one(client, org):
    old = calendar_token_renew(user=org.officer).token
    assert client.get(reverse("reports:calendar_ics", args=[old])).status_code == 200
    new = calendar_token_renew(user=org.officer).token
    assert new != old
    assert client.get(reverse("reports:calendar_ics", args=[old])).status_code == 404
    assert client.get(reverse("reports:calendar_ics", args=[new])).status_code == 200
    assert client.get(reverse("reports:calendar_ics", args=["made-up"])).status_code == 404


@pytest.mark.django_db
def test_a_long_chinese_summary_with_a_comma_is_escaped_and_folded(client, org, time_machine):
    time_machine.move_to(NOW)
    scenario = "营业网点遭遇持刀抢劫，歹徒劫持人质, 柜员按下紧急报警按钮;保安员疏散客户并报告公安机关" * 2
    drill = Drill.objects.create(unit=org.sub1, scenario=scenario, kind="on_site", planned_date=D(2026, 12, 20))
    response = feed(client, org.officer)
    raw = response.content.decode("utf-8")
    assert "\r\n " in raw  # folded
    assert all(len(line.encode("utf-8")) <= 75 for line in raw.split("\r\n"))
    summary = by_uid(response)[f"drill-{drill.pk}@safetybank"]["SUMMARY"]
    assert "劫持人质\\, 柜员" in summary and "按钮\\;保安员" in summary
    assert "\\n" not in summary


def test_folding_keeps_utf8_characters_whole():
    line = "SUMMARY:" + "安全" * 60
    folded = fold(line)
    parts = folded.split("\r\n ")
    assert all(len(part.encode("utf-8")) <= 74 for part in parts[1:]) and len(parts[0].encode("utf-8")) <= 75
    assert "".join(parts) == line


@pytest.mark.django_db
def test_the_page_shows_the_link_and_makes_a_new_one(client, org):
    client.force_login(org.officer)
    page = client.get(reverse("reports:calendar_feed"))
    assert page.status_code == 200 and "/reports/ical/" not in page.content.decode()
    response = client.post(reverse("reports:calendar_feed_renew"))
    assert response.status_code == 302
    token = org.officer.calendar_token.token
    page = client.get(reverse("reports:calendar_feed"))
    assert f"/reports/ical/{token}.ics" in page.content.decode()
