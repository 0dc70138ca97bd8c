"""Settings for Tòa soạn, read from the environment with safe local defaults."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE

from newsroom.env import ConfigurationError, env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", env_bool("DJANGO_DEBUG", True))

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY") or env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ConfigurationError("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS",
    env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"]),
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ckeditor",
    "csp",
    "axes",
    "articles",
]

MIDDLEWARE = [
    # First: a request id (X-Request-ID) and the client's address for logs and audit.
    "newsroom.requestlog.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside the page cache: a cached copy gets the policy of the moment it is served.
    "newsroom.security_headers.ContentSecurityPolicyMiddleware",
    "newsroom.security_headers.PermissionsPolicyMiddleware",
    # A database outage raised by any view becomes the Vietnamese 503 page.
    "newsroom.outage.DatabaseOutageMiddleware",
    "newsroom.db_router.PrimaryPinMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "articles.middleware.RejectNulBytesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before anything reads the body (CSRF reads POST in process_view).
    "newsroom.request_limits.RequestSizeLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "newsroom.login_throttle.IdleSessionMiddleware",
    # Turns a refused login into the lockout page (newsroom.login_throttle).
    "axes.middleware.AxesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: it needs the resolved view, and a hit skips the view entirely.
    "articles.pagecache.PageCacheMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                "articles.context_processors.site_chrome",
            ],
        },
    },
]


# Database: an SQLite file by default, PostgreSQL (or anything) through DATABASE_URL.
def _database(url, variable):
    try:
        return dj_database_url.parse(
            url, conn_max_age=env_int("CONN_MAX_AGE", 60), conn_health_checks=True
        )
    except ValueError as error:  # unknown scheme, malformed URL (never echo it: a password)
        raise ConfigurationError(f"{variable} is not a usable database URL: {error}") from None


DATABASES = {
    "default": _database(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}", "DATABASE_URL"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers keep reading while a journalist saves; the busy timeout
    # makes concurrent writers wait instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# Optional read replicas (streaming replication of the primary): public page reads
# are spread over them; writes, the admin and a browser that just wrote use the
# primary (newsroom/db_router.py).
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS", []), start=1):
    DATABASES[f"replica_{_number}"] = _database(_url, "DATABASE_REPLICA_URLS")
    DATABASES[f"replica_{_number}"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["newsroom.db_router.PrimaryReplicaRouter"]
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10)
# While the database is down: the 503 page's Retry-After (newsroom/outage.py).
DATABASE_RETRY_AFTER_SECONDS = env_int("DATABASE_RETRY_AFTER_SECONDS", 30)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis in production when REDIS_URL is set, local memory otherwise.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache that runs uncached while Redis is down (newsroom/cache.py).
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "toasoan",
            "OPTIONS": {
                # A frozen or unreachable Redis costs a request this much, at most once
                # per REDIS_RETRY_SECONDS per process.
                "socket_connect_timeout": env_float("REDIS_TIMEOUT_SECONDS", 0.5),
                "socket_timeout": env_float("REDIS_TIMEOUT_SECONDS", 0.5),
            },
        }
    }
else:
    # Per process; whole pages are cached here too (articles/pagecache.py): room for
    # a busy site's hot pages (~50 KB each) without letting memory grow unbounded.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 3000},
        }
    }

# After a Redis failure, calls skip Redis (uncached) for this long before trying again.
REDIS_RETRY_SECONDS = env_float("REDIS_RETRY_SECONDS", 5)

# Whole public pages for anonymous readers (articles/pagecache.py). 0 switches it off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 60)
PAGE_CACHE_STALE_SECONDS = env_int("PAGE_CACHE_STALE_SECONDS", 600)  # kept for errors
PAGE_CACHE_LOCK_SECONDS = env_int("PAGE_CACHE_LOCK_SECONDS", 5)  # one rebuild at a time
PAGE_CACHE_PUBLIC_MAX_AGE = env_int("PAGE_CACHE_PUBLIC_MAX_AGE", 5)  # browsers, nginx, CDN
# Without a shared cache, the processes of one machine agree on what is current
# through this file; with Redis the state lives in Redis (all machines).
PAGE_CACHE_STATE_FILE = (
    None if REDIS_URL else Path(env_str("PAGE_CACHE_STATE_FILE") or BASE_DIR / "var" / "page-cache")
)

# scripts/benchmark.py's constant page (newsroom/benchmark_views.py); off everywhere else.
BENCHMARK_CEILING = env_bool("BENCHMARK_CEILING", False)
# Behind a reverse proxy that overwrites X-Forwarded-For and X-Forwarded-Proto (nginx in
# deploy/): believe them (newsroom.http.client_ip, HTTPS detection). Never without one.
TRUST_PROXY_HEADERS = env_bool("TRUST_PROXY_HEADERS", False)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
# Our own Vietnamese for what Django's "vi" catalogues lack or word badly; the compiled
# .mo files are committed, so no gettext tools are needed to run the site.
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["newsroom.formats"]
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
# Django's finders without packages' test and sample pages (CKEditor ships some).
STATICFILES_FINDERS = [
    "newsroom.staticfiles.FileSystemFinder",
    "newsroom.staticfiles.AppDirectoriesFinder",
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Media on S3-compatible object storage (AWS S3, MinIO, Ceph, Cloudflare R2 …) when a
# bucket is named: photos and renditions then live there, shared by every app server.
MEDIA_S3_BUCKET = env_str("MEDIA_S3_BUCKET")
if MEDIA_S3_BUCKET:
    _s3_endpoint = env_str("MEDIA_S3_ENDPOINT_URL").rstrip("/") or None
    _s3_domain = env_str("MEDIA_S3_CUSTOM_DOMAIN").rstrip("/") or None  # e.g. a CDN host
    _s3_protocol = env_str("MEDIA_S3_URL_PROTOCOL", "https:")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": _s3_endpoint,
            "region_name": env_str("MEDIA_S3_REGION") or None,
            "custom_domain": _s3_domain,
            "url_protocol": _s3_protocol,
            "addressing_style": "path" if _s3_endpoint else None,
            # Public, never-changing files (names are random): plain URLs, cached long.
            "querystring_auth": False,
            "default_acl": None,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    if _s3_domain:
        MEDIA_URL = f"{_s3_protocol}//{_s3_domain}/"
    elif _s3_endpoint:
        MEDIA_URL = f"{_s3_endpoint}/{MEDIA_S3_BUCKET}/"
    else:
        MEDIA_URL = f"https://{MEDIA_S3_BUCKET}.s3.amazonaws.com/"

# Uploads: refuse oversized requests before they reach our code.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # form fields other than files (a long body)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644
PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", 20 * 1024 * 1024)
PHOTO_MAX_PIXELS = env_int("PHOTO_MAX_PIXELS", 40_000_000)
# At most this many image decodes at a time per process (articles/image_work.py); the
# next waits this long, then is refused with "busy" rather than piling up memory.
IMAGE_DECODE_CONCURRENCY = env_int("IMAGE_DECODE_CONCURRENCY", 2)
IMAGE_DECODE_WAIT_SECONDS = env_int("IMAGE_DECODE_WAIT_SECONDS", 20)
# Renditions made in a thread after the upload commits (pages show the original until
# then; `rebuild_renditions --missing` in cron catches any a restart interrupted).
RENDITIONS_IN_BACKGROUND = env_bool("RENDITIONS_IN_BACKGROUND", False)
# Whole request bodies, by the announced Content-Length (newsroom/request_limits.py):
# readers send only tiny ones (the view beacon, the login form); staff send photos.
REQUEST_MAX_BYTES_PUBLIC = env_int("REQUEST_MAX_BYTES_PUBLIC", 64 * 1024)
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", PHOTO_MAX_BYTES + 5 * 1024 * 1024)

# The house style's lengths (characters), counted live on the article screen and checked
# before approval; a managing editor may go over them with a reason (articles.checklist).
# The database allows 300 characters of headline.
HEADLINE_HOUSE_LIMIT = env_int("HEADLINE_HOUSE_LIMIT", 120)
SAPO_HOUSE_LIMIT = env_int("SAPO_HOUSE_LIMIT", 300)

LOGIN_URL = "admin:login"
# Where a login lands when its `next=` is missing or refused (another host, …).
LOGIN_REDIRECT_URL = "admin:index"

# Login throttling (django-axes, newsroom/login_throttle.py): after LOGIN_FAILURE_LIMIT
# failures for a user name or from an address, both are refused for
# LOGIN_LOCKOUT_MINUTES. Login costs real CPU (the password hash), so this is also
# load protection.
AUTHENTICATION_BACKENDS = [
    "newsroom.login_throttle.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
# Counters shared by every worker: in Redis when there is one (no database write per
# attempt), else in the database (a local-memory cache is per process).
AXES_HANDLER = (
    "axes.handlers.cache.AxesCacheHandler"
    if REDIS_URL
    else "axes.handlers.database.AxesDatabaseHandler"
)
AXES_DISABLE_ACCESS_LOG = True  # no row per successful login
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one reaching the limit
AXES_LOCKOUT_CALLABLE = "newsroom.login_throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "newsroom.http.client_ip"
AXES_RESET_ON_SUCCESS = False  # one good login must not clear an address's failures
AXES_ENABLE_ADMIN = False  # unlock with `manage.py axes_reset_username NAME`
AXES_VERBOSE = False
# A logged-in session unused this long is logged out (a working day).
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 8 * 60 * 60)
# Where the newsroom works (the idle check runs there only; public pages never read
# the session).
STAFF_PATH_PREFIXES = ["/admin/", "/quan-tri/"]

# CKEditor 4: a toolbar for news writing. The browser-side filter is a convenience
# only; articles.richtext sanitises every body on the server.
CKEDITOR_BASEPATH = STATIC_URL + "ckeditor/ckeditor/"
CKEDITOR_CONFIGS = {
    "newsroom": {
        "toolbar": "Newsroom",
        "toolbar_Newsroom": [
            ["Format", "Bold", "Italic", "Underline", "Strike", "Subscript", "Superscript"],
            ["NumberedList", "BulletedList", "Blockquote"],
            ["JustifyLeft", "JustifyCenter", "JustifyRight", "JustifyBlock"],
            ["Link", "Unlink"],
            ["Image", "Table", "HorizontalRule", "SpecialChar"],
            ["PasteText", "PasteFromWord", "RemoveFormat"],
            ["Undo", "Redo"],
            ["Maximize", "Source"],
        ],
        "format_tags": "p;h2;h3;h4",
        "extraPlugins": "image2,uploadimage",
        # elementspath would show raw tag names ("body p", "table thành phần") under
        # the editing area.
        "removePlugins": "image,exportpdf,flash,iframe,forms,smiley,about,scayt,wsc,elementspath",
        # The content filter (`allowedContent`) and image2's classes are set by
        # articles.editor.NewsroomEditorWidget from articles.richtext's allowlist, so
        # the editor keeps exactly what the server keeps.
        # The editing area's styles (`contentsCss`) are set by the widget too, through
        # `static()`, so the manifest storage's hashed names are used.
        "pasteFromWordRemoveFontStyles": True,
        "pasteFromWordRemoveStyles": True,
        # What screen readers and the editing area's tooltip call the editor (CKEditor
        # would say "Rich Text Editor, id_body").
        "applicationTitle": "Trình soạn thảo nội dung bài",
        "title": "Nội dung bài viết",
        # Keep Vietnamese letters as letters ("sâu", not "s&acirc;u") in the source view.
        "entities": False,
        "height": 480,
        "width": "100%",
        "language": "vi",
    }
}
CKEDITOR_RESTRICT_BY_USER = True
CKEDITOR_ALLOW_NONIMAGE_FILES = False

# HTTPS as the proxy saw it: only from a proxy that overwrites the header (nginx in
# deploy/); otherwise any client could claim HTTPS on a plain connection.
if TRUST_PROXY_HEADERS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Security: strict by default; HTTPS-only settings switch on with DEBUG off.
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"  # CKEditor uploads by XHR; nothing of ours is framed
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

# Content-Security-Policy (django-csp, newsroom/security_headers.py). Readers' pages:
# everything from our own origin (media from the bucket's or CDN's origin when media
# live there), no inline script or style, no plugins, never framed. Public templates
# carry no inline <script>, style or on…= attribute (tests/test_public_templates.py);
# JSON-LD is a data block, which script-src does not govern.
_MEDIA_ORIGINS = (
    [MEDIA_URL.split("/")[0] + "//" + MEDIA_URL.split("/")[2]] if "//" in MEDIA_URL else []
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, *_MEDIA_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The admin only, the least CKEditor 4 (no longer developed) works with, found in
# Chromium: its toolbar and dialogs use inline on…= handlers, its editing iframe boots
# with an inline script, it writes <style> elements and style attributes, and image2
# draws its drag handle from a data: image. It needs no eval. The rest stays as strict
# as the public policy (no other origin, no plugins, no framing).
CSP_ADMIN_PREFIXES = ["/admin/"]
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", *_MEDIA_ORIGINS],
    }
}
# Browser features no page of ours uses (sharing and copying a link keep their defaults).
PERMISSIONS_POLICY = {
    name: []
    for name in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# CKEditor 4 is no longer maintained upstream; we accept it (the issue requires
# django-ckeditor) and mitigate: server-side sanitising, no allowedContent/fullPage.
SILENCED_SYSTEM_CHECKS = ["ckeditor.W001"]
if not env_bool("SECURE_HSTS_PRELOAD", False):
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# Structured logs (newsroom/requestlog.py): one JSON object per line with the request's
# id, secrets and article text removed; LOG_FORMAT=text for a human-readable line.
LOG_LEVEL = env_str("LOG_LEVEL", "WARNING")
LOG_FORMAT = env_str("LOG_FORMAT", "json")
if LOG_FORMAT not in ("json", "text"):
    raise ConfigurationError(f"LOG_FORMAT must be json or text, got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "newsroom.requestlog.RequestIdFilter"},
        "redact": {"()": "newsroom.requestlog.RedactFilter"},
    },
    "formatters": {
        "json": {"()": "newsroom.requestlog.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's default config gives "django" a console handler of its own (DEBUG):
        # with the root's, every django.* line (runserver's "Not Found: …", each 500's
        # traceback) was printed twice. Now django.* only propagates to the root.
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        # Access lines (runserver): through the same handler, JSON and redacted.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
