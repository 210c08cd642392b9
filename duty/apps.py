from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "duty"
    verbose_name = _("Duty")

    def ready(self):
        from core.demo import register_demo_loader

        from . import demo

        register_demo_loader(50, "duty", demo.load)
