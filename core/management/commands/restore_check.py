from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore_check


class Command(BaseCommand):
    help = ("Restore the newest backup into a scratch database and verify it: checksum, row counts, triggers, "
            "uploaded files and every app's integrity checks. Exits non-zero when anything is wrong.")

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="the backup folder (default: BACKUP_DIR)")
        parser.add_argument("--keep-database", action="store_true", help="leave the scratch database for inspection")

    def handle(self, *args, **options):
        try:
            report = restore_check(directory=options["dir"], keep_database=options["keep_database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup: {report.backup}")
        for line in report.passed:
            self.stdout.write(f"  ok    {line}")
        for line in report.problems:
            self.stdout.write(f"  FAIL  {line}")
        if not report.ok:
            raise CommandError(f"restore check failed: {len(report.problems)} problem(s)")
        self.stdout.write("restore check passed")
