"""Django settings. Every value comes from the environment through ``env``.

With no variable set, the embedded default runs: SQLite (WAL) under ``var/``,
the in-memory channel layer, local files, e-mail printed to the console.
``OJC_ENV=production`` switches on the production guards: a missing
``SECRET_KEY`` or ``ALLOWED_HOSTS`` stops start-up, cookies are Secure, HSTS is sent.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

from openjobcenter.config.env import (
    ConfigError,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    parse_database_url,
    redis_database,
    validate_redis_url,
)
from openjobcenter.config.logging_settings import logging_dict
from openjobcenter.config.monitoring_settings import metrics_settings, readyz_settings
from openjobcenter.config.news_settings import news_settings
from openjobcenter.core.languages import EASY_GERMAN, with_catalogue

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = Path(env_str("OJC_BASE_DIR") or Path.cwd())
VAR_DIR = BASE_DIR / "var"

ENVIRONMENT = env_choice("OJC_ENV", "development", ("development", "production", "test"))
PRODUCTION = ENVIRONMENT == "production"
# Test mode is explicit: the test run sets OJC_ENV=test (tests/workers.py). Importing pytest
# is no sign of a test: a production process that happens to load it must stay production.
TESTING = ENVIRONMENT == "test"

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        msg = "SECRET_KEY must be set when OJC_ENV=production (a long random string)"
        raise ConfigError(msg)
    SECRET_KEY = "insecure-embedded-default-key-do-not-use-in-production-0123456789"  # noqa: S105
elif PRODUCTION and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    # Django's own bar (check --deploy, security.W009), enforced instead of warned about.
    msg = "SECRET_KEY must be at least 50 characters long with 5+ different ones in production"
    raise ConfigError(msg)

DEBUG = env_bool("DEBUG", default=False)
# ``Server-Timing: app;dur=…, cpu;dur=…`` on every response (core/middleware.py).
SERVER_TIMING = env_bool("SERVER_TIMING", default=True)
# A request slower than this is logged as a warning (core/middleware.py): visible with
# LOG_LEVEL=warning, with its database time and CPU beside its duration. 0: never.
SLOW_REQUEST_MS = env_int("SLOW_REQUEST_MS", 1000, minimum=0, maximum=600_000)
# The web process's garbage collector (config/heap.py): freeze long-lived objects every
# GC_FREEZE_EVERY_S seconds (0: only once at start-up), hand them back to a full pass every
# GC_UNFREEZE_EVERY_S seconds.
GC_FREEZE_EVERY_S = env_int("GC_FREEZE_EVERY_S", 0, minimum=0, maximum=3600)
GC_UNFREEZE_EVERY_S = env_int("GC_UNFREEZE_EVERY_S", 3600, minimum=0, maximum=86_400)
if PRODUCTION and DEBUG:
    msg = "DEBUG must not be on when OJC_ENV=production"
    raise ConfigError(msg)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
if TESTING:
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver", ".test"]
if PRODUCTION and not ALLOWED_HOSTS:
    msg = "ALLOWED_HOSTS must be set when OJC_ENV=production (comma-separated host names)"
    raise ConfigError(msg)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The platform's public address, for links in e-mails sent outside a request (reminders).
SITE_URL = env_str("SITE_URL", "" if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")
if PRODUCTION and not SITE_URL.startswith("https://"):
    msg = "SITE_URL must be set to the platform's https:// address when OJC_ENV=production"
    raise ConfigError(msg)

INSTALLED_APPS = [
    "openjobcenter.core.admin_apps.SecureAdminConfig",  # django.contrib.admin, MFA + audit
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    # Our apps come before allauth so their templates override allauth's.
    "openjobcenter.core",
    "openjobcenter.tenants",
    "openjobcenter.accounts",
    "openjobcenter.web",
    "openjobcenter.calculator",
    "openjobcenter.appointments",
    "openjobcenter.applications",
    "openjobcenter.documents",
    "openjobcenter.messaging",
    "openjobcenter.notifications",
    "openjobcenter.home",
    "openjobcenter.casefile",
    "openjobcenter.retention",
    "openjobcenter.feedback",
    "openjobcenter.news",
    "openjobcenter.cards",
    "openjobcenter.mandates",
    "openjobcenter.videos",
    "openjobcenter.reception",
    "openjobcenter.postbox",
    "openjobcenter.handoff",
    "openjobcenter.identity",
    "openjobcenter.bundid",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
]

MIDDLEWARE = [
    # Outermost: its figure is the whole server side of a request (core/middleware.py).
    "openjobcenter.core.middleware.ServerTimingMiddleware",
    # /healthz and /readyz for probes that ask by the pod's address (web/health.py).
    "openjobcenter.web.health.ProbeMiddleware",
    "openjobcenter.core.middleware.RequestIdMiddleware",
    # Its process_exception turns a view's "database unreachable" into a calm 503; one
    # raised by a middleware below reaches handler500 (web.views.server_error) instead.
    "openjobcenter.core.unavailable.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "openjobcenter.core.middleware.SecurityHeadersMiddleware",
    # Errors under /api/ in JSON, whatever answered (unknown path, 405, 500 page).
    "openjobcenter.api.errors.JsonErrorsMiddleware",
    # X-Acting-For only on the operations that act for a represented customer (api/acting.py).
    "openjobcenter.api.acting.ActingHeaderMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the request: a NUL character is refused (PostgreSQL cannot
    # store it), 422 on the API, 400 on pages (core/inputs.py).
    "openjobcenter.core.inputs.NulGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "openjobcenter.tenants.middleware.TenantHostMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "openjobcenter.accounts.middleware.SessionLifetimeMiddleware",
    # Staff logged in through their administration: roles re-confirmed after their lifetime.
    "openjobcenter.identity.sessions.RoleLifetimeMiddleware",
    "openjobcenter.accounts.middleware.UserLanguageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "openjobcenter.tenants.middleware.TenantMiddleware",
]

ROOT_URLCONF = "openjobcenter.config.urls"
CSRF_FAILURE_VIEW = "openjobcenter.web.views.csrf_failure"
FORM_RENDERER = "openjobcenter.web.forms.FormRenderer"
ASGI_APPLICATION = "openjobcenter.config.asgi.application"
WSGI_APPLICATION = None

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
                "openjobcenter.web.context_processors.platform",
                "openjobcenter.home.context_processors.home_badge",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL") or "sqlite:///var/db.sqlite3"
_db = parse_database_url("DATABASE_URL", DATABASE_URL, BASE_DIR)
# Connection budget: every app process (web or worker) holds at most DATABASE_POOL_SIZE
# connections, so N processes need N x DATABASE_POOL_SIZE + a few for migrations and admin
# sessions, below PostgreSQL's max_connections (100 by default; docs/architecture.md, "Connection budget"). The
# default of 10 lets 4 web processes, 2 workers and the scheduler (70) fit with room to
# spare. A chat node's database threads (MESSAGING_DB_THREADS, 4) take their share of it;
# only 2 are kept open while idle (DATABASE_POOL_MIN), the rest are opened when needed and
# closed after 10 idle minutes. A node carrying many chats may keep more open (a burst that
# has to open connections first costs CPU when it is shortest, bench/chat.py).
_db = dataclasses.replace(
    _db,
    pool_size=env_int("DATABASE_POOL_SIZE", 10, minimum=1, maximum=200),
    pool_min=env_int("DATABASE_POOL_MIN", 2, minimum=0, maximum=200),
    pool_timeout=env_int("DATABASE_POOL_TIMEOUT", 10, minimum=1, maximum=600),
    disable_server_side_cursors=env_bool("DISABLE_SERVER_SIDE_CURSORS", False),
)
DATABASES = {"default": _db.as_django()}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(str(DATABASES["default"]["NAME"])).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer and cache -----------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    validate_redis_url("REDIS_URL", REDIS_URL)
    # Redis pub/sub channels ignore the database number in the URL: two installations
    # (or CI and a benchmark) on one Redis would hear each other's chat events. The
    # prefix carries the database number, unless CHANNEL_LAYER_PREFIX names one.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": env_str("CHANNEL_LAYER_PREFIX", f"ojc{redis_database(REDIS_URL)}"),
            },
        }
    }
    CACHES = {
        "default": {
            # One connection pool per process, not per request (core/cache.py).
            "BACKEND": "openjobcenter.core.cache.SharedRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "ojc"),
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    # Rate limits and login lockout live in the cache: the database cache is shared by
    # the web server and the worker, so the embedded default needs no extra service.
    CACHES = {
        "default": {
            "BACKEND": "openjobcenter.core.cache.CountingDatabaseCache",
            "LOCATION": "ojc_cache",
        }
    }
if TESTING and not REDIS_URL:
    CACHES = {"default": {"BACKEND": "openjobcenter.core.cache.CountingLocMemCache"}}

# --- Background tasks ----------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_bool("TASKS_IMMEDIATE", default=TESTING)
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}
# Leases of running tasks (core/tasklease.py): a task still RUNNING this long after its
# start is taken to have lost its worker and runs again (tasks are idempotent); after
# max_attempts tries it is marked failed. run_scheduler checks every sweep_s seconds.
TASKS_LEASES = {
    "lease_s": env_int("TASKS_LEASE_S", 600, minimum=1, maximum=86400),
    "max_attempts": env_int("TASKS_MAX_ATTEMPTS", 3, minimum=1, maximum=20),
    "sweep_s": 30,
}
# The outbox (core/outbox.py): work written with the change that causes it, delivered by
# the worker right after the commit and by a sweeper every sweep_s seconds, with backoff.
OUTBOX = {
    "lease_s": env_int("OUTBOX_LEASE_S", 300, minimum=1, maximum=86400),
    "max_attempts": 10,
    "backoff_base_s": 30,
    "backoff_max_s": 3600,
    "sweep_s": 30,
}

# --- Auth ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
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
# Argon2id (BSI TR-02102-1, OWASP) for every new or changed password; PBKDF2 (Django's
# former default) only verifies the hashes stored before, and Django rewrites such a hash
# with Argon2id at the account's next successful login. Parameters and reasoning:
# docs/operations.md, "Passwords".
PASSWORD_HASHERS = [
    "openjobcenter.accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Thousands of users are created in the tests; the hashers' own test switches back.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:after_login"

ACCOUNT_ADAPTER = "openjobcenter.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_FORMS = {"signup": "openjobcenter.accounts.forms.CustomerSignupForm"}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# Rate limits and lockout (allauth keeps the counters in the cache, shared by all nodes).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/h/ip",
    "reset_password": "20/m/ip,5/h/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
# Staff single sign-on (identity/): the job centres' providers are IdentityProvider rows,
# served to allauth by the adapter; allauth's OpenID Connect provider with stricter checks.
SOCIALACCOUNT_ADAPTER = "openjobcenter.identity.adapter.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "provider_class": "openjobcenter.identity.oidc.JobcenterOIDCProvider",
        "OAUTH_PKCE_ENABLED": True,
    }
}
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # the provider vouches for its staff's address
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # never log into an account by e-mail alone
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env_int("SSO_HTTP_TIMEOUT", 5, minimum=1)
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION
MFA_TOTP_ISSUER = "OpenJobcenter"
MFA_RATE_LIMITS = {"authenticate": "10/m/ip,5/m/key", "reauthenticate": "10/m/user"}

# Session lifetimes per role: idle and absolute limits in seconds (SessionLifetimeMiddleware).
SESSION_IDLE_SECONDS = {
    "customer": env_int("SESSION_IDLE_CUSTOMER", 30 * 60, minimum=60),
    "staff": env_int("SESSION_IDLE_STAFF", 20 * 60, minimum=60),
}
SESSION_ABSOLUTE_SECONDS = {
    "customer": env_int("SESSION_ABSOLUTE_CUSTOMER", 12 * 3600, minimum=300),
    "staff": env_int("SESSION_ABSOLUTE_STAFF", 10 * 3600, minimum=300),
}
SESSION_COOKIE_AGE = max(SESSION_ABSOLUTE_SECONDS.values())
# Django's database sessions without the existence query before each new key (every
# login cycles it): the insert's unique key checks it (accounts/session_store.py).
SESSION_ENGINE = "openjobcenter.accounts.session_store"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

# --- BundID login (SAML through djangosaml2/pysaml2, docs/bundid.md) ----------------------
# Our service provider's key pair for all job centres (PEM files); unset: each job centre
# gets its own, generated on first use and sealed in the database.
BUNDID_SP_KEY_FILE = env_str("BUNDID_SP_KEY_FILE")
BUNDID_SP_CERT_FILE = env_str("BUNDID_SP_CERT_FILE")
if bool(BUNDID_SP_KEY_FILE) != bool(BUNDID_SP_CERT_FILE):
    msg = "BUNDID_SP_KEY_FILE and BUNDID_SP_CERT_FILE must be set together"
    raise ConfigError(msg)
BUNDID_CLOCK_SKEW = env_int("BUNDID_CLOCK_SKEW", 60, minimum=0, maximum=600)
# The identity provider's answer arrives by a cross-site POST: the SAML session's cookie
# (the outstanding requests) must be sent with it, which needs SameSite=None and Secure.
SAML_SESSION_COOKIE_NAME = "ojc_saml"
SAML_SESSION_COOKIE_SAMESITE = "None" if SESSION_COOKIE_SECURE else "Lax"
SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
SAML_IGNORE_AUTHENTICATED_USERS_ON_LOGIN = False
SAML_CSP_HANDLER = ""  # our own CSP middleware sets the header

# --- Security headers ---------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
# The browsers' preload list binds the whole registrable domain (every subdomain, hard to
# undo): a decision for the domain's owner, not a default. Off, check --deploy's reminder
# (security.W021) is silenced below for that reason (docs/configuration.md).
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
# Plain http is redirected to https in production, except the probes: a kubelet or a
# container's HEALTHCHECK asks over plain http inside the cluster, without the proxy's header.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if env_bool("BEHIND_TLS_PROXY", default=PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)

# --- Internationalisation ------------------------------------------------------------
LANGUAGE_CODE = "de"
# Every language the platform knows (profile choices, e-mails): fixed, so the profile's
# field does not change when a catalogue arrives. Leichte Sprache is German with a
# private-use subtag (catalogue folder de_X-ls); Dari is fa-af (folder fa_AF).
ALL_LANGUAGES = [
    ("de", _("Deutsch")),
    (EASY_GERMAN, _("Leichte Sprache")),
    ("en", _("Englisch")),
    ("ar", _("Arabisch")),
    ("uk", _("Ukrainisch")),
    ("tr", _("Türkisch")),
    ("ru", _("Russisch")),
    ("fa", _("Persisch (Farsi)")),
    ("fa-af", _("Dari")),
    ("pl", _("Polnisch")),
    ("ro", _("Rumänisch")),
]
LANGUAGE_NATIVE_NAMES = {
    "de": "Deutsch",
    EASY_GERMAN: "Leichte Sprache",
    "en": "English",
    "ar": "العربية",
    "uk": "Українська",
    "tr": "Türkçe",
    "ru": "Русский",
    "fa": "فارسی",
    "fa-af": "دری",
    "pl": "Polski",
    "ro": "Română",
}
# Offered = in the switcher and accepted from cookies, URLs and profiles: by default every
# language whose platform catalogue (locale/<folder>/LC_MESSAGES/django.mo) translates
# something; OFFERED_LANGUAGES=de,en,... narrows it (docs/languages.md). Anything else
# falls back to German.
_offered_env = env_list("OFFERED_LANGUAGES", [])
OFFERED_LANGUAGES = [
    code
    for code in with_catalogue(PACKAGE_DIR / "locale", [c for c, _n in ALL_LANGUAGES])
    if not _offered_env or code in _offered_env or code == "de"
]
LANGUAGES = [(code, name) for code, name in ALL_LANGUAGES if code in OFFERED_LANGUAGES]
# Django knows neither Dari nor Leichte Sprache ({% get_language_info %}, the admin).
LANG_INFO.setdefault("fa-af", {"bidi": True, "code": "fa-af", "name": "Dari", "name_local": "دری"})
LANG_INFO.setdefault(
    EASY_GERMAN,
    {"bidi": False, "code": EASY_GERMAN, "name": "Easy German", "name_local": "Leichte Sprache"},
)
# Earlier paths win; locale_overrides (formal "Sie" for allauth) is never touched by makemessages.
LOCALE_PATHS = [PACKAGE_DIR / "locale_overrides", PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- Static files and storage --------------------------------------------------------
STATIC_URL = "/static/"
# Only production serves collected files; elsewhere WhiteNoise reads the apps' folders.
STATIC_ROOT = Path(env_str("STATIC_ROOT") or (BASE_DIR / "staticfiles")) if PRODUCTION else None
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or (VAR_DIR / "media"))
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
LOGO_MAX_BYTES = 512 * 1024

# --- E-mail -------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1, maximum=65535)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
elif PRODUCTION:
    msg = "EMAIL_HOST must be set when OJC_ENV=production (verification mails must reach people)"
    raise ConfigError(msg)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "OpenJobcenter <noreply@openjobcenter.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Video appointments (appointments/video.py) -------------------------------------
# "builtin": one-to-one WebRTC in the browser, signalling over the platform's WebSocket
# (needs nothing else; production behind NAT needs a TURN server: VIDEO_ICE_SERVERS).
VIDEO = {
    "provider": env_choice("VIDEO_PROVIDER", "builtin", ("builtin", "jitsi", "link")),
    "jitsi_url": env_str("JITSI_URL"),
    "jitsi_app_id": env_str("JITSI_APP_ID"),
    "jitsi_secret": env_str("JITSI_SECRET"),
    "link_pattern": env_str("VIDEO_LINK_PATTERN"),
    "ice_servers": env_list("VIDEO_ICE_SERVERS", []),
    # coturn's REST secret: short-lived TURN passwords instead of a fixed one.
    "turn_secret": env_str("VIDEO_TURN_SECRET"),
}
if VIDEO["provider"] == "jitsi" and not (VIDEO["jitsi_url"] and VIDEO["jitsi_secret"]):
    msg = "VIDEO_PROVIDER=jitsi needs JITSI_URL and JITSI_SECRET"
    raise ConfigError(msg)
if VIDEO["provider"] == "link" and "{room}" not in str(VIDEO["link_pattern"]):
    msg = "VIDEO_PROVIDER=link needs VIDEO_LINK_PATTERN containing {room}"
    raise ConfigError(msg)

# --- Applications (applications/) ---------------------------------------------------
# Hand-off to the back office (handoff/): applications, documents, objections; tries,
# backoff, timeout (the name stays APPLICATIONS_HANDOFF for existing deployments).
APPLICATIONS_HANDOFF = {
    "max_attempts": env_int("APPLICATIONS_HANDOFF_MAX_ATTEMPTS", 8, minimum=1, maximum=50),
    "backoff_base_s": env_int("APPLICATIONS_HANDOFF_BACKOFF_S", 60, minimum=1, maximum=86400),
    "backoff_max_s": 6 * 3600,
    # A try that has not ended after this long lost its worker; the sweeper runs it again.
    "lease_s": env_int("APPLICATIONS_HANDOFF_LEASE_S", 300, minimum=1, maximum=86400),
    "timeout_s": env_int("APPLICATIONS_HANDOFF_TIMEOUT_S", 10, minimum=1, maximum=120),
    # Plain http only to this machine, and only in tests and development.
    "allow_http_localhost": TESTING or DEBUG,
    # Host names the operator opens for pushes into internal networks (a Fachverfahren
    # adapter inside); everything else must resolve to public addresses only.
    "private_hosts": env_list("APPLICATIONS_HANDOFF_PRIVATE_HOSTS", []),
    # FIT-Connect (handoff/fitconnect/): reads of the event log per try and the pause
    # between them; the shortest destination key accepted (FIT-Connect demands 4096).
    "fitconnect_poll_tries": env_int("HANDOFF_FITCONNECT_POLL_TRIES", 3, minimum=1, maximum=20),
    "fitconnect_poll_interval_s": env_int(
        "HANDOFF_FITCONNECT_POLL_INTERVAL_S", 2, minimum=0, maximum=60
    ),
    "fitconnect_min_key_bits": env_int(
        "HANDOFF_FITCONNECT_MIN_KEY_BITS", 4096, minimum=2048, maximum=16384
    ),
}
# Submissions per customer and hour (web and API), in the shared cache.
APPLICATIONS_SUBMIT_RATE = env_int("APPLICATIONS_SUBMIT_PER_HOUR", 10, minimum=1, maximum=1000)
# (settings of the applications module go here)

# --- Documents (documents/) ----------------------------------------------------------
# Encrypted at rest under a key per job centre derived from DOCUMENTS_MASTER_KEY (HKDF);
# DOCUMENTS_OLD_KEYS ("id:base64key,...") keeps earlier master keys readable for rotation.
DOCUMENTS_MASTER_KEY = env_str("DOCUMENTS_MASTER_KEY")
if not DOCUMENTS_MASTER_KEY and PRODUCTION:
    msg = "DOCUMENTS_MASTER_KEY must be set when OJC_ENV=production (32+ random bytes, base64)"
    raise ConfigError(msg)
if DOCUMENTS_MASTER_KEY and len(DOCUMENTS_MASTER_KEY) < 43:  # 32 bytes in base64
    msg = "DOCUMENTS_MASTER_KEY must be at least 32 random bytes, base64-encoded"
    raise ConfigError(msg)
DOCUMENTS: dict[str, object] = {
    "master_key": DOCUMENTS_MASTER_KEY,
    "key_id": env_str("DOCUMENTS_KEY_ID", "k1"),
    "old_keys": env_list("DOCUMENTS_OLD_KEYS", []),
    # "filesystem" (under MEDIA_ROOT/documents) or "s3" (django-storages, any S3-compatible).
    "storage": env_choice("DOCUMENTS_STORAGE", "filesystem", ("filesystem", "s3")),
    "s3_bucket": env_str("DOCUMENTS_S3_BUCKET"),
    "s3_endpoint_url": env_str("DOCUMENTS_S3_ENDPOINT_URL"),
    "s3_region": env_str("DOCUMENTS_S3_REGION", "eu-central-1"),
    "s3_access_key": env_str("DOCUMENTS_S3_ACCESS_KEY"),
    "s3_secret_key": env_str("DOCUMENTS_S3_SECRET_KEY"),
    # "none" (no scan) or "clamd" (fail closed when clamd cannot be reached).
    "scanner": env_choice("DOCUMENTS_SCANNER", "none", ("none", "clamd")),
    "clamd_socket": env_str("DOCUMENTS_CLAMD_SOCKET"),
    "clamd_host": env_str("DOCUMENTS_CLAMD_HOST", "127.0.0.1"),
    "clamd_port": env_int("DOCUMENTS_CLAMD_PORT", 3310, minimum=1, maximum=65535),
    "max_file_bytes": env_int("DOCUMENTS_MAX_FILE_MB", 25, minimum=1, maximum=200) * 1024 * 1024,
    "max_pixels": env_int("DOCUMENTS_MAX_MEGAPIXELS", 50, minimum=1, maximum=400) * 1_000_000,
    "max_pdf_pages": env_int("DOCUMENTS_MAX_PDF_PAGES", 100, minimum=1, maximum=2000),
    "max_pages": env_int("DOCUMENTS_MAX_PAGES", 30, minimum=1, maximum=200),
    "ocr": env_bool("DOCUMENTS_OCR", default=True),
    "dpi": env_int("DOCUMENTS_DPI", 300, minimum=150, maximum=400),
    # A document still "processing" this long after it was sent: the customer is told it
    # takes too long and may start it again (its task's worker may have died).
    "processing_deadline_s": env_int(
        "DOCUMENTS_PROCESSING_DEADLINE_S", 900, minimum=30, maximum=86400
    ),
}
# Both S3 storages (documents, default): an unreachable object store fails a request
# within seconds, answered with a calm 503 (core/unavailable.py), instead of botocore's
# 60 s per try and five tries; three tries ride out a single lost connection.
S3_CLIENT_OPTIONS: dict[str, Any] = {
    "connect_timeout": 3,
    "read_timeout": 20,
    "retries": {"max_attempts": 3, "mode": "standard"},
}
if DOCUMENTS["storage"] == "s3" and not DOCUMENTS["s3_bucket"]:
    msg = "DOCUMENTS_STORAGE=s3 needs DOCUMENTS_S3_BUCKET"
    raise ConfigError(msg)
# Everything else in Django's default storage (job centres' logos, chat attachments when
# the documents module is off): a local folder is fine on one host; several nodes share
# an S3-compatible bucket instead (the same store and credentials as the documents).
MEDIA_STORAGE = env_choice("MEDIA_STORAGE", "filesystem", ("filesystem", "s3"))
if MEDIA_STORAGE == "s3":
    MEDIA_S3_BUCKET = env_str("MEDIA_S3_BUCKET")
    if not MEDIA_S3_BUCKET:
        msg = "MEDIA_STORAGE=s3 needs MEDIA_S3_BUCKET"
        raise ConfigError(msg)
    from botocore.config import Config as _BotoConfig  # type: ignore[import-untyped]

    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "client_config": _BotoConfig(**S3_CLIENT_OPTIONS),
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": DOCUMENTS["s3_endpoint_url"] or None,
            "region_name": DOCUMENTS["s3_region"],
            "access_key": DOCUMENTS["s3_access_key"] or None,
            "secret_key": DOCUMENTS["s3_secret_key"] or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# --- Explainer videos (videos/, docs/videos.md) ---------------------------------------
VIDEOS = {
    # Largest upload and longest video accepted (checked with ffprobe before anything is stored).
    "max_upload_bytes": env_int("VIDEOS_MAX_UPLOAD_MB", 200, minimum=1, maximum=4096) * 1024 * 1024,
    "max_duration_s": env_int("VIDEOS_MAX_DURATION_S", 600, minimum=5, maximum=7200),
    # ffmpeg and ffprobe (Debian's package); CI installs it (.ci/run).
    "ffmpeg": env_str("VIDEOS_FFMPEG", "ffmpeg"),
    "ffprobe": env_str("VIDEOS_FFPROBE", "ffprobe"),
    # A variant still "processing" this long after its start is offered for a retry.
    "processing_deadline_s": env_int(
        "VIDEOS_PROCESSING_DEADLINE_S", 1800, minimum=30, maximum=86400
    ),
    # A self-hosted PeerTube instance (https host name) whose videos may be embedded, for
    # job centres that name none of their own (Einstellungen on the videos page). Empty: none.
    "peertube_host": env_str("VIDEOS_PEERTUBE_HOST").strip().lower(),
}
if VIDEOS["peertube_host"] and not re.fullmatch(
    r"[a-z0-9.-]+(:[0-9]+)?", str(VIDEOS["peertube_host"])
):
    msg = "VIDEOS_PEERTUBE_HOST must be a host name (peertube.example.org), without scheme or path"
    raise ConfigError(msg)
# No frame-src here: only the player page of an embedded PeerTube video allows frames,
# from that one host (videos/peertube.py).

# --- Messaging and notifications (messaging/, notifications/) -----------------------
MESSAGING = {
    # Longest message body in characters.
    "max_length": env_int("MESSAGING_MAX_LENGTH", 5000, minimum=100, maximum=100_000),
    # Rate limit per person: at most this many messages per window (seconds).
    "rate_count": env_int("MESSAGING_RATE_COUNT", 20, minimum=1, maximum=10_000),
    "rate_window_s": env_int("MESSAGING_RATE_WINDOW", 60, minimum=1, maximum=3600),
    # Chat sockets' database work: this many threads of their own, each with a pooled
    # connection, so a commit waiting for the disk holds up only its own message
    # (PostgreSQL flushes concurrent commits together). Few: the work is mostly Python,
    # and more threads only fight over the interpreter lock (bench/chat.py: 2, 4 and 16
    # threads cost 5.9, 6.4 and 7.1 ms of CPU per message). 0: Channels' one shared
    # thread, which SQLite wants (one writer) and the tests use.
    "db_threads": env_int(
        "MESSAGING_DB_THREADS",
        # At most one less than the pool: a small pool (a benchmark's 2) keeps one for requests.
        min(4, _db.pool_size - 1) if DATABASE_URL.startswith("postgres") and not TESTING else 0,
        minimum=0,
        maximum=128,
    ),
    # How often (ms) each app process sends itself a numbered heartbeat through the
    # channel layer: a failed or missing one means chat events were lost too, and the
    # process's chat sockets are told to resync once one gets through again
    # (messaging/layerwatch.py, docs/websocket-protocol.md). Cheap: one publish.
    "layer_check_ms": env_int("MESSAGING_LAYER_CHECK_MS", 1000, minimum=50, maximum=60_000),
    # Attachments when the documents module is off (otherwise its limits apply).
    "attachment_max_bytes": env_int(
        "MESSAGING_ATTACHMENT_MAX_BYTES",
        10 * 1024 * 1024,
        minimum=1024,
        maximum=100 * 1024 * 1024,
    ),
}
if MESSAGING["db_threads"] and MESSAGING["db_threads"] >= _db.pool_size:
    # The chat's threads would hold every pooled connection and starve the requests.
    msg = (
        f"DATABASE_POOL_SIZE ({_db.pool_size}) must be larger than MESSAGING_DB_THREADS "
        f"({MESSAGING['db_threads']}): the chat's database threads take that many connections"
    )
    raise ConfigError(msg)
# A notification about a message waits this long; read live by then, it is not sent
# (notifications/batching.py). The periodic send job runs every 60 s on top of it.
NOTIFY_READ_DELAY_S = env_int("NOTIFY_READ_DELAY_S", 120, minimum=0, maximum=3600)
# Web Push (RFC 8291/8292). Empty: a key pair is generated once and kept in the database.
VAPID_PRIVATE_KEY = env_str("VAPID_PRIVATE_KEY")
VAPID_PUBLIC_KEY = env_str("VAPID_PUBLIC_KEY")
VAPID_SUBJECT = env_str("VAPID_SUBJECT", "mailto:noreply@openjobcenter.invalid")
if bool(VAPID_PRIVATE_KEY) != bool(VAPID_PUBLIC_KEY):
    msg = "VAPID_PRIVATE_KEY and VAPID_PUBLIC_KEY must be set together"
    raise ConfigError(msg)

# --- API ------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50

# --- Logging: one JSON object per line in production, readable lines otherwise ------------
LOG_FORMAT = env_choice("LOG_FORMAT", "json" if PRODUCTION else "text", ("json", "text"))
LOG_LEVEL = env_choice("LOG_LEVEL", "info", ("debug", "info", "warning", "error")).upper()
LOGGING = logging_dict(log_format=LOG_FORMAT, level=LOG_LEVEL)
# /metrics and /readyz (config/monitoring_settings.py, docs/monitoring.md).
METRICS = metrics_settings()
READYZ = readyz_settings()
# News and federation (config/news_settings.py, docs/news.md).
NEWS = news_settings(production=PRODUCTION)
