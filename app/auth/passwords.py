"""Password hashing with argon2id."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    """Return an argon2id hash of the password."""
    return _hasher().hash(password)


def check_password(password_hash: str, password: str) -> bool:
    """Tell whether the password matches the hash."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# A hash to verify against when the account does not exist, so that timing does not
# reveal which e-mail addresses have accounts.
_DUMMY: dict[tuple, str] = {}


def burn_time(password: str) -> None:
    """Spend the time a real verification takes."""
    hasher = _hasher()
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _DUMMY:
        _DUMMY[key] = hasher.hash("not-a-real-password")
    check_password(_DUMMY[key], password)
