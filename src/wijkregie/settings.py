"""Django settings for Wijkregie.

Everything that differs between a laptop, CI and production comes from the
environment; the defaults run anywhere with no server (SQLite under ``var/``,
an embedded task queue).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("WIJKREGIE_HOME", Path.cwd())).resolve()
VAR_DIR = Path(os.environ.get("WIJKREGIE_VAR_DIR", PROJECT_DIR / "var")).resolve()


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """Read the key from the environment, else from a file made once under var/.

    Never a key in code: a generated file keeps sessions valid across restarts
    of a local installation without anyone having to invent a secret.
    """
    if key := os.environ.get("WIJKREGIE_SECRET_KEY"):
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(get_random_secret_key())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


DEBUG = _env_bool("WIJKREGIE_DEBUG", False)
# "production" makes missing secrets an error at start instead of files made under var/
# (the signals keys: docs/operations/signals-keys.md); "development" is `make run`.
ENVIRONMENT = os.environ.get("WIJKREGIE_ENV", "development").strip().lower()
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"WIJKREGIE_ENV must be 'development' or 'production', not {ENVIRONMENT!r}")
SIGNALS_KEY_FILES = ENVIRONMENT == "development"
if ENVIRONMENT == "production":
    from wijkregie.signals.crypto import check_configured_keys

    check_configured_keys(os.environ)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = os.environ.get("WIJKREGIE_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("WIJKREGIE_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "huey.contrib.djhuey",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "wijkregie.core",
    "wijkregie.areas",
    "wijkregie.figures",
    "wijkregie.signals",
    "wijkregie.hotspots",
    "wijkregie.regie",
    "wijkregie.safety_advice",
    "wijkregie.impact",
    "wijkregie.learning",
    "wijkregie.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wijkregie.core.middleware.ClientAddressMiddleware",
]

ROOT_URLCONF = "wijkregie.urls"
WSGI_APPLICATION = "wijkregie.wsgi.application"

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
                "wijkregie.core.context_processors.tenancy",
            ],
        },
    },
]

# --- database -------------------------------------------------------------
# One setting selects the database: DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test).
DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'wijkregie.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the task consumer share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # PostgreSQL: server-side parameters and prepared statements (after a statement has
    # run PREPARE_THRESHOLD times on a connection) roughly halve the database's CPU per
    # request on the hot read paths (ADR 0008). Behind PgBouncer in transaction mode set
    # WIJKREGIE_PG_PREPARE_THRESHOLD=0 (off), or use PgBouncer >= 1.21 with
    # max_prepared_statements.
    _prepare = int(os.environ.get("WIJKREGIE_PG_PREPARE_THRESHOLD", "5"))
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=_prepare or None)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth -----------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["wijkregie.core.auth_backend.RoleBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Failed logins per account and per client address within the window before refusing.
LOGIN_FAILURE_LIMIT = int(os.environ.get("WIJKREGIE_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("WIJKREGIE_LOGIN_FAILURE_WINDOW", "900"))

# Independent hash chains of the audit trail (ADR 0024): writers spread over the lanes'
# head rows instead of queueing on one; 1 is the single chain of ADR 0003.
_audit_lanes = os.environ.get("WIJKREGIE_AUDIT_LANES", "8").strip()
if not (_audit_lanes.isdigit() and 1 <= int(_audit_lanes) <= 64):
    raise ImproperlyConfigured(
        f"WIJKREGIE_AUDIT_LANES must be a whole number from 1 to 64, not {_audit_lanes!r}")
AUDIT_LANES = int(_audit_lanes)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_SECURE = _env_bool("WIJKREGIE_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- i18n -----------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

# --- static files ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it, even when empty
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
# Serve static files straight from the packages' finders: no collectstatic step locally.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG



def _package_static_dir(package: str) -> Path:
    """A package's static folder, found without importing it.

    Leaflet comes from django-leaflet's static files; its Django app is not installed
    because its admin integration needs GDAL, which Wijkregie does not.
    """
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"package {package} is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


STATICFILES_DIRS = [BASE_DIR / "static", _package_static_dir("leaflet")]

# --- REST API ---------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "wijkregie.signals.authentication.PartnerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Wijkregie API",
    "DESCRIPTION": "Partner systems post signals (token per organisation) and read aggregates.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the drf-spectacular-sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- task queue -----------------------------------------------------------
# Embedded default: SQLite-backed huey in var/, run by `wijkregie run_huey` beside the web
# server (make run starts both). Production and CI: WIJKREGIE_REDIS_URL selects Redis.
REDIS_URL = os.environ.get("WIJKREGIE_REDIS_URL", "")
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": os.environ.get("WIJKREGIE_QUEUE_NAME", "wijkregie"),
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "wijkregie",
        "filename": str(VAR_DIR / "tasks.sqlite3"),
        "immediate": _env_bool("WIJKREGIE_TASKS_IMMEDIATE", False),
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

# Uploaded files larger than this are refused before they are read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The MKBA scenario editor posts one field per line and year (a 30-year scenario with
# 50 lines is ~2,500 fields); Django's default of 1,000 would refuse it.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("WIJKREGIE_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "huey": {"level": "WARNING"},
    },
}

# Number of reverse proxies in front of the app whose X-Forwarded-For may be trusted.
TRUSTED_PROXY_COUNT = int(os.environ.get("WIJKREGIE_TRUSTED_PROXY_COUNT", "0"))
