"""Accounts: creation, sign-in with throttling, API tokens and password resets."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from app.auth.models import ApiToken, User
from app.auth.passwords import burn_time, check_password, hash_password
from app.core import audit, clock
from app.core.errors import Conflict, NotFound, TooManyAttempts, ValidationError
from app.core.inputs import email_problem, too_long
from app.extensions import db

MIN_PASSWORD_LENGTH = 8
NAME_MAX = 200
PASSWORD_MAX = 200


def normalize_email(email: str) -> str:
    """Return the canonical form used to store and look up e-mail addresses."""
    return (email or "").strip().lower()


def validate_password(password: str, field: str = "password") -> None:
    """Refuse a password too short to be safe, or longer than the 200 characters accepted."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationError(field, _("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))
    if message := too_long(password, PASSWORD_MAX):
        raise ValidationError(field, message)


def person_errors(name: str, email: str) -> dict[str, list[str]]:
    """Return the field errors of a person's name and e-mail address (empty when fine)."""
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Enter the person's name.")]
    elif message := too_long(name, NAME_MAX):
        errors["name"] = [message]
    if message := email_problem(email):
        errors["email"] = [message]
    return errors


def find_user_by_email(email: str) -> User | None:
    """Return the user with this e-mail address, if any."""
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def create_user(
    *,
    email: str,
    name: str,
    password: str | None,
    actor: User | None,
    language: str = "en",
    is_admin: bool = False,
    password_hash: str | None = None,
) -> User:
    """Create a person's account; without a password they set one through a reset link.

    ``password_hash`` lets bulk loaders (demo data) hash one password once for many users.
    """
    email = normalize_email(email)
    name = (name or "").strip()
    if find_user_by_email(email) is not None:
        raise Conflict(_("A person with the e-mail address %(email)s already exists.", email=email))
    errors = person_errors(name, email)
    if password is not None:
        try:
            validate_password(password)
        except ValidationError as error:
            errors.update(error.errors)
    if errors:
        raise ValidationError(errors)
    user = User(
        email=email,
        name=name,
        password_hash=password_hash or hash_password(password or secrets.token_urlsafe(32)),
        language=language or "en",
        is_admin=is_admin,
        active=True,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.created",
        actor=actor,
        subject_type="user",
        subject_id=user.id,
        summary=_("Created the account of %(name)s <%(email)s>", name=name, email=email),
        data={"is_admin": is_admin},
    )
    return user


def update_user(
    user: User, *, name: str, email: str, is_admin: bool, active: bool, actor: User
) -> User:
    """Change a person's name, address, admin flag or whether they may sign in."""
    email = normalize_email(email)
    name = (name or "").strip()
    errors = person_errors(name, email)
    if errors:
        raise ValidationError(errors)
    other = find_user_by_email(email)
    if other is not None and other.id != user.id:
        raise ValidationError("email", _("Another person already uses this address."))
    if user.id == actor.id and (not is_admin or not active):
        raise Conflict(_("You cannot remove your own administrator access or deactivate yourself."))
    changes = {}
    for field, value in (
        ("name", name),
        ("email", email),
        ("is_admin", is_admin),
        ("active", active),
    ):
        if getattr(user, field) != value:
            changes[field] = [getattr(user, field), value]
            setattr(user, field, value)
    if changes:
        audit.record(
            "user.updated",
            actor=actor,
            subject_type="user",
            subject_id=user.id,
            summary=_("Updated the account of %(name)s", name=user.name),
            data=changes,
        )
    return user


# --- sign-in ------------------------------------------------------------------------------


def authenticate(email: str, password: str, *, address: str) -> User:
    """Return the user for valid credentials; count failures and lock (see auth.throttle).

    Raises ``TooManyAttempts`` while a lock applies (or when this failure starts one), and
    ``ValidationError`` on wrong credentials, without saying which part was wrong. The caller
    commits in both cases, so that the failure count is kept.
    """
    from app.auth import throttle

    email = normalize_email(email)
    address = address or "unknown"
    throttle.check(email, address)
    user = find_user_by_email(email)
    if user is None:
        burn_time(password or "")
        ok = False
    else:
        ok = check_password(user.password_hash, password or "") and user.active
    if ok:
        throttle.record_success(email, address)
        return user
    try:
        throttle.record_failure(email, address)
    except TooManyAttempts:
        _audit_failure(user, email, address, locked=True)
        raise
    _audit_failure(user, email, address, locked=False)
    raise ValidationError("password", _("The e-mail address or password is wrong."))


def _audit_failure(user: User | None, email: str, address: str, *, locked: bool) -> None:
    if user is not None:
        audit.record(
            "user.sign_in_failed",
            actor=None,
            subject_type="user",
            subject_id=user.id,
            summary=_("Failed sign-in for %(email)s", email=email),
            data={"address": address, "locked": locked},
        )


# --- API tokens -------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(user: User, *, address: str = "") -> tuple[str, datetime]:
    """Create a bearer token for the user; return the token and its expiry."""
    now = clock.now()
    expires = now + timedelta(hours=current_app.config["API_TOKEN_HOURS"])
    token = secrets.token_urlsafe(32)
    db.session.execute(delete(ApiToken).where(ApiToken.expires_at < now))
    db.session.add(
        ApiToken(
            user_id=user.id,
            token_hash=_digest(token),
            created_at=now,
            expires_at=expires,
            address=(address or "")[:45],
        )
    )
    return token, expires


def user_for_token(token: str) -> User | None:
    """Return the active user a valid, unexpired token belongs to."""
    if not token:
        return None
    # The user comes in the same statement (every API request asks this first).
    row = db.session.scalar(
        select(ApiToken)
        .options(joinedload(ApiToken.user))
        .where(ApiToken.token_hash == _digest(token))
    )
    if row is None or clock.as_utc(row.expires_at) <= clock.now() or not row.user.active:
        return None
    return row.user


def revoke_api_token(token: str) -> None:
    """Delete a token so that it no longer authenticates."""
    db.session.execute(delete(ApiToken).where(ApiToken.token_hash == _digest(token)))


# --- password reset ---------------------------------------------------------------------


class _ClockSigner(TimestampSigner):
    """Sign and check link ages against the application's clock (tests move it)."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt="password-reset", signer=_ClockSigner
    )


def make_reset_token(user: User) -> str:
    """Return a signed link token bound to the user's current password hash.

    The token stops working once the password changes, which makes it single-use.
    """
    fingerprint = hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]
    return _reset_serializer().dumps({"uid": user.id, "fp": fingerprint})


def user_for_reset_token(token: str) -> User:
    """Return the user a reset token was made for, or raise NotFound if it is not valid."""
    max_age = int(current_app.config["PASSWORD_RESET_HOURS"] * 3600)
    serializer = _reset_serializer()
    try:
        data = serializer.loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise NotFound(_("This reset link has expired. Ask for a new one.")) from exc
    except BadSignature as exc:
        raise NotFound(_("This reset link is not valid.")) from exc
    user = db.session.get(User, data.get("uid"))
    if user is None or not user.active:
        raise NotFound(_("This reset link is not valid."))
    fingerprint = hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]
    if fingerprint != data.get("fp"):
        raise NotFound(_("This reset link has already been used."))
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password through a reset link, which then stops working; every session,
    remember-me token and API token of the account ends, and its sign-in locks lift."""
    from app.auth import sessions, throttle

    user = user_for_reset_token(token)
    validate_password(new_password)
    user.password_hash = hash_password(new_password)
    sessions.end_all(user, reason="password reset")
    sessions.revoke_api_tokens(user)
    throttle.clear_account(user.email)
    audit.record(
        "user.password_reset",
        actor=user,
        subject_type="user",
        subject_id=user.id,
        summary=_("%(name)s set a new password through a reset link", name=user.name),
    )
    return user


def change_password(user: User, current: str, new_password: str, *, keep=None) -> None:
    """Change the signed-in user's password after checking the current one; every other
    session, every remember-me token and every API token ends (``keep``: this browser's
    session goes on)."""
    from app.auth import sessions

    if not check_password(user.password_hash, current or ""):
        raise ValidationError("current_password", _("This is not your current password."))
    validate_password(new_password, "new_password")
    user.password_hash = hash_password(new_password)
    sessions.after_password_change(user, current=keep)
    audit.record(
        "user.password_changed",
        actor=user,
        subject_type="user",
        subject_id=user.id,
        summary=_("%(name)s changed their password", name=user.name),
    )


def count_users() -> int:
    """Return how many accounts exist."""
    return db.session.scalar(select(func.count(User.id))) or 0


def get_user(user_id: int) -> User:
    """Return a user by id or raise NotFound."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such person."))
    return user
