"""Head office's default test cadences (reference-content §4); head office changes them at /facilities/cadences/."""

from django.db import migrations

DEFAULTS = (
    ("dvr_reboot", "cctv", 1, "week", 1, False),
    ("alarm_monthly", "intrusion_alarm", 1, "month", 5, False),
    ("alarm_full", "intrusion_alarm", 3, "month", 10, False),
    ("extinguisher_inspection", "extinguisher", 1, "month", 5, False),
    ("link_110", "alarm_110", 1, "month", 5, True),
)


def install(apps, schema_editor):
    Cadence = apps.get_model("facilities", "Cadence")
    for test_kind, facility_kind, every, unit, remind_days, receipt in DEFAULTS:
        Cadence.objects.get_or_create(
            test_kind=test_kind,
            defaults={
                "facility_kind": facility_kind,
                "every": every,
                "unit": unit,
                "remind_days": remind_days,
                "requires_police_receipt": receipt,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("facilities", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
