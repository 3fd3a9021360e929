"""Sign-in throttling that slows guessing without letting anyone lock out an office (D15).

Three counters, each locking for a delay that doubles with every lock (from
``LOGIN_LOCK_MINUTES`` up to ``LOGIN_LOCK_MAX_MINUTES``):

- one account from one address: after ``LOGIN_MAX_FAILURES`` failures in a row, only that
  pair waits — the same person elsewhere, and colleagues behind the same address, do not;
- one account from everywhere: after ``LOGIN_ACCOUNT_MAX_FAILURES`` failures, for guessing
  spread over many addresses;
- one address: only when it fails against ``LOGIN_ADDRESS_MAX_ACCOUNTS`` different accounts
  within ``LOGIN_ADDRESS_WINDOW_MINUTES`` (someone trying many accounts).

Unknown and known addresses count alike. A success clears the pair and the account. The
message says which lock it is and when sign-in opens again.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, func, select

from app.auth.models import LoginThrottle
from app.core import clock
from app.core.errors import TooManyAttempts

# A counter quiet for this long forgets its earlier locks.
FORGET_AFTER = timedelta(hours=24)


class Locked(TooManyAttempts):
    """Sign-in is locked for this account, pair or address until ``until``."""

    def __init__(self, message: str, until: datetime):
        super().__init__(message)
        self.until = until

    @property
    def retry_after(self) -> int:
        """Return the seconds to wait (for a Retry-After header)."""
        return max(1, math.ceil((self.until - clock.now()).total_seconds()))


def _row(scope: str, key: str, address: str | None = None) -> LoginThrottle:
    from app.extensions import db

    row = db.session.scalar(
        select(LoginThrottle).where(LoginThrottle.scope == scope, LoginThrottle.key == key)
    )
    if row is None:
        row = LoginThrottle(scope=scope, key=key, address=address, failures=0, locks=0)
        db.session.add(row)
    return row


def _rows(email: str, address: str) -> dict[str, LoginThrottle]:
    return {
        "pair": _row("pair", f"{address} {email}", address),
        "account": _row("account", email),
        "address": _row("address", address),
    }


def _message(scope: str, until: datetime) -> str:
    minutes = max(1, math.ceil((until - clock.now()).total_seconds() / 60))
    when = ngettext(
        "Try again in %(num)d minute (after %(time)s UTC).",
        "Try again in %(num)d minutes (after %(time)s UTC).",
        minutes,
        time=f"{until:%H:%M}",
    )
    what = {
        "pair": _("Too many failed sign-ins for this account from your network."),
        "account": _("Too many failed sign-ins for this account, from several networks."),
        "address": _("Too many failed sign-ins to different accounts from your network."),
    }[scope]
    return f"{what} {when}"


def check(email: str, address: str) -> None:
    """Raise Locked while a lock applies to this account from this address."""
    now = clock.now()
    for scope, row in _rows(email, address).items():
        if row.locked_until is not None and clock.as_utc(row.locked_until) > now:
            until = clock.as_utc(row.locked_until)
            raise Locked(_message(scope, until), until)


def _lock(row: LoginThrottle, now: datetime) -> datetime:
    config = current_app.config
    minutes = min(config["LOGIN_LOCK_MINUTES"] * 2**row.locks, config["LOGIN_LOCK_MAX_MINUTES"])
    row.locked_until = now + timedelta(minutes=minutes)
    row.locks += 1
    row.failures = 0
    return row.locked_until


def record_failure(email: str, address: str) -> None:
    """Count a failed sign-in; raise Locked when it starts a lock."""
    from app.extensions import db

    config = current_app.config
    now = clock.now()
    rows = _rows(email, address)
    for row in rows.values():
        last = clock.as_utc(row.last_failure_at) if row.last_failure_at else None
        if last is not None and now - last > FORGET_AFTER:
            row.failures, row.locks = 0, 0
    for scope in ("pair", "account"):
        rows[scope].failures = (rows[scope].failures or 0) + 1
        rows[scope].last_failure_at = now
    db.session.flush()
    window = now - timedelta(minutes=config["LOGIN_ADDRESS_WINDOW_MINUTES"])
    accounts = db.session.scalar(
        select(func.count(LoginThrottle.id)).where(
            LoginThrottle.scope == "pair",
            LoginThrottle.address == address,
            LoginThrottle.last_failure_at >= window,
        )
    )
    rows["address"].last_failure_at = now
    started = []
    if rows["pair"].failures >= config["LOGIN_MAX_FAILURES"]:
        started.append(("pair", _lock(rows["pair"], now)))
    if rows["account"].failures >= config["LOGIN_ACCOUNT_MAX_FAILURES"]:
        started.append(("account", _lock(rows["account"], now)))
    if (accounts or 0) >= config["LOGIN_ADDRESS_MAX_ACCOUNTS"]:
        started.append(("address", _lock(rows["address"], now)))
    if started:
        scope, until = max(started, key=lambda item: item[1])
        raise Locked(_message(scope, until), until)


def record_success(email: str, address: str) -> None:
    """Clear the pair's and the account's failures and locks after a good sign-in."""
    rows = _rows(email, address)
    for scope in ("pair", "account"):
        rows[scope].failures, rows[scope].locks, rows[scope].locked_until = 0, 0, None


def clear_account(email: str) -> None:
    """Forget every failure and lock of an account (after a password reset)."""
    from app.extensions import db

    db.session.execute(
        delete(LoginThrottle).where(
            (LoginThrottle.scope == "account") & (LoginThrottle.key == email)
            | (LoginThrottle.scope == "pair") & LoginThrottle.key.endswith(f" {email}")
        )
    )
