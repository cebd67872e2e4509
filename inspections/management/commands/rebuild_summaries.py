from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from inspections.models import InspectionCycle
from inspections.summaries import rebuild_month, rebuild_recent
from safetybank.params import parse_month


class Command(BaseCommand):
    help = (
        "Recompute the dashboards' summary tables from the raw assignments and checks. Safe to repeat. "
        "Default: the last two months and the next (what the nightly job does); --all: every opened cycle."
    )

    def add_arguments(self, parser):
        parser.add_argument("months", nargs="*", help="YYYY-MM months to rebuild")
        parser.add_argument("--all", action="store_true", help="every month with an opened cycle (after a restore)")

    def handle(self, *args, months=(), all=False, **options):
        try:
            wanted = [parse_month(m) for m in months]
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        if all:
            wanted = list(InspectionCycle.objects.order_by("month").values_list("month", flat=True))
        if wanted:
            done = [(m, *rebuild_month(m)) for m in wanted]
        else:
            done = rebuild_recent(today=timezone.localdate())
        for month, compliance, daily in done:
            self.stdout.write(f"{month:%Y-%m}: {compliance} compliance rows, {daily} daily rows.")
