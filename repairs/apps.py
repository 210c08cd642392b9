from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairsConfig(AppConfig):
    name = "repairs"
    verbose_name = _("Repairs and complaints")

    def ready(self):
        from core.demo import register_demo_loader

        from . import demo, panels

        register_demo_loader(40, "repairs", demo.load)
        panels.register()
        from billing import interface as billing_interface

        from . import charges

        billing_interface.register_charge_source(charges.charge_source())  # moves to repairs/extensions.py at merge
