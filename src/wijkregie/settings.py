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

from wijkregie.core.basemap import tile_origin

BASE_DIR = Path(__file__).resolve().parent


def _project_dir() -> Path:
    """The installation's home, the same wherever a command runs (never the working folder).

    WIJKREGIE_HOME when set (deployment.md; `make` sets it to the checkout); otherwise the
    source checkout this package runs from (an editable install, as `make` does). A wheel
    installed elsewhere has no such folder and must be told (or given WIJKREGIE_VAR_DIR).
    """
    if home := os.environ.get("WIJKREGIE_HOME"):
        return Path(home).resolve()
    checkout = BASE_DIR.parent.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "src" / "wijkregie") == BASE_DIR:
        return checkout
    if os.environ.get("WIJKREGIE_VAR_DIR"):
        return Path(os.environ["WIJKREGIE_VAR_DIR"]).resolve().parent
    raise ImproperlyConfigured(
        "WIJKREGIE_HOME is not set: set it to the installation's folder (its data lives in "
        "$WIJKREGIE_HOME/var), see docs/operations/deployment.md")


PROJECT_DIR = _project_dir()
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
    "wijkregie.core.admin_apps.WijkregieAdminConfig",  # django.contrib.admin, second factor first
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # its widget templates, for the project-wide form renderer below
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
    "wijkregie.core.middleware.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wijkregie.core.middleware.ClientAddressMiddleware",
    "wijkregie.core.middleware.DatabaseUnavailableMiddleware",
    "wijkregie.core.middleware.ContentSecurityPolicyMiddleware",
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

# Forms render with the NL Design System form field markup (templates/nlds/forms/).
FORM_RENDERER = "wijkregie.core.forms_rendering.NLDesignSystemFormRenderer"

# --- database -------------------------------------------------------------
# One setting selects the database: DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test).
DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'wijkregie.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL), conn_max_age=60,
        # A kept connection is tested before a request uses it: after a database restart
        # the first request of each worker reconnects instead of failing (ADR 0052).
        conn_health_checks=True,
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


def _env_positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, str(default)).strip()
    if not (raw.isdigit() and int(raw) > 0):
        raise ImproperlyConfigured(f"{name} must be a whole number above 0, not {raw!r}")
    return int(raw)


# Partner API tokens (ADR 0009): days a new token works, and how often at most its use
# writes a login-like audit event (every read event names the token regardless).
PARTNER_TOKEN_LIFETIME_DAYS = _env_positive_int("WIJKREGIE_PARTNER_TOKEN_DAYS", 90)
PARTNER_TOKEN_AUDIT_INTERVAL_SECONDS = _env_positive_int(
    "WIJKREGIE_PARTNER_TOKEN_AUDIT_INTERVAL", 900)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_SECURE = _env_bool("WIJKREGIE_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Served over HTTPS (deployment.md: behind a reverse proxy that terminates TLS): secure
# cookies, redirect plain HTTP, HSTS. The proxy's X-Forwarded-Proto says the request
# came over HTTPS; it is trusted only when a proxy is declared (TRUSTED_PROXY_COUNT).
HTTPS = _env_bool("WIJKREGIE_HTTPS", SESSION_COOKIE_SECURE)
if HTTPS:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("WIJKREGIE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("WIJKREGIE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("WIJKREGIE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _env_bool("WIJKREGIE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading binds the whole (municipal) domain for years: the domain owner's
        # decision (WIJKREGIE_HSTS_PRELOAD=1), not a default of this application.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    # Health checks of a load balancer come over plain HTTP on the private side.
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
if int(os.environ.get("WIJKREGIE_TRUSTED_PROXY_COUNT", "0")) > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (ADR 0052): everything from this server, nothing inline; JSON
# data blocks (json_script) are not scripts and need no exception. Map tiles are none
# (no tile server); images may be data: URIs (Leaflet and Swagger UI icons).
# The optional basemap (docs/operations/basemap.md) adds its tile server's origin, and
# only then.
BASEMAP_URL = os.environ.get("WIJKREGIE_BASEMAP_URL", "").strip()
BASEMAP_ATTRIBUTION = os.environ.get("WIJKREGIE_BASEMAP_ATTRIBUTION", "").strip()
_BASEMAP_ORIGIN = tile_origin(BASEMAP_URL)
_IMG_SRC = " ".join(filter(None, ["img-src 'self' data:", _BASEMAP_ORIGIN]))
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'",
    _IMG_SRC, "font-src 'self'", "connect-src 'self'", "object-src 'none'",
    "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
])

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


# The NL Design System CSS comes from the npm lock file (`npm ci`, run by `make run` and
# `make test`); only the folders the pages use are served, under a "nlds/" prefix (ADR 0060).
NODE_MODULES_DIR = Path(os.environ.get("WIJKREGIE_NODE_MODULES", PROJECT_DIR / "node_modules"))
NLDS_STATIC_DIRS = [
    ("nlds/utrecht", NODE_MODULES_DIR / "@utrecht" / "component-library-css" / "dist"),
    ("nlds/voorbeeld",
     NODE_MODULES_DIR / "@nl-design-system-unstable" / "voorbeeld-design-tokens" / "dist"),
]

STATICFILES_DIRS = [BASE_DIR / "static", _package_static_dir("leaflet"), *NLDS_STATIC_DIRS]

# --- REST API ---------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "wijkregie.signals.authentication.PartnerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # JSON errors with their status; 503 with Retry-After while the database is away.
    "EXCEPTION_HANDLER": "wijkregie.core.errors.api_exception_handler",
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
    import redis

    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": os.environ.get("WIJKREGIE_QUEUE_NAME", "wijkregie"),
        # Timeouts: an unreachable Redis fails an enqueue within seconds (the job is then
        # marked failed) instead of hanging the request; above the consumer's 1 s poll.
        "connection_pool": redis.ConnectionPool.from_url(
            REDIS_URL, socket_connect_timeout=5, socket_timeout=10, health_check_interval=30),
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

# Jobs (ADR 0050): the worker renews its lease this often; a running job without a sign of
# life for JOB_LEASE_SECONDS, or a queued job missing from the queue that long, has failed.
JOB_HEARTBEAT_SECONDS = float(os.environ.get("WIJKREGIE_JOB_HEARTBEAT_SECONDS", "10"))
JOB_LEASE_SECONDS = float(os.environ.get("WIJKREGIE_JOB_LEASE_SECONDS", "60"))
# Uploads of jobs that failed restartably are kept this long for a restart.
JOB_UPLOAD_KEEP_DAYS = float(os.environ.get("WIJKREGIE_JOB_UPLOAD_KEEP_DAYS", "7"))

# Uploads (ADR 0051): refused while streaming once the body passes this size.
MAX_UPLOAD_BYTES = int(float(os.environ.get("WIJKREGIE_MAX_UPLOAD_MB", "100")) * 1024 * 1024)

# Learning circle federation (docs/federation/README.md, ADR 0088): where and when this
# instance publishes its programme document; empty hub URL: it does not publish. The
# signing key comes from WIJKREGIE_FEDERATION_SIGNING_KEY(_FILE), never from here.
FEDERATION_HUB_URL = os.environ.get("WIJKREGIE_FEDERATION_HUB_URL", "").strip()
FEDERATION_PUBLISH_SCHEDULE = os.environ.get("WIJKREGIE_FEDERATION_SCHEDULE", "30 4 * * *")
FEDERATION_MUNICIPALITIES = [c for c in os.environ.get(
    "WIJKREGIE_FEDERATION_MUNICIPALITIES", "").replace(",", " ").split() if c]
FEDERATION_HUB_MINIMUM_COUNT = int(os.environ.get("WIJKREGIE_FEDERATION_HUB_MINIMUM_COUNT", "5"))
FILE_UPLOAD_HANDLERS = [
    "wijkregie.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Form fields other than files larger than this are refused before they are read.
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
