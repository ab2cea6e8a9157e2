"""Settings shared by every environment. Everything that differs between machines comes from
the environment (see the table in README.md); production overrides live in ``prod.py``."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.line",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    # History tables for edits after intake (decision 0022); registered per model.
    "simple_history",
    # The portal's own apps. Order matters for seed_demo, which seeds them in this order.
    "accounts",
    "directory",
    "reminders",
    "projects",
    "sessions.apps.FutureSessionsConfig",
    "consultations",
    "indicators",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "machida_portal.input_guard.InputGuardMiddleware",
    "machida_portal.request_context.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "machida_portal.middleware.PrivatePagesNoStoreMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffIdleTimeoutMiddleware",
    "accounts.middleware.StaffMFARequiredMiddleware",
    "machida_portal.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "machida_portal.urls"
WSGI_APPLICATION = "machida_portal.wsgi.application"

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
                "accounts.context_processors.navigation",
            ],
        },
    },
    # Only the rows of the long work lists (``<app>/jinja2/<app>/*_rows.jinja``, decision
    # 0027): pages include them with ``{% rows %}``; every page is still a Django template.
    {
        "NAME": "rows",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "machida_portal.rows.environment"},
    },
]

# The work lists count up to this many rows; past it they say 「1,000 件を超えます」 and page on
# without a last page number (machida_portal/paging.py, decision 0027).
WORK_LIST_COUNT_CAP = env_int("WORK_LIST_COUNT_CAP", 1000)

# --- Database -------------------------------------------------------------------------------
# Absent DATABASE_URL: a SQLite file in the project folder (the embedded default).
CONN_MAX_AGE = env_int("CONN_MAX_AGE", 60)
_database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
try:
    _default_db = dj_database_url.parse(
        _database_url, conn_max_age=CONN_MAX_AGE, conn_health_checks=True
    )
except Exception as exc:  # dj-database-url raises several kinds for a malformed URL
    raise ImproperlyConfigured(
        f"DATABASE_URL is not a database URL this portal understands ({exc}). "
        "Use postgres://user:password@host:5432/name or leave it unset for SQLite."
    ) from exc
if _default_db["ENGINE"] == "django.db.backends.postgresql":
    _default_db.setdefault("OPTIONS", {})
    _default_db["OPTIONS"].setdefault("connect_timeout", 5)
    # Prepared statements (decision 0029): parameters bound by the server, and a statement a
    # connection has run five times is prepared, so PostgreSQL stops planning it again on
    # every request. Off (DATABASE_PREPARED_STATEMENTS=false) behind a transaction-pooling
    # PgBouncer, which cannot keep a prepared statement on one server connection.
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        _default_db["OPTIONS"].setdefault("server_side_binding", True)
        _default_db["OPTIONS"].setdefault("prepare_threshold", 5)
if _default_db["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite closes nothing between requests; a persistent connection only holds locks.
    _default_db["CONN_MAX_AGE"] = 0
    _default_db.setdefault("OPTIONS", {})
    _default_db["OPTIONS"].setdefault("timeout", 20)
    _default_db["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    _default_db["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
DATABASES = {"default": _default_db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery --------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "machida_portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "machida",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    # Sessions read from Redis, written through to the database: a signed-in page costs
    # one query less, and nobody is signed out when Redis restarts.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The portal's own submission rate limits (machida_portal.ratelimit); allauth has its own.
RATE_LIMITS_ENABLED = env_bool("RATE_LIMITS_ENABLED", True)


# Bare views for the benchmark's baselines (make bench); never on in a real deployment.
BENCH_VIEWS = env_bool("BENCH_VIEWS", False)

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Tokyo"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Short timeouts: nothing in a web request waits on the broker, but a worker or beat that
# loses Redis should notice quickly and keep retrying rather than hang.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
REMINDER_SEND_INTERVAL_SECONDS = env_int("REMINDER_SEND_INTERVAL_SECONDS", 20)
# Cached public pages are made stale after a write commits and once more this many seconds
# later (``machida_portal.public_cache.pages_changed``); 0 bumps twice at once.
PAGE_REBUMP_SECONDS = env_int("PAGE_REBUMP_SECONDS", 2)
REMINDER_BATCH_SIZE = env_int("REMINDER_BATCH_SIZE", 200)
CELERY_BEAT_SCHEDULE = {
    "send-due-reminders": {
        "task": "reminders.tasks.send_due_reminders",
        "schedule": float(REMINDER_SEND_INTERVAL_SECONDS),
        "options": {"expires": float(REMINDER_SEND_INTERVAL_SECONDS)},
    },
    # Nightly: every registered indicator for the current fiscal year (and the previous one
    # in April and May, while late data still arrives).
    "compute-indicators": {
        "task": "indicators.tasks.compute_indicators",
        "schedule": crontab(hour=3, minute=15),
    },
    # Closed cases past their retention period are anonymised; resource owners are asked
    # once a year to check their listing.
    "anonymize-retention": {
        "task": "consultations.tasks.anonymize_retention",
        "schedule": crontab(hour=2, minute=30),
    },
    "remind-resource-verification": {
        "task": "directory.tasks.remind_resource_verification",
        "schedule": crontab(hour=9, minute=0),
    },
}

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's backends, reading a request's user with SQL compiled once
# (``accounts/backends.py``, decision 0031).
AUTHENTICATION_BACKENDS = [
    "accounts.backends.PortalModelBackend",
    "accounts.backends.PortalAuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[まちだ地域福祉ポータル] "
# Headers every mail of the portal carries (machida_portal.mail), allauth's too.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS: dict[str, str] | bool = {
    # allauth's defaults, written out so that a reader sees them; they use the cache.
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    # Rates, not passwords: bandit's B105 reads the "password" in the keys.
    "reset_password": "20/m/ip,5/m/key",  # nosec B105
    "reset_password_from_key": "20/m/ip",  # nosec B105
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",  # nosec B105
}
if not env_bool("RATE_LIMITS_ENABLED", True):  # the soak signs fifty clients in at once
    ACCOUNT_RATE_LIMITS = False
# Sign in with LINE (issue 15). The provider's app is built from LINE_LOGIN_CHANNEL_ID and
# LINE_LOGIN_CHANNEL_SECRET each time allauth asks (accounts.adapter.SocialAccountAdapter), so
# without both there is no LINE button anywhere and /accounts/line/login/ answers 404. No
# SocialApp rows in the database are used. "email" in the scope makes allauth verify LINE's
# ID token at LINE's verify endpoint; PKCE (S256) on every authorization request.
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "line": {"SCOPE": ["profile", "openid", "email"], "OAUTH_PKCE_ENABLED": True},
}
# A new LINE user gets an account at once when LINE gives an email address no account has yet;
# otherwise allauth's sign-up form asks for one. The address is confirmed by mail like any other
# (LINE does not say whether it checked it), and an account is never taken over because its
# address matches the one LINE gives: an existing user links LINE from the account page.
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
# LINE's access and refresh tokens are not kept: the portal needs only the LINE user ID.
SOCIALACCOUNT_STORE_TOKENS = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Machida Welfare Portal"
# Every staff role must have TOTP before it can work (the demo turns this off).
REQUIRE_STAFF_MFA = env_bool("REQUIRE_STAFF_MFA", True)
# Staff sessions (case records on screen) end after this long without a request.
STAFF_IDLE_TIMEOUT_SECONDS = env_int("STAFF_IDLE_TIMEOUT_SECONDS", 30 * 60)

# --- I18N -----------------------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("日本語")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email ----------------------------------------------------------------------------------
EMAIL_URL = os.environ.get("EMAIL_URL", "console://")
if EMAIL_URL.startswith("console:"):
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
elif EMAIL_URL.startswith("locmem:"):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
elif EMAIL_URL.startswith("file:"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = EMAIL_URL.removeprefix("file://") or str(BASE_DIR / "sent-mail")
elif EMAIL_URL.startswith(("smtp:", "smtps:", "submission:")):
    from urllib.parse import unquote, urlsplit

    _mail = urlsplit(EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _mail.hostname or "localhost"
    EMAIL_PORT = _mail.port or (465 if _mail.scheme == "smtps" else 587)
    EMAIL_HOST_USER = unquote(_mail.username or "")
    EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
    EMAIL_USE_SSL = _mail.scheme == "smtps"
    EMAIL_USE_TLS = _mail.scheme == "submission"
    EMAIL_TIMEOUT = 10
else:
    raise ImproperlyConfigured(
        "EMAIL_URL must start with console://, locmem://, file://, smtp://, smtps:// "
        f"or submission://, not {EMAIL_URL!r}"
    )
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "まちだ地域福祉ポータル <noreply@example.jp>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Mails Django builds itself (error mails to ADMINS) are dated in Japan time too.
EMAIL_USE_LOCALTIME = True

# --- Security headers that hold everywhere --------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # allauth.mfa shows the TOTP QR code as an inline data: image.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "celery": {"level": "INFO"},
        # WeasyPrint (printed case documents) logs each step of every PDF at INFO.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# --- LINE (issue 15): on only when the channel's variables are set ---------------------------
LINE_LOGIN_CHANNEL_ID = os.environ.get("LINE_LOGIN_CHANNEL_ID", "")
LINE_LOGIN_CHANNEL_SECRET = os.environ.get("LINE_LOGIN_CHANNEL_SECRET", "")
LINE_MESSAGING_CHANNEL_ACCESS_TOKEN = os.environ.get("LINE_MESSAGING_CHANNEL_ACCESS_TOKEN", "")
