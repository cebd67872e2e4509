from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, backup_create, backup_dir


class Command(BaseCommand):
    help = "Write the database and the uploaded files into one dated archive (see core/backups.py)."

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", type=Path, default=None, help="Default: BACKUP_DIR (var/backups).")
        parser.add_argument("--database", default="default")

    def handle(self, *args, output_dir=None, database="default", **options):
        try:
            path = backup_create(output_dir=output_dir or backup_dir(), alias=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(path))
