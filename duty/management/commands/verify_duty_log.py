from django.core.management.base import BaseCommand

from duty.selectors.log import verify_chain
from frontdesk.models import Community


class Command(BaseCommand):
    help = "Verify the duty log hash chain of every community (or --community CODE). Exit 1 when broken."

    def add_arguments(self, parser):
        parser.add_argument("--community", help="community code")

    def handle(self, *args, community=None, **options):
        communities = Community.objects.filter(code=community) if community else Community.objects.all()
        broken = False
        for c in communities.order_by("code"):
            report = verify_chain(community=c)
            if report.ok:
                self.stdout.write(f"{c.code} {c.name}: OK, {report.checked} entries")
            else:
                broken = True
                self.stdout.write(self.style.ERROR(f"{c.code} {c.name}: BROKEN at no. {report.broken_seq}: {report.problem}"))
        if broken:
            raise SystemExit(1)
