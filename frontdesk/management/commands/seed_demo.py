"""Load every app's demo data once (core.demo loaders, in order) and print the demo accounts.
Running it again changes nothing and prints the accounts again. The accounts are frontdesk's
(``frontdesk.demo``), so the command lives here: core imports no app."""

from django.core.management.base import BaseCommand
from django.db import connection

from core.demo import loaders
from frontdesk.demo import PASSWORD, accounts_banner


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print the demo accounts."

    def handle(self, *args, **options):
        # Planner statistics for the tables just filled, after the first loader (the rooms, people and
        # occupancies the later loaders read) and at the end: until autovacuum's first ANALYZE, a plan made on
        # none joins every room to every occupancy (the people export took 15 s for 3,620 people; the notices
        # loader's SMS recipients query ran for 15 minutes in a test that seeds inside one transaction).
        for n, (_name, load) in enumerate(loaders()):
            load(self.stdout)
            if n == 0:
                self._analyze()
        self._analyze()
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password {PASSWORD}):"))
        for line in accounts_banner():
            self.stdout.write(line)

    def _analyze(self):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
