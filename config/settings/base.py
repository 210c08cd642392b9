"""Settings shared by every environment. Everything that differs comes from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_celery_beat",
    "axes",
    "pgtrigger",
    "pghistory",
    "core",
    "frontdesk",
    "repairs",
    "billing",
    "renovation",
    "duty",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.SlidingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (core.middleware): scripts only from our static files, never inline or eval'd;
# page scripts read server data from json_script / data- attributes. Styles allow inline `style=`
# attributes (Bootstrap layouts, Chart.js sizing) but no style is a script. Images may be data: URIs
# (Bootstrap's icons in its CSS).
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.navigation",
            ],
        },
    },
]

# PostgreSQL always. scripts/stack.py sets DATABASE_URL to the embedded server when none is given.
DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/frontdesk")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# History rows can be neither changed nor deleted (pghistory adds a protect trigger to event tables).
PGHISTORY_APPEND_ONLY = True

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions: idle timeout (sliding), rotated at login by django.contrib.auth.login.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
# Sliding idle timeout: core.middleware.SlidingSessionMiddleware re-saves the session (pushing its
# expiry) at most once per SESSION_TOUCH_SECONDS, instead of SESSION_SAVE_EVERY_REQUEST's write per request.
SESSION_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# django-axes: throttle password guessing per username and address, with a cool-off.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
# Uploaded files are served only through scoped views (core/media.py). Set to the web server's internal
# location (nginx ``internal``) and the view answers with X-Accel-Redirect; empty: Django streams the file.
MEDIA_ACCEL_REDIRECT = env("MEDIA_ACCEL_REDIRECT", default="")
# manage.py backup / restore_check (docs/operations.md): where backups go, how many are kept, and the
# PostgreSQL client tools to use (default: the embedded server's, then PATH)
BACKUP_DIR = env.path("BACKUP_DIR", default=str(BASE_DIR / "var" / "backups"))
BACKUP_KEEP = env.int("BACKUP_KEEP", default=14)
PG_BIN_DIR = env("PG_BIN_DIR", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# The vendored CJK font WeasyPrint embeds in every PDF (see core/pdf.py).
PDF_FONT_PATH = BASE_DIR / "static" / "fonts" / "wqy-microhei.ttc"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Redis: broker and cache. scripts/stack.py sets REDIS_URL to the embedded server when none is given.
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The database scheduler behind a PostgreSQL advisory lock: a second beat against the same database exits
CELERY_BEAT_SCHEDULER = "core.beat:SingleBeatScheduler"
# The queue every task goes to: two installations sharing one Redis give each its own name
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
# Periodic jobs (times in TIME_ZONE). The database scheduler copies these into its tables at start.
CELERY_BEAT_SCHEDULE = {
    "duty-roster-reminders": {"task": "duty.tasks.roster_reminders", "schedule": crontab(minute=0, hour=9)},
    "repairs-clock-sweep": {"task": "repairs.tasks.clock_sweep", "schedule": 60.0},
    # messages whose queueing was lost (Redis down when they were recorded): queued again, sent once
    "core-outbound-sweep": {"task": "core.tasks.outbound_sweep", "schedule": crontab(minute="*/5")},
    "core-exports-sweep": {"task": "core.tasks.exports_sweep", "schedule": crontab(minute="*/5")},
    "repairs-callback-reminders": {"task": "repairs.tasks.callback_reminders", "schedule": crontab(minute="*/15")},
    "billing-overdue-reminders": {"task": "billing.tasks.overdue_reminders", "schedule": crontab(minute=5)},
    # the collection rate's running totals checked against the bills themselves; a difference is logged at ERROR
    "billing-collection-totals-verify": {"task": "billing.tasks.collection_totals_verify",
                                         "schedule": crontab(minute=40, hour=3)},
    # ---- slips (issue 11): open release slips whose day has passed become expired (a late run catches up)
    "frontdesk-slips-expire": {"task": "frontdesk.tasks.slips_expire", "schedule": crontab(minute=10, hour="0-23/6")},
}
# ---- visitors (issue 11): no-shows hourly; the evening sweep of visitors never checked out at VISITOR_SWEEP_AT
VISITOR_SWEEP_AT = env("VISITOR_SWEEP_AT", default="22:00")  # HH:MM, local time (the night shift's handover)
CELERY_BEAT_SCHEDULE |= {
    "frontdesk-visitor-no-shows": {"task": "frontdesk.tasks.visitor_no_shows", "schedule": crontab(minute=7)},
    "frontdesk-visitor-sweep": {"task": "frontdesk.tasks.visitor_sweeps", "schedule": crontab(
        hour=int(VISITOR_SWEEP_AT.split(":")[0]), minute=int(VISITOR_SWEEP_AT.split(":")[1]))},
    # ---- parcels (issue 11) ----
    "frontdesk-parcels-sweep": {"task": "frontdesk.tasks.parcels_sweep", "schedule": crontab(minute="*/15")},
    # renovation (R3): permits ending, sites not inspected by 16:00, acceptance overdue, registered sources
    "renovation-reminders": {"task": "renovation.tasks.reminders_sweep", "schedule": crontab(minute="*/15")},
    "renovation-hotwork-sweep": {"task": "renovation.tasks.hotwork_sweep", "schedule": 60.0},
    # the daily summary (issue 13): freeze each community's day after its freeze time, e-mail the PDF once
    "frontdesk-summary-sweep": {"task": "frontdesk.tasks.summary_sweep", "schedule": crontab(minute="*/10")},
    # ---- notices (issue 12 §4): remind the desk once when a notice's posting period is over with copies still up
    "frontdesk-notices-take-down": {"task": "frontdesk.tasks.notices_take_down", "schedule": crontab(minute=20)},
}

# Outbound messages: one interface (core.notifications); the backends are chosen here.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="frontdesk@localhost")
SMS_GATEWAY = env("SMS_GATEWAY", default="core.notifications.LoggingSmsGateway")
SMS_GATEWAY_URL = env("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env("SMS_GATEWAY_TOKEN", default="")

# Public base URL used in QR codes on printed documents ("scan to verify").
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

LOGGING["loggers"]["weasyprint"] = {"level": "WARNING"}
LOGGING["loggers"]["fontTools"] = {"level": "WARNING"}
LOGGING["loggers"]["axes"] = {"level": "WARNING"}

# List exports (core.exports): above this many rows an export is built by a Celery task (a progress page
# and a download link) instead of streamed at once; the finished file is kept this many hours, then the
# beat's core-exports-sweep clears it (docs/operations.md).
EXPORT_TASK_THRESHOLD = env.int("EXPORT_TASK_THRESHOLD", default=2000)
EXPORT_KEEP_HOURS = env.int("EXPORT_KEEP_HOURS", default=24)
