"""Background work of the organisation app. Thin: load by id, call one service."""

from smtplib import SMTPException

from celery import shared_task

from branches import services


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=6,
)
def send_set_password_link(staff_id: int) -> bool:
    """Mail the one-time link. A rerun mails a second link; the first one used ends both (Django's token)."""
    return services.staff_password_link_send(staff_id=staff_id)
