"""Lawzana settings, read from the environment.

The defaults give the embedded laptop mode: SQLite under var/, Celery tasks run in-process
after commit, email written to files under var/mail. Production differs only through the
environment (DJANGO_ENV=production) and refuses to boot with unsafe values.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()


def env_bool(name: str, default: bool) -> bool:
    """A boolean variable; anything but a clear yes/no is refused rather than read as False."""
    raw = env.str(name, default="")
    if raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"Invalid {name}={raw!r}: use true or false.")


DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
PRODUCTION = DJANGO_ENV == "production"

# Development-only key: production refuses to start with it (see the checks below).
INSECURE_DEV_SECRET_KEY = "django-insecure-lawzana-development-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_DEV_SECRET_KEY)
DEBUG = env_bool("DEBUG", default=not PRODUCTION)


def served_origin(addrport: str) -> tuple[str, str]:
    """(host, origin) for the address `scripts/dev run` passes to runserver: "8831",
    "127.0.0.1:8831", "[::1]:8831" or "myhost:8831". A wildcard address is linked to as loopback."""
    match = re.fullmatch(r"(?:(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):)?(?P<port>[0-9]{1,5})", addrport.strip())
    if match is None:
        raise ImproperlyConfigured(
            f"Invalid LAWZANA_ADDR={addrport!r}: use a port (8831) or host:port (127.0.0.1:8831)."
        )
    host = {None: "127.0.0.1", "0.0.0.0": "127.0.0.1", "[::]": "[::1]"}.get(match["host"], match["host"])
    return host, f"http://{host}:{match['port']}"


# Development serves LAWZANA_ADDR (scripts/dev run), and links in emails must lead back to it.
DEV_HOST, DEV_ORIGIN = served_origin(env.str("LAWZANA_ADDR", default="127.0.0.1:8000"))
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS",
    default=[] if PRODUCTION else list(dict.fromkeys(["127.0.0.1", "localhost", "[::1]", "testserver", DEV_HOST])),
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The canonical origin for canonical links, sitemaps and emails; never taken from the Host
# header, so a forged Host cannot rewrite them.
SITE_URL = env.str("SITE_URL", default=DEV_ORIGIN).rstrip("/")

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be False when DJANGO_ENV=production.")
    if SECRET_KEY == INSECURE_DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be set to a random value of at least 50 characters in production.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's hosts in production.")
# The key of the keyed hashes (HMAC-SHA256) that firms' conflict lists are stored as
# (directory/conflicts.py). Outside the database, so a copy of the database alone cannot test
# guessed names against the lists. Development and tests use a fixed key; production refuses
# to start with it or without one (below).
INSECURE_DEV_CONFLICT_CHECK_KEY = "lawzana-development-conflict-check-key-do-not-use-in-production"
CONFLICT_CHECK_KEY = env.str("CONFLICT_CHECK_KEY", default=INSECURE_DEV_CONFLICT_CHECK_KEY)
# Earlier keys, newest first, kept while a key is being replaced: names stored under one still
# match, and each is re-keyed under CONFLICT_CHECK_KEY when it next comes up (docs/conflict-check.md,
# "Replacing the key"). A key that leaked does not belong here.
CONFLICT_CHECK_KEY_FALLBACKS = env.list("CONFLICT_CHECK_KEY_FALLBACKS", default=[])
# Caps on a firm's conflict list, so that no firm can load thousands of names to learn from
# its weekly count who is being pursued (docs/conflict-check.md).
CONFLICT_LIST_MAX_ENTRIES = 500
CONFLICT_LIST_MAX_ADDITIONS_PER_DAY = 50
# Production never falls back to the embedded defaults: without these it would keep requests in
# a SQLite file inside one container, run tasks inside the web processes and write mail to files
# nobody reads. PRODUCTION_WITHOUT_SERVICES=true lets the production settings load without them
# where nothing is served: the image's collectstatic (Dockerfile), and the audit and benchmark
# measuring production pages on one machine (audit/run.py, bench/run.py).
PRODUCTION_WITHOUT_SERVICES = env_bool("PRODUCTION_WITHOUT_SERVICES", default=False)
REQUIRED_IN_PRODUCTION = ("DATABASE_URL", "REDIS_URL", "EMAIL_URL")
if PRODUCTION and not PRODUCTION_WITHOUT_SERVICES:
    missing = [name for name in REQUIRED_IN_PRODUCTION if not env.str(name, default="").strip()]
    if missing:
        raise ImproperlyConfigured(
            f"{', '.join(missing)} must be set in production (it needs all of DATABASE_URL, REDIS_URL and "
            "EMAIL_URL): without them it would keep data in a local SQLite file, run tasks inside the web "
            "processes and write email to files. See .env.example."
        )
    # Checked with the services: the image's collectstatic and the audit hash no real names.
    if CONFLICT_CHECK_KEY == INSECURE_DEV_CONFLICT_CHECK_KEY or len(CONFLICT_CHECK_KEY) < 32:
        raise ImproperlyConfigured(
            "CONFLICT_CHECK_KEY must be set to a random value of at least 32 characters in production: it keys "
            "the hashes of firms' conflict lists (docs/conflict-check.md)."
        )
    if any(len(key) < 32 or key == INSECURE_DEV_CONFLICT_CHECK_KEY for key in CONFLICT_CHECK_KEY_FALLBACKS):
        raise ImproperlyConfigured(
            "Every key in CONFLICT_CHECK_KEY_FALLBACKS must be a random value of at least 32 characters "
            "(docs/conflict-check.md)."
        )

INSTALLED_APPS = [
    # Before the admin, which its translation admin classes patch (directory/translation.py).
    "modeltranslation",
    "lawzana.apps.AdminConfig",  # django.contrib.admin with the site of lawzana/admin.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_filters",
    "reversion",
    # The admin's import and export of firms (directory/importing.py): its templates and static.
    "import_export",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "lawzana.apps.LawzanaConfig",
    "accounts",
    "directory",
    "guides",
    "intake",
    # Firms' own systems (issue 22): signed webhooks of their requests' events, and a read-only API.
    "webhooks",
    "api",
    "portal",
]
# Demo accounts with a published password and fictional firms have no place on the live site:
# production does not even have the commands that create them.
if not PRODUCTION:
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before the page cache, so that cached pages get the same headers (lawzana/security.py).
    "csp.middleware.CSPMiddleware",
    "lawzana.security.SecurityHeadersMiddleware",
    "lawzana.middleware.StaticFilesMiddleware",  # WhiteNoise
    # Anonymous visitors' repeat requests for cached landing pages are answered here, before
    # sessions, CSRF and authentication (lawzana/page_cache.py).
    "lawzana.page_cache.PageCacheMiddleware",
    # Whether the request's reads may go to the read replica (lawzana/db_router.py).
    "lawzana.db_router.ReplicaReadsMiddleware",
    # Before anything reads a POST's form body (CSRF), so that an unreadable one is a 400.
    "lawzana.middleware.UnreadableBodyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Default deny: every view needs a signed-in user unless marked @login_not_required (A2).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.SessionIdleTimeoutMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    # Staff reach the admin only after enrolling a second factor (docs/reliability.md A7).
    "accounts.middleware.StaffMFARequiredMiddleware",
    "lawzana.middleware.MethodNotAllowedPageMiddleware",
]

ROOT_URLCONF = "lawzana.urls"
WSGI_APPLICATION = "lawzana.wsgi.application"

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
                "lawzana.context_processors.site",
            ],
        },
    },
]

VAR_DIR.mkdir(exist_ok=True)
# DATABASE_POOLER=pgbouncer: connections go through PgBouncer in transaction mode, where a
# server connection is lent for one transaction at a time (README "Running in production").
DATABASE_POOLER = env.str("DATABASE_POOLER", default="").strip().lower()
if DATABASE_POOLER == "none":
    DATABASE_POOLER = ""
if DATABASE_POOLER not in ("", "pgbouncer"):
    raise ImproperlyConfigured(f"DATABASE_POOLER must be empty, none or pgbouncer, not {DATABASE_POOLER!r}.")


def _database(config: dict) -> dict:
    """One DATABASES entry from a parsed URL: the primary's and the replica's get the same treatment."""
    config["ATOMIC_REQUESTS"] = False  # transactions are explicit in services
    if DATABASE_POOLER and config["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_POOLER=pgbouncer needs a postgres:// database URL.")
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Behind PgBouncer too: it keeps its own server connections, and a connection kept
        # here spares a new client handshake with it per request.
        config["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
        # Survive a PostgreSQL (or PgBouncer) restart without restarting the web processes.
        config["CONN_HEALTH_CHECKS"] = True
    if config["ENGINE"] == "django.db.backends.postgresql" and DATABASE_POOLER:
        # A server-side cursor (QuerySet.iterator()) lives in the server session that declared
        # it: the next transaction may be lent another one, or the same one after another
        # client's DISCARD ALL. Iterators then read the whole result at once instead.
        config["DISABLE_SERVER_SIDE_CURSORS"] = True
        # Prepared statements live in the server session too, and PgBouncer before 1.21 does
        # not follow them. Django 5.2 already passes None (and its client-side binding cursors
        # never prepare); said here so that no default can turn it on behind PgBouncer.
        config["OPTIONS"] = {"prepare_threshold": None, **config.get("OPTIONS", {})}
        # Nor can the planner settings be sent when connecting (PgBouncer refuses the "options"
        # startup parameter): directory/migrations/0015 sets them on the database itself.
        for name in ("DATABASE_RANDOM_PAGE_COST", "DATABASE_PARALLEL_WORKERS"):
            if env.str(name, default=""):
                raise ImproperlyConfigured(
                    f"{name} cannot be sent through PgBouncer (DATABASE_POOLER=pgbouncer): set it on the"
                    " database instead (ALTER DATABASE ... SET, see directory/migrations/0015)."
                )
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # The planner's cost of reading a page at random, against 1.0 for reading the next one.
        # PostgreSQL's default, 4.0, models spinning disks; on SSDs (or a database in memory) it
        # made search read every firm's search vector (stored out of the row) in a sequential
        # scan, 80 ms at 10,000 firms, instead of asking the GIN index (4 ms). And no parallel
        # workers for a page's queries (DATABASE_PARALLEL_WORKERS): starting them cost the lawyers'
        # search 15 ms at 100,000 firms to read no row, more than any page's query takes alone.
        # directory/migrations/0015 sets the same values on the database (what applies behind
        # PgBouncer); sent when connecting as well, they cost no query and let the variables
        # override them per deployment. Options in DATABASE_URL's query string win.
        config["OPTIONS"] = {
            "options": f"-c random_page_cost={env.float('DATABASE_RANDOM_PAGE_COST', default=1.1)}"
            f" -c max_parallel_workers_per_gather={env.int('DATABASE_PARALLEL_WORKERS', default=0)}",
            **config.get("OPTIONS", {}),
        }
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # The embedded mode serves several requests at once (runserver is threaded), and SQLite
        # has one writer at a time. Django's default deferred transaction reads first and asks for
        # the write lock only at its first write (lead_submit's dedupe, then the INSERT): when
        # another writer holds it, SQLite answers "database is locked" at once, without waiting.
        # IMMEDIATE takes the write lock at BEGIN, where the busy timeout makes the others queue
        # for it (and see the first one's request, so the dedupe holds); WAL lets readers go on
        # while one writes. Options in DATABASE_URL's query string win.
        # tests/lawzana/test_sqlite_concurrent_writes.py sends one request three times at once.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,  # seconds a writer waits for the lock before "database is locked"
            **config.get("OPTIONS", {}),
        }
    return config


DATABASES = {
    "default": _database(env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'lawzana.sqlite3'}")),
}
# A read replica (streaming replication of the primary): anonymous visitors' public pages read
# from it, everything else from the primary (lawzana/db_router.py). A few seconds of lag only
# show on pages that may be as old anyway (PAGE_CACHE_SHARED_SECONDS).
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = _database(env.db_url_config(DATABASE_REPLICA_URL))
    if {DATABASES["default"]["ENGINE"], DATABASES["replica"]["ENGINE"]} != {"django.db.backends.postgresql"}:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs PostgreSQL, as does DATABASE_URL.")
    # The test database is the primary's: the replica's alias reads it too (no replication there).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["lawzana.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "guides:home"

# django-allauth: email is the login; nobody signs in before proving the address.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a mail scanner following the link must not confirm
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False  # Django's session hash already ends the others
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_EMAIL_NOTIFICATIONS = True
# The 6th failed sign-in for one account within 5 minutes is refused (docs/reliability.md A9).
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/300s/key"}
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 180
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Lawzana] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Lawzana"
# A code from the 30-second step before or after the current one is accepted too: the code an
# authenticator shows changes while people type it, and phone clocks drift (RFC 6238 section
# 5.2). A used code stays refused for the whole window (allauth keeps it that long).
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10
# The same forms, saying when a code was already used and how long a lockout lasts.
MFA_FORMS = {
    "authenticate": "accounts.forms.AuthenticateForm",
    "reauthenticate": "accounts.forms.ReauthenticateForm",
    "activate_totp": "accounts.forms.ActivateTOTPForm",
}
# Argon2id first (OWASP's recommendation); older hashes are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
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

# Redis: absent means the embedded mode (local memory cache, tasks run in-process). A URL names
# one server (redis://) or the Sentinels that name the current master (sentinel://..., with the
# master's name in REDIS_SENTINEL_MASTER; lawzana/redis_conn.py).
REDIS_URL = env.str("REDIS_URL", default="")
REDIS_SENTINEL_MASTER = env.str("REDIS_SENTINEL_MASTER", default="")
# Only for sentinels that ask for a password of their own (not the masters').
REDIS_SENTINEL_PASSWORD = env.str("REDIS_SENTINEL_PASSWORD", default="") or None


def _redis_db(url: str, db: int) -> str:
    # The cache lives in its own database so that clearing it never drops queued tasks.
    if url.startswith("sentinel://"):
        *others, last = url.split(";")
        return ";".join([*others, urlunsplit(urlsplit(last)._replace(path=f"/{db}"))])
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{db}"))


def _redis_cache(url: str, master: str, *, key_prefix: str, name: str) -> dict:
    """A cache alias on the Redis the URL names (ResilientRedisCache: it fails open)."""
    options = {"socket_connect_timeout": 2, "socket_timeout": 2}
    if url.startswith("sentinel://"):
        if not master:
            raise ImproperlyConfigured(f"{name} names sentinels: set {name.removesuffix('_URL')}_SENTINEL_MASTER.")
        options |= {
            "pool_class": "lawzana.redis_conn.SentinelPool",
            "sentinel_master": master,
            "sentinel_password": REDIS_SENTINEL_PASSWORD,
        }
        url = [url]  # one location: Django would read each ";"-separated sentinel as a server
    return {
        "BACKEND": "lawzana.cache.ResilientRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": key_prefix,
        "OPTIONS": options,
    }


if REDIS_URL.startswith("sentinel://") and not REDIS_SENTINEL_MASTER:
    raise ImproperlyConfigured("REDIS_URL names sentinels: set REDIS_SENTINEL_MASTER to the master's name.")
# The cache Redis: REDIS_URL's database 1 unless set apart (in production its own instance,
# which evicts: docker-compose.yml). Set alone (no REDIS_URL), tasks run in-process but the
# cache is shared (the load test's own process retires the site's pages).
REDIS_CACHE_URL = env.str("REDIS_CACHE_URL", default=_redis_db(REDIS_URL, 1) if REDIS_URL else "")
REDIS_CACHE_SENTINEL_MASTER = env.str(
    "REDIS_CACHE_SENTINEL_MASTER", default=REDIS_SENTINEL_MASTER if REDIS_CACHE_URL.startswith("sentinel://") else ""
)
# Rate-limit counters (requests, sign-ins, two-factor codes) must outlive a full cache: an
# evicting cache would forget a client's failed attempts exactly when it is busiest. They live
# in the broker's Redis (never evicts; database 2), each with its window as expiry.
REDIS_RATELIMIT_URL = env.str("REDIS_RATELIMIT_URL", default=_redis_db(REDIS_URL, 2) if REDIS_URL else "")
REDIS_RATELIMIT_SENTINEL_MASTER = env.str(
    "REDIS_RATELIMIT_SENTINEL_MASTER",
    default=REDIS_SENTINEL_MASTER if REDIS_RATELIMIT_URL.startswith("sentinel://") else "",
)
CACHES = {
    # Fails open: with Redis down, pages render uncached and the form keeps working.
    "default": (
        _redis_cache(REDIS_CACHE_URL, REDIS_CACHE_SENTINEL_MASTER, key_prefix="lawzana", name="REDIS_CACHE_URL")
        if REDIS_CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"}
    ),
    "ratelimit": (
        _redis_cache(
            REDIS_RATELIMIT_URL,
            REDIS_RATELIMIT_SENTINEL_MASTER,
            key_prefix="lawzana-limits",
            name="REDIS_RATELIMIT_URL",
        )
        if REDIS_RATELIMIT_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"}
    ),
}
# django-ratelimit's counters; allauth's and the two-factor form's are pointed here by
# accounts/apps.py and accounts/forms.py.
RATELIMIT_USE_CACHE = "ratelimit"
# The anonymous page cache (lawzana/page_cache.py). Off, pages are rendered on every request,
# still with the headers and ETag that let nginx keep them (the benchmark measures nginx in
# front with and without it).
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE_ENABLED", default=True)
# A web process answers page cache hits with what it read of their tags at most this many
# seconds ago, without a round trip to Redis: an edit made through another process shows on
# cached pages at most this late. Off outside production, so that tests and a laptop see every
# edit at once.
PAGE_CACHE_HOLD_SECONDS = env.float("PAGE_CACHE_HOLD_SECONDS", default=1.0 if PRODUCTION else 0.0)
# A page rendered this soon after one of its tags was retired is not trusted: the web hosts'
# clocks may differ by up to this much (NTP keeps them within milliseconds).
PAGE_CACHE_CLOCK_MARGIN = env.float("PAGE_CACHE_CLOCK_MARGIN", default=1.0 if PRODUCTION else 0.0)
# What anonymous pages tell shared caches (nginx, a CDN): keep a page this long (s-maxage),
# serve it stale this long while fetching it again, and this long while the site fails. With a
# CDN that purges by tag (PAGE_CACHE_PURGE), s-maxage can be long; nginx (deploy/nginx.conf)
# cannot purge, so the default keeps a page there for a minute, then asks again with its ETag
# (a 304 from the page cache).
PAGE_CACHE_SHARED_SECONDS = env.int("PAGE_CACHE_SHARED_SECONDS", default=60)
PAGE_CACHE_STALE_SECONDS = env.int("PAGE_CACHE_STALE_SECONDS", default=30)
PAGE_CACHE_STALE_IF_ERROR_SECONDS = env.int("PAGE_CACHE_STALE_IF_ERROR_SECONDS", default=86400)
# The response header listing a page's tags (Fastly and nginx setups read Surrogate-Key;
# Cloudflare calls it Cache-Tag). Empty: not sent.
PAGE_CACHE_TAG_HEADER = env.str("PAGE_CACHE_TAG_HEADER", default="Surrogate-Key")
# A dotted path to a function f(tags: list[str]) called after each commit that retired tags,
# to purge a CDN by tag; errors are logged, never raised. Empty: none.
PAGE_CACHE_PURGE = env.str("PAGE_CACHE_PURGE", default="")
# Firms' profile views are added up in each web process and written at most this often
# (directory.stats): most views are answered from a cached copy, without touching the database.
PROFILE_VIEW_FLUSH_SECONDS = env.float("PROFILE_VIEW_FLUSH_SECONDS", default=10.0 if PRODUCTION else 0.0)

# Celery reads every CELERY_* setting (lawzana/celery.py).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True  # state lives in the database, no result backend
CELERY_RESULT_EXPIRES = None  # so the beat schedules no celery.backend_cleanup for it
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Without it Celery closes the worker's database connections around every task; lawzana/celery.py
# gives them Django's request lifecycle instead (CONN_MAX_AGE, CONN_HEALTH_CHECKS). This
# many tasks on one connection at most.
CELERY_DB_REUSE_MAX = 1000
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Longer than any task's time limit or retry countdown, so a running task is never
    # handed to a second worker.
    "visibility_timeout": 1800,
    "socket_timeout": 5,
    "socket_connect_timeout": 5,
}
if REDIS_URL.startswith("sentinel://"):
    CELERY_BROKER_TRANSPORT_OPTIONS["master_name"] = REDIS_SENTINEL_MASTER
    if REDIS_SENTINEL_PASSWORD:
        CELERY_BROKER_TRANSPORT_OPTIONS["sentinel_kwargs"] = {"password": REDIS_SENTINEL_PASSWORD}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 3,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_TIMEZONE = "UTC"
# Two queues, so that a backlog of housekeeping (an erasure of thousands of requests, a slow
# sweep) never delays a request on its way to a firm or a client's email. Production runs a
# worker for each (docker-compose.yml, deploy/k8s); a worker started without -Q (scripts/dev
# worker, the tests) takes both. "celery", Celery's default, is still read by the delivery
# workers: the web processes of the release before this one publish there during an upgrade.
CELERY_TASK_QUEUES = {"deliveries": {}, "housekeeping": {}, "celery": {}}
CELERY_TASK_DEFAULT_QUEUE = "deliveries"
_DELIVERY_TASKS = [
    "intake.tasks.lead_send_confirmation",
    "intake.tasks.lead_match",
    "intake.tasks.match_deliver",
    "intake.tasks.match_notify_withdrawn",
    "intake.tasks.match_notify_accepted",
    "intake.tasks.match_send_contact",
    "webhooks.tasks.webhook_deliver",
]
_HOUSEKEEPING_TASKS = [
    "intake.tasks.matches_sweep",
    "intake.tasks.matches_expire_and_reroute",
    "intake.tasks.leads_expire",
    "intake.tasks.leads_retry_unmatched",
    "intake.tasks.leads_erase_expired",
    "intake.tasks.sessions_clear_expired",
    "intake.tasks.review_invitations_send",
    "intake.tasks.response_figures_refresh",
    "guides.tasks.guides_notify_stale",
    "webhooks.tasks.webhooks_sweep",
    "directory.tasks.import_files_delete_abandoned",
    "webhooks.tasks.webhook_deliveries_delete_expired",
]
# Every task is named here (tests/lawzana/test_task_queues.py holds each registered task to it).
CELERY_TASK_ROUTES = {
    **{name: {"queue": "deliveries"} for name in _DELIVERY_TASKS},
    **{name: {"queue": "housekeeping"} for name in _HOUSEKEEPING_TASKS},
}
# One beat across every host (celery-redbeat): its schedule, each job's last run and a lock
# live in the broker's Redis. A second beat (another host, an overlapping deploy) waits for the
# lock instead of sending every job twice, and takes over within CELERY_REDBEAT_LOCK_TIMEOUT
# when the first dies; a restarted beat keeps each job's last run, so nothing runs late (or
# twice) for having restarted, and a job it has never run before runs at once
# (lawzana/beat.py).
if REDIS_URL:
    CELERY_BEAT_SCHEDULER = "lawzana.beat.Scheduler"
    CELERY_REDBEAT_KEY_PREFIX = "lawzana:beat:"
    # The beat wakes at least this often and renews its lock each time: the lock must outlast
    # the sleep between two wakes, or the beat loses it while asleep and stops.
    CELERY_BEAT_MAX_LOOP_INTERVAL = env.int("CELERY_BEAT_MAX_LOOP_INTERVAL", default=10)
    CELERY_REDBEAT_LOCK_TIMEOUT = env.int("CELERY_REDBEAT_LOCK_TIMEOUT", default=60)
    if CELERY_REDBEAT_LOCK_TIMEOUT < 2 * CELERY_BEAT_MAX_LOOP_INTERVAL:
        raise ImproperlyConfigured(
            "CELERY_REDBEAT_LOCK_TIMEOUT must be at least twice CELERY_BEAT_MAX_LOOP_INTERVAL: the beat renews "
            "its lock only when it wakes."
        )
    if REDIS_URL.startswith("sentinel://"):
        from lawzana.redis_conn import parse_sentinels

        _found = parse_sentinels(REDIS_URL)
        CELERY_REDBEAT_REDIS_URL = "redis-sentinel://sentinels"
        CELERY_REDBEAT_REDIS_OPTIONS = {
            "sentinels": _found.hosts,
            "service_name": REDIS_SENTINEL_MASTER,
            "password": _found.password,
            "db": _found.db,
            "socket_timeout": 5,
            "sentinel_kwargs": {"password": REDIS_SENTINEL_PASSWORD} if REDIS_SENTINEL_PASSWORD else {},
            "retry_period": 60,
        }
    else:
        CELERY_REDBEAT_REDIS_URL = REDIS_URL
        CELERY_REDBEAT_REDIS_OPTIONS = {"socket_timeout": 5, "socket_connect_timeout": 5, "retry_period": 60}
# How often firms' response figures follow their answers (intake.services.response).
RESPONSE_FIGURES_REFRESH_SECONDS = env.int("RESPONSE_FIGURES_REFRESH_SECONDS", default=3600)
# Daily and weekly jobs run at a fixed time of day (UTC), not "a day after the beat started";
# each also runs at most once per day or week however often it is sent (lawzana/jobs.py).
CELERY_BEAT_SCHEDULE = {
    "guides-notify-stale": {
        "task": "guides.tasks.guides_notify_stale",
        "schedule": crontab(minute=0, hour=1, day_of_week="mon"),  # 09:00 in China
    },
    # The database is the truth: this re-publishes deliveries whose task message was lost.
    "matches-sweep": {"task": "intake.tasks.matches_sweep", "schedule": 60},
    "matches-expire-and-reroute": {"task": "intake.tasks.matches_expire_and_reroute", "schedule": 15 * 60},
    "leads-retry-unmatched": {"task": "intake.tasks.leads_retry_unmatched", "schedule": 3600},
    "leads-expire": {"task": "intake.tasks.leads_expire", "schedule": 3600},
    "leads-erase-expired": {"task": "intake.tasks.leads_erase_expired", "schedule": crontab(minute=30, hour=18)},
    # Often: a refused request's typed text is kept only for the rate limit's window.
    "sessions-clear-expired": {"task": "intake.tasks.sessions_clear_expired", "schedule": 10 * 60},
    "review-invitations-send": {"task": "intake.tasks.review_invitations_send", "schedule": 3600},
    # Webhook deliveries live in the database (an outbox): this sends those whose next attempt
    # is due, the retries after backoff and any whose task message was lost.
    "webhooks-sweep": {"task": "webhooks.tasks.webhooks_sweep", "schedule": 60},
    # Deliveries and their attempts, WEBHOOKS_RETENTION_DAYS after they finished (payloads may
    # hold a client's summary). Daily, after the requests' own erasure.
    "webhook-deliveries-delete-expired": {
        "task": "webhooks.tasks.webhook_deliveries_delete_expired",
        "schedule": crontab(minute=45, hour=18),
    },
    # Firms' response times and ranking, recomputed from their answers (intake.services.response).
    "response-figures-refresh": {
        "task": "intake.tasks.response_figures_refresh",
        "schedule": RESPONSE_FIGURES_REFRESH_SECONDS,
    },
    # The uploaded files of firm import previews nobody confirmed (directory/importing.py).
    "import-files-delete-abandoned": {"task": "directory.tasks.import_files_delete_abandoned", "schedule": 3600},
}

# Email: EMAIL_URL like smtp://user:pass@host:587 (environ's email_url); default to files.
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_TIMEOUT = 10  # an SMTP server that never answers must not hang a worker
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Lawzana <no-reply@lawzana.example>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Operators hear of new firms to verify and claims to check (lawzana.emails.send_to_operators).
MANAGERS = [("Operators", address) for address in env.list("OPERATOR_EMAILS", default=[])]

LANGUAGE_CODE = "en"
# English keeps unprefixed URLs; Simplified Chinese lives under /zh-hans/ (lawzana/urls.py).
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates in each language's own order (lawzana/formats/<locale>/formats.py).
FORMAT_MODULE_PATH = ["lawzana.formats"]
TIME_ZONE = "Asia/Shanghai"
# Phone numbers typed without a country code are read as this country's (lawzana.forms).
PHONE_DEFAULT_REGION = "CN"
USE_I18N = True
# django-modeltranslation (directory/translation.py): places' and practice areas' names get a
# column per language; English is required, so a name missing in Chinese falls back to it.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
MODELTRANSLATION_PREPOPULATE_LANGUAGE = "en"  # slugs stay ASCII, made from the English name
# The admin labels each column with its language's own name: "name (English)", "name (中文)".
LANGUAGE_ENDONYMS = {"en": "English", "zh-hans": "中文"}
MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME = lambda verbose_name, lang: (  # noqa: E731
    f"{verbose_name} ({LANGUAGE_ENDONYMS.get(lang, lang)})"
)
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"


def media_storage() -> dict:
    """The default storage (firm logos): files under MEDIA_ROOT, or an S3-compatible bucket
    when MEDIA_S3_BUCKET is set.

    Local files are fine on one host. With web processes on several hosts every one of them
    must read what another wrote, so set MEDIA_S3_BUCKET there: nothing warns when it is
    missing, since one host in production is a valid set-up too (README "Running in production").
    """
    bucket = env.str("MEDIA_S3_BUCKET", default="")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    from botocore.config import Config

    addressing = env.str("MEDIA_S3_ADDRESSING_STYLE", default="")
    if addressing not in {"", "auto", "path", "virtual"}:
        raise ImproperlyConfigured(f"Invalid MEDIA_S3_ADDRESSING_STYLE={addressing!r}: use auto, path or virtual.")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            # Empty: AWS itself; otherwise MinIO, Cloudflare R2 and the like (or moto in tests).
            "endpoint_url": env.str("MEDIA_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("MEDIA_S3_REGION", default="") or None,
            # Empty: boto3's own chain (AWS_* variables, ~/.aws, an instance or pod role).
            "access_key": env.str("MEDIA_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("MEDIA_S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("MEDIA_S3_PREFIX", default="media").strip("/"),
            "addressing_style": addressing or None,
            # Private objects: the app serves logos itself (directory.views.firm_logo), so the
            # CSP keeps img-src 'self' and the bucket needs no public policy. URLs the backend
            # would make are signed and expire.
            "default_acl": None,
            "querystring_auth": True,
            # Every upload gets a fresh name already (directory.models.firm_logo_path); an
            # existing object is never silently replaced.
            "file_overwrite": False,
            # A bucket that stops answering costs a web worker seconds, not gunicorn's whole
            # timeout: at most 2 attempts of 2 s to connect and 5 s to read per call.
            "client_config": Config(
                connect_timeout=2,
                read_timeout=5,
                retries={"total_max_attempts": 2, "mode": "standard"},
            ),
        },
    }


STORAGES = {
    "default": media_storage(),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production WhiteNoise serves straight from the source folders (no collectstatic).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000  # the guide admin posts many inline fields

# Editors: a guide not reviewed for this many months is flagged stale.
GUIDE_STALE_AFTER_MONTHS = env.int("GUIDE_STALE_AFTER_MONTHS", default=12)
GUIDE_CACHE_SECONDS = 24 * 3600
# The social cards' font (lawzana/og_image.py): a file with Chinese glyphs. Empty: the first
# CJK sans-serif font fontconfig lists (Debian's fonts-noto-cjk; the Dockerfile installs it).
OG_FONT_PATH = env.str("OG_FONT_PATH", default="")
# Operators: a firm's verification badge lapses this many months after the last check.
FIRM_VERIFICATION_VALID_MONTHS = env.int("FIRM_VERIFICATION_VALID_MONTHS", default=12)
# Ranking (directory/ranking.py documents the formula).
RANKING_PRIOR_MEAN = 3.5
RANKING_PRIOR_WEIGHT = 5
FIRMS_PER_PAGE = 10
FIRM_PROFILE_REVIEWS = 20
COMPARE_MAX_FIRMS = 3

# Intake and matching (intake/services/).
LEAD_FANOUT = env.int("LEAD_FANOUT", default=3)  # K: firms per request, re-routing included
LEAD_EMAIL_CONFIRMATION = env_bool("LEAD_EMAIL_CONFIRMATION", default=True)
LEAD_RESPONSE_WINDOW_HOURS = env.int("LEAD_RESPONSE_WINDOW_HOURS", default=24)
LEAD_EXPIRY_DAYS = env.int("LEAD_EXPIRY_DAYS", default=30)
LEAD_UNMATCHED_RETRY_DAYS = env.int("LEAD_UNMATCHED_RETRY_DAYS", default=14)
LEAD_RETENTION_DAYS = env.int("LEAD_RETENTION_DAYS", default=180)
LEAD_MIN_FILL_SECONDS = env.int("LEAD_MIN_FILL_SECONDS", default=4)
LEAD_RATE_LIMIT = env.str("LEAD_RATE_LIMIT", default="5/10m")  # requests sent per client address
# Every attempt at the form's last step, mistakes included: a ceiling against scripts.
LEAD_ATTEMPT_LIMIT = env.str("LEAD_ATTEMPT_LIMIT", default="30/10m")
# How long a delivery attempt holds its match before the sweeper may hand it to another
# worker. Keep it above CELERY_TASK_TIME_LIMIT; the fault tests (tests/fault) shorten it.
MATCH_DELIVERY_LEASE_SECONDS = env.int("MATCH_DELIVERY_LEASE_SECONDS", default=300)
MATCH_DELIVERY_MAX_ATTEMPTS = 8
MATCH_DELIVERY_RETRY_BASE_SECONDS = env.int("MATCH_DELIVERY_RETRY_BASE_SECONDS", default=30)

# Firms' read-only API (api/): calls per token, and failed sign-ins (no token, a wrong or
# revoked one) per client address, counted in the "ratelimit" cache that all processes share.
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="60/m")
API_AUTH_FAILURE_LIMIT = env.str("API_AUTH_FAILURE_LIMIT", default="20/10m")
# Webhooks (webhooks/): firms' own endpoints told of their requests' events.
WEBHOOKS_MAX_ENDPOINTS_PER_FIRM = 5
# Seconds after each failed attempt before the next; one attempt more than there are waits.
WEBHOOKS_RETRY_DELAYS = [60, 5 * 60, 30 * 60, 2 * 3600, 12 * 3600]
# How long an attempt holds its delivery before the sweeper may send it again: above the
# connect and read timeouts together, below the first retry delay.
WEBHOOKS_LEASE_SECONDS = 45
WEBHOOKS_CONNECT_TIMEOUT = 3.0
WEBHOOKS_READ_TIMEOUT = 10.0
WEBHOOKS_SECRET_OVERLAP_HOURS = 24
# Days a finished delivery (delivered, failed or cancelled) and its attempts are kept for the
# firm's log; the privacy notice states it.
WEBHOOKS_RETENTION_DAYS = 30
# Plain HTTP to a loopback address, for the test suite's own receiver and a developer's. Never in
# production (refused below): it is exactly the request forgery the URL checks exist to stop.
WEBHOOKS_ALLOW_INSECURE_LOCAL_RECEIVER = env_bool("WEBHOOKS_ALLOW_INSECURE_LOCAL_RECEIVER", default=False)
if PRODUCTION and WEBHOOKS_ALLOW_INSECURE_LOCAL_RECEIVER:
    raise ImproperlyConfigured(
        "WEBHOOKS_ALLOW_INSECURE_LOCAL_RECEIVER must be False in production: webhooks go to public HTTPS only."
    )

# /bench/hello, the benchmark's control page (bench/run.py sets it for its own server only).
BENCH_CONTROL_PAGE = env_bool("BENCH_CONTROL_PAGE", default=False)

# Staff without this permission see clients' names, contact details and descriptions masked,
# and may filter admin lists only by what the lists offer (lawzana/admin.py).
PERSONAL_DATA_PERMISSION = "intake.view_lead_pii"

# Not /admin/, where every scanner looks first (docs/reliability.md A7).
ADMIN_URL = env.str("ADMIN_URL", default="manage/")

# Firm portal.
PORTAL_INVITATION_DAYS = 7
PORTAL_CLAIM_LINK_DAYS = 3
PORTAL_LOGO_MAX_BYTES = 2 * 1024 * 1024
PORTAL_LOGO_MAX_PIXELS = 25_000_000  # decoded size; larger images are refused before decoding
PORTAL_LOGO_SIZE = 400  # stored logos fit in a square this many pixels wide
# Days after a firm accepted a request before the client is invited to review that firm.
REVIEW_INVITATION_DELAY_DAYS = env.int("REVIEW_INVITATION_DELAY_DAYS", default=14)
REVIEW_INVITATION_VALID_DAYS = 60
MEDIA_URL = "/media/"
# Only used without MEDIA_S3_BUCKET (media_storage above): one host's local files.
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # no script reads it: forms carry the token
# Content-Security-Policy (django-csp): only the site's own files; no inline script or style.
# data: images only for the QR code of the two-factor set-up page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
        "report-uri": "/csp-report/",
    }
}
# Sessions hold half-filled request forms (personal data): keep them short-lived.
SESSION_COOKIE_AGE = 12 * 3600  # the absolute limit of a signed-in session too
# A signed-in session ends after this much inactivity (accounts.middleware).
SESSION_IDLE_TIMEOUT_SECONDS = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=30 * 60)
# Where the client's address is read for rate limits and the stored IP hash. Behind a
# trusted proxy that overwrites it, e.g. HTTP_X_REAL_IP; never a raw X-Forwarded-For.
CLIENT_IP_META_KEY = env.str("CLIENT_IP_META_KEY", default="REMOTE_ADDR")
# Every limit reads the address the same way (lawzana.security.client_ip): django-ratelimit
# here, allauth through accounts.adapter.
RATELIMIT_IP_META_KEY = "lawzana.security.client_ip"
# With the cache unreachable, requests are taken without the per-address limit rather than
# refused (honeypot, minimum fill time and the 24 h dedupe still apply).
RATELIMIT_FAIL_OPEN = True
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # /healthz is probed over plain HTTP by the load balancer inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # __Host- cookies are only accepted over HTTPS, for this exact host and path "/".
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_NAME = "__Host-language"

# One JSON object per line in production (LOG_FORMAT=json|plain); every handler redacts email
# addresses, phone numbers and the secret parts of URLs (lawzana/logging.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "lawzana.logging.RedactFilter"}},
    "formatters": {
        "plain": {"()": "lawzana.logging.RedactingFormatter", "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "lawzana.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Even at LOG_LEVEL=DEBUG: botocore's debug lines carry each request's signed headers.
        "botocore": {"level": "WARNING"},
        "boto3": {"level": "WARNING"},
        "s3transfer": {"level": "WARNING"},
    },
}
# Celery's worker logs through the same handler instead of installing its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
