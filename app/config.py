"""Configuration: defaults here, then instance/config.py, then environment variables."""

from __future__ import annotations

import os

DEFAULT_SECRET_KEY = "dev-insecure-change-me"  # noqa: S105 - the marker refused outside dev/test


class Defaults:
    """Settings every installation starts from."""

    APP_ENV = "production"
    SECRET_KEY = DEFAULT_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = None  # filled in by create_app: SQLite under instance/
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    REDIS_URL = None

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    # Flask-Login's own remember-me cookie is never set: ours (auth.sessions) is random per
    # device and revocable, named remember_token as api.md says.
    REMEMBER_COOKIE_NAME = "flask_login_remember_unused"
    REMEMBER_DAYS = 30  # how long "keep me signed in" lasts on one device
    SESSION_IDLE_HOURS = 12  # a session without it ends after this long unused
    WTF_CSRF_TIME_LIMIT = None  # the session lifetime bounds the token

    # Behind a reverse proxy: how many proxies set X-Forwarded-For/-Proto (0: none). Without
    # it every request seems to come from the proxy, and sign-in locks by address would lock
    # everybody out together.
    PROXY_FIX = 0

    # The site's address in links sent by mail (https://hoa.example.com). Without it links
    # use the address the request came to.
    BASE_URL = None

    API_TOKEN_HOURS = 12
    INVITATION_DAYS = 7  # how long an invitation to a role can be accepted
    PASSWORD_RESET_HOURS = 2
    # Sign-in throttling (auth.throttle): failures in a row for one account from one address,
    # for one account from anywhere, and different accounts failing from one address.
    LOGIN_MAX_FAILURES = 5
    LOGIN_ACCOUNT_MAX_FAILURES = 20
    LOGIN_ADDRESS_MAX_ACCOUNTS = 10
    LOGIN_ADDRESS_WINDOW_MINUTES = 15
    LOGIN_LOCK_MINUTES = 1  # the first lock; each further lock doubles it
    LOGIN_LOCK_MAX_MINUTES = 60
    # argon2id parameters (RFC 9106 "second recommended" profile by default).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4

    # Mail: MAIL_BACKEND "smtp" sends through MAIL_SERVER; "log" writes the mail to the
    # application log (the development default); "memory" keeps it in a list (tests).
    MAIL_BACKEND = None  # chosen by APP_ENV when not set: log / memory / smtp
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_DEFAULT_SENDER = "HOA Manager <no-reply@localhost>"
    MAIL_TIMEOUT = 10  # seconds for each step of an SMTP conversation

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    # The languages offered: None means English and every compiled catalog of
    # app/translations (see its README); a list restricts them.
    LANGUAGES: list[str] | None = None

    MAX_CONTENT_LENGTH = 60 * 1024 * 1024  # a request with several photos
    MAX_PHOTO_BYTES = 10 * 1024 * 1024
    STORAGE_DIR = None  # photos and batch PDFs; default instance/
    JOBS_MODE = None  # "thread" (default), "redis" (with REDIS_URL) or "eager" (tests)
    JOBS_QUEUE = "hoa"  # the RQ queue name (a benchmark or a test gives its own)
    JOB_TIMEOUT = 1800  # seconds an RQ worker gives one job
    JOB_LEASE_SECONDS = 60  # a running job's lease, renewed every third of it
    JOBS_SWEEP_SECONDS = 15  # how often due retries and abandoned jobs are handed out
    JOBS_REDISPATCH_SECONDS = 300  # a waiting job handed out this long ago is handed out again
    # When the daily work runs (UTC, HH:MM): reminders, contract renewals, housekeeping.
    # 11:00 UTC is early morning across the United States.
    DAILY_JOBS_AT = "11:00"
    # A mailing batch is built in chunks of this many letters (or printed copies), each its
    # own job, so that every worker takes a part; the chunks are merged in order at the end.
    LETTER_BATCH_CHUNK = 50

    PER_PAGE = 25
    MAX_PER_PAGE = 200
    # Lists count at most this many rows; past it they say "more than N" (core/listing.py).
    LIST_COUNT_BOUND = 10_000

    # The JSON API (flask-smorest / apispec).
    API_TITLE = "HOA Manager API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.1.0"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"

    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BOOTSWATCH_THEME = None


# Environment variables read on start-up, with the conversion each needs.
_ENV_VARS = {
    "APP_ENV": str,
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "REDIS_URL": str,
    "BASE_URL": str,
    "STORAGE_DIR": str,
    "MAIL_BACKEND": str,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_USE_TLS": lambda v: v.lower() in {"1", "true", "yes", "on"},
    "MAIL_USE_SSL": lambda v: v.lower() in {"1", "true", "yes", "on"},
    "MAIL_DEFAULT_SENDER": str,
    "MAIL_TIMEOUT": int,
    "API_TOKEN_HOURS": int,
    "DAILY_JOBS_AT": str,
    "JOBS_QUEUE": str,
    "LETTER_BATCH_CHUNK": int,
    "PROXY_FIX": int,
    "SESSION_COOKIE_SECURE": lambda v: v.lower() in {"1", "true", "yes", "on"},
}


def from_environment() -> dict:
    """Return the settings given by environment variables."""
    values = {}
    for name, convert in _ENV_VARS.items():
        raw = os.environ.get(name)
        if raw not in (None, ""):
            values[name] = convert(raw)
    if "DATABASE_URL" in values:
        values["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(values.pop("DATABASE_URL"))
    return values


def normalize_database_url(url: str) -> str:
    """Point PostgreSQL URLs at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
