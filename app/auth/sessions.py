"""Signed-in browsers and API tokens: what is alive, and ending it (D12, D13).

A browser is signed in while its ``UserSession`` row is alive: the session cookie carries a
random secret whose sha256 names the row, so signing out (ending the row) makes every copy
of that cookie worthless. "Keep me signed in" adds a random remember-me token, also stored
as a sha256, that lets the same device open a fresh session until it expires or is ended.

What ends what:
- signing out ends that browser's session and its remember-me token;
- changing the password ends every other session, every remember-me token (this browser's
  too: it stays signed in until it closes) and every API token;
- a password reset ends every session and every API token;
- the account page ends any one session or API token, or all other sessions.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from app.auth.models import ApiToken, RememberToken, User, UserSession
from app.core import audit, clock, jobs
from app.core.errors import NotFound
from app.extensions import db

TOUCH_EVERY = timedelta(minutes=5)


_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
    ("python-requests/", "a Python program"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def device_label(user_agent: str) -> str:
    """Describe a browser for people ("Chrome on Windows") from its User-Agent string."""
    browser = next((name for mark, name in _BROWSERS if mark in (user_agent or "")), None)
    system = next((name for mark, name in _SYSTEMS if mark in (user_agent or "")), None)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or _("Unknown browser")


def digest(secret: str) -> str:
    """Return the stored form of a secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _lifetime(remember: bool) -> timedelta:
    config = current_app.config
    if remember:
        return timedelta(days=config["REMEMBER_DAYS"])
    return timedelta(hours=config["SESSION_IDLE_HOURS"])


def start(
    user: User,
    *,
    remember: bool,
    address: str,
    user_agent: str,
    device: RememberToken | None = None,
) -> tuple[str, str | None]:
    """Open a session for a browser; return its secret and, with remember-me, the device's
    new token. ``device``: the remember-me token this session is opened with."""
    now = clock.now()
    secret = secrets.token_urlsafe(32)
    token = None
    if remember and device is None:
        token = secrets.token_urlsafe(32)
        device = RememberToken(
            user_id=user.id,
            token_hash=digest(token),
            created_at=now,
            expires_at=now + _lifetime(True),
        )
        db.session.add(device)
        db.session.flush()
    db.session.add(
        UserSession(
            user_id=user.id,
            secret_hash=digest(secret),
            remember_id=device.id if device else None,
            created_at=now,
            last_seen_at=now,
            expires_at=device.expires_at if device else now + _lifetime(False),
            end_reason="",
            address=(address or "")[:45],
            # A label for the account page, not something the person typed.
            user_agent=(user_agent or "")[:300],
        )
    )
    db.session.flush()
    return secret, token


def _alive():
    return (UserSession.ended_at.is_(None)) & (UserSession.expires_at > clock.now())


def find(secret: str | None) -> UserSession | None:
    """Return the live session a cookie's secret names, if any."""
    if not secret:
        return None
    return db.session.scalar(
        select(UserSession).where(UserSession.secret_hash == digest(secret), _alive())
    )


def touch(row: UserSession) -> None:
    """Note that the browser is still in use (at most every few minutes, on its own
    connection, so that a page that reads nothing writes nothing into its transaction)."""
    now = clock.now()
    if now - clock.as_utc(row.last_seen_at) < TOUCH_EVERY:
        return
    values: dict = {"last_seen_at": now}
    if row.remember_id is None:
        values["expires_at"] = now + _lifetime(False)
    with db.engine.begin() as connection:
        connection.execute(update(UserSession).where(UserSession.id == row.id).values(**values))


def device_for(token: str | None) -> RememberToken | None:
    """Return the live remember-me token a cookie carries, if any."""
    if not token:
        return None
    return db.session.scalar(
        select(RememberToken).where(
            RememberToken.token_hash == digest(token),
            RememberToken.revoked_at.is_(None),
            RememberToken.expires_at > clock.now(),
        )
    )


def open_from_device(device: RememberToken, *, address: str, user_agent: str) -> str:
    """Open a new session for a remembered device; return its secret.

    Written on a connection of its own: Flask-Login asks for the user in the middle of
    whatever the request is doing, and this must not commit that work early.
    """
    from sqlalchemy.orm import Session

    with Session(db.engine) as own:
        own.add(
            UserSession(
                user_id=device.user_id,
                secret_hash=digest(secret := secrets.token_urlsafe(32)),
                remember_id=device.id,
                created_at=clock.now(),
                last_seen_at=clock.now(),
                expires_at=device.expires_at,
                end_reason="",
                address=(address or "")[:45],
                user_agent=(user_agent or "")[:300],
            )
        )
        own.commit()
    return secret


def _revoke_devices(condition, reason: str) -> None:
    now = clock.now()
    ids = list(
        db.session.scalars(
            select(RememberToken.id).where(condition, RememberToken.revoked_at.is_(None))
        )
    )
    if not ids:
        return
    db.session.execute(
        update(RememberToken)
        .where(RememberToken.id.in_(ids))
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch")
    )
    db.session.execute(
        update(UserSession)
        .where(UserSession.remember_id.in_(ids), UserSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
        .execution_options(synchronize_session="fetch")
    )


def end(row: UserSession, reason: str) -> None:
    """End one session, its device's remember-me token and the sessions opened with it."""
    if row.remember_id is not None:
        _revoke_devices(RememberToken.id == row.remember_id, reason)
    if row.ended_at is None:
        row.ended_at, row.end_reason = clock.now(), reason


def forget_device(device: RememberToken, reason: str) -> None:
    """Revoke a remember-me token and end the sessions opened with it."""
    _revoke_devices(RememberToken.id == device.id, reason)


def end_all(user: User, *, reason: str, keep: UserSession | None = None) -> int:
    """End every live session of the user but ``keep``; return how many ended."""
    statement = (
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=clock.now(), end_reason=reason)
    )
    if keep is not None:
        statement = statement.where(UserSession.id != keep.id)
    result = db.session.execute(statement.execution_options(synchronize_session="fetch"))
    if keep is None:
        forget_remembered(user)
    return result.rowcount or 0


def forget_remembered(user: User, *, keep: UserSession | None = None) -> None:
    """Revoke every remember-me token of the user (``keep``'s session goes on, without one)."""
    if keep is not None and keep.remember_id is not None:
        keep.remember_id = None
        db.session.flush()
    _revoke_devices(RememberToken.user_id == user.id, "remember-me revoked")


def revoke_api_tokens(user: User) -> int:
    """Delete every API token of the user; return how many."""
    result = db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    return result.rowcount or 0


def after_password_change(user: User, *, current: UserSession | None) -> None:
    """End the other sessions, every remember-me token and every API token."""
    end_all(user, reason="password changed", keep=current)
    forget_remembered(user, keep=current)
    revoke_api_tokens(user)


def live_sessions(user: User) -> list[UserSession]:
    """Return the user's signed-in browsers, most recently used first."""
    return list(
        db.session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id, _alive())
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        )
    )


def live_tokens(user: User) -> list[ApiToken]:
    """Return the user's unexpired API tokens, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.expires_at > clock.now())
            .order_by(ApiToken.id.desc())
        )
    )


def end_session_of(user: User, session_id: int) -> None:
    """End one of the user's own sessions (from the account page)."""
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != user.id:
        raise NotFound(_("No such session."))
    end(row, "ended from the account page")
    audit.record(
        "user.session_ended",
        actor=user,
        subject_type="user",
        subject_id=user.id,
        summary=_("%(name)s signed out one of their browsers", name=user.name),
        data={"session_id": session_id},
    )


def revoke_token_of(user: User, token_id: int) -> None:
    """Revoke one of the user's own API tokens (from the account page)."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise NotFound(_("No such API token."))
    db.session.delete(row)
    audit.record(
        "user.token_revoked",
        actor=user,
        subject_type="user",
        subject_id=user.id,
        summary=_("%(name)s revoked an API token", name=user.name),
        data={"token_id": token_id},
    )


@jobs.daily
def forget_old_sessions(days: int = 30) -> None:
    """Delete sessions, remember-me tokens and sign-in counters long ended (daily)."""
    from app.auth.models import LoginThrottle

    moment = clock.now() - timedelta(days=days)
    db.session.execute(
        delete(UserSession).where(
            (UserSession.expires_at < moment) | (UserSession.ended_at < moment)
        )
    )
    db.session.execute(
        delete(RememberToken).where(
            (RememberToken.expires_at < moment) | (RememberToken.revoked_at < moment)
        )
    )
    quiet = clock.now() - timedelta(days=1)
    db.session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.last_failure_at < quiet,
            (LoginThrottle.locked_until.is_(None)) | (LoginThrottle.locked_until < quiet),
        )
    )
    db.session.commit()
