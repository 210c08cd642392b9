"""Load every app's demo data once (core.demo loaders, in order) and print the demo accounts.
Running it again changes nothing and prints the accounts again. The accounts are frontdesk's
(``frontdesk.demo``), so the command lives here: core imports no app."""

from django.core.management.base import BaseCommand

from core.demo import loaders
from frontdesk.demo import PASSWORD, accounts_banner


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print the demo accounts."

    def handle(self, *args, **options):
        for _name, load in loaders():
            load(self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password {PASSWORD}):"))
        for line in accounts_banner():
            self.stdout.write(line)
