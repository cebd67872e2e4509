"""The provincial bank's hidden dangers: what each is born from (``DangerSeed``), each danger in the state its age
makes likely with its timeline, and the photo rows that all point to one shared JPEG."""

from __future__ import annotations

import datetime
import io
import random
from pathlib import Path

from _province_setup import Clock

SHARED_PHOTO = "bench/province-photo.jpg"


class DangerSeed:
    """What a hidden danger is born from: a failed item, a failed facility test or a drill problem."""

    __slots__ = (
        "premises_id",
        "unit_id",
        "found_by",
        "found_at",
        "description",
        "category",
        "item_code",
        "inspection_id",
        "answer_id",
        "key",
        "hazard",
        "test",
    )

    def __init__(
        self,
        premises_id,
        unit_id,
        found_by,
        found_at,
        description,
        category,
        item_code="",
        inspection_id=None,
        answer_id=None,
        key=0,
    ):
        self.premises_id, self.unit_id, self.found_by, self.found_at = premises_id, unit_id, found_by, found_at
        self.description, self.category, self.item_code = description, category, item_code
        self.inspection_id, self.answer_id, self.key, self.hazard, self.test = inspection_id, answer_id, key, None, None


def answer_seeds() -> list[DangerSeed]:
    from django.db import connection

    from inspections.models import DEFENCE_TO_CATEGORY

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.id, i.id, i.premises_id, i.unit_id, i.inspector_id, i.performed_at, a.note, it.defence, it.code "
            "FROM inspections_answer a JOIN inspections_inspection i ON i.id = a.inspection_id "
            "JOIN inspections_checklistitem it ON it.id = a.item_id WHERE a.result = 'fail' ORDER BY a.id"
        )
        return [
            DangerSeed(
                premises, unit, inspector, at, note, DEFENCE_TO_CATEGORY[defence], code, inspection, answer, answer
            )
            for answer, inspection, premises, unit, inspector, at, note, defence, code in cursor.fetchall()
        ]


def build_hazards(seeds: list[DangerSeed], today: datetime.date, people, clock: Clock) -> None:
    """Every seed becomes a hidden danger in the state its age makes likely, with its timeline."""
    from django.utils import timezone

    from inspections.choices import HazardEventKind as Ev
    from inspections.choices import HazardGrade, HazardStatus
    from inspections.models import Hazard, HazardEvent, HazardPlan

    hazards, plans_for = [], []
    timeline: list[list[tuple]] = []
    for seed in seeds:
        rng = random.Random(seed.key * 7919 + len(seed.description))
        found = seed.found_at
        age = (today - timezone.localdate(found)).days
        major = rng.random() < 0.01
        responsible = people.head.get(seed.premises_id) or people.security_for(seed.premises_id)
        security = people.security_for(seed.premises_id)
        deadline = timezone.localdate(found) + datetime.timedelta(days=30 if major else 7)
        roll = rng.random()
        spot = roll < 0.2 and not major
        closed_share = 0.97 if age > 60 else 0.8 if age > 14 else 0.3
        hz = Hazard(
            unit_id=seed.unit_id,
            premises_id=seed.premises_id,
            item_code=seed.item_code,
            description=seed.description,
            category=seed.category,
            grade=HazardGrade.MAJOR if major else HazardGrade.GENERAL,
            found_by_id=seed.found_by,
            found_at=found,
            source_inspection_id=seed.inspection_id,
            source_answer_id=seed.answer_id,
        )
        steps = [(Ev.REPORTED, seed.found_by, found, "", HazardStatus.REPORTED)]

        def at(days: float, found=found):
            return min(found + datetime.timedelta(days=days), timezone.now())

        if spot:
            hz.fixed_on_spot, hz.rectified_by_id = True, seed.found_by
            steps.append((Ev.FIXED_ON_SPOT, seed.found_by, at(0.01), HazardStatus.REPORTED, HazardStatus.SUBMITTED))
            if age > 1 or rng.random() < 0.5:
                hz.status, hz.verified_by_id, hz.closed_at = HazardStatus.CLOSED, security, at(1)
                steps.append((Ev.VERIFIED, security, at(1), HazardStatus.SUBMITTED, HazardStatus.CLOSED))
            else:
                hz.status = HazardStatus.SUBMITTED
        else:
            # how far along the loop it got: closed, or stopped at one of the open states
            if roll < 0.2 + closed_share * 0.8:
                stage = 4
            else:
                stage = rng.choice((0, 1, 1, 2, 2, 3)) if age > 0 else 0
            if stage >= 1:
                hz.responsible_id, hz.deadline = responsible, deadline
                steps.append((Ev.ASSIGNED, security, at(0.5), HazardStatus.REPORTED, HazardStatus.ASSIGNED))
            if stage >= 2:
                steps.append((Ev.STARTED, responsible, at(1), HazardStatus.ASSIGNED, HazardStatus.RECTIFYING))
            if stage >= 3:
                hz.rectified_by_id = responsible
                steps.append((Ev.SUBMITTED, responsible, at(3), HazardStatus.RECTIFYING, HazardStatus.SUBMITTED))
            if stage >= 4:
                hz.verified_by_id, hz.closed_at = security, at(4)
                steps.append((Ev.VERIFIED, security, at(4), HazardStatus.SUBMITTED, HazardStatus.CLOSED))
            hz.status = (
                HazardStatus.REPORTED,
                HazardStatus.ASSIGNED,
                HazardStatus.RECTIFYING,
                HazardStatus.SUBMITTED,
                HazardStatus.CLOSED,
            )[stage]
            if hz.status != HazardStatus.CLOSED and hz.deadline and hz.deadline < today:
                hz.overdue_since = hz.deadline + datetime.timedelta(days=1)
                hz.escalation_level = min(3, 1 + (today - hz.overdue_since).days // 3)
                hz.escalated_at = timezone.make_aware(datetime.datetime.combine(hz.overdue_since, datetime.time(2)))
                steps.append((Ev.OVERDUE, None, hz.escalated_at, hz.status, hz.status))
            if major and stage >= 1:
                plans_for.append((len(hazards), security, deadline))
        hazards.append(hz)
        timeline.append(steps)
        seed.hazard = hz
    Hazard.objects.bulk_create(hazards, batch_size=2000)
    events = []
    for hz, steps in zip(hazards, timeline, strict=True):
        for kind, by, when, before, after in steps:
            events.append(HazardEvent(hazard=hz, kind=kind, by_id=by, at=when, from_status=before, to_status=after))
    HazardEvent.objects.bulk_create(events, batch_size=5000)
    HazardPlan.objects.bulk_create(
        HazardPlan(
            hazard=hazards[index],
            targets="消除隐患，恢复设施正常运行",
            methods="更换设备并联调测试",
            funds="分行安防专项经费",
            organisation="分行保卫部牵头，网点配合",
            time_limit=deadline,
            safety_measures="整改期间加强值守和巡查",
            updated_by_id=by,
        )
        for index, by, deadline in plans_for
    )
    clock.step(f"hidden dangers: {len(hazards):,} with {len(events):,} timeline events, {len(plans_for)} plans")
    return hazards, events


def shared_photo() -> tuple[str, int, str]:
    """One small JPEG that every generated photo row points to."""
    import hashlib

    from django.conf import settings
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), (190, 60, 50))
    ImageDraw.Draw(image).text((10, 10), "province bench", fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    data = buffer.getvalue()
    target = Path(settings.MEDIA_ROOT) / SHARED_PHOTO
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return SHARED_PHOTO, len(data), hashlib.sha256(data).hexdigest()


def build_photos(seeds: list[DangerSeed], events, clock: Clock) -> None:
    from django.contrib.contenttypes.models import ContentType

    from core.models import Attachment
    from inspections.choices import HazardEventKind
    from inspections.models import Answer, HazardEvent

    name, size, digest = shared_photo()
    answer_type = ContentType.objects.get_for_model(Answer)
    event_type = ContentType.objects.get_for_model(HazardEvent)
    rows = []
    for seed in seeds:
        if seed.answer_id:
            rows.append((answer_type, seed.answer_id, seed.found_by, seed.found_at))
    for event in events:
        if event.kind in (HazardEventKind.SUBMITTED, HazardEventKind.FIXED_ON_SPOT):
            rows.append((event_type, event.pk, event.by_id, event.at))
    Attachment.objects.bulk_create(
        (
            Attachment(
                content_type=kind,
                object_id=pk,
                kind="image",
                file=name,
                original_name="photo.jpg",
                size=size,
                sha256=digest,
                width=320,
                height=240,
                taken_at=at,
                uploaded_by_id=by,
                uploaded_at=at,
            )
            for kind, pk, by, at in rows
        ),
        batch_size=5000,
    )
    clock.step(f"photos: {len(rows):,} attachment rows -> {name}")
