"""What this app registers with the shared mechanisms: "my tasks", orphaned items and how its
attachments (letter scans, agreement scans) are opened."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.orphans import OrphanItem, register_orphan_provider
from branches.permissions import can
from core.attachment_owners import register_attachment_owner
from core.tasks_registry import TaskItem, register_task_provider
from responsibilities import selectors
from responsibilities.choices import LetterStatus
from responsibilities.models import JointDefenceAgreement, Letter

SIGNING_DAYS = 14  # a letter is due two weeks after it was issued


def responsibility_tasks(user) -> list[TaskItem]:
    items = []
    for letter in selectors.letters_to_sign(user=user):
        items.append(
            TaskItem(
                title=_("Sign: %(title)s") % {"title": letter.display_title},
                url=letter.get_absolute_url(),
                due=timezone.localdate(letter.issued_at) + datetime.timedelta(days=SIGNING_DAYS),
                source=_("Responsibility letters"),
                detail=letter.issuing_unit.name,
                kind="letter.sign",
                kind_label=_("Letters to sign"),
            )
        )
    if can(user, "letter.countersign"):
        for round in selectors.rounds_to_countersign(user=user):
            items.append(
                TaskItem(
                    title=_("Countersign the %(year)s letters of %(unit)s")
                    % {"year": round.year, "unit": round.issuing_unit},
                    url=round.get_absolute_url(),
                    source=_("Responsibility letters"),
                    kind="letter.countersign",
                    kind_label=_("Letters to countersign"),
                    decision=True,
                )
            )
    if can(user, "roster.manage"):
        today = timezone.localdate()
        end = today + datetime.timedelta(days=14)
        units = list(selectors.roster_units(user=user).filter(pk__in=_own_units(user)))
        gaps_of = selectors.roster_gaps_by_unit(units=units, start=today, end=end)
        for unit in units:
            gaps = gaps_of[unit.pk]
            if gaps:
                items.append(
                    TaskItem(
                        title=_("Arrange a leader on duty at %(unit)s") % {"unit": unit},
                        url=f"{reverse('responsibilities:roster')}?unit={unit.pk}",
                        due=gaps[0],
                        source=_("Duty roster"),
                        detail=", ".join(f"{d:%m-%d}" for d in gaps),
                    )
                )
    for agreement in selectors.agreements_expiring(user=user).filter(our_contact=user):
        items.append(
            TaskItem(
                title=_("Renew the joint-defence agreement with %(party)s") % {"party": agreement.party_name},
                url=agreement.get_absolute_url(),
                due=agreement.expires_on,
                source=_("Joint defence"),
            )
        )
    return items


def _own_units(user) -> list[int]:
    """The units whose roster a manager keeps: the unit they work for and those directly below it."""
    if user.unit is None:
        return []
    root = user.unit.scope_root
    return [root.pk, *root.children.values_list("pk", flat=True)]


def unsigned_letters_of_people_who_left(user, left_people) -> list[OrphanItem]:
    from responsibilities.models import Letter

    letters = (
        Letter.objects.for_user(user)
        .filter(signatory__in=left_people, status=LetterStatus.ISSUED)
        .select_related("signatory")
    )
    return [
        OrphanItem(
            owner=letter.signatory,
            kind=_("Unsigned responsibility letter"),
            title=f"{letter.display_title} · {letter.party_name}",
            url=letter.get_absolute_url(),
        )
        for letter in letters
    ]


def register() -> None:
    register_task_provider(responsibility_tasks)
    register_orphan_provider(unsigned_letters_of_people_who_left)
    register_attachment_owner(Letter, selectors.letters_for, action="letter.view")
    register_attachment_owner(JointDefenceAgreement, selectors.agreements_for, action="agreement.view")
