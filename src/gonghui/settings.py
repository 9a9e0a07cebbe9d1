"""Gonghui settings: everything that differs between machines comes from the environment.

See `.env.example` for the full list. In production (DEBUG off) the process refuses to
start with the development secret or without the field-encryption keys.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEV_SECRET = "dev-insecure-gonghui-secret-key-change-me-0123456789"  # noqa: S105
DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", DEV_SECRET)
# Keys for personal data at rest. Fernet keys (urlsafe base64, 32 bytes); the blind index
# key is any long random string. Development values are derived from SECRET_KEY.
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY")
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY")

if not DEBUG:
    if SECRET_KEY == DEV_SECRET or len(SECRET_KEY) < 40:
        raise ImproperlyConfigured("SECRET_KEY must be set to a long random value in production.")
    if not FIELD_ENCRYPTION_KEY or not BLIND_INDEX_KEY:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY and BLIND_INDEX_KEY must be set in production."
        )

ALLOWED_HOSTS = [h for h in env("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",") if h]
# Addresses or networks of the reverse proxies whose X-Forwarded-For names the client
# (rate limits and the audit log; see core/net.py), e.g. "127.0.0.1,10.0.0.0/8".
TRUSTED_PROXIES = [p.strip() for p in env("TRUSTED_PROXIES", "").split(",") if p.strip()]
CSRF_TRUSTED_ORIGINS = [o for o in env("CSRF_TRUSTED_ORIGINS").split(",") if o]

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
    "ninja",
    "gonghui.core",
    "gonghui.orgs",
    "gonghui.accounts",
    "gonghui.members",
    "gonghui.cases",
    "gonghui.stations",
    "gonghui.assistance",
    "gonghui.campaigns",
    "gonghui.mutualaid",
    "gonghui.bargaining",
    "gonghui.skills",
    "gonghui.jobs",
    "gonghui.notices",
    "gonghui.stats",
    "gonghui.web",
    "gonghui.console",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gonghui.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gonghui.accounts.middleware.ApiCredentialMiddleware",
    "gonghui.accounts.middleware.StaffTotpMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "gonghui.core.idempotency.IdempotencyMiddleware",
]
# POSTs that create something and accept an `Idempotency-Key` header (core/idempotency.py):
# a retried request gets the first answer instead of creating a second case or visit.
IDEMPOTENT_VIEWS = {"api:case_create", "api:station_checkin"}
IDEMPOTENCY_KEY_TTL_HOURS = int(env("IDEMPOTENCY_KEY_TTL_HOURS", "24"))

ROOT_URLCONF = "gonghui.urls"
WSGI_APPLICATION = "gonghui.wsgi.application"
ASGI_APPLICATION = "gonghui.asgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:worker_login"
LOGIN_REDIRECT_URL = "web:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% colon %}: a label's colon in the page's language (core/templatetags/punctuation.py).
            "builtins": ["gonghui.core.templatetags.punctuation"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "gonghui.core.context_processors.site",
                "gonghui.core.context_processors.shells",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{PROJECT_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # A stalled or unreachable database must fail a request in seconds, not hold a worker
    # thread forever: connect timeout, and a server-side limit on each statement (and on
    # waiting for a lock). Long maintenance runs lift it: DB_STATEMENT_TIMEOUT_MS=0 manage.py migrate.
    DATABASES["default"]["OPTIONS"] = {
        "connect_timeout": int(env("DB_CONNECT_TIMEOUT", "5")),
        "options": "-c statement_timeout={} -c lock_timeout={} -c idle_in_transaction_session_timeout={}".format(
            int(env("DB_STATEMENT_TIMEOUT_MS", "30000")),
            int(env("DB_LOCK_TIMEOUT_MS", "10000")),
            int(env("DB_IDLE_IN_TRANSACTION_TIMEOUT_MS", "60000")),
        ),
        # Notice a dead server on an idle pooled connection instead of hanging on it.
        "keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3,
    }
    # Check a kept-alive connection before reusing it (it may have died with the server).
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Django's backend with the stall guard (core/stallguard.py): a server that stops
    # answering gets its waiting requests cut after DB_STALL_SECONDS once it also fails to
    # answer a fresh `SELECT 1` within DB_STALL_PING_SECONDS; new queries are refused at once
    # until it answers again.
    DATABASES["default"]["ENGINE"] = "gonghui.core.pgbackend"
DB_STALL_SECONDS = float(env("DB_STALL_SECONDS", "2"))
DB_STALL_PING_SECONDS = float(env("DB_STALL_PING_SECONDS", "3"))
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the background import thread write while pages keep reading.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
# SMS codes' send limits, sign-in lockouts, TOTP replay guards and import progress live in
# the cache, so every app-server process must share it: Redis, or the database cache
# (CACHE_DATABASE=1 after `manage.py createcachetable`) where Redis is not available.
CACHE_DATABASE = env_bool("CACHE_DATABASE")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "gonghui",
            # Redis away must cost a request a second, not a hang (see docs/operations.md).
            "OPTIONS": {
                "socket_connect_timeout": float(env("REDIS_CONNECT_TIMEOUT", "1")),
                "socket_timeout": float(env("REDIS_SOCKET_TIMEOUT", "1")),
            },
        }
    }
elif CACHE_DATABASE:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "gonghui_cache"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if not DEBUG and not (REDIS_URL or CACHE_DATABASE):
    raise ImproperlyConfigured(
        "A cache shared by every process is required in production (rate limits and one-time "
        "codes would otherwise be counted per process): set REDIS_URL, or CACHE_DATABASE=1 "
        "and run `manage.py createcachetable`."
    )

# /healthz gives each dependency this long before reporting it "timeout".
HEALTHZ_TIMEOUT_SECONDS = float(env("HEALTHZ_TIMEOUT_SECONDS", "2"))

# Celery: a real broker when CELERY_BROKER_URL (or REDIS_URL) is set; otherwise tasks run
# in-process (see gonghui.core.tasks.enqueue).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TIMEZONE = "Asia/Shanghai"
# Publishing from a request (core.tasks.enqueue, after commit) gives up within a few seconds
# when the broker is away and runs the task in-process instead, never failing the request.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2, "socket_keepalive": True, "retry_on_timeout": True,
    # An unacknowledged task (acks_late) whose worker vanished is delivered again after this
    # long; longer than the longest task (a big roster commit), so a slow task is never run
    # twice at once. Roster jobs are also recovered by their own lease (members/roster_jobs.py).
    "visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", str(2 * 3600))),
}
# Workers keep trying to reach the broker, at start and after losing it, and survive a
# Redis restart (gonghui.celery.ReconnectingConsumer); run them under a supervisor that
# restarts them anyway (deploy/gonghui-worker.service: Restart=always).
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_CONSUMER = "gonghui.celery:ReconnectingConsumer"
# A task whose child process was killed is acknowledged (not redelivered in a loop); the
# roster jobs' reaper runs such imports again.
CELERY_TASK_REJECT_ON_WORKER_LOST = False
# Roster imports have a queue of their own, so a backlog of text messages (thousands after
# a busy hour) never holds an import back past its lease. Workers consume every queue
# named here unless started with -Q.
CELERY_TASK_QUEUES: dict[str, dict[str, str]] = {"celery": {}, "roster": {}}
CELERY_TASK_ROUTES = {"members.roster_import_*": {"queue": "roster"}}
# Periodic jobs, run by `celery -A gonghui beat`. All are idempotent: a missed or doubled
# run does no harm.
CELERY_BEAT_SCHEDULE = {
    "cases-escalate-overdue": {"task": "cases.cases_escalate_overdue", "schedule": 24 * 3600.0},
    "bargaining-clocks": {"task": "bargaining.clocks_run", "schedule": 24 * 3600.0},
    "stations-star-validity": {"task": "stations.star_validity_sweep", "schedule": 24 * 3600.0},
    "roster-files-purge": {"task": "members.roster_import_files_purge", "schedule": 24 * 3600.0},
    "idempotency-keys-purge": {"task": "core.idempotency_keys_purge", "schedule": 24 * 3600.0},
    "outbox-drain": {"task": "core.outbox_drain", "schedule": 60.0},
    # Roster imports whose worker died are queued again or ended cleanly (members/roster_jobs.py).
    "roster-imports-reap": {"task": "members.roster_imports_reap", "schedule": 300.0},
    # Yesterday's statistics after midnight Beijing time (stats/services.py).
    "stats-snapshot-nightly": {"task": "stats.snapshot_nightly", "schedule": crontab(hour=1, minute=30)},
    "campaigns-draws-run-due": {"task": "campaigns.draws_run_due", "schedule": 300.0},
    "campaigns-winners-expire": {"task": "campaigns.winners_expire", "schedule": 3600.0},
    "campaigns-appointments-remind": {"task": "campaigns.appointments_remind", "schedule": 900.0},
    "campaigns-appointments-no-show": {"task": "campaigns.appointments_mark_no_show", "schedule": 900.0},
    "skills-proposals-deadlines": {"task": "skills.proposals_deadlines", "schedule": 24 * 3600.0},
    "jobs-postings-expire": {"task": "jobs.postings_expire", "schedule": 3600.0},
    "jobs-placements-remind": {"task": "jobs.placements_remind_due", "schedule": 24 * 3600.0},
}
# 技能云 lesson uploads (skills/services.py) and the hosts an external video link may point at.
SKILLS_VIDEO_MAX_MB = int(env("SKILLS_VIDEO_MAX_MB", "200"))
SKILLS_PDF_MAX_MB = int(env("SKILLS_PDF_MAX_MB", "20"))
SKILLS_NOMINATION_FILE_MAX_MB = int(env("SKILLS_NOMINATION_FILE_MAX_MB", "10"))
SKILLS_VIDEO_HOSTS = tuple(
    h.strip() for h in env("SKILLS_VIDEO_HOSTS", "v.qq.com,www.bilibili.com,player.bilibili.com,www.ixigua.com,tv.cctv.com").split(",")
    if h.strip()
)
# The nightly statistics snapshot is a batch job: its statements may run longer than a request's.
STATS_STATEMENT_TIMEOUT_MS = int(env("STATS_STATEMENT_TIMEOUT_MS", str(30 * 60 * 1000)))
ROSTER_JOB_LEASE_SECONDS = int(env("ROSTER_JOB_LEASE_SECONDS", "600"))
ROSTER_JOB_MAX_ATTEMPTS = int(env("ROSTER_JOB_MAX_ATTEMPTS", "3"))
# "thread" runs background jobs in a daemon thread when there is no broker (make run);
# "sync" runs them inline (tests).
TASK_RUNNER_FALLBACK = env("TASK_RUNNER_FALLBACK", "thread")
# The outbox of text messages (core/outbox.py): a message not sent this long after its commit
# is sent again by the drain (beat, every minute); failures wait 1, 2, 4 … minutes, then give up.
OUTBOX_GRACE_SECONDS = int(env("OUTBOX_GRACE_SECONDS", "300"))
OUTBOX_MAX_ATTEMPTS = int(env("OUTBOX_MAX_ATTEMPTS", "8"))
OUTBOX_KEEP_DAYS = int(env("OUTBOX_KEEP_DAYS", "7"))
# New messages are sent by one queued flush at a time, this many per transaction; a flush the
# broker lost stops holding back the next one after OUTBOX_FLUSH_CLAIM_SECONDS.
OUTBOX_FLUSH_BATCH = int(env("OUTBOX_FLUSH_BATCH", "50"))
OUTBOX_FLUSH_CLAIM_SECONDS = int(env("OUTBOX_FLUSH_CLAIM_SECONDS", "10"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(PROJECT_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(PROJECT_DIR / "media")))
# What the nearby station search last read, for a process that starts while the database is
# away (stations/index.py); "" to keep none. Public station data only.
STATIONS_INDEX_SNAPSHOT = env("STATIONS_INDEX_SNAPSHOT", str(PROJECT_DIR / "var" / "stations-index.json.gz"))
STORAGES = {
    # Uploads are served only through gonghui.core.files.protected_file (access checked).
    "default": {"BACKEND": "gonghui.core.files.ProtectedStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 14 * 24 * 3600
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

# --- Gonghui -----------------------------------------------------------------------------
SITE_NAME = _("职工之家")
# Demo mode shows the SMS code on the login page; never on in production.
DEMO_MODE = env_bool("DEMO_MODE", default=DEBUG)
CONSOLE_SMS_BACKEND = "gonghui.accounts.sms.ConsoleSmsBackend"
SMS_BACKEND = env("SMS_BACKEND", CONSOLE_SMS_BACKEND)
# The console backend sends nothing. Production must plug in a gateway, or say on purpose
# that it runs without one (a closed pilot, a staging copy).
SMS_CONSOLE_ALLOWED = env_bool("SMS_CONSOLE_ALLOWED", default=DEBUG)
if not DEBUG and SMS_BACKEND == CONSOLE_SMS_BACKEND and not SMS_CONSOLE_ALLOWED:
    raise ImproperlyConfigured(
        "SMS_BACKEND is the console backend, which sends no text messages: set SMS_BACKEND to "
        "your SMS gateway class, or SMS_CONSOLE_ALLOWED=1 to run without one on purpose."
    )
SMS_CODE_TTL_SECONDS = 300
SMS_CODE_MAX_ATTEMPTS = 5
SMS_SEND_INTERVAL_SECONDS = int(env("SMS_SEND_INTERVAL_SECONDS", "60"))
STAFF_REQUIRE_TOTP = env_bool("STAFF_REQUIRE_TOTP", default=not DEBUG)
CARD_VALIDITY_DAYS = int(env("CARD_VALIDITY_DAYS", "1825"))
MAP_TILE_URL = env("MAP_TILE_URL", "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}")
IMPORT_MAX_FILE_BYTES = int(env("IMPORT_MAX_FILE_BYTES", str(200 * 1024 * 1024)))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every handler masks phone and ID numbers in what it writes (core/logmask.py).
    "filters": {"personal_numbers": {"()": "gonghui.core.logmask.PersonalNumberFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["personal_numbers"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
