"""Periodic jobs of drills. Thin: each calls one service; running twice reminds once."""

from celery import shared_task

from drills.services import drill_rules_remind, drills_remind_upcoming


@shared_task(name="drills.remind_upcoming")
def remind_upcoming() -> int:
    """Daily: a week before a planned drill, its organiser and the premises' leads are told."""
    return drills_remind_upcoming()


@shared_task(name="drills.remind_rules")
def remind_rules() -> int:
    """Daily: 30 days before a drill rule would be missed, the security department is told."""
    return drill_rules_remind()
