"""Background work of the dashboards. Thin: each calls one selector; running twice does nothing more."""

import datetime

from celery import shared_task
from django.utils import translation

from branches.models import Unit, User
from dashboards.selectors import cached_dashboard


@shared_task(name="dashboards.refresh_dashboard")
def refresh_dashboard(user_id: int, unit_id: int, month: str, today: str, language: str) -> bool:
    """Compute a dashboard page whose figures moved on, while its readers see the previous one. Nothing
    for someone who left or lost sight of the unit since (scope is read again here)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    unit = Unit.objects.for_user(user).filter(pk=unit_id).first() if user else None
    if unit is None:
        return False
    with translation.override(language):
        cached_dashboard(
            user=user,
            unit=unit,
            month=datetime.date.fromisoformat(month),
            today=datetime.date.fromisoformat(today),
        )
    return True
