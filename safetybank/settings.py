"""SafetyBank settings: one module, every deployment value read from the environment.

Local defaults need nothing installed (SQLite, eager Celery, console e-mail).
With DEBUG=0 the app refuses to start without SECRET_KEY and ALLOWED_HOSTS.
"""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from safetybank.env import env_bool, env_database, env_int, env_list, env_str
from safetybank.log import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)
if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-never-used-with-DEBUG-0")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
else:
    SECRET_KEY = env_str("SECRET_KEY", "")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("With DEBUG=0, SECRET_KEY must be set to a random value of 50 characters or more.")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("With DEBUG=0, ALLOWED_HOSTS must list the host names this site answers to.")

# Plain HTTP for a local production-like run (docker compose on a laptop). Never on an
# intranet server: `check --deploy` reports it as warning safetybank.W001.
ALLOW_INSECURE_HTTP = env_bool("ALLOW_INSECURE_HTTP", False)

INSTALLED_APPS = [
    "safetybank.apps.SafetybankAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "django_tables2",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "safetybank",
    "branches",
    "core",
    "inspections",
    "facilities",
    "incidents",
    "dashboards",
    "drills",
    "responsibilities",
    "reports",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    # First, so every later log line of the request carries its id.
    "safetybank.log.RequestIdMiddleware",
    # Before the TLS redirect and the host check: the health probe asks http://127.0.0.1:8000/healthz.
    "safetybank.middleware.HealthProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything below, so every page, error and redirect gets them (static files do not).
    "safetybank.middleware.SecurityHeadersMiddleware",
    "safetybank.middleware.PrivateCacheMiddleware",
    # The service worker and the web manifest, answered before the session is read (safetybank/pwa.py).
    "safetybank.pwa.AppFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Right after the session: renews an idle session at most every SESSION_RENEW_MINUTES (no write per request).
    "safetybank.middleware.SessionRenewMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed a second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "safetybank.middleware.UserLanguageMiddleware",
    "safetybank.middleware.ForcePasswordChangeMiddleware",
    # After the password change: a sign-in that must enrol a second factor goes to the enrolment page.
    "safetybank.middleware.SecondFactorEnrolmentMiddleware",
    # AxesMiddleware last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safetybank.urls"
WSGI_APPLICATION = "safetybank.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"},
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "branches.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out user/IP pair is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after SESSION_IDLE_MINUTES without a request (requests renew the clock; see below).
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# Two-factor sign-in: the name shown in authenticator apps; minutes between the password and the code.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "SafetyBank")
SECOND_FACTOR_PENDING_MINUTES = env_int("SECOND_FACTOR_PENDING_MINUTES", 5, minimum=1)
# A session is written when it changes, and renewed (its idle clock restarted) at most every
# SESSION_RENEW_MINUTES by safetybank.middleware.SessionRenewMiddleware, not on every request: a
# session so ends between IDLE - RENEW and IDLE minutes after its last request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_MINUTES = min(env_int("SESSION_RENEW_MINUTES", 5, minimum=1), SESSION_IDLE_MINUTES)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Lockout after repeated failures, keyed on the username *and* the IP together, so an
# attacker elsewhere cannot lock a victim out of their own counter. Successes and
# failures are both logged in the database (axes AccessLog / AccessFailureLog).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0, minimum=0) or None

# Internationalisation: Simplified Chinese by default, English available.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
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
# Uploaded files live outside the web root and are served only through scoped views.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Never served directly: nothing routes this prefix; files go out through scoped views only.
MEDIA_URL = "/_unserved-media/"
# Where `make backup` writes its dated archives (core/backups.py).
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(BASE_DIR / "var" / "backups")))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/safetybank.html"  # cards on a phone (templates/django_tables2/)

# E-mail: console locally, SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "safetybank@localhost")

# Celery: a real broker when REDIS_URL is set; otherwise tasks run eagerly in-process.
REDIS_URL = env_str("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Heavy pages (dashboards, their exports, report PDFs) that may compute at once in one web process;
# the others wait their turn, a 503 after the wait (safetybank/heavy.py). 0: no gate.
HEAVY_PAGES_AT_ONCE = env_int("HEAVY_PAGES_AT_ONCE", 1, minimum=0)
HEAVY_PAGE_WAIT_SECONDS = env_int("HEAVY_PAGE_WAIT_SECONDS", 60, minimum=1)
# A heavy page's turn (with Redis) is a lease that frees itself after this long, past gunicorn's --timeout.
HEAVY_PAGE_LEASE_SECONDS = env_int("HEAVY_PAGE_LEASE_SECONDS", 130, minimum=1)
# The share of the time the turns may be held over a run of heavy pages, and the debt of turns' time a
# page may still start with (so that a few pages in a row never wait): dashboards reloaded back to back
# leave the rest of the time to the counter (safetybank/heavy.py).
HEAVY_PAGES_SHARE_PERCENT = env_int("HEAVY_PAGES_SHARE_PERCENT", 25, minimum=1)
HEAVY_PAGES_BURST_SECONDS = env_int("HEAVY_PAGES_BURST_SECONDS", 3, minimum=0)

CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360, minimum=1)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The one schedule table: features add their periodic jobs here (local time, Asia/Shanghai).
CELERY_BEAT_SCHEDULE: dict = {
    # Tasks that could not be published when they were asked for (broker outage): see safetybank.outbox.
    "outbox-sweep": {"task": "safetybank.outbox_sweep", "schedule": 60.0},
    # Before each month starts (and daily as a catch-up, which creates nothing when done).
    "inspections-open-cycles": {"task": "inspections.open_cycles", "schedule": crontab(hour=1, minute=10)},
    "inspections-mark-overdue": {"task": "inspections.mark_overdue", "schedule": crontab(hour=0, minute=20)},
    # The dashboards' summary tables, recomputed from raw rows (services keep them current during the day).
    "inspections-rebuild-summaries": {
        "task": "inspections.rebuild_summaries",
        "schedule": crontab(hour=3, minute=20),
    },
    "inspections-acknowledgements-remind": {
        "task": "inspections.acknowledgements_remind",
        "schedule": crontab(hour=8, minute=40),
    },
    # Hidden dangers: mark overdue, remind the responsible person, escalate after the configured days.
    "hazards-mark-overdue": {"task": "inspections.hazards_mark_overdue", "schedule": crontab(hour=0, minute=30)},
    # Responsibilities: letters for new staff and after transfers; reminders; roster gaps; expiring agreements.
    "responsibilities-reconcile-letters": {
        "task": "responsibilities.reconcile_letters",
        "schedule": crontab(hour=1, minute=40),
    },
    "responsibilities-remind-unsigned": {
        "task": "responsibilities.remind_unsigned",
        "schedule": crontab(hour=8, minute=30, day_of_week=1),
    },
    "responsibilities-roster-gaps": {"task": "responsibilities.roster_gaps", "schedule": crontab(hour=8, minute=0)},
    "responsibilities-agreements-expiring": {
        "task": "responsibilities.agreements_expiring",
        "schedule": crontab(hour=8, minute=10),
    },
    "facilities-remind-tests": {"task": "facilities.remind_tests", "schedule": crontab(hour=7, minute=30)},
    # Drills: a week before a planned drill; 30 days before a drill rule would be missed.
    "drills-remind-upcoming": {"task": "drills.remind_upcoming", "schedule": crontab(hour=7, minute=40)},
    "drills-remind-rules": {"task": "drills.remind_rules", "schedule": crontab(hour=7, minute=50)},
    # Reports: last month's drafts for every unit (daily as a catch-up; one current version per unit and month).
    "reports-generate-month": {"task": "reports.generate_month", "schedule": crontab(hour=2, minute=30)},
    # The year-end summaries of the year just ended, in the first days of January (catch-up).
    "reports-generate-year": {
        "task": "reports.generate_year",
        "schedule": crontab(hour=2, minute=50, day_of_month="1-7", month_of_year=1),
    },
    # Background jobs whose worker was lost (core.leases) go to a worker again.
    "core-sweep-jobs": {"task": "core.sweep_jobs", "schedule": crontab(minute="*/5")},
    # Notification channels (core/channels.py): deliveries whose backoff has passed are tried again.
    "core-channels-retry": {"task": "core.channels_retry", "schedule": 60.0},
    # Audit trail older than AUDIT_RETENTION_YEARS goes (each record's latest row stays).
    "core-prune-audit-history": {"task": "core.prune_audit_history", "schedule": crontab(hour=3, minute=20)},
}
# Notification channels (WeCom, DingTalk): request timeout, retries with exponential backoff
# (base * 2^(attempt-1) seconds), how long a claimed delivery is left to its worker, WeCom API host.
CHANNEL_TIMEOUT_SECONDS = env_int("CHANNEL_TIMEOUT_SECONDS", 5, minimum=1)
CHANNEL_MAX_ATTEMPTS = env_int("CHANNEL_MAX_ATTEMPTS", 6, minimum=1)
CHANNEL_RETRY_BASE_SECONDS = env_int("CHANNEL_RETRY_BASE_SECONDS", 60, minimum=1)
CHANNEL_CLAIM_SECONDS = env_int("CHANNEL_CLAIM_SECONDS", 120, minimum=1)
WECOM_API_BASE = env_str("WECOM_API_BASE", "https://qyapi.weixin.qq.com").rstrip("/")
# How long the audit trail is kept, in years (regulators commonly ask for at least five).
AUDIT_RETENTION_YEARS = env_int("AUDIT_RETENTION_YEARS", 10, minimum=1)

# PDF rendering (a document, a report version's files) may go to a queue of its own, so a worker with
# a small concurrency and its own memory takes the renders and e-mails never wait behind them. Off
# unless CELERY_PDF_QUEUE names the queue: then some worker must consume it (docker-compose.yml runs
# `worker-pdf` with `-Q pdf`; docs/deployment.md). Unset, every task goes to the default queue.
CELERY_PDF_QUEUE = env_str("CELERY_PDF_QUEUE", "")
CELERY_PDF_TASKS = ("core.tasks.render_document", "reports.store_files")
CELERY_TASK_ROUTES = {name: {"queue": CELERY_PDF_QUEUE} for name in CELERY_PDF_TASKS} if CELERY_PDF_QUEUE else {}

# --- Background job leases (issue 15): a killed worker's job is finished by another one. ---
# Tasks are idempotent (house rule), so a message is acknowledged only after its task ran, and a
# worker process that dies hands its message back to the broker instead of dropping it.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Redis redelivers a message nobody acknowledged after this long (default: an hour). It must be
# longer than any countdown a task waits for (the e-mail retry backs off to 30 minutes), or a
# waiting retry is delivered twice; the sweep below, not this, is what finishes a killed job.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **globals().get("CELERY_BROKER_TRANSPORT_OPTIONS", {}),  # keeps transport options set above
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 35 * 60, minimum=60),
}
# A claimed job (core.leases) is the worker's for this long, renewed as it progresses; longer than
# the hard time limit, so a live worker never loses it. Then the sweep sends it to a worker again,
# at most JOB_MAX_ATTEMPTS claims in all. The status page waits JOB_WAIT_LIMIT_SECONDS, then
# stops polling and offers to ask again.
JOB_LEASE_SECONDS = env_int("JOB_LEASE_SECONDS", CELERY_TASK_TIME_LIMIT + 60, minimum=1)
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 3, minimum=1)
JOB_WAIT_LIMIT_SECONDS = env_int("JOB_WAIT_LIMIT_SECONDS", 15 * 60, minimum=1)
# Test-only: tests/test_fault_worker_killed.py holds the worker it starts this long before the
# render, so it is killed mid-render for certain. 0 everywhere else.
DOCUMENT_RENDER_HOLD_SECONDS = env_int("DOCUMENT_RENDER_HOLD_SECONDS", 0, minimum=0)

# Broker outage (safetybank.outbox): a request never waits on Redis. Tasks are written to the outbox in
# the same transaction as the change and published after commit with this timeout (seconds) and no
# retries; what the broker did not take is published by the sweep, this many per run.
OUTBOX_PUBLISH_TIMEOUT = env_int("OUTBOX_PUBLISH_TIMEOUT", 1, minimum=1)
OUTBOX_SWEEP_BATCH = env_int("OUTBOX_SWEEP_BATCH", 500, minimum=1)

if REDIS_URL:
    # The same Redis as the broker: while it is unreachable the cache is a miss, not an error
    # (safetybank/cache.py), and a request waits at most a second or two for it.
    CACHES = {
        "default": {
            "BACKEND": "safetybank.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Security headers. HTTPS is assumed in production unless ALLOW_INSECURE_HTTP is set.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy of every HTML page (safetybank.middleware.SecurityHeadersMiddleware). No inline
# script anywhere: htmx is configured by a meta tag in base.html, page behaviour lives in static/js/.
# Inline styles stay allowed (style="" attributes, pygal's SVG <style>); data: images are Bootstrap's icons.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# The daily check's photo input may open the camera; nothing else asks for a device.
PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"
SESSION_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
if not DEBUG and not ALLOW_INSECURE_HTTP:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The health probe speaks plain HTTP inside the container (HealthProbeMiddleware answers it first;
    # this keeps it exempt should that middleware ever move).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if ALLOW_INSECURE_HTTP:
    # The security.W004/W008/W012/W016 warnings would repeat what safetybank.W001 says once.
    SILENCED_SYSTEM_CHECKS = ["security.W004", "security.W008", "security.W012", "security.W016"]

# Upload policy shared by every feature (core.attachments).
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
ATTACHMENT_MAX_PIXELS = env_int("ATTACHMENT_MAX_PIXELS", 40_000_000, minimum=10_000)

# Links in e-mails point here (notifications are sent from workers, which have no request). In
# production it is the address people open (https://safety.example.cn); `check --deploy` warns
# (safetybank.W002) while it is unset, and docker-compose.yml refuses to start without it.
SITE_URL = env_str("SITE_URL", "")
SITE_URL_SET = bool(SITE_URL)
SITE_URL = SITE_URL or "http://127.0.0.1:8000"

# Audit records are never changed from a screen: no "revert" in the admin history.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Daily checks: a form submitted faster than this many seconds per item is flagged for review.
DAILY_CHECK_MIN_SECONDS_PER_ITEM = env_int("DAILY_CHECK_MIN_SECONDS_PER_ITEM", 2, minimum=0)

# The demo seed refuses to run with DEBUG=0 unless forced.
SEED_DEMO_PASSWORD = "SafetyDemo-2026"

# Every line has time, level, logger and request id; LOG_FORMAT=json for a log collector.
LOGGING = logging_config(level=env_str("LOG_LEVEL", "INFO"), fmt=env_str("LOG_FORMAT", "text"))

# REST API (api/): session or personal token; every list paginated like the HTML lists; errors as
# RFC 9457 problem details in the reader's language.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PagePagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ProblemAutoSchema",
    "EXCEPTION_HANDLER": "api.problems.problem_details_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SafetyBank API",
    "DESCRIPTION": "Units, inspections and daily checks, hidden dangers, drills, letters, facilities, incidents "
    "and reports, read and written through the same rules as the pages.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set, whichever field uses it (several models have a "kind" or a "status").
    "ENUM_NAME_OVERRIDES": {
        "AreaEnum": "branches.choices.Area",
        "DepartmentKindEnum": "branches.choices.DepartmentKind",
        "PostEnum": "branches.choices.Post",
        "PremisesKindEnum": "branches.choices.PremisesKind",
        "UnitKindEnum": "branches.choices.UnitKind",
        "AttachmentKindEnum": "core.choices.AttachmentKind",
        "CalendarDayKindEnum": "core.choices.CalendarDayKind",
        "DocumentStatusEnum": "core.choices.DocumentStatus",
        "FestivalEnum": "core.choices.Festival",
        "SignatureKindEnum": "core.choices.SignatureKind",
        "AnswerTypeEnum": "inspections.choices.AnswerType",
        "AssignmentStatusEnum": "inspections.choices.AssignmentStatus",
        "DefenceEnum": "inspections.choices.Defence",
        "EscalationLevelEnum": "inspections.choices.EscalationLevel",
        "HazardCategoryEnum": "inspections.choices.HazardCategory",
        "HazardEventKindEnum": "inspections.choices.HazardEventKind",
        "HazardGradeEnum": "inspections.choices.HazardGrade",
        "HazardStatusEnum": "inspections.choices.HazardStatus",
        "InspectionStatusEnum": "inspections.choices.InspectionStatus",
        "LevelEnum": "inspections.choices.Level",
        "PeriodEnum": "inspections.choices.Period",
        "PurposeEnum": "inspections.choices.Purpose",
        "ResultEnum": "inspections.choices.Result",
        "TargetEnum": "inspections.choices.Target",
        "DrillKindEnum": "drills.choices.DrillKind",
        "DrillStatusEnum": "drills.choices.DrillStatus",
        "PlanKindEnum": "drills.choices.PlanKind",
        "PlanRoleKindEnum": "drills.choices.PlanRoleKind",
        "RolePeriodEnum": "drills.choices.RolePeriod",
        "RuleStateEnum": "drills.choices.RuleState",
        "StudyKindEnum": "drills.choices.StudyKind",
        "CadenceUnitEnum": "facilities.choices.CadenceUnit",
        "DueStateEnum": "facilities.choices.DueState",
        "ExtinguisherTypeEnum": "facilities.choices.ExtinguisherType",
        "FacilityKindEnum": "facilities.choices.FacilityKind",
        "FacilityStatusEnum": "facilities.choices.FacilityStatus",
        "InvestmentKindEnum": "facilities.choices.InvestmentKind",
        "TestKindEnum": "facilities.choices.TestKind",
        "TestResultEnum": "facilities.choices.TestResult",
        "VideoKindEnum": "facilities.choices.VideoKind",
        "IncidentKindEnum": "incidents.choices.IncidentKind",
        "IncidentStatusEnum": "incidents.choices.IncidentStatus",
        "CommitteeRoleEnum": "responsibilities.choices.CommitteeRole",
        "LetterKindEnum": "responsibilities.choices.LetterKind",
        "LetterStatusEnum": "responsibilities.choices.LetterStatus",
        "PartyKindEnum": "responsibilities.choices.PartyKind",
        "RoundStatusEnum": "responsibilities.choices.RoundStatus",
        "ActivityKindEnum": "reports.choices.ActivityKind",
        "ReportKindEnum": "reports.choices.ReportKind",
        "ReportStatusEnum": "reports.choices.ReportStatus",
    },
}
# A personal API token lives this many days unless its owner picks fewer.
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365, minimum=1)
