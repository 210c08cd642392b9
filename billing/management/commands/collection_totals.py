from django.core.management.base import BaseCommand

from billing.selectors.collection import totals_differences
from billing.services.collection_totals import collection_totals_rebuild


class Command(BaseCommand):
    help = ("Check the collection rate's running totals against the bills, receipt lines, balance applications and "
            "waivers themselves; exit 1 on any difference. --rebuild rewrites them first.")

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="rewrite the totals from scratch, then check")

    def handle(self, *args, rebuild=False, **options):
        if rebuild:
            collection_totals_rebuild()
            self.stdout.write("Rebuilt the collection totals from the bills and moves.")
        differences = totals_differences()
        if not differences:
            self.stdout.write(self.style.SUCCESS("Collection totals: OK, equal to the bills and moves."))
            return
        for d in differences[:50]:
            self.stdout.write(self.style.ERROR(
                f"{d.what} community {d.community_id} building {d.building_id} {d.period:%Y-%m}"
                f"{f' moved {d.month:%Y-%m}' if d.month else ''}: kept {d.kept_count} {d.kept}, "
                f"from scratch {d.scratch_count} {d.scratch}"))
        self.stdout.write(self.style.ERROR(f"Collection totals: {len(differences)} differences "
                                           "(manage.py collection_totals --rebuild repairs them)."))
        raise SystemExit(1)
