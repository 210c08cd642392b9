from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self):
        from . import checks, panels

        panels.register()
        checks.register()
        from core.demo import register_demo_loader

        from . import demo

        register_demo_loader(50, "billing", demo.load)
