"""Settings read from the environment (12-factor).

With nothing set, the *embedded* profile runs without any server: a SpatiaLite file database, Celery
tasks executed in process, an in-memory channel layer and local media. Setting ``DATABASE_URL`` and
``REDIS_URL`` switches to the *production* profile: PostGIS, Redis as broker, result backend, cache and
channel layer. See the configuration table in the README.
"""

import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("CITYMGMT_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
EMBEDDED = "DATABASE_URL" not in env

DEBUG = env.bool("DEBUG", default=EMBEDDED)
# Required in production, which must never run on a published key.
SECRET_KEY = env.str("SECRET_KEY", default="embedded-profile-not-for-production") if EMBEDDED else env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_gis",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "leaflet",
    "channels",
    "django_celery_beat",
    "axes",
    "accounts",
    "notifications",
    "classification",
    "gis",
    "cases",
    "dispatch",
    "evaluation",
    "sampling",
    "public",
    "web",
    "demo",
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
    "web.middleware.PasswordPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it answers requests that are locked out
]

ROOT_URLCONF = "citymgmt.urls"
WSGI_APPLICATION = "citymgmt.wsgi.application"
ASGI_APPLICATION = "citymgmt.asgi.application"

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
                "web.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"spatialite:///{VAR_DIR / 'citymgmt.sqlite3'}"),
}
DATABASES["default"].setdefault("TEST", {})["NAME"] = env.str("TEST_DATABASE_NAME", default=None)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if EMBEDDED:
    SPATIALITE_LIBRARY_PATH = env.str("SPATIALITE_LIBRARY_PATH", default="mod_spatialite")
    # A writer waits for another (the demo's parallel writers, a request during a task) instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 60, "transaction_mode": "IMMEDIATE"})
POSTGRES = DATABASES["default"]["ENGINE"].endswith(("postgis", "postgresql"))
if POSTGRES:
    # PostgreSQL's JIT compiles any query it guesses costly, which for a workbench's counts over the open cases
    # took 140 of 240 ms: the platform's queries are short and many, and answer faster without it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if POSTGRES and env.bool("DB_PREPARED_STATEMENTS", default=True):
    # The state machine's statements (``citymgmt.rows``) are prepared once per connection from their second run
    # on: planning was a third of PostgreSQL's time for a transition. Other queries bind on the client, as
    # Django's default, and are never prepared. Turn off behind a pooler in transaction mode (PgBouncer).
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 1
if DATABASES["default"]["ENGINE"].endswith("postgis"):
    DATABASES["default"]["ENGINE"] = "citymgmt.postgis"  # PostGIS, its kept connections checked without a query
if POSTGRES and env.int("DB_CONN_MAX_AGE", default=0):
    # A sync worker serves one request at a time: it keeps its one connection between requests (checked
    # before reuse) rather than opening one, or taking one from a pool that PostGIS sets up again each time.
    DATABASES["default"].update({"CONN_MAX_AGE": env.int("DB_CONN_MAX_AGE"), "CONN_HEALTH_CHECKS": True})
if POSTGRES and env.bool("DB_POOL", default=False):
    # Each web server process keeps a pool of open connections: a request takes one rather than opening its own
    # (with PostGIS's type lookups, about 20 ms: more than a report takes to write). Django's own pool
    # (psycopg_pool), for the gunicorn workers (docker-compose's web); not for processes that fork after
    # connecting (Celery's prefork worker).
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env.int("DB_POOL_SIZE", default=8),
        "timeout": 10,
    }

# --- Redis: broker, results, cache and channel layer -----------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # Redis is not the system of record: with it down, reads fall back to the database (short timeouts so
    # that a page does not wait on it), tasks that cannot be queued are marked failed, pushes are dropped
    # (the notices stay in the database).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    # Every wall screen receives every move of its area, and the screens of one server process share one
    # Redis list (channels_redis process-local channels): room for 100 screens × a burst of 200 moves. The
    # socket timeout outlasts the layer's 5-second blocking read: without it redis-py 8 times the read out at
    # 5 s and every idle socket's consumer dies.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 10}], "capacity": 20_000},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
    CELERY_TASK_PUBLISH_RETRY_POLICY = {
        "max_retries": 2,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
    }
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 1,
        "socket_timeout": 5,
        # A task whose worker died unacknowledged (acks_late) goes back to the queue after this many seconds.
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
        "unacked_restore_interval": min(10, env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)),
        "unacked_restore_throttle": 1,
    }
    CELERY_BROKER_CONNECTION_TIMEOUT = 1
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True  # embedded profile: tasks run in process
    CELERY_TASK_EAGER_PROPAGATES = True

CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # Overdue is flagged as soon as a deadline passes, not at month end (domain spec section 4).
    "flag-overdue-cases": {"task": "cases.flag_overdue", "schedule": 60.0},
    # The previous month's indicators, shortly after midnight on the 1st (Asia/Shanghai).
    # A computation whose worker died (and whose redelivery failed too) is marked failed, to be run again.
    "recover-interrupted-computations": {"task": "evaluation.recover_interrupted", "schedule": 300.0},
    "monthly-indicators": {
        "task": "evaluation.compute_previous_month",
        "schedule": crontab(minute=30, hour=0, day_of_month=1),
    },
    # Sampling: new reports placed on the sample library; patrols left open finished; the previous month's
    # closed city-appearance cases drawn for rechecks on the 1st, before the indicators.
    "place-reports-on-samples": {"task": "sampling.place_reports", "schedule": 300.0},
    "finish-abandoned-patrols": {"task": "sampling.finish_abandoned", "schedule": 3600.0},
    "draw-rechecks": {"task": "sampling.draw_previous_month", "schedule": crontab(minute=5, hour=0, day_of_month=1)},
}

# --- Authentication --------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.ComplexityValidator", "OPTIONS": {"kinds": 3}},
]
# Passwords expire (0: never); an initial password set by an administrator is changed at the first log-in.
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=90)
# Lock-out after failed log-ins (django-axes): per account and per address, audited, unlocked by an
# administrator (admin, or `manage.py axes_reset`) or after the cool-off.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each alone: one account, or one address
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The proxies in front that append the client's address to X-Forwarded-For (citymgmt.clients): nginx = 1.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "citymgmt.clients.client_address"
# Sessions end after SESSION_IDLE_MINUTES without a request (the expiry slides with each request).
SESSION_COOKIE_AGE = 60 * env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# API tokens expire, and log-out revokes them.
API_TOKEN_HOURS = env.int("API_TOKEN_HOURS", default=12)

# --- HTTPS and headers in production (behind a TLS-terminating proxy: SECURE_PROXY_SSL_HEADER) ---------
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    # (off only for a load test on loopback over plain HTTP: bench/load.py)
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content Security Policy (django-csp): scripts only from this site (no inline script runs; data for the
# pages travels in json_script blocks), styles from this site (inline style attributes allowed: Leaflet and
# the admin set them), images from this site and the configured tile service, nothing framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],  # and the tile service, below
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Internationalisation: Simplified Chinese by default, English complete --------------------------
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and media --------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end libraries installed from npm at set-up (./dev, the image's build), served as our own static
# files: the files the pages load (with the source maps they name), found by web.staticfiles.FrontendFinder, and
# nothing else of the packages. A missing one is a broken installation: `check` says so (web.checks).
NODE_MODULES = BASE_DIR / "node_modules"
FRONTEND_PACKAGES = {  # prefix under static/: (directory in node_modules, files)
    "vendor/markercluster": (
        "leaflet.markercluster/dist",
        ["leaflet.markercluster.js", "leaflet.markercluster.js.map", "MarkerCluster.css", "MarkerCluster.Default.css"],
    ),
    "vendor/idb": ("idb/build", ["umd.js"]),
    "vendor/echarts": ("echarts/dist", ["echarts.min.js"]),
    "vendor/tom-select": (
        "tom-select/dist",
        [
            "css/tom-select.default.min.css",
            "css/tom-select.default.min.css.map",
            "js/tom-select.base.min.js",
            "js/tom-select.base.min.js.map",
        ],
    ),
}
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "web.staticfiles.FrontendFinder",
]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Photos go to local files by default, or to any S3-compatible object store (MinIO, OSS, COS, …) when a
# bucket is configured.
S3_BUCKET = env.str("S3_BUCKET", default="")
MEDIA_STORAGE = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("S3_ENDPOINT_URL", default=None),
            "region_name": env.str("S3_REGION", default=None),
            "access_key": env.str("S3_ACCESS_KEY", default=None),
            "secret_key": env.str("S3_SECRET_KEY", default=None),
            "default_acl": "private",
            "querystring_auth": True,  # photos are served through expiring signed URLs
            "querystring_expire": 300,  # seconds: long enough to load the page, too short to share
        },
    }
    if S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- E-mail --------------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="citymgmt@localhost")

# --- REST framework ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [  # the token's first, so that a refused one answers 401 with its scheme
        "citymgmt.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "EXCEPTION_HANDLER": "citymgmt.api.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "citymgmt.api.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "citymgmt.paging.Pagination",
    "DEFAULT_THROTTLE_CLASSES": ["citymgmt.authentication.AnonThrottle", "citymgmt.authentication.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_ANON_RATE", default="60/min"),
        "user": env.str("API_USER_RATE", default="1200/min"),
        "token": env.str("API_TOKEN_RATE", default="10/min"),
    },
    "PAGE_SIZE": 50,
}
# Lists longer than this show the planner's estimate of their length, not an exact count (citymgmt.paging).
LIST_EXACT_COUNT_UP_TO = env.int("LIST_EXACT_COUNT_UP_TO", default=10_000)
SPECTACULAR_SETTINGS = {
    "TITLE": "citymgmt API",
    "VERSION": "0.1.0",
    # Swagger UI and ReDoc come from the drf-spectacular-sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],  # the schema is for signed-in staff
    "ENUM_NAME_OVERRIDES": {"CaseStateEnum": "cases.choices.CaseState"},
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "citymgmt.api.document_errors"],
}

# --- Maps ------------------------------------------------------------------------------------------------
# No tile service by default: command centers often run on closed networks, and the maps still work
# on the project's own vector layers.
# A metric projection covering the city, for areas and lengths (default UTM 51N: 120°E–126°E).
GIS_METRIC_SRID = env.int("GIS_METRIC_SRID", default=32651)
MAP_TILES_URL = env.str("MAP_TILES_URL", default="")
if MAP_TILES_URL:  # e.g. https://{s}.tiles.example.cn/{z}/{x}/{y}.png → https://*.tiles.example.cn
    _tiles = urlsplit(MAP_TILES_URL.replace("{s}", "*"))
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")
MAP_ATTRIBUTION = env.str("MAP_ATTRIBUTION", default="")
# "gcj02" for base maps drawn in the offset system of most Chinese tile services; "" for WGS 84 ones.
MAP_TILES_OFFSET = env.str("MAP_TILES_OFFSET", default="")
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (31.57, 120.30),
    "DEFAULT_ZOOM": 11,
    "TILES": [("base", MAP_TILES_URL, {"attribution": MAP_ATTRIBUTION})] if MAP_TILES_URL else [],
}

# --- Domain settings ([default] items of the domain spec, configurable) -------------------------------
# The classification offered in report forms; both standards stay loaded (domain spec section 6).
CATEGORY_SCHEME = env.str("CATEGORY_SCHEME", default="gbt47678.5-2026")
# Weight of the platform's evaluation in each unit's performance assessment [seed: 50 %].
PLATFORM_SCORE_WEIGHT = env.float("PLATFORM_SCORE_WEIGHT", default=0.5)
# Memory PostgreSQL may use per sort or hash while a snapshot counts a month (stock: 4 MB, on disk beyond).
INDICATOR_WORK_MEM = env.str("INDICATOR_WORK_MEM", default="256MB")
# A case returned this many times becomes disputed (疑难案件) and waits for a ruling on responsibility.
DISPUTE_AFTER_RETURNS = env.int("DISPUTE_AFTER_RETURNS", default=2)
# Which cases a month's indicators are about: "reported" in the month [default], or "due" (handling deadline
# in the month, or closed in it). Stored with each snapshot.
INDICATOR_COHORT = env.str("INDICATOR_COHORT", default="reported")
if INDICATOR_COHORT not in ("reported", "due"):
    raise ImproperlyConfigured("INDICATOR_COHORT is “reported” or “due”.")
# Sampling (domain spec §8) [default]: a patrol covers a road when this share of its length lies within the
# buffer of the track (areas: when the track enters them); a report is placed on the nearest sample this near;
# GPS fixes less accurate than this are left out of the track.
SAMPLING_TRACK_BUFFER_M = env.float("SAMPLING_TRACK_BUFFER_M", default=30)
SAMPLING_COVERED_SHARE = env.float("SAMPLING_COVERED_SHARE", default=0.6)
SAMPLING_MATCH_M = env.float("SAMPLING_MATCH_M", default=30)
SAMPLING_MAX_ACCURACY_M = env.float("SAMPLING_MAX_ACCURACY_M", default=50)
# Recheck sampling: the share of a month's closed city-appearance cases drawn, at most so many, due in so
# many working days.
RECHECK_RATE = env.float("RECHECK_RATE", default=0.05)
RECHECK_SIZE = env.int("RECHECK_SIZE", default=400)
RECHECK_DAYS = env.int("RECHECK_DAYS", default=5)

# --- The public channel (docs/public.md) ------------------------------------------------------------------
OPEN311_JURISDICTION = env.str("OPEN311_JURISDICTION", default="citymgmt.local")
OPEN311_CONTACT = env.str("OPEN311_CONTACT", default="12345")
OPEN311_KEY_SERVICE = env.str("OPEN311_KEY_SERVICE", default="Ask the command center for a key.")
OPEN311_READS_PER_MINUTE = env.int("OPEN311_READS_PER_MINUTE", default=120)  # per client address
PUBLIC_REPORTS_PER_HOUR = env.int("PUBLIC_REPORTS_PER_HOUR", default=10)  # per address and per device
PUBLIC_CAPTCHA = env.bool("PUBLIC_CAPTCHA", default=False)

SILENCED_SYSTEM_CHECKS = ["gis.W001"]  # GDAL 3.6 on Debian 12 works; Django only recommends >= 3.9

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # PDF and chart libraries narrate every step at INFO.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools", "matplotlib", "axes")},
}
