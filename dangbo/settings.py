"""Settings for dangbo, read from environment variables.

The defaults give a developer's embedded set-up: SQLite under ``var/`` and DEBUG on.
Production sets ``DANGBO_ENV=production`` (DEBUG off, secure cookies, HSTS) and at least
``DANGBO_SECRET_KEY``, ``DANGBO_ALLOWED_HOSTS`` and ``DANGBO_DATABASE_URL``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DANGBO_VAR_DIR", BASE_DIR / "var"))
#: The one font family of the PDF exports (regular, bold and italic alike); it must hold
#: every Vietnamese letter. "Times New Roman" where it is installed.
DANGBO_PDF_FONT = os.environ.get("DANGBO_PDF_FONT", "DejaVu Serif")
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = os.environ.get("DANGBO_ENV", "development") == "production"
DEBUG = env_bool("DANGBO_DEBUG", not PRODUCTION)
SECRET_KEY = os.environ.get(
    "DANGBO_SECRET_KEY",
    "" if PRODUCTION else "dev-only-insecure-key-change-me-in-production-0123456789abcdef",
)
if PRODUCTION and len(SECRET_KEY) < 50:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DANGBO_SECRET_KEY must be set (50+ characters) in production.")

ALLOWED_HOSTS = env_list(
    "DANGBO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
)
CSRF_TRUSTED_ORIGINS = env_list("DANGBO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "ninja",
    "treebeard",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "dangbo.core",
    "dangbo.orgs",
    "dangbo.documents",
    "dangbo.assignments",
    "dangbo.meetings",
    "dangbo.plans",
    "dangbo.citizens",
    "dangbo.people",
    "dangbo.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dangbo.core.http.PersonMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "dangbo.core.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "dangbo.urls"
WSGI_APPLICATION = "dangbo.wsgi.application"

# Widgets render through the project's templates, so dangbo/templates/django/forms/ can
# override Django's (the select there inlines its options: a province's unit list is long).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "dangbo" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "dangbo.core.context_processors.navigation",
                "dangbo.core.context_processors.notifications",
            ],
        },
    },
]

# Database: DANGBO_DATABASE_URL selects it (postgres://… or sqlite:////abs/path.sqlite3).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DANGBO_DATABASE_URL", f"sqlite:///{VAR_DIR / 'dangbo.sqlite3'}"),
        conn_max_age=int(os.environ.get("DANGBO_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation pays off for long analytic queries, never for these short page queries:
    # with it on, the planner's overestimates compile some (My work, home) for 100–400 ms.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Read replicas (docs/van-hanh.md): DANGBO_DATABASE_REPLICAS lists streaming standbys' URLs,
# comma-separated. Reads go to them, writes and reads near a write to the primary (core/db.py).
for _i, _url in enumerate(u for u in os.environ.get("DANGBO_DATABASE_REPLICAS", "").split(",") if u.strip()):
    _replica = dj_database_url.parse(_url.strip(), conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
    _replica["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_i + 1}"] = _replica
DANGBO_REPLICA_PIN_SECONDS = int(os.environ.get("DANGBO_REPLICA_PIN_SECONDS", "5"))
if len(DATABASES) > 1:
    DATABASE_ROUTERS = ["dangbo.core.db.ReplicaRouter"]
    MIDDLEWARE.insert(0, "dangbo.core.db.PrimaryPinMiddleware")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "dangbo.orgs.auth.AccountBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "dangbo.core.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule: revokes the user's API tokens whenever a password is set (dangbo/core/accounts.py).
    {"NAME": "dangbo.core.accounts.RevokeApiTokensOnPasswordChange"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): lock a username+IP pair after 5 failures for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("DANGBO_AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("DANGBO_AXES_ENABLED", True)

# Password reset by e-mail: at most this many requests an hour per address and per IP
# address (counted in Django's cache: set CACHES to a shared cache with several processes).
DANGBO_PASSWORD_RESET_PER_EMAIL = int(os.environ.get("DANGBO_PASSWORD_RESET_PER_EMAIL", "3"))
DANGBO_PASSWORD_RESET_PER_IP = int(os.environ.get("DANGBO_PASSWORD_RESET_PER_IP", "10"))
# Lookups of a citizen's case by its public code per IP address in 10 minutes (same cache).
DANGBO_CASE_LOOKUPS_PER_IP = int(os.environ.get("DANGBO_CASE_LOOKUPS_PER_IP", "30"))
PASSWORD_RESET_TIMEOUT = 2 * 60 * 60  # the link in the e-mail works for two hours

# Sessions expire after 8 hours of work and when the browser closes.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
# Production is served over TLS (the reverse proxy terminates it): plain HTTP is redirected,
# cookies are Secure, HSTS is sent. DANGBO_SSL_REDIRECT=0 serves plain HTTP instead, which
# production allows on loopback only (every allowed host 127.0.0.1, ::1 or localhost: the
# smoke test, a check from the machine itself); cookies then lose their Secure flag and no
# HSTS is sent, since there is no TLS to insist on.
LOOPBACK_HOSTS = {"127.0.0.1", "::1", "[::1]", "localhost"}
PLAIN_HTTP = not env_bool("DANGBO_SSL_REDIRECT", True)
if PRODUCTION and PLAIN_HTTP and not (ALLOWED_HOSTS and set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "DANGBO_SSL_REDIRECT=0 is for loopback only: DANGBO_ALLOWED_HOSTS must list nothing "
        "but 127.0.0.1, ::1 or localhost."
    )
SECURE_TLS = PRODUCTION and not PLAIN_HTTP
SESSION_COOKIE_SECURE = SECURE_TLS
CSRF_COOKIE_SECURE = SECURE_TLS
SECURE_SSL_REDIRECT = SECURE_TLS
SECURE_HSTS_SECONDS = 31536000 if SECURE_TLS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_TLS
SECURE_HSTS_PRELOAD = SECURE_TLS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (dangbo/core/csp.py says why style attributes stay allowed).
DANGBO_CSP: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
DANGBO_CSP_REPORT_ONLY = env_bool("DANGBO_CSP_REPORT_ONLY", False)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "dangbo" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["dangbo.formats"]
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "dangbo" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# WhiteNoise serves the collected files under their hashed names only (templates name them
# through {% static %}); source maps are shipped but not compressed (nobody downloads them
# twice, and brotli on megabytes of maps costs most of collectstatic's time).
WHITENOISE_KEEP_ONLY_HASHED_FILES = PRODUCTION
# Outside production the files are served from the apps' folders as they are (no
# collectstatic), also with DEBUG off (the demo runs so, to show the real error pages).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

EMAIL_BACKEND = os.environ.get(
    "DANGBO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
# With the file backend (the demo's), each e-mail is a file in this folder.
EMAIL_FILE_PATH = os.environ.get("DANGBO_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DANGBO_DEFAULT_FROM_EMAIL", "dangbo@localhost")
# The address people reach the system at, for links in e-mails.
SITE_URL = os.environ.get("DANGBO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A refusal (403, 404) is logged in one line: it is expected, not a fault to trace.
    "filters": {"client_errors_in_one_line": {"()": "dangbo.core.logfilters.ClientErrorsInOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["client_errors_in_one_line"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("DANGBO_LOG_LEVEL", "INFO").upper()},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Page size of every paginated list.
PAGE_SIZE = 50

# Largest file accepted as an upload (documents, evidence), in megabytes.
DANGBO_MAX_UPLOAD_MB = int(os.environ.get("DANGBO_MAX_UPLOAD_MB", "20"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Follow-up of tasks: "due soon" looks this many days ahead; escalate after this many days overdue.
DANGBO_DUE_SOON_DAYS = int(os.environ.get("DANGBO_DUE_SOON_DAYS", "7"))
DANGBO_ESCALATE_AFTER_DAYS = int(os.environ.get("DANGBO_ESCALATE_AFTER_DAYS", "14"))
# A task is "behind schedule" when its progress is this many points below the share of time elapsed.
DANGBO_BEHIND_MARGIN = int(os.environ.get("DANGBO_BEHIND_MARGIN", "25"))
# Report cadence: a task reporting monthly or quarterly is reminded in the last this-many days of
# each period when no report has been sent in it yet (dangbo/assignments/cadence.py).
DANGBO_REPORT_REMIND_DAYS = int(os.environ.get("DANGBO_REPORT_REMIND_DAYS", "5"))

# /healthz calls the worker or the scheduler silent once its last heartbeat is older than
# twice its own interval plus this many seconds.
DANGBO_HEALTH_GRACE_SECONDS = int(os.environ.get("DANGBO_HEALTH_GRACE_SECONDS", "300"))
