"""Periodic jobs of the facilities ledger. Thin: one service; running twice reminds once a day."""

from celery import shared_task

from facilities.services import facility_tests_remind


@shared_task(name="facilities.remind_tests")
def remind_tests() -> int:
    """Daily: tests due soon or overdue go to the premises, long-overdue ones to the security department."""
    return facility_tests_remind()
