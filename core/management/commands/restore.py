from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = "Bring a backup archive back into an empty install: database and uploaded files."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--database", default="default")
        parser.add_argument("--force", action="store_true", help="Overwrite a database or media folder in use.")

    def handle(self, *args, archive, database="default", force=False, **options):
        try:
            manifest = backup_restore(archive=archive, alias=database, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{archive}: database and {len(manifest['media'])} files restored")
