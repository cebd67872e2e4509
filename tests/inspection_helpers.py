"""Small builders shared by the inspection tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from inspections.choices import AnswerType, Result
from inspections.services import answer_save


def photo(name="finding.jpg", colour=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def answer_all(inspection, by, fail=(), note="门锁损坏"):
    """Answer every item: pass, except the codes in ``fail``."""
    for answer in inspection.answers.select_related("item"):
        if answer.item.answer_type == AnswerType.PASS_FAIL:
            failed = answer.item.code in fail
            answer_save(
                answer=answer, by=by, result=Result.FAIL if failed else Result.PASS, note=note if failed else ""
            )
        elif answer.item.answer_type == AnswerType.NUMBER:
            answer_save(answer=answer, by=by, number="1")
        else:
            answer_save(answer=answer, by=by, text="ok")


def at(text):
    """An aware datetime from ISO text with its offset: ``at("2026-12-01T08:00:00+08:00")``."""
    import datetime

    return datetime.datetime.fromisoformat(text)


def daily_engine(org, *months):
    """The standard checklists and the daily checks of the given months (first days) opened."""
    import datetime

    from inspections.cycles import cycle_open
    from inspections.services import standard_content_install

    standard_content_install(head_office=org.head_office, valid_from=datetime.date(2026, 1, 1))
    for month in months:
        cycle_open(month=month)
    return org
