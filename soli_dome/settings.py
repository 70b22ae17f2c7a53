"""Settings for the Soli'dôme platform, read from the environment.

The defaults are safe for development: SQLite in ``var/``, the e-mail console, Celery on the
file system. Production sets ``DEBUG=false`` and then must provide ``SECRET_KEY``,
``ALLOWED_HOSTS``, ``DATABASE_URL`` and ``CELERY_BROKER_URL`` (see the README's table).
"""

import os
from decimal import Decimal
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
# Local state of the embedded default: the SQLite file, Celery's folders, collected statics.
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default):
    return int(os.environ.get(name) or default)


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "soli_dome.admin_apps.SoliDomeAdminConfig",  # django.contrib.admin, behind allauth
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "soli_dome.users",
    "soli_dome.audit",
    "soli_dome.notifications",
    "beneficiaries",
    "partners",
    "accompaniment",
]

# Order matters. Security headers first, on every answer (static files included); WhiteNoise
# serves static files before any session is read. The CSP and no-store middlewares wrap all
# that follows, so that even a redirect or an error page of a logged-in person is covered.
# Sessions, then the language, then the user (AuthenticationMiddleware). The session limits
# need the user and the messages (they say why the person was signed out); since
# LoginRequiredMiddleware acts later (when the view is known), an expired session is then
# sent to the login page like an anonymous visitor. The second-factor requirement comes
# after allauth's own middleware and needs the messages too.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "soli_dome.middleware.ContentSecurityPolicyMiddleware",
    "soli_dome.middleware.NoStoreForAuthenticatedMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "soli_dome.middleware.SessionLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "soli_dome.middleware.SecondFactorRequiredMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "soli_dome.middleware.MailNotSentMiddleware",
]

ROOT_URLCONF = "soli_dome.urls"
WSGI_APPLICATION = "soli_dome.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite in var/ unless DATABASE_URL says otherwise. Connections are kept for
# CONN_MAX_AGE seconds and checked before reuse, so a restarted PostgreSQL is survived.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Checked when a person chooses a password (sign-up from an invitation, change, reset); the
# seed's demo accounts are set directly and are not checked.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "soli_dome.passwords.PersonalInformationValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "users:home"

# Accounts: e-mail login, no public sign-up (staff are invited by coordinators, beneficiaries
# by their accompanier), one-time codes for people who do not manage passwords.
ACCOUNT_ADAPTER = "soli_dome.users.adapters.InvitationOnlyAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
# Counted in the shared cache (CACHES below), so they hold across every web process.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Soli'dôme] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# People of these roles must activate a second factor (TOTP) before any other page; empty in
# the demo so that `make run` logs in with a password alone.
MFA_REQUIRED_ROLES = env_list("MFA_REQUIRED_ROLES", "" if DEBUG else "coordinator")

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["soli_dome.formats"]  # English dates day/month/year too
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns about a missing folder before collectstatic
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: printed on the console in development.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
# Django's file backend (EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend).
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Soli'dôme <ne-pas-repondre@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Cache: shared by every process on Redis whenever the broker is Redis (production, CI), so
# that allauth's login limits and used one-time codes hold across gunicorn workers and
# containers; each process's memory otherwise (the embedded default runs a single process).
REDIS_URL = os.environ.get("REDIS_URL", "")
_broker_url = os.environ.get("CELERY_BROKER_URL", "")
_cache_url = REDIS_URL or (_broker_url if _broker_url.startswith(("redis://", "rediss://")) else "")
if _cache_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
            # Several platforms (or test runs) may share one Redis database.
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "solidome"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery. Without CELERY_BROKER_URL, messages go through folders in var/celery so that
# `make run` starts a real worker and scheduler with no server to install.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _celery_queue_dir = VAR_DIR / "celery" / "queue"
    _celery_queue_dir.mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "celery" / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_queue_dir),
        "data_folder_out": str(_celery_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Separate queues let several platforms (or test runs) share one Redis database.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {}

# Security. Production (DEBUG off) passes `manage.py check --deploy` without warnings; behind
# a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER_ENABLED=true.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
# Absolute limit of a session, whatever the activity (SessionLimitsMiddleware enforces it from
# the login time, since Django renews the cookie's age each time the session is saved), and
# the inactivity after which a staff member (coordinator, accompanier, administrator) is
# signed out: they leave files open on shared office computers.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 10 * 60 * 60)
STAFF_SESSION_IDLE_TIMEOUT = env_int("STAFF_SESSION_IDLE_TIMEOUT", 30 * 60)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("SECURE_PROXY_SSL_HEADER_ENABLED", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Health checks come from the container runtime over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Programme rules.
PUBLIC_AGE_BOUNDS = {
    "young_min": env_int("PUBLIC_YOUNG_MIN_AGE", 16),
    "young_max": env_int("PUBLIC_YOUNG_MAX_AGE", 25),
    "senior_min": env_int("PUBLIC_SENIOR_MIN_AGE", 60),
}
NO_CONTACT_ALERT_DAYS = env_int("NO_CONTACT_ALERT_DAYS", 30)
CSP_EXTRA_IMG_SOURCES = env_list("CSP_EXTRA_IMG_SOURCES")
# Events of the staff iCalendar feeds carry at most a first name and initial, the time and the
# place; with this off they carry only the time ("Rendez-vous Soli'dôme").
CALENDAR_FEED_SHOWS_DETAILS = env_bool("CALENDAR_FEED_SHOWS_DETAILS", True)

# Partner map. Tiles come from MAP_TILE_URL, an OpenStreetMap-style template such as
# "https://tile.openstreetmap.org/{z}/{x}/{y}.png" (respect the tile server's usage policy);
# empty, the map shows its markers on a blank background. The tile server's origin is added to
# the images the Content-Security-Policy allows.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get(
    "MAP_TILE_ATTRIBUTION", "© contributeurs d'OpenStreetMap" if MAP_TILE_URL else ""
)
if MAP_TILE_URL:
    # "https://{s}.tiles.example/{z}/{x}/{y}.png" → "https://*.tiles.example"
    _scheme, _, _rest = MAP_TILE_URL.partition("://")
    _tile_origin = f"{_scheme}://{_rest.split('/')[0].replace('{s}', '*')}"
    if _tile_origin not in CSP_EXTRA_IMG_SOURCES:
        CSP_EXTRA_IMG_SOURCES = [*CSP_EXTRA_IMG_SOURCES, _tile_origin]
# Address lookup for partner coordinates: the search endpoint of the French national address
# API ("https://api-adresse.data.gouv.fr/search/"); empty, the lookup button is not offered.
ADDRESS_API_URL = os.environ.get("ADDRESS_API_URL", "")
ADDRESS_API_TIMEOUT = float(os.environ.get("ADDRESS_API_TIMEOUT") or 2)

# The access journal keeps entries this many months; the purge runs daily (soli_dome/audit).
AUDIT_RETENTION_MONTHS = env_int("AUDIT_RETENTION_MONTHS", 12)
CELERY_BEAT_SCHEDULE["journal-purge"] = {
    "task": "audit.purge_journal",
    "schedule": 24 * 60 * 60,  # seconds: once a day
}

# Uploaded files (the directory's imports), checked by content: see soli_dome/uploads.py.
# Reading stops after UPLOAD_MAX_SECONDS, well under gunicorn's timeout (30 s).
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
UPLOAD_MAX_UNCOMPRESSED_BYTES = env_int("UPLOAD_MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024)
UPLOAD_MAX_ROWS = env_int("UPLOAD_MAX_ROWS", 10_000)
UPLOAD_MAX_COLUMNS = env_int("UPLOAD_MAX_COLUMNS", 60)
UPLOAD_MAX_SECONDS = float(os.environ.get("UPLOAD_MAX_SECONDS") or 10)

# Referrals to partners: one reminder to a partner without an answer after
# REFERRAL_REMINDER_DAYS, and the link expires REFERRAL_EXPIRY_DAYS after sending.
REFERRAL_REMINDER_DAYS = env_int("REFERRAL_REMINDER_DAYS", 10)
REFERRAL_EXPIRY_DAYS = env_int("REFERRAL_EXPIRY_DAYS", 30)
CELERY_BEAT_SCHEDULE["referral-deadlines"] = {
    "task": "accompaniment.process_referral_deadlines",
    "schedule": 24 * 60 * 60,  # seconds: once a day
}

# Retention (CNIL): files two years without contact are anonymised once a day.
CELERY_BEAT_SCHEDULE["accompaniment-retention"] = {
    "task": "accompaniment.apply_retention",
    "schedule": crontab(minute=30, hour=3),
}

# The programme's phone number, printed on the plan a person takes home (empty: not printed).
PROGRAMME_PHONE = os.environ.get("PROGRAMME_PHONE", "")

# The Doume social bonus (ADML63): percent added to the euros a person converts into Doume.
# Each support records the rate it was given with, so a change here never rewrites the past.
DOUME_SOCIAL_BONUS_RATE = Decimal(os.environ.get("DOUME_SOCIAL_BONUS_RATE") or "15")

# The funder report masks any count of people below this threshold (and the counts that would
# give it back by subtraction), so that nobody can be recognised in a small cell.
STATISTICS_SMALL_CELL = env_int("STATISTICS_SMALL_CELL", 5)

# An accompanier's invitation to the beneficiary portal is valid for this many days.
PORTAL_INVITATION_DAYS = env_int("PORTAL_INVITATION_DAYS", 14)

# Reminders and notifications (soli_dome/notifications). SMS go through SMS_BACKEND: the console
# in development, Brevo's transactional SMS API in production (SMS_API_KEY, SMS_SENDER).
SMS_BACKEND = os.environ.get(
    "SMS_BACKEND",
    "soli_dome.notifications.sms.ConsoleBackend"
    if DEBUG
    else "soli_dome.notifications.sms.BrevoBackend",
)
SMS_SENDER = os.environ.get("SMS_SENDER", "Solidome")
SMS_API_KEY = os.environ.get("SMS_API_KEY", "")
SMS_API_URL = os.environ.get("SMS_API_URL", "https://api.brevo.com/v3/transactionalSMS/sms")
SMS_API_TIMEOUT = float(os.environ.get("SMS_API_TIMEOUT") or 10)
SMS_FILE_PATH = os.environ.get("SMS_FILE_PATH", str(VAR_DIR / "sms.jsonl"))
SMS_FILE_DELAY = float(os.environ.get("SMS_FILE_DELAY") or 0)
# No SMS leaves between these local times (postponed, not dropped); empty: no quiet hours.
SMS_QUIET_HOURS = os.environ.get("SMS_QUIET_HOURS", "21:00-08:00")
# What happens past the month's SMS budget until a coordinator chooses on the outbox page:
# "warn" (SMS still go), "hold" (kept until released) or "email" (e-mail to who has one).
SMS_OVER_BUDGET = os.environ.get("SMS_OVER_BUDGET", "warn")
# A worker holds the messages it claimed for this long; it must far exceed one send's timeout.
NOTIFICATION_LEASE_SECONDS = env_int("NOTIFICATION_LEASE_SECONDS", 300)
NOTIFICATION_BATCH_SIZE = env_int("NOTIFICATION_BATCH_SIZE", 20)
NOTIFICATION_DISPATCH_TIME_LIMIT = env_int("NOTIFICATION_DISPATCH_TIME_LIMIT", 50)
REMINDER_DAYS_BEFORE = env_int("REMINDER_DAYS_BEFORE", 2)
# An appointment booked inside the reminder window (and with no same-morning reminder ahead)
# gets a short notice this many hours before.
REMINDER_SHORT_NOTICE_HOURS = env_int("REMINDER_SHORT_NOTICE_HOURS", 3)
STEP_REMINDER_DAYS_BEFORE = env_int("STEP_REMINDER_DAYS_BEFORE", 2)
CELERY_BEAT_SCHEDULE["notifications-dispatch"] = {
    "task": "notifications.dispatch_due",
    "schedule": env_int("NOTIFICATION_DISPATCH_INTERVAL", 60),  # seconds
}
# The day's digests and step nudges are written from this hour on (checked every hour, so a
# worker down at that hour catches up).
DAILY_NOTIFICATIONS_HOUR = env_int("DAILY_NOTIFICATIONS_HOUR", 7)
CELERY_BEAT_SCHEDULE["accompaniment-daily-notifications"] = {
    "task": "accompaniment.write_daily_notifications",
    "schedule": crontab(minute=0),
}

# Statistics and reports: a count of people below this shows as "< N" (small-cell rule).
STATISTICS_SMALL_CELL = env_int("STATISTICS_SMALL_CELL", 5)

# Exports: one with more rows than this is written by a background worker under
# VAR_DIR/exports (never under MEDIA_ROOT: nothing there is served), and its download link
# works for the person who asked, for EXPORT_LINK_HOURS hours.
EXPORT_BACKGROUND_FROM_ROWS = env_int("EXPORT_BACKGROUND_FROM_ROWS", 2000)
EXPORT_LINK_HOURS = env_int("EXPORT_LINK_HOURS", 24)
EXPORTS_DIR = Path(os.environ.get("EXPORTS_DIR", VAR_DIR / "exports"))
CELERY_BEAT_SCHEDULE["accompaniment-purge-expired-exports"] = {
    "task": "accompaniment.purge_expired_exports",
    "schedule": crontab(minute=30),
}
