"""New standard checklist items with stable codes (issue 18, from the banks' year-end summaries):
water, electricity and gas valves closed after business; a teller's temporary sign-out; noon
and holiday staffing; morning/noon/evening spot checks.

A fresh installation gets them in version 1 (``inspections/content/checklists.py``). An existing
one gets them the way head office revises a checklist: a new version with every item of the
latest one and these at the end; versions already used by inspections are never changed.
"""

from django.db import migrations

C, F, K = "civil", "fire", "cash"
NEW_ITEMS = {
    "DAILY-CLOSE": [
        ("CLS-21", F, "水、电、气阀门关闭", "Water, electricity and gas valves closed"),
    ],
    "WEEKLY-CONTRACT": [
        (
            "WK-13",
            K,
            "柜员临时离岗执行“签退”：印章、现金箱上锁，终端退出",
            "A teller leaving the post signs out: seals and cash box locked, terminal logged out",
        ),
        (
            "WK-14",
            C,
            "午间、节假日网点有负责人带班，人员在岗",
            "At noon and on holidays a responsible person leads the outlet and staff are at their posts",
        ),
        (
            "WK-15",
            C,
            "早、中、晚时段抽查关键岗位、关键人员",
            "Morning, noon and evening spot checks of key posts and key people",
        ),
    ],
}
NOTE = "Standard content: valves, teller sign-out, noon and holiday staffing, spot checks"
ITEM_FIELDS = ("code", "defence", "text", "text_en", "guidance", "guidance_en", "answer_type", "photo_on_fail")


def add_items(apps, schema_editor=None) -> int:
    """Add the items to each installed template's latest version as a new version. Idempotent."""
    ChecklistTemplate = apps.get_model("inspections", "ChecklistTemplate")
    ChecklistVersion = apps.get_model("inspections", "ChecklistVersion")
    ChecklistItem = apps.get_model("inspections", "ChecklistItem")
    added = 0
    for code, items in NEW_ITEMS.items():
        template = ChecklistTemplate.objects.filter(code=code).first()
        latest = template and ChecklistVersion.objects.filter(template=template).order_by("-number").first()
        if latest is None:
            continue  # not installed yet: standard_content_install brings the items in version 1
        old = list(ChecklistItem.objects.filter(version=latest).order_by("order", "pk"))
        have = {item.code for item in old}
        missing = [item for item in items if item[0] not in have]
        if not missing:
            continue
        version = ChecklistVersion.objects.create(template=template, number=latest.number + 1, note=NOTE)
        rows = [
            ChecklistItem(version=version, order=order, **{f: getattr(item, f) for f in ITEM_FIELDS})
            for order, item in enumerate(old, start=1)
        ]
        rows += [
            ChecklistItem(version=version, code=c, defence=d, text=zh, text_en=en, order=len(old) + n)
            for n, (c, d, zh, en) in enumerate(missing, start=1)
        ]
        ChecklistItem.objects.bulk_create(rows)
        added += len(missing)
    return added


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0005_handoff_acknowledgement_and_message_codes"),
    ]

    operations = [migrations.RunPython(add_items, migrations.RunPython.noop)]
