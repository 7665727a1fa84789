"""srsite settings: the only module that reads environment variables (docs/spec.md §6 names)."""

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def _database(url: str) -> dict:
    """``DATABASE_URL`` as a DATABASES entry: ``postgres://user:password@host:port/name?sslmode=require``
    (psycopg 3; query parameters become connection options) or ``sqlite:///path``; the SQLite file when empty.
    """
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3", "OPTIONS": {"timeout": 20}}
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": unquote(parts.path[1:]), "OPTIONS": {"timeout": 20}}
    if parts.scheme not in ("postgres", "postgresql"):
        raise ImproperlyConfigured(f"DATABASE_URL must start with postgres:// or sqlite:///, not {parts.scheme}://")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "OPTIONS": {"connect_timeout": "10", **dict(parse_qsl(parts.query))},  # a dead host fails fast
        # Keep connections between requests and jobs, checked before reuse (a restarted server is no error).
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


# Off unless asked for (`make run` sets DJANGO_DEBUG=1): a forgotten variable must not serve technical pages.
DEBUG = _env_bool("DJANGO_DEBUG", False)
SECRET_KEY = _env("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (production).")
SRSITE_COMMIT = _env("SRSITE_COMMIT")  # the code's commit for model cards where the tree has no .git (train)
ALLOWED_HOSTS = [h for h in _env("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "mlcore",
    "enhance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "enhance.middleware.RequestReadMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "enhance.middleware.ServiceUnavailableMiddleware",
    "enhance.security.SecurityHeadersMiddleware",
]
# Every page: scripts and styles from the site's files only: no inline script, no <style> element, no style
# attribute (templates set classes; JS sets styles through the CSSOM, which CSP allows).
SRSITE_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# A form posted without a valid CSRF token gets the site's error page (Django's own has an inline <style>).
CSRF_FAILURE_VIEW = "enhance.api_errors.csrf_failure"

ROOT_URLCONF = "srsite.urls"
WSGI_APPLICATION = "srsite.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": _database(_env("DATABASE_URL"))}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = BASE_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names for production (run collectstatic); plain files while developing.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# S3-compatible media (django-storages) when a bucket is named. Objects stay private: pages and the API
# stream them through views that check the owner, and any storage .url() is presigned for 5 minutes.
S3_BUCKET = _env("S3_BUCKET")
S3_ENDPOINT_URL = _env("S3_ENDPOINT_URL")
if S3_ENDPOINT_URL and not S3_BUCKET:
    raise ImproperlyConfigured("S3_ENDPOINT_URL is set but S3_BUCKET is not: name the bucket for media.")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": S3_ENDPOINT_URL or None,  # None: AWS itself
            # Empty keys: boto3's own chain (instance role, ~/.aws) finds them.
            "access_key": _env("S3_ACCESS_KEY_ID") or None,
            "secret_key": _env("S3_SECRET_ACCESS_KEY") or None,
            "region_name": _env("S3_REGION") or None,
            # Other S3-compatible servers (MinIO, Ceph, a loopback one) seldom have bucket subdomains.
            "addressing_style": "path" if S3_ENDPOINT_URL else None,
            "signature_version": "s3v4",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# The job queue: the database (default; any number of `manage.py worker` on any host sharing the database)
# or RQ on Redis. `manage.py worker` runs the right worker for either.
SRSITE_TASK_BACKEND = _env("SRSITE_TASK_BACKEND", "db")
REDIS_URL = _env("REDIS_URL")
if SRSITE_TASK_BACKEND == "db":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
elif SRSITE_TASK_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    # A big image on a CPU takes minutes: the lease and reaper, not RQ's timeout, catch dead workers.
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 3600}}
    # SimpleWorker runs jobs in the worker process itself: torch and the weights stay loaded between jobs.
    RQ = {"JOB_CLASS": "django_tasks_rq.Job", "WORKER_CLASS": "rq.worker.SimpleWorker"}
else:
    raise ImproperlyConfigured(f"SRSITE_TASK_BACKEND must be db or rq, not {SRSITE_TASK_BACKEND!r}.")
# Throttle and attempt counts must be shared by every web process and counted atomically: Redis when there is
# one, else the database in production (enhance.cache: Django's database cache counting under the key's lock;
# `migrate` makes its table). Only DEBUG keeps Django's per-process memory cache; a check (enhance.E001)
# refuses without DEBUG any cache that is per process or counts with a separate read and write.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
elif not DEBUG:
    CACHES = {"default": {"BACKEND": "enhance.cache.AtomicDatabaseCache", "LOCATION": "srsite_cache"}}

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes an anonymous request a 401 rather than a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "enhance.tokens.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "enhance.api_renderers.SiteBrowsableAPIRenderer",  # /api/ in a browser: DRF's page, with a way back
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "enhance.api_errors.exception_handler",
    # `?format=base64` is /display's own parameter (docs/spec.md §3), not DRF's renderer override.
    "URL_FORMAT_OVERRIDE": None,
}
# How many proxies in front of the site append to X-Forwarded-For: the client address is the one the
# outermost trusted proxy saw. 0 (default): the header is ignored, so a client cannot choose its address.
SRSITE_TRUSTED_PROXIES = int(_env("SRSITE_TRUSTED_PROXIES", "0"))
REST_FRAMEWORK["NUM_PROXIES"] = SRSITE_TRUSTED_PROXIES
# Attempts in a window of SRSITE_LOGIN_WINDOW_MINUTES (enhance.throttles.ATTEMPT_LIMITS). Sign-in
# (/accounts/login/, /admin/login/, /api/auth/token/): one username from one address, any usernames from one
# address, one username from all addresses (higher: an attacker at one address cannot lock a person out).
SRSITE_LOGIN_WINDOW_MINUTES = int(_env("SRSITE_LOGIN_WINDOW_MINUTES", "15"))
SRSITE_LOGIN_ATTEMPTS = int(_env("SRSITE_LOGIN_ATTEMPTS", "10"))
SRSITE_LOGIN_ADDRESS_ATTEMPTS = int(_env("SRSITE_LOGIN_ADDRESS_ATTEMPTS", "30"))
SRSITE_LOGIN_USER_ATTEMPTS = int(_env("SRSITE_LOGIN_USER_ATTEMPTS", "100"))
# Password reset requests per address and per e-mail address; sign-up attempts per address.
SRSITE_RESET_ATTEMPTS = int(_env("SRSITE_RESET_ATTEMPTS", "5"))
SRSITE_SIGNUP_ATTEMPTS = int(_env("SRSITE_SIGNUP_ATTEMPTS", "10"))
# /healthz names failing parts and their errors only to staff or with `Authorization: Bearer <this>`.
SRSITE_HEALTH_TOKEN = _env("SRSITE_HEALTH_TOKEN")
# Throttles (DRF rate strings, "<count>/<sec|min|hour|day>"): uploads per user, token requests per address.
SRSITE_UPLOAD_RATE = _env("SRSITE_UPLOAD_RATE", "60/min")
SRSITE_TOKEN_RATE = _env("SRSITE_TOKEN_RATE", "30/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "srsite API",
    "DESCRIPTION": "Image super-resolution: upload, enhance, download.",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Operation paths as text, not links inside the operation's toggle button (axe: nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "REDOC_DIST": "SIDECAR",
    # The contract is no secret: schema and docs are readable before signing in.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
}

# The engine and its limits (docs/spec.md §3, §6).
SRSITE_DEVICE = _env("SRSITE_DEVICE", "auto")
SRSITE_TORCH_THREADS = int(_env("SRSITE_TORCH_THREADS", "0"))  # 0: torch's default
SRSITE_MAX_UPLOAD_MB = int(_env("SRSITE_MAX_UPLOAD_MB", "25"))
SRSITE_MAX_INPUT_MP = int(_env("SRSITE_MAX_INPUT_MP", "16"))
SRSITE_MAX_OUTPUT_MP = int(_env("SRSITE_MAX_OUTPUT_MP", "64"))
SRSITE_JOB_LEASE_SECONDS = int(_env("SRSITE_JOB_LEASE_SECONDS", "120"))
# Per user: jobs queued or running, megapixels of output those jobs will make, bytes of uploads kept, and
# hours before a draft (uploaded, never queued) is deleted by the reaper.
SRSITE_MAX_ACTIVE_JOBS = int(_env("SRSITE_MAX_ACTIVE_JOBS", "20"))
SRSITE_MAX_QUEUED_MP = int(_env("SRSITE_MAX_QUEUED_MP", "640"))
SRSITE_MAX_STORED_MB = int(_env("SRSITE_MAX_STORED_MB", "2048"))
SRSITE_DRAFT_HOURS = int(_env("SRSITE_DRAFT_HOURS", "24"))
# The image sets (one folder each: T91, BSD200 to train; Set5, Set14, BSD100 to test) for manage.py train,
# evaluate and compare_optimizers, the benchmarks and the tests.
SRSITE_DATA_ROOT = Path(_env("SRSITE_DATA_ROOT") or BASE_DIR.parent / "shared" / "datasets")
# Let a whole upload through Django so the service, not the request parser, answers "too large".
DATA_UPLOAD_MAX_MEMORY_SIZE = (SRSITE_MAX_UPLOAD_MB + 1) * 1024 * 1024

# Production (DEBUG off): HTTPS only, behind a TLS-terminating proxy that sets X-Forwarded-Proto (gunicorn
# trusts it from --forwarded-allow-ips, loopback by default). `manage.py check --deploy` is clean.
if not DEBUG:
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
