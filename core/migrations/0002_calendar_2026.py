"""Seed the 2026 business calendar.

Source: 国务院办公厅关于2026年部分节假日安排的通知 (issued 2025-11-04; see
shared/domain/reference-content.md §5). The 2027 arrangement had not been published
when this was written, so it is NOT seeded: head office enters it on the business
calendar page when the State Council publishes it (the home page reminds them from
November). Until then every 2027 weekday counts as a working day.
"""

import datetime

from django.db import migrations

HOLIDAYS_2026 = [
    ("new_year", "2026-01-01", "2026-01-03"),
    ("spring_festival", "2026-02-15", "2026-02-23"),
    ("qingming", "2026-04-04", "2026-04-06"),
    ("labour_day", "2026-05-01", "2026-05-05"),
    ("dragon_boat", "2026-06-19", "2026-06-21"),
    ("mid_autumn", "2026-09-25", "2026-09-27"),
    ("national_day", "2026-10-01", "2026-10-07"),
]
MAKEUP_WORKDAYS_2026 = [
    ("new_year", "2026-01-04"),
    ("spring_festival", "2026-02-14"),
    ("spring_festival", "2026-02-28"),
    ("labour_day", "2026-05-09"),
    ("national_day", "2026-09-20"),
    ("national_day", "2026-10-10"),
]
NOTE = "国办发明电〔2025〕7号"


def days_2026():
    for festival, first, last in HOLIDAYS_2026:
        day = datetime.date.fromisoformat(first)
        while day <= datetime.date.fromisoformat(last):
            yield day, "holiday", festival
            day += datetime.timedelta(days=1)
    for festival, date in MAKEUP_WORKDAYS_2026:
        yield datetime.date.fromisoformat(date), "makeup_workday", festival


def seed(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    for day, kind, festival in days_2026():
        CalendarDay.objects.update_or_create(date=day, defaults={"kind": kind, "festival": festival, "note": NOTE})


def unseed(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    CalendarDay.objects.filter(date__year=2026, note=NOTE).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
