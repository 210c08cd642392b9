import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

from core.memory import freeze_after_warmup  # noqa: E402  (Django is set up only now)

freeze_after_warmup()
