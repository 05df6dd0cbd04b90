"""taperwell settings: one module, driven by environment variables (see README, "Configuration")."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from taperwell.env import (
    ConfigurationError,
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_str,
    replica_from_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TAPERWELL_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# "demo" (make run), "production", or "test" (set by the test suite).
TAPERWELL_ENV = env_str("TAPERWELL_ENV", "demo")
if TAPERWELL_ENV not in {"demo", "production", "test"}:
    raise ConfigurationError(
        f"TAPERWELL_ENV must be demo, production or test, not {TAPERWELL_ENV!r}"
    )
PRODUCTION = TAPERWELL_ENV == "production"
DEMO_MODE = TAPERWELL_ENV == "demo"

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ConfigurationError(
            "SECRET_KEY must be set when TAPERWELL_ENV=production "
            '(for example: python -c "import secrets; print(secrets.token_urlsafe(50))")'
        )
    SECRET_KEY = "taperwell-demo-only-not-secret"  # noqa: S105 - refused in production above

DEBUG = env_bool("DEBUG", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# Web Push (taperwell/webpush): the VAPID private key; empty means var/vapid_private_key.pem,
# made on first use. The subject tells push services whom to contact about our pushes.
VAPID_PRIVATE_KEY = env_str("TAPERWELL_VAPID_PRIVATE_KEY")
VAPID_SUBJECT = env_str("TAPERWELL_VAPID_SUBJECT", "mailto:webmaster@localhost")
# Push services speak https; only the test suite's local push endpoint is plain http.
WEBPUSH_ALLOW_HTTP_ENDPOINTS = False
# The service worker fetches the patient's offline pages ahead, right after sign-in.
WEBPUSH_KEEP_PAGES_AHEAD = True

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
    "ninja",  # the API docs page from django-ninja's own pinned static files, not a CDN
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "huey.contrib.djhuey",
    "taperwell.core",
    "taperwell.accounts",
    "taperwell.clinics",
    "taperwell.audit",
    "taperwell.patients",
    "taperwell.today",
    "taperwell.enrolment",
    "taperwell.medications",
    "taperwell.tapering",
    "taperwell.checkins",
    "taperwell.care",
    "taperwell.goals",
    "taperwell.skills",
    "taperwell.messaging",
    "taperwell.community",
    "taperwell.meetings",
    "taperwell.monitoring",
    "taperwell.rtm",
    "taperwell.notifications",
    "taperwell.webpush",
    "taperwell.reports",
    "taperwell.api",
    "taperwell.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "taperwell.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "taperwell.core.sessions.IdleTimeoutSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "taperwell.core.middleware.ClinicTimeZoneMiddleware",
    # After sign-in: the patient's own language, English for staff (LocaleMiddleware above
    # reads the browser's Accept-Language for everyone else). After the time zone middleware,
    # which loads the membership with its clinic in one query.
    "taperwell.core.language.PersonLanguageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "taperwell.accounts.middleware.RequireStaffTwoFactorMiddleware",
    "taperwell.core.middleware.NoStoreForSignedInMiddleware",
    "taperwell.core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "taperwell.urls"
WSGI_APPLICATION = "taperwell.wsgi.application"

# Each field a block: label above the input, hint under it (see taperwell/core/forms.py).
FORM_RENDERER = "taperwell.core.forms.FieldBlockRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "taperwell" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "taperwell.core.context_processors.taperwell",
            ],
            # Django's {% url %}, with named links worked out once per process.
            "builtins": ["taperwell.core.templatetags.url_once"],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL"), sqlite_default=VAR_DIR / "taperwell.sqlite3"
    )
}
# A PostgreSQL streaming replica for reports (clinic outcomes, research export); see
# docs/scaling.md. Reads elsewhere and every write use the primary.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = replica_from_url(DATABASE_REPLICA_URL)
DATABASE_ROUTERS = ["taperwell.core.db.ReportingRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when available, otherwise the database, so sign-in throttling is shared by all
# gunicorn workers (a per-process memory cache would let an attacker spread guesses over workers).
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "taperwell_cache",
        }
    }

AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's backends, each loading the signed-in person with their membership and
# own patient record in one query per request (taperwell/accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "taperwell.accounts.backends.PasswordBackend",
    "taperwell.accounts.backends.AccountBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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
LOGOUT_REDIRECT_URL = "account_login"

# Sign-in (django-allauth): email only, invitation only (no open sign-up).
ACCOUNT_ADAPTER = "taperwell.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False  # "keep me signed in" is ours: taperwell.accounts.forms
ACCOUNT_FORMS = {"login": "taperwell.accounts.forms.LoginForm"}
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
# The client's address (audit rows, every throttle): REMOTE_ADDR with 0 proxies; behind N proxies
# of ours, the Nth X-Forwarded-For address from the right (taperwell.core.net). Never the first:
# the client writes that one.
TRUSTED_PROXY_COUNT = env_int("TAPERWELL_TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ConfigurationError("TAPERWELL_TRUSTED_PROXY_COUNT must be 0 or more")
# Throttling: 20 failed sign-ins from one address in a minute, or 5 for one account from one
# address in 15 minutes, and further attempts from that address are refused until the window
# passes. Both key on the client's address, so a stranger cannot lock anyone else out
# (taperwell.accounts.adapter).
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("TAPERWELL_LOGIN_FAILED_LIMIT", "20/m/ip,5/15m/key"),
    "reset_password": "20/m/ip,5/m/key",
}
# API tokens: after this many wrong tokens from one client address in the window, that address is
# refused (429) until the window passes; other addresses are not affected.
API_TOKEN_FAILURE_LIMIT = env_int("TAPERWELL_API_TOKEN_FAILURE_LIMIT", 20)
API_TOKEN_FAILURE_WINDOW_SECONDS = 15 * 60
# A token works this many days after it is made, then must be made again.
API_TOKEN_LIFETIME_DAYS = env_int("TAPERWELL_API_TOKEN_LIFETIME_DAYS", 90)
if API_TOKEN_LIFETIME_DAYS < 1:
    raise ConfigurationError("TAPERWELL_API_TOKEN_LIFETIME_DAYS must be 1 or more")
# Passkeys (WebAuthn) let a patient sign in with their phone's lock (face, fingerprint or PIN),
# no password. For staff a passkey is not the second factor: they still type an authenticator
# code in the session (taperwell.accounts.services.SECOND_FACTOR_TYPES, accounts/README.md).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
# Only for tests on http://localhost; browsers require HTTPS (or localhost) for passkeys anyway.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False
MFA_ADAPTER = "taperwell.accounts.adapter.MFAAdapter"
MFA_TOTP_ISSUER = "taperwell"
# Accept the code from one 30-second step either side (RFC 6238 section 5.2): phone clocks drift,
# and a code typed as it rolls over should not lock anyone out. A used code is still refused.
MFA_TOTP_TOLERANCE = 1
# Two-factor sign-in is required for every role but patients, except in the demo.
REQUIRE_STAFF_MFA = env_bool("TAPERWELL_REQUIRE_STAFF_MFA", default=not DEMO_MODE)

# Sessions live in the database (Django's store; the row is read by a prepared query).
SESSION_ENGINE = "taperwell.core.session_store"
# Idle timeout: the session ends after this many minutes without a request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
# The expiry moves forward when a signed-in request comes more than a minute after the last push
# (taperwell.core.sessions), not with a database write on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = 60
# "Keep me signed in on this device": a patient who ticks it stays signed in this many days from
# signing in (staff always keep the idle timeout). Sign-out and a password change end it.
KEEP_SIGNED_IN_DAYS = env_int("TAPERWELL_KEEP_SIGNED_IN_DAYS", 30)
if KEEP_SIGNED_IN_DAYS < 1:
    raise ConfigurationError("TAPERWELL_KEEP_SIGNED_IN_DAYS must be 1 or more")
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION and env_bool("SECURE_COOKIES", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    # taperwell runs behind a TLS-terminating proxy that sets X-Forwarded-Proto (see README,
    # "Security"). Plain-HTTP requests are redirected to HTTPS, except the load balancer's
    # health check; browsers are told to use HTTPS only for a year (HSTS).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)

# Email: printed to the console in the demo, SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "taperwell <no-reply@taperwell.invalid>")

# Background jobs: huey. SQLite storage needs no extra server; REDIS_URL scales out to many
# consumers on many machines.
HUEY_IMMEDIATE = env_bool("HUEY_IMMEDIATE", default=False)
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "taperwell",
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "taperwell.core.job_queue.JobQueue",
        "name": "taperwell",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

LANGUAGE_CODE = "en-us"
# A clinic adds a language with its catalogue in taperwell/locale/<code>/ (README, "Languages").
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "taperwell" / "locale"]
FORMAT_MODULE_PATH = ["taperwell.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "taperwell.core.static_storage.StaticStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
