"""Demo data: this year's letters (most signed, some not), committees, post duties, a duty
roster over the next holidays and weekends with one gap, and joint-defence agreements
(one about to expire). Idempotent on the same day; on a later day it rolls forward."""

from __future__ import annotations

import datetime
import zlib

from django.core.exceptions import ValidationError

from branches.choices import Post, UnitKind
from branches.demo import SeedContext, seed_step
from branches.models import Unit, User
from responsibilities import selectors, services
from responsibilities.choices import CommitteeRole, LetterStatus, PartyKind, RoundStatus
from responsibilities.models import CommitteeMember, DutyDay, JointDefenceAgreement, Letter, LetterRound

# Letters the demo leaves for the demo logins to sign themselves.
LEFT_UNSIGNED = {"officer", "outlethead"}


def _unsigned_by_chance(key: str) -> bool:
    """About one letter in six stays unsigned; fixed per party, so every run agrees."""
    return zlib.crc32(key.encode()) % 6 == 0


@seed_step
def seed_letters(ctx: SeedContext) -> None:
    services.standard_content_ensure()
    year = ctx.today.year
    issuers = {"HO": "headoffice", "B1": "security", "B2": "security"}
    rounds = []
    for code, username in issuers.items():
        requester = ctx.staff.get(username) or User.objects.get(username=username)
        rounds.append(
            ctx.upsert(
                LetterRound,
                {"issuing_unit": Unit.objects.get(code=code), "year": year},
                {"requested_by": requester, "status": RoundStatus.DONE, "progress": 100},
            )
        )
    for round in sorted(rounds, key=lambda r: -r.issuing_unit.depth):
        result = services.letters_sync(round=round)
        if result.issued:
            ctx.stats["letter", "created"] += len(result.issued)
        count = round.letters.current().count()
        if round.issued_count != count:
            ctx.upsert(LetterRound, {"pk": round.pk}, {"issued_count": count})
    waiting = Letter.objects.filter(year=year, status=LetterStatus.ISSUED, signatory__isnull=False).select_related(
        "signatory"
    )
    for letter in waiting:
        person = letter.signatory
        if person.username in LEFT_UNSIGNED or _unsigned_by_chance(letter.party_key):
            continue
        services.letter_sign(letter=letter, by=person, typed_name=person.full_name, ip="10.0.0.1")
        ctx.stats["letter", "updated"] += 1
    # Branch 2's president has countersigned; branch 1's round waits for ``president``.
    b2 = next(r for r in rounds if r.issuing_unit.code == "B2")
    head = User.objects.filter(unit=b2.issuing_unit, post=Post.PRESIDENT, is_active=True).first()
    if head is not None:
        try:
            services.round_countersign(round=b2, by=head, ip="10.0.0.1")
            ctx.stats["letter", "updated"] += 1
        except ValidationError:
            pass  # nothing signed since the last run


@seed_step
def seed_committees(ctx: SeedContext) -> None:
    start = datetime.date(ctx.today.year, 1, 1)
    for unit in Unit.objects.filter(kind__in=(UnitKind.HEAD_OFFICE, UnitKind.BRANCH, UnitKind.SUB_BRANCH)):
        seats = [(u, CommitteeRole.DIRECTOR) for u in User.objects.filter(unit=unit, post=Post.PRESIDENT)]
        seats += [(u, CommitteeRole.DEPUTY) for u in User.objects.filter(unit=unit, post=Post.LEADER_IN_CHARGE)]
        security = User.objects.filter(
            unit__parent=unit, post__in=(Post.SECURITY_DEPARTMENT, Post.HEAD_OFFICE_SECURITY), is_active=True
        )
        seats += [(u, CommitteeRole.MEMBER) for u in security]
        heads = User.objects.filter(unit=unit, post=Post.OUTLET_HEAD, is_active=True)
        seats += [(u, CommitteeRole.MEMBER) for u in heads]
        for user, role in seats:
            ctx.upsert(CommitteeMember, {"unit": unit, "user": user, "role": role}, {"start_date": start})


@seed_step
def seed_roster(ctx: SeedContext) -> None:
    """Eight weeks of holidays and weekends for every branch and sub-branch; 城关支行 misses one day."""
    end = ctx.today + datetime.timedelta(weeks=8)
    for unit in Unit.objects.filter(kind__in=(UnitKind.BRANCH, UnitKind.SUB_BRANCH)).order_by("code"):
        leaders = list(
            User.objects.filter(unit=unit, post__in=(Post.PRESIDENT, Post.LEADER_IN_CHARGE), is_active=True)
        ) or list(User.objects.filter(unit__parent=unit, is_active=True).order_by("employee_number")[:2])
        if not leaders:
            continue
        days = [row.date for row in selectors.roster_of(unit=unit, start=ctx.today, end=end)]
        gap = days[1] if unit.code == "S1A" and len(days) > 1 else None
        for index, day in enumerate(days):
            if day == gap:
                continue
            leader = leaders[index % len(leaders)]
            ctx.upsert(DutyDay, {"unit": unit, "date": day}, {"leader": leader, "phone": leader.phone or unit.phone})


@seed_step
def seed_agreements(ctx: SeedContext) -> None:
    year = ctx.today.year
    for unit in Unit.objects.filter(kind=UnitKind.SUB_BRANCH).order_by("code"):
        town = unit.name.removesuffix("支行")
        contact = (
            User.objects.filter(unit=unit, post=Post.PRESIDENT).first()
            or User.objects.filter(unit__parent=unit).first()
        )
        if contact is None:
            continue
        expiring = unit.code == "S1A"
        ctx.upsert(
            JointDefenceAgreement,
            {"unit": unit, "party_name": f"{town}派出所"},
            {
                "party_kind": PartyKind.POLICE_STATION,
                "party_contact": "王警官",
                "party_phone": "110",
                "our_contact": contact,
                "signed_on": datetime.date(year - 1, 1, 8) if expiring else datetime.date(year, 1, 6),
                "expires_on": ctx.today + datetime.timedelta(days=20) if expiring else datetime.date(year, 12, 31),
                "terms": "派出所每月对支行治安保卫工作进行业务指导和检查；支行遇侵害时派出所优先出警。",
            },
        )
        ctx.upsert(
            JointDefenceAgreement,
            {"unit": unit, "party_name": f"{town}居委会"},
            {
                "party_kind": PartyKind.RESIDENTS_COMMITTEE,
                "party_contact": "刘主任",
                "our_contact": contact,
                "signed_on": datetime.date(year, 1, 10),
                "expires_on": datetime.date(year + 1, 1, 9),
                "terms": "发现可疑人员和情况相互通报，在条件允许时协助网点采取防范措施。",
            },
        )
