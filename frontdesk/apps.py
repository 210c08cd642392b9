from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrontdeskConfig(AppConfig):
    name = "frontdesk"
    verbose_name = _("Front desk")

    def ready(self):
        from core.demo import register_demo_loader

        from . import demo_data

        register_demo_loader(10, "frontdesk", demo_data.load)
