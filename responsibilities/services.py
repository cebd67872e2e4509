"""Writes of the responsibilities app. Views, tasks, the demo seed and admin call these.

Regulated rows (letters, templates, post duties, committee seats, duty days,
agreements) are saved row by row with a ``_change_reason`` so the audit trail sees
every change.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from branches.choices import Post, PremisesKind, UnitKind
from branches.models import Premises, Unit, User
from core.choices import SignatureKind
from core.leases import job_claim, job_renew
from core.services import attachment_create, notify, signature_sign, signatures_sign_batch
from responsibilities import content
from responsibilities.choices import LetterKind, LetterStatus, RoundStatus
from responsibilities.models import (
    Letter,
    LetterRound,
    LetterTemplate,
    PostDuty,
)
from safetybank.audit import set_reason
from safetybank.outbox import enqueue

# --------------------------------------------------------------------------- standard content


def _root_unit() -> Unit | None:
    return Unit.objects.filter(parent__isnull=True).order_by("pk").first()


def standard_content_ensure() -> None:
    """Load head office's standard templates and post duties where none exist yet (edits are kept)."""
    root = _root_unit()
    if root is None:
        return
    for kind, text in content.TEMPLATES.items():
        if not LetterTemplate.objects.filter(kind=kind).exists():
            template = LetterTemplate(kind=kind, owner_unit=root, **text)
            set_reason(template, "standard.content")
            template.save()
    for post, (duties, duties_en) in content.DUTIES.items():
        if not PostDuty.objects.filter(post=post).exists():
            duty = PostDuty(post=post, owner_unit=root, duties=duties, duties_en=duties_en)
            set_reason(duty, "standard.content")
            duty.save()


def letter_template_save(*, template: LetterTemplate, by: User, reason: str = "") -> LetterTemplate:
    """Save an edited template. Letters already issued keep the text they were issued with."""
    template.full_clean()
    set_reason(template, "letter_template.edit", by=by, typed=reason)
    template.save()
    return template


def post_duty_save(*, duty: PostDuty, by: User, reason: str = "") -> PostDuty:
    """Save a post's duties; they go into letters issued from now on (and into re-issued ones)."""
    duty.full_clean()
    set_reason(duty, "post_duty.edit", by=by, typed=reason)
    duty.save()
    return duty


# --------------------------------------------------------------------------- parties of a round

_PLACEHOLDER = re.compile(r"\{(year|issuer|party|post|duties)\}")


def _fill(text: str, values: dict) -> str:
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), text)


@dataclass
class Party:
    """Someone the issuing unit signs a letter with, and who signs for them."""

    key: str
    kind: str
    name: str
    unit: Unit
    premises: Premises | None
    signatory: User | None
    post: str
    party_unit: Unit | None = None
    party_premises: Premises | None = None
    party_user: User | None = None


def _department_head(department: Unit) -> User | None:
    staff = list(User.objects.filter(unit=department, is_active=True).order_by("employee_number", "pk"))
    preferred = [u for u in staff if u.post in (Post.SECURITY_DEPARTMENT, Post.HEAD_OFFICE_SECURITY)]
    return (preferred or staff or [None])[0]


def _premises_head(premises: Premises) -> User | None:
    for post in (Post.OUTLET_HEAD, Post.SECURITY_OFFICER):
        head = (
            User.objects.filter(home_premises=premises, post=post, is_active=True).order_by("employee_number").first()
        )
        if head:
            return head
    return None


def _unit_head(unit: Unit) -> User | None:
    return User.objects.filter(unit=unit, post=Post.PRESIDENT, is_active=True).order_by("employee_number").first()


def _under(path: str, excluded: list[str]) -> bool:
    return any(path.startswith(prefix) for prefix in excluded)


def round_parties(round: LetterRound) -> list[Party]:
    """Who the round's unit signs with: its departments, its subordinate units (safety production
    letter), its outlets and every active employee of its subtree.

    A part of the subtree whose unit runs its own round that year signs its outlets,
    departments and staff there; the parent still signs the safety production letter with it.
    Self-service banks, vaults and other unattended premises sign through their unit's staff.
    """
    unit = round.issuing_unit
    excluded = list(
        LetterRound.objects.filter(year=round.year, issuing_unit__path__startswith=unit.path)
        .exclude(issuing_unit=unit)
        .values_list("issuing_unit__path", flat=True)
    )
    parties: list[Party] = []
    for child in Unit.objects.filter(parent=unit).order_by("path"):
        if child.kind == UnitKind.DEPARTMENT:
            head = _department_head(child)
            parties.append(
                Party(
                    f"unit:{child.pk}",
                    LetterKind.DEPARTMENT,
                    child.name,
                    child,
                    None,
                    head,
                    head.post if head else "",
                    party_unit=child,
                )
            )
        else:
            parties.append(
                Party(
                    f"unit:{child.pk}",
                    LetterKind.SAFETY_PRODUCTION,
                    child.name,
                    child,
                    None,
                    _unit_head(child),
                    Post.PRESIDENT,
                    party_unit=child,
                )
            )
    outlets = Premises.objects.filter(
        unit__path__startswith=unit.path, is_active=True, kind=PremisesKind.OUTLET
    ).select_related("unit")
    for place in outlets:
        if _under(place.unit.path, excluded):
            continue
        parties.append(
            Party(
                f"premises:{place.pk}",
                LetterKind.PREMISES,
                place.name,
                place.unit,
                place,
                _premises_head(place),
                Post.OUTLET_HEAD,
                party_premises=place,
            )
        )
    staff = User.objects.filter(is_active=True, is_superuser=False, unit__path__startswith=unit.path).select_related(
        "unit", "home_premises"
    )
    for person in staff.order_by("unit__path", "employee_number", "pk"):
        if _under(person.unit.path, excluded):
            continue
        parties.append(
            Party(
                f"user:{person.pk}",
                LetterKind.EMPLOYEE,
                person.full_name or person.username,
                person.unit,
                person.home_premises,
                person,
                person.post,
                party_user=person,
            )
        )
    return parties


# --------------------------------------------------------------------------- issuing and reconciling


@dataclass
class SyncResult:
    issued: list[Letter] = field(default_factory=list)
    superseded: list[Letter] = field(default_factory=list)


def _post_label(post: str, language: str) -> str:
    if not post:
        return "—"
    with override(language):
        return str(Post(post).label)


def _letter_for(round: LetterRound, party: Party, templates: dict, duties: dict) -> Letter:
    template = templates[party.kind]
    duty = duties.get(party.post)
    zh = {
        "year": round.year,
        "issuer": round.issuing_unit.name,
        "party": party.name,
        "post": _post_label(party.post, "zh-hans"),
        "duties": duty.duties if duty else "—",
    }
    en = {**zh, "post": _post_label(party.post, "en"), "duties": (duty.duties_en or duty.duties) if duty else "—"}
    letter = Letter(
        round=round,
        year=round.year,
        kind=party.kind,
        template=template,
        issuing_unit=round.issuing_unit,
        party_unit=party.party_unit,
        party_premises=party.party_premises,
        party_user=party.party_user,
        party_key=party.key,
        party_name=party.name[:150],
        signatory=party.signatory,
        post=party.post,
        unit=party.unit,
        premises=party.premises,
        title=_fill(template.title, zh)[:150],
        title_en=_fill(template.title_en, en)[:150],
        text=_fill(template.body, zh),
        text_en=_fill(template.body_en, en) if template.body_en else "",
    )
    set_reason(letter, "letter.issue")
    letter.save()
    return letter


def _is_stale(letter: Letter, party: Party) -> bool:
    """A person's letter no longer fits after a transfer or a change of post."""
    if letter.kind != LetterKind.EMPLOYEE:
        return False
    person = party.party_user
    return (
        letter.post != person.post or letter.unit_id != person.unit_id or letter.premises_id != person.home_premises_id
    )


def _supersede(letter: Letter, reason: str) -> None:
    letter.status = LetterStatus.SUPERSEDED
    letter.superseded_at = timezone.now()
    set_reason(letter, reason)
    letter.save()


def letters_sync(*, round: LetterRound, progress: Callable[[int], None] | None = None) -> SyncResult:
    """Bring a round's letters in line with the organisation today; running it twice changes nothing.

    Issues the letters that are missing (new staff, new outlets), supersedes a person's
    letter after a transfer or a change of post and issues the new one, and supersedes
    letters of parties that moved out of the round (people who left keep their letter:
    unsigned ones show on the orphaned-items page). An unsigned letter whose signatory
    changed (a new outlet head) passes to the new one.
    """
    standard_content_ensure()
    templates = {t.kind: t for t in LetterTemplate.objects.all()}
    duties = {d.post: d for d in PostDuty.objects.all()}
    parties = round_parties(round)
    result = SyncResult()
    current = {
        letter.party_key: letter
        for letter in Letter.objects.current().filter(year=round.year, party_key__in=[p.key for p in parties])
    }
    total = max(len(parties), 1)
    for index, party in enumerate(parties, start=1):
        with transaction.atomic():
            letter = current.get(party.key)
            if letter is not None and letter.round_id != round.pk and not _is_stale(letter, party):
                continue  # another round (a more specific unit) covers this party
            if letter is not None and _is_stale(letter, party):
                _supersede(letter, "letter.post_changed")
                result.superseded.append(letter)
                replaced, letter = letter, None
            else:
                replaced = None
            if letter is None:
                new = _letter_for(round, party, templates, duties)
                result.issued.append(new)
                if replaced is not None:
                    replaced.superseded_by = new
                    set_reason(replaced, "letter.supersede")
                    replaced.save()
            elif letter.status == LetterStatus.ISSUED and letter.signatory_id != (
                party.signatory.pk if party.signatory else None
            ):
                letter.signatory = party.signatory
                set_reason(letter, "letter.signatory")
                letter.save()
        if progress and (index % 10 == 0 or index == total):
            progress(int(index * 100 / total))
    # Parties that left the round: moved to another unit, outlet closed, department dissolved.
    keys = {p.key for p in parties}
    for letter in round.letters.current().exclude(party_key__in=keys).select_related("party_user"):
        person = letter.party_user
        if person is not None and not person.is_active:
            continue
        with transaction.atomic():
            _supersede(letter, "letter.not_a_party")
        result.superseded.append(letter)
    return result


def round_request(*, unit: Unit, year: int, by: User) -> LetterRound:
    """Ask for a unit's letters of a year; they are issued in the background after commit.

    Asking again re-runs the same idempotent issue (nothing is duplicated).
    """
    if unit.is_department:
        raise ValidationError(_("Letters are issued by a unit, not by a department."))
    today = timezone.localdate()
    if year not in (today.year, today.year + 1):
        raise ValidationError(_("Letters can be issued for this year or next year only."))
    with transaction.atomic():
        round, created = LetterRound.objects.select_for_update().get_or_create(
            issuing_unit=unit, year=year, defaults={"requested_by": by}
        )
        if not created:
            if round.status == RoundStatus.RUNNING and round.lease_until and round.lease_until > timezone.now():
                raise ValidationError(_("This round is being issued right now."))
            round.status = RoundStatus.PENDING
            round.progress = 0
            round.requested_by = by
            round.requested_at = timezone.now()
            round.error = ""
            round.lease_until, round.attempts = None, 0
            set_reason(round, "round.request_again", by=by)
            round.save()
        from responsibilities.tasks import issue_round

        enqueue(issue_round, round.pk)
    return round


def round_run(*, round_id: int) -> bool:
    """Issue a requested round. Claimed under a lease (``core.leases``): a second delivery backs off
    while the first worker lives; a round whose worker was killed is claimed again after its lease
    ran out and issued from the start (``letters_sync`` never duplicates a letter)."""
    if not job_claim(LetterRound, round_id):
        return False
    round = LetterRound.objects.select_related("issuing_unit").get(pk=round_id)
    round.status, round.progress = RoundStatus.RUNNING, 1
    set_reason(round, "round.run")
    round.save(update_fields=["status", "progress"])

    def progress(percent: int) -> None:
        job_renew(LetterRound, round_id, progress=max(1, min(percent, 99)))  # progress and lease are not audited

    try:
        letters_sync(round=round, progress=progress)
    except Exception as exc:
        round.refresh_from_db()
        round.status, round.error, round.finished_at = RoundStatus.FAILED, str(exc)[:2000], timezone.now()
        round.lease_until = None
        set_reason(round, "round.fail")
        round.save()
        raise
    round.refresh_from_db()
    round.status, round.progress, round.finished_at = RoundStatus.DONE, 100, timezone.now()
    round.issued_count = round.letters.current().count()
    round.lease_until = None
    set_reason(round, "round.done")
    round.save()
    return True


def letters_reconcile(*, year: int | None = None) -> SyncResult:
    """The daily job: every issued round of the year is brought up to date (new staff, transfers)."""
    year = year or timezone.localdate().year
    total = SyncResult()
    rounds = LetterRound.objects.filter(year=year, status=RoundStatus.DONE).select_related("issuing_unit")
    # Deeper units first, so a person who moved into a unit with its own round is issued there.
    for round in sorted(rounds, key=lambda r: -r.issuing_unit.depth):
        result = letters_sync(round=round)
        total.issued += result.issued
        total.superseded += result.superseded
    return total


# --------------------------------------------------------------------------- signing


def _same_name(a: str, b: str) -> bool:
    return "".join(a.split()).casefold() == "".join(b.split()).casefold()


def letter_sign(*, letter: Letter, by: User, typed_name: str, ip: str | None = None):
    """The signatory signs the letter they have read, typing their full name.

    The signature covers ``letter.signing_content`` (its frozen text), so a later edit
    of the template can never change what was signed.
    """
    expected = by.full_name or by.username
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter.pk)
        if letter.status != LetterStatus.ISSUED:
            raise ValidationError(_("This letter is not waiting for a signature."))
        if letter.signatory_id != by.pk:
            raise ValidationError(_("Only the signatory named on the letter can sign it."))
        if not _same_name(typed_name or "", expected):
            raise ValidationError(
                _("Type your full name exactly as it is written: %(name)s.") % {"name": expected}, code="name"
            )
        signature = signature_sign(
            subject=letter, kind=SignatureKind.LETTER, signer=by, content=letter.signing_content, ip=ip
        )
        letter.status = LetterStatus.SIGNED
        letter.signed_at = signature.signed_at
        letter.signed_name = typed_name.strip()[:100]
        set_reason(letter, "letter.sign", by=by)
        letter.save()
    return signature


def letter_record_paper(*, letter: Letter, by: User, scan, signed_on: datetime.date) -> Letter:
    """Record a letter signed on paper, with its scan, instead of an on-screen signature."""
    if signed_on > timezone.localdate():
        raise ValidationError(_("The signing date cannot be in the future."))
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter.pk)
        if letter.status != LetterStatus.ISSUED:
            raise ValidationError(_("This letter is not waiting for a signature."))
        attachment_create(owner=letter, upload=scan, by=by)
        letter.status = LetterStatus.SIGNED
        letter.on_paper = True
        letter.signed_at = timezone.make_aware(datetime.datetime.combine(signed_on, datetime.time(12)))
        letter.recorded_by = by
        set_reason(letter, "letter.paper", by=by)
        letter.save()
    return letter


def _countersign_post(by: User, unit: Unit) -> str:
    """The head of the issuing unit: its president, or whoever acts as its president today."""
    if by.post == Post.PRESIDENT and by.unit_id == unit.pk:
        return Post.PRESIDENT
    today = timezone.localdate()
    if by.actings.filter(post=Post.PRESIDENT, unit=unit, start_date__lte=today, end_date__gte=today).exists():
        return Post.PRESIDENT
    raise ValidationError(_("Only the head of %(unit)s can countersign its letters.") % {"unit": unit})


def round_countersign(*, round: LetterRound, by: User, ip: str | None = None) -> int:
    """The issuing unit's head countersigns every signed letter of the round in one action.

    One transaction; letters already countersigned are left alone, so a double click
    changes nothing. Returns the number countersigned now.
    """
    post = _countersign_post(by, round.issuing_unit)
    with transaction.atomic():
        letters = list(round.letters.select_for_update().filter(status=LetterStatus.SIGNED).order_by("pk"))
        if not letters:
            raise ValidationError(_("No signed letter is waiting for a countersignature."))
        result = signatures_sign_batch(
            items=[(letter, letter.signing_content) for letter in letters],
            kind=SignatureKind.COUNTERSIGN,
            signer=by,
            ip=ip,
            post=post if post != by.post else None,
        )
        now = timezone.now()
        for letter in letters:
            letter.status = LetterStatus.COUNTERSIGNED
            letter.countersigned_at = now
            letter.countersigned_by = by
            set_reason(letter, "letter.countersign", by=by)
            letter.save()
    return len(result.signed)


def letters_remind(*, letters: Iterable[Letter]) -> int:
    """Remind each signatory of an unsigned letter (at most once a day per letter)."""
    sent = 0
    for letter in letters:
        person = letter.signatory
        if letter.status != LetterStatus.ISSUED or person is None or not person.is_active:
            continue
        made = notify(
            user=person,
            kind="letter.unsigned",
            obj=letter,
            title=gettext_lazy("Please sign your %(year)s responsibility letter"),
            body=gettext_lazy("Your responsibility letter from %(issuer)s is waiting for your signature."),
            params={"year": letter.year, "issuer": letter.issuing_unit.name},
            url=letter.get_absolute_url(),
        )
        sent += made is not None
    return sent


def letters_remind_unsigned(*, year: int | None = None) -> int:
    """Remind every signatory of an unsigned letter of the year (the weekly job)."""
    year = year or timezone.localdate().year
    letters = Letter.objects.filter(year=year, status=LetterStatus.ISSUED).select_related("signatory", "issuing_unit")
    return letters_remind(letters=letters)
