"""`python manage.py seed_demo`: build or roll forward the demo bank (see branches/demo.py)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from branches.demo import DEMO_LOGINS, seed_demo


class Command(BaseCommand):
    help = "Build the demo rural commercial bank, or bring it up to today. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG=0 (a production setting).")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG=0 looks like production: seed_demo refuses to add demo people and passwords there. "
                "Use --force if you really mean it."
            )
        started = time.monotonic()
        ctx = seed_demo()
        elapsed = time.monotonic() - started
        by_model: dict[str, dict[str, int]] = {}
        for (model, action), count in sorted(ctx.stats.items()):
            by_model.setdefault(model, {})[action] = count
        for model, counts in by_model.items():
            parts = ", ".join(f"{action} {n}" for action, n in counts.items())
            self.stdout.write(f"  {model}: {parts}")
        self.stdout.write(self.style.SUCCESS(f"Demo bank ready on {ctx.today} in {elapsed:.1f} s."))
        self.stdout.write(f"Demo logins (password {settings.SEED_DEMO_PASSWORD}):")
        for username, (*_place, description) in DEMO_LOGINS.items():
            self.stdout.write(f"  {username:<12} {description}")
