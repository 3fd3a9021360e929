"""Users, their API tokens, sign-in throttling and their memberships in associations.

Auth knows no association: a membership's links to its association and unit are declared
by ``app.associations.models``.
"""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.core.types import UTCDateTime
from app.extensions import db


class Role(enum.StrEnum):
    """A role a person holds in one association."""

    MANAGER = "manager"
    BOARD = "board"
    OWNER = "owner"
    # Florida Statutes 720.305(2)(b): the fining committee, no director, officer or employee.
    COMMITTEE = "committee"
    ARC = "arc"  # a member of the architectural review committee


class Office(enum.StrEnum):
    """The office a board member holds."""

    PRESIDENT = "president"
    VICE_PRESIDENT = "vice_president"
    TREASURER = "treasurer"
    SECRETARY = "secretary"
    DIRECTOR = "director"


# A board office in words: the forms that set it, the pages and the sentences that name it.
OFFICE_WORDS = {
    "president": _l("President"),
    "vice_president": _l("Vice president"),
    "treasurer": _l("Treasurer"),
    "secretary": _l("Secretary"),
    "director": _l("Director"),
}


def office_label(code: str | None) -> str:
    """Return a board office in words ("Vice president", "Vicepresidente"), not its code."""
    return str(OFFICE_WORDS.get(code or "", (code or "").replace("_", " ")))


def office_words(code: str | None) -> str:
    """Return a board office in words in lower case, for a sentence ("vice president")."""
    return office_label(code).lower()


def _in(column: str, values: type[enum.StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class User(UserMixin, db.Model):
    """A person who signs in: management staff, board members and owners alike."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # Indexed: lists of people sorted by name (a notice's 20,000 deliveries).
    name: Mapped[str] = mapped_column(String(200), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(8), default="en")
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        """Tell whether the account may sign in."""
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its sha256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    address: Mapped[str] = mapped_column(String(45), default="", server_default="")

    user: Mapped[User] = relationship()


class RememberToken(db.Model):
    """ "Keep me signed in" on one device: a random token, stored as its sha256.

    Revoking it ends every session opened with it. Sign-out, a password change or reset, and
    the account page revoke it.
    """

    __tablename__ = "remember_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class UserSession(db.Model):
    """A signed-in browser: the session cookie carries a secret whose sha256 names this row,
    and ending the row signs that browser out, whoever holds a copy of the cookie."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The device's remember-me token this session was opened with or carries.
    remember_id: Mapped[int | None] = mapped_column(
        ForeignKey("remember_tokens.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Without remember-me: an idle limit; with it: the remember-me lifetime.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_reason: Mapped[str] = mapped_column(String(30), default="")
    address: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")

    user: Mapped[User] = relationship()
    remember: Mapped[RememberToken | None] = relationship()


class LoginThrottle(db.Model):
    """Failed sign-ins for one account, one (account, address) pair or one address.

    ``failures`` counts failures since the last success or lock; ``locks`` how many locks
    came before, which makes the next one longer.
    """

    __tablename__ = "login_throttles"
    __table_args__ = (
        UniqueConstraint("scope", "key"),
        CheckConstraint("scope IN ('account', 'pair', 'address')", name="scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(320))
    # For the pair scope: the address, so that failures per address count accounts.
    address: Mapped[str | None] = mapped_column(String(45), index=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locks: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Membership(db.Model):
    """A role one person holds in one association: the single source of authorization."""

    __tablename__ = "memberships"
    __table_args__ = (
        CheckConstraint(_in("role", Role), name="role"),
        CheckConstraint(f"office IS NULL OR {_in('office', Office)}", name="office"),
        # An owner membership names its unit; other roles never do.
        CheckConstraint("(role = 'owner') = (unit_id IS NOT NULL)", name="owner_has_unit"),
        # Only board members hold an office, and every board member holds one.
        CheckConstraint("(role = 'board') = (office IS NOT NULL)", name="board_has_office"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), index=True
    )
    office: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    user: Mapped[User] = relationship(back_populates="memberships")
    # ``association`` and ``unit`` are declared by app.associations.models, which knows them.
