"""Settings for SODPA Portal, read from the environment.

DATABASE_URL   default: SQLite file db.sqlite3 beside manage.py
SECRET_KEY     required when DEBUG is off
DEBUG          default: off
ALLOWED_HOSTS  comma-separated; default: localhost names when DEBUG is on, required otherwise
TASKS_BACKEND  "immediate" (default: background work runs inline) or "database" (queued for
               `manage.py db_worker`); see docs/deployment.md
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

from sodpa_portal.env import env_bool, env_choice, env_int, env_list, env_required

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = os.environ.get("SECRET_KEY") or "insecure-development-key-only-used-with-DEBUG-on"
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
else:
    SECRET_KEY = env_required("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=[])
    if not ALLOWED_HOSTS:
        env_required("ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "sodpa_portal.apps.SignInThrottlingConfig",  # django-axes, its name translated
    "csp",
    "django_tasks",
    "sodpa_portal.apps.BackgroundTasksConfig",  # django_tasks_db, its name translated
    "frameworks",
    "assessments",
    "accounts",
    "ninja",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.PrivateApiMiddleware",
    # Last, as django-axes asks: it turns lockouts raised during sign-in into a response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # sign-in throttling first
    "django.contrib.auth.backends.ModelBackend",
]
# Lock a (user name, IP address) pair after 5 failures within 15 minutes, for 15 minutes: an
# attacker elsewhere cannot lock a real user out, and no lockout is permanent.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Number of reverse proxies in front that append to X-Forwarded-For (nginx: `proxy_set_header
# X-Forwarded-For $proxy_add_x_forwarded_for` or `$remote_addr`); 0 ignores the header. The client
# address is computed by accounts.security.client_address for axes, the rate limits and the log.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_address"

# Sessions end after 30 minutes without a request and 12 hours after sign-in at the latest.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_LIFETIME = timedelta(hours=12)

ROOT_URLCONF = "sodpa_portal.urls"

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
                "assessments.inbox.navigation_context",
            ],
        },
    },
]

WSGI_APPLICATION = "sodpa_portal.wsgi.application"


def _database_settings() -> dict[str, Any]:
    config: dict[str, Any] = dj_database_url.config(  # type: ignore[assignment]  # a TypedDict of these keys
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", default=0),
    )
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Fail fast when the server is down: the 503 page must come within 2 seconds.
        config.setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers and one writer work at once; IMMEDIATE takes the write lock at BEGIN,
        # so concurrent read-then-write requests queue on the busy timeout instead of failing
        # with "database is locked" (measured in ENVIRONMENT.md).
        # synchronous=FULL: a save is on disk (the WAL is synced) before the page says it is saved;
        # NORMAL can lose the last acknowledged saves on a power cut (measured cost: docs/benchmarks.md).
        synchronous = env_choice("SQLITE_SYNCHRONOUS", choices=("full", "normal"), default="full").upper()
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                f"PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous}; PRAGMA foreign_keys=ON;"
            ),
        }
    return config


DATABASES = {"default": _database_settings()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

FIXTURE_DIRS = [BASE_DIR / "fixtures"]
# The framework new assessments use (its latest published version).
DEFAULT_FRAMEWORK_CODE = os.environ.get("DEFAULT_FRAMEWORK_CODE") or "sodpa-2023"

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Evidence files (assessments/evidence.py): a local folder outside every served URL by default, or an
# S3-compatible bucket (django-storages) when EVIDENCE_S3_BUCKET is set, for several app servers. Files
# are read only through the access-checked views, never from a public address; docs/deployment.md.
EVIDENCE_DIR = os.environ.get("EVIDENCE_DIR") or BASE_DIR / "var" / "evidence"
EVIDENCE_MAX_FILE_BYTES = env_int("EVIDENCE_MAX_FILE_MB", default=20) * 1024 * 1024
EVIDENCE_MAX_ASSESSMENT_BYTES = env_int("EVIDENCE_MAX_ASSESSMENT_MB", default=200) * 1024 * 1024
EVIDENCE_S3: dict[str, Any] | None = (
    {
        "bucket_name": os.environ["EVIDENCE_S3_BUCKET"].strip(),
        "endpoint_url": os.environ.get("EVIDENCE_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("EVIDENCE_S3_REGION") or None,
        # keys from EVIDENCE_S3_ACCESS_KEY_ID/…SECRET_ACCESS_KEY, else boto3's own chain (AWS_* variables, roles)
        "access_key": os.environ.get("EVIDENCE_S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("EVIDENCE_S3_SECRET_ACCESS_KEY") or None,
        "location": os.environ.get("EVIDENCE_S3_PREFIX", "evidence").strip("/"),
        "addressing_style": os.environ.get("EVIDENCE_S3_ADDRESSING_STYLE") or None,
        "default_acl": None,  # the bucket's own (private) policy; objects never get a public ACL
        "querystring_auth": True,
        "file_overwrite": False,
    }
    if os.environ.get("EVIDENCE_S3_BUCKET", "").strip()
    else None
)
STORAGES["evidence"] = (
    {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": EVIDENCE_S3}
    if EVIDENCE_S3
    else {"BACKEND": "django.core.files.storage.FileSystemStorage",
          "OPTIONS": {"location": EVIDENCE_DIR, "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700}}
)
# Uploads: every file's bytes are counted as they arrive; one over EVIDENCE_MAX_FILE_BYTES (or a request
# over the assessment's total) is cut off and skipped, never kept whole, not even in a temporary file.
FILE_UPLOAD_HANDLERS = [
    "assessments.evidence_uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# The shared cache: what every worker and app server must see alike — peer tables and kept results
# (default), sign-in and password-reset rate limits (accounts/ratelimit.py) and one PDF render per
# assessment state (assessments/reports.py) ("shared", where `add` is atomic). A table in the database
# by default (created by the accounts app's migration); Redis when REDIS_URL is set
# (e.g. redis://127.0.0.1:6379/0).
SHARED_CACHE: dict[str, Any] = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"],
     "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "sodpa")}
    if os.environ.get("REDIS_URL")
    else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "sodpa_shared_cache",
          "OPTIONS": {"MAX_ENTRIES": 20000, "CULL_FREQUENCY": 4}}
)
CACHES: dict[str, dict[str, Any]] = {
    "default": SHARED_CACHE,
    "shared": SHARED_CACHE,
    # Rendered PDF reports, keyed by the assessment's state (assessments/reports.py).
    "reports": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        # Several app servers: point REPORT_CACHE_DIR at shared storage (NFS) so they share PDFs.
        "LOCATION": os.environ.get("REPORT_CACHE_DIR") or BASE_DIR / "var" / "report-cache",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

REPORT_TIMEOUT_SECONDS = env_int("REPORT_TIMEOUT_SECONDS", default=60)
# The issuing organisation named on the reports' cover (PDF and Word); by default the portal's name,
# translated.
REPORT_ISSUER = os.environ.get("REPORT_ISSUER", "").strip() or _("SODPA Portal")

# Rate limits per client address (and per e-mail address for password resets), on top of axes'
# lockout of a (user name, address) pair: (number allowed, within seconds).
RATE_LIMIT_SIGN_IN_FAILURES_PER_IP = (env_int("RATE_LIMIT_SIGN_IN_FAILURES_PER_IP", default=20), 15 * 60)
RATE_LIMIT_PASSWORD_RESET_PER_IP = (env_int("RATE_LIMIT_PASSWORD_RESET_PER_IP", default=10), 60 * 60)
RATE_LIMIT_PASSWORD_RESET_PER_EMAIL = (env_int("RATE_LIMIT_PASSWORD_RESET_PER_EMAIL", default=3), 60 * 60)

# API tokens: the longest lifetime a user may choose on /accounts/tokens/, in days (0: no maximum,
# "never expires" is offered).
API_TOKEN_MAX_LIFETIME_DAYS = env_int("API_TOKEN_MAX_LIFETIME_DAYS", default=365)

# Background work (django-tasks; PDF reports: assessments/tasks.py). By default tasks run inline in
# the request, so a machine without a worker behaves as before; TASKS_BACKEND=database queues them
# in the database for one or more `manage.py db_worker` processes (django-tasks-db).
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS = {
    "default": {
        "BACKEND": TASK_BACKENDS[env_choice("TASKS_BACKEND", choices=tuple(TASK_BACKENDS), default="immediate")],
        "QUEUES": ["default"],
    }
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Mail (password resets) goes out by SMTP once EMAIL_HOST is set; without it, to the console
# (the server's log), and the password-reset page tells users to ask their administrator.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "").strip()
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "SODPA Portal <noreply@localhost>"
# The site's address as users reach it: notification e-mail (assessments/inbox.py) links to it.
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/")

# Content-Security-Policy: everything from our own origin; no inline script, no plugins, no framing.
# Plotly writes <style> elements when it draws, hence 'unsafe-inline' for styles only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    if env_bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "sodpa_portal.log_format.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "security": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    # WeasyPrint reports every SVG presentation attribute it skips; only its errors matter.
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        "sodpa.security": {"handlers": ["security"], "level": "INFO", "propagate": False},
    },
}
