from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database (pg_dump, custom format) and the uploaded files; keep the newest BACKUP_KEEP."

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="where to write the backup (default: BACKUP_DIR)")
        parser.add_argument("--keep", type=int, help="how many backups to keep (default: BACKUP_KEEP)")

    def handle(self, *args, **options):
        try:
            folder = backup_create(directory=options["dir"], keep=options["keep"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup written: {folder}")
