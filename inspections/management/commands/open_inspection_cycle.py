from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from inspections.cycles import cycle_open, default_month
from safetybank.params import parse_month


class Command(BaseCommand):
    help = "Open a month's inspection cycle and create its assignments (default: next month). Safe to repeat."

    def add_arguments(self, parser):
        parser.add_argument("month", nargs="?", help="YYYY-MM; default: the next month in local time")

    def handle(self, *args, month=None, **options):
        if month:
            try:
                first = parse_month(month)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
        else:
            first = default_month()
        cycle, created = cycle_open(month=first)
        self.stdout.write(f"Cycle {cycle}: {created} new assignments, {cycle.assignments.count()} in all.")
