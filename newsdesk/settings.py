"""Newsdesk settings: one module, two modes, everything read from the environment.

* Embedded (no ``DATABASE_URL`` / ``REDIS_URL``): SQLite file under ``var/``, Celery tasks
  run in-process, local-memory cache. A newcomer needs no configuration at all.
* Services: ``DATABASE_URL`` selects PostgreSQL (psycopg 3), ``REDIS_URL`` the Celery broker
  and the Django cache, with real ``celery worker`` and ``celery beat`` processes.

The variables are listed in the README's configuration table.
"""

import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DATABASE_URL = env.str("DATABASE_URL", default="")
REDIS_URL = env.str("REDIS_URL", default="")
EMBEDDED = not DATABASE_URL and not REDIS_URL

DEBUG = env.bool("DJANGO_DEBUG", default=False)


def _embedded_secret_key() -> str:
    """A per-checkout random key kept in var/, so embedded sessions survive restarts."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not (EMBEDDED or DEBUG):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DATABASE_URL or REDIS_URL is (services mode)."
        )
    SECRET_KEY = _embedded_secret_key()

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if EMBEDDED else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Django's admin with the site's rate-limited sign-in and password change.
    "newsdesk.admin_config.NewsdeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "sources",
    "stories",
    "ingestion",
    "members",
    "newsletters",
    "embedded",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "newsdesk.middleware.RejectNulQueryMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's AuthenticationMiddleware, with the signed-in account read through a cache.
    "members.middleware.ReaderAuthenticationMiddleware",
    "members.middleware.ApiTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newsdesk.middleware.ContentSecurityPolicyMiddleware",
    "newsdesk.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "newsdesk.urls"
WSGI_APPLICATION = "newsdesk.wsgi.application"

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
                "newsdesk.context_processors.demo_mode",
                "members.context_processors.reader_choices",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
if DATABASE_URL:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env.str("SQLITE_PATH", default=str(VAR_DIR / "newsdesk.sqlite3")),
            # Ingestion writes while pages read; WAL keeps readers from blocking on a writer.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, reusing its Redis clients (infra/cache.py says why).
            "BACKEND": "infra.cache.ReusedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="newsdesk"),
            # A Redis that is away (restarting, unreachable) costs a page at most this long
            # before it is rendered uncached, instead of hanging the web process.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    # Sessions stay rows in PostgreSQL, read through Redis (members.sessions): only with a
    # cache every web process shares, so ending a session ends every copy of it.
    SESSION_ENGINE = "members.sessions"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ---------------------------------------------------------------------------------
CELERY_TASK_SOFT_TIME_LIMIT_SECONDS = 120
CELERY_TASK_HARD_TIME_LIMIT_SECONDS = 180
# The in-memory transport with its host named: a bare "memory://" makes kombu log "No hostname
# was supplied" each time a connection is described, a warning with nothing to act on.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
# Without a broker the work runs in the calling process: the embedded mode.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only when done; if its worker dies it goes back on the queue (a
# pool child at once; a whole worker after the visibility timeout, sooner through the sweeps).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# When the broker connection drops, running tasks finish: every task is idempotent, and the
# sweeps re-queue what a lost acknowledgement leaves behind. (Explicit: Celery 6 flips it.)
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT_SECONDS
CELERY_TASK_TIME_LIMIT = CELERY_TASK_HARD_TIME_LIMIT_SECONDS
# Redis redelivers an unacknowledged task after the visibility timeout; it must exceed the
# longest task or a slow task would run twice concurrently.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_TASK_DEFAULT_QUEUE = "default"
# Separate queues so a flood of page extractions cannot starve feed polling or story updates.
# Pictures and newsletter mail have queues of their own: a big send or a slow image host never
# delays story updates, nor they it.
CELERY_QUEUE_NAMES = ("default", "feeds", "articles", "clustering", "images", "mail")
CELERY_TASK_QUEUES = [Queue(name) for name in CELERY_QUEUE_NAMES]
CELERY_TASK_ROUTES = {
    "ingestion.tasks.feed_*": {"queue": "feeds"},
    "ingestion.tasks.article_*": {"queue": "articles"},
    # Pictures wait behind nothing and hold up nothing: a page without its picture is complete.
    "ingestion.tasks.image_*": {"queue": "images"},
    "stories.tasks.*": {"queue": "clustering"},
    "newsletters.tasks.*": {"queue": "mail"},
}
# Periodic work. Each entry expires before its next run, so a stalled beat never piles them up.
CELERY_BEAT_SCHEDULE: dict = {
    # Enqueue one task per feed that is due (ingestion.schedule decides when that is).
    "ingestion-enqueue-due-feeds": {
        "task": "ingestion.tasks.feed_enqueue_due",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Re-queue extractions lost with a killed worker or a restarted broker (see
    # ingestion.services). Every minute: with its queue empty, lost work is queued again
    # within a minute or two of a Redis restart.
    "ingestion-requeue-stuck-articles": {
        "task": "ingestion.tasks.article_requeue_stuck",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Merge stories that turned out to be one event (editors' merges and splits are kept).
    "stories-merge-pass": {"task": "stories.tasks.stories_merge_pass", "schedule": 900.0},
    # Re-queue placements and refreshes lost with a killed worker or a restarted broker (see
    # stories.services); every minute, as above.
    "stories-sweep-lost-work": {
        "task": "stories.tasks.stories_sweep_lost_work",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Drop the stored text of old articles (retention; stories.services.retention).
    "stories-drop-old-text": {
        "task": "stories.tasks.articles_drop_old_text",
        "schedule": 86400.0,
        "options": {"expires": 3600},
    },
    # Re-count blindspot checks whose side's articles arrived after the story's last refresh.
    "stories-recheck-blindspots": {
        "task": "stories.tasks.stories_recheck_blindspots",
        "schedule": 900.0,
        "options": {"expires": 890},
    },
    # Queue the newsletter issues of members whose chosen local time has come, pace their
    # batches, and release claims a dead worker left (newsletters.services).
    "newsletters-enqueue-due": {
        "task": "newsletters.tasks.newsletters_enqueue_due",
        "schedule": 120.0,
        "options": {"expires": 110},
    },
}

# --- Auth, i18n, static ---------------------------------------------------------------------
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
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Chart.js comes from the npm package (package.json), never from a CDN or a committed copy.
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
# Pictures fetched by ingestion (article images, outlet icons), resized and stored under
# content-derived names (infra.media). Only the site writes here; readers upload nothing.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("NEWSDESK_MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Django serves MEDIA_ROOT itself (with year-long immutable caching) unless a web server in
# front does: set NEWSDESK_SERVE_MEDIA=0 there and map /media/ to MEDIA_ROOT (README).
SERVE_MEDIA = env.bool("NEWSDESK_SERVE_MEDIA", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Security -------------------------------------------------------------------------------
# DJANGO_HTTPS says the site is served over TLS (directly or behind a proxy that sets
# X-Forwarded-Proto). It defaults on in services mode, off in the embedded mode.
HTTPS = env.bool("DJANGO_HTTPS", default=not (EMBEDDED or DEBUG))
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env.bool("DJANGO_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# --- Email (password reset, address confirmation) -------------------------------------------
# Printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Newsdesk <noreply@localhost>")
# The editors' addresses (comma-separated): each request for Premium sent from the Premium
# page is mailed to them as well as listed in the admin. Empty: the admin only. members.E005.
MEMBERS_EDITORS_EMAILS = env.list("NEWSDESK_EDITORS_EMAIL", default=[])

# Failed sign-ins allowed within the window (admin too): per username from one client address,
# per client address, and per username from all addresses together. The last is far higher, so
# a stranger cannot lock an owner out; it stops only guessing spread over many addresses.
MEMBERS_LOGIN_FAILURES_PER_USERNAME = env.int("MEMBERS_LOGIN_FAILURES_PER_USERNAME", default=5)
MEMBERS_LOGIN_FAILURES_PER_IP = env.int("MEMBERS_LOGIN_FAILURES_PER_IP", default=20)
MEMBERS_LOGIN_FAILURES_PER_USERNAME_ALL_CLIENTS = env.int(
    "MEMBERS_LOGIN_FAILURES_PER_USERNAME_ALL_CLIENTS", default=100
)
MEMBERS_LOGIN_WINDOW_SECONDS = env.int("MEMBERS_LOGIN_WINDOW_SECONDS", default=900)
MEMBERS_API_REQUESTS_PER_MINUTE = env.int("MEMBERS_API_REQUESTS_PER_MINUTE", default=300)
# How long a mailed link confirming a new e-mail address stays valid (members.emails).
MEMBERS_EMAIL_CONFIRMATION_HOURS = env.int("MEMBERS_EMAIL_CONFIRMATION_HOURS", default=72)
# Newsletters (newsletters.services): mail goes out in batches of NEWSLETTERS_BATCH_SIZE, at
# most NEWSLETTERS_MESSAGES_PER_SECOND on average (what the mail provider allows), each batch
# one Celery task with its own SMTP connection.
NEWSLETTERS_MESSAGES_PER_SECOND = env.float("NEWSLETTERS_MESSAGES_PER_SECOND", default=20.0)
NEWSLETTERS_BATCH_SIZE = env.int("NEWSLETTERS_BATCH_SIZE", default=100)
# The site's address as mail links give it (no request to take it from): unsubscribe,
# preferences, the issue on the web.
NEWSLETTERS_SITE_URL = env.str("NEWSLETTERS_SITE_URL", default="http://127.0.0.1:8000")
# How long a newsletter confirmation link stays valid.
NEWSLETTERS_CONFIRMATION_HOURS = env.int("NEWSLETTERS_CONFIRMATION_HOURS", default=72)
# An issue not sent within this many hours of a member's chosen time is not sent late (a long
# pause, a stopped beat): yesterday's briefing at dinner is no briefing.
NEWSLETTERS_SEND_WINDOW_HOURS = env.int("NEWSLETTERS_SEND_WINDOW_HOURS", default=6)
# Reverse proxies in front of the web process that each append the address they were reached
# from to X-Forwarded-For. 0 (default): the header is ignored and the peer address is the
# client; N: the client is the Nth entry from the right (members.ratelimit.client_ip).
NEWSDESK_TRUSTED_PROXY_COUNT = env.int("NEWSDESK_TRUSTED_PROXY_COUNT", default=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # The embedded mode runs tasks in the web process: keep its console for what matters.
    "root": {
        "handlers": ["console"],
        "level": env.str("LOG_LEVEL", default="WARNING" if EMBEDDED else "INFO"),
    },
}

# --- Newsdesk -------------------------------------------------------------------------------
# Demo mode shows a "fictional outlets" banner on every page. The first run's demo replay
# writes the marker file; services deployments that load the demo set NEWSDESK_DEMO=1.
DEMO_MODE_MARKER = VAR_DIR / "demo-mode"
DEMO_MODE = env.bool("NEWSDESK_DEMO", default=False)
# Set by `manage.py serve` when it keeps live ingestion running; pages then say so.
INGESTION_RUNNING_IN_BACKGROUND = False

# Stories: articles join stories active within this window; a periodic pass merges stories.
# Two articles link when the cosine of their wording reaches the link threshold, or the cosine
# of their sentence embeddings the meaning link (stories.clustering). Checked by stories.checks.
STORY_CLUSTER_WINDOW_HOURS = env.int("STORY_CLUSTER_WINDOW_HOURS", default=72)
STORY_CLUSTER_LINK_THRESHOLD = env.float("STORY_CLUSTER_LINK_THRESHOLD", default=0.36)
STORY_CLUSTER_MEANING_LINK = env.float("STORY_CLUSTER_MEANING_LINK", default=0.7)
# Articles published this many days ago, in stories quiet as long, drop their stored text and
# feed summary (stories.services.retention): far past the wire (4 days) and clustering (3 days)
# windows that read them, and past any summary change the story can still get.
ARTICLE_TEXT_RETENTION_DAYS = env.int("ARTICLE_TEXT_RETENTION_DAYS", default=30)
# A story is a blindspot for a side when at least this many rated sources cover it, that
# side's share is at most this percentage, and that side's outlets published at least this many
# articles in the story's period (its span widened by the padding each way). Shown on the
# methodology page; see stories.coverage.
BLINDSPOT_MIN_RATED_SOURCES = env.int("BLINDSPOT_MIN_RATED_SOURCES", default=5)
BLINDSPOT_MAX_SIDE_SHARE = env.int("BLINDSPOT_MAX_SIDE_SHARE", default=20)
BLINDSPOT_MIN_SIDE_ARTICLES = env.int("BLINDSPOT_MIN_SIDE_ARTICLES", default=10)
BLINDSPOT_WINDOW_PADDING_HOURS = env.int("BLINDSPOT_WINDOW_PADDING_HOURS", default=12)
# Ingestion refuses private addresses; only the test suite's loopback server may be allowed:
# True (every loopback address) or a collection of "address:port" strings (exactly those).
INGESTION_ALLOW_LOOPBACK = env.bool("INGESTION_ALLOW_LOOPBACK", default=False)
# Domain → "address:port": fetch that domain and its subdomains there ("*": every host), like
# an /etc/hosts entry. Replays and the demo use it; the address still passes the policy.
INGESTION_HOST_OVERRIDES: dict[str, str] = {}
# Outgoing HTTP (ingestion.http): timeouts, the pause between two requests to one host from
# one process, and how long a request waits for one of the host's shared slots. Checked by
# ingestion.checks.
INGESTION_CONNECT_TIMEOUT_SECONDS = 5.0
INGESTION_READ_TIMEOUT_SECONDS = 10.0
INGESTION_TOTAL_TIMEOUT_SECONDS = 30.0
INGESTION_HOST_DELAY_SECONDS = 1.0
INGESTION_HOST_SLOT_WAIT_SECONDS = 30.0
