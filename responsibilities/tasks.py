"""Background and periodic jobs. Thin: each takes ids, calls one service, and running it twice does nothing more."""

from celery import shared_task

from responsibilities import arrangements, services


@shared_task(name="responsibilities.issue_round")
def issue_round(round_id: int) -> bool:
    return services.round_run(round_id=round_id)


@shared_task(name="responsibilities.reconcile_letters")
def reconcile_letters() -> dict:
    """Daily: letters for new staff, new letters after a transfer or a change of post."""
    result = services.letters_reconcile()
    return {"issued": len(result.issued), "superseded": len(result.superseded)}


@shared_task(name="responsibilities.remind_unsigned")
def remind_unsigned() -> int:
    """Weekly: everyone with an unsigned letter of this year is reminded."""
    return services.letters_remind_unsigned()


@shared_task(name="responsibilities.roster_gaps")
def roster_gaps() -> int:
    return arrangements.roster_gaps_notify()


@shared_task(name="responsibilities.agreements_expiring")
def agreements_expiring() -> int:
    return arrangements.agreements_remind_expiring()
