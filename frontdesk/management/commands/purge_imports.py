import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from frontdesk.imports.batches import batch_purge


class Command(BaseCommand):
    help = ("Delete import uploads (MEDIA_ROOT/imports: the file, its sidecar and its kept check) uploaded more than "
            "--days days ago (default 7): they hold ID numbers and phones. Prints each batch it removes.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="keep the batches of the last DAYS days (default 7)")
        parser.add_argument("--dry-run", action="store_true", help="only print what would be removed")

    def handle(self, *args, days, dry_run, **options):
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        purged = batch_purge(older_than=datetime.timedelta(days=days), dry_run=dry_run)
        verb = "Would remove" if dry_run else "Removed"
        for batch in purged:
            uploaded = timezone.localtime(batch.created_at).strftime("%Y-%m-%d %H:%M")
            what = (f"{batch.original_name} ({batch.kind}, {batch.status}, uploaded {uploaded})" if batch.kind
                    else f"(no readable sidecar; files last changed {uploaded})")
            self.stdout.write(f"{verb} {batch.id}: {what}, {len(batch.files)} file(s)")
        if purged:
            files = sum(len(b.files) for b in purged)
            self.stdout.write(self.style.SUCCESS(
                f"{verb} {len(purged)} batch(es), {files} file(s), uploaded more than {days} day(s) ago."))
        else:
            self.stdout.write(f"Nothing to remove: no import batch is older than {days} day(s).")
