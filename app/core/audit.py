"""The append-only, hash-chained audit log.

Every service that changes state calls ``record(...)`` in the same transaction. Each
association has its own chain (global actions, such as creating a user, form the chain
with no association); an entry's hash covers its content and the previous entry's hash,
so an edited, removed or re-ordered entry breaks the chain from that point on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import JSON, ForeignKey, Index, String, Text, event, select, text
from sqlalchemy.orm import Mapped, mapped_column

from app.core import clock
from app.core.types import UTCDateTime
from app.extensions import db

GENESIS = "0" * 64


class Actor(Protocol):
    """Whoever acts: a signed-in person (``app.auth.models.User``); None is the system."""

    id: int
    name: str


class AuditEntry(db.Model):
    """One recorded action: who did what, when, to which record."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_chain", "association_id", "id"),
        # The audit log filtered by action, newest first.
        Index("ix_audit_entries_action_list", "association_id", "action", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int | None] = mapped_column(
        ForeignKey("associations.id", ondelete="RESTRICT")
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    actor_name: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(80), index=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None]
    summary: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    def content(self) -> dict[str, Any]:
        """Return the fields the hash covers, in a stable form."""
        return {
            "association_id": self.association_id,
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "action": self.action,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "summary": self.summary,
            "data": self.data or {},
            "created_at": _stable_time(self.created_at),
        }

    def compute_hash(self) -> str:
        """Return the sha256 of this entry's content chained to ``prev_hash``."""
        payload = json.dumps(
            {"prev": self.prev_hash, **self.content()},
            sort_keys=True,
            separators=(",", ":"),
            default=str,
        )
        return hashlib.sha256(payload.encode()).hexdigest()


def _stable_time(value: datetime) -> str:
    return clock.as_utc(value).replace(tzinfo=None).isoformat(timespec="microseconds")


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(mapper, connection, target):  # pragma: no cover - guarded by tests
    raise RuntimeError("audit entries are append-only")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(mapper, connection, target):  # pragma: no cover - guarded by tests
    raise RuntimeError("audit entries are append-only")


def record(
    action: str,
    *,
    actor: Actor | None,
    subject_type: str,
    subject_id: int | None,
    summary: str,
    association_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry to the association's chain in the current transaction."""
    session = db.session
    session.flush()  # the subject's id and the transaction's write lock come first
    _lock_chain(association_id)
    last_hash = session.scalar(
        select(AuditEntry.hash)
        .where(_chain_filter(association_id))
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    entry = AuditEntry(
        association_id=association_id,
        actor_id=actor.id if actor is not None else None,
        actor_name=actor.name if actor is not None else "system",
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        summary=summary,
        data=_jsonable(data or {}),
        created_at=clock.now(),
        prev_hash=last_hash or GENESIS,
    )
    entry.hash = entry.compute_hash()
    session.add(entry)
    session.flush()
    return entry


def _chain_filter(association_id: int | None):
    if association_id is None:
        return AuditEntry.association_id.is_(None)
    return AuditEntry.association_id == association_id


def _lock_chain(association_id: int | None) -> None:
    """Serialize appends to one chain, so that two writers never fork it."""
    bind = db.session.get_bind()
    if bind.dialect.name == "postgresql":
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(:k1, :k2)"),
            {"k1": 4242, "k2": association_id or 0},
        )
    # SQLite: the flush above already holds the database's single write lock.


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(data, default=str))


@dataclass(frozen=True)
class ChainBreak:
    """The first entry at which a chain does not hold."""

    association_id: int | None
    entry_id: int
    reason: str


def verify() -> tuple[int, list[ChainBreak]]:
    """Check every chain; return the number of entries read and the first break per chain."""
    expected: dict[int | None, str] = {}
    broken: dict[int | None, ChainBreak] = {}
    count = 0
    rows = db.session.execute(
        select(AuditEntry).order_by(AuditEntry.association_id, AuditEntry.id)
    ).scalars()
    for entry in rows:
        count += 1
        chain = entry.association_id
        if chain in broken:
            continue
        prev = expected.get(chain, GENESIS)
        if entry.prev_hash != prev:
            broken[chain] = ChainBreak(
                chain,
                entry.id,
                "its previous-hash does not match the entry before it "
                "(an entry was removed, inserted or reordered)",
            )
        elif entry.compute_hash() != entry.hash:
            broken[chain] = ChainBreak(
                chain, entry.id, "its content does not match its hash (the entry was altered)"
            )
        expected[chain] = entry.hash
    return count, list(broken.values())


# --- reading the log: actions in words, records as links ------------------------------------
# Core knows no feature: each feature registers the actions it records and how to link to
# its records (from its ``shell`` module).

_ACTIONS: dict[str, Any] = {}
_LINKS: dict[str, Any] = {}


def describe_actions(labels: dict[str, Any]) -> None:
    """Register actions in words: ``{"unit.created": _l("Unit added")}``."""
    _ACTIONS.update(labels)


def action_label(action: str) -> str:
    """Return an action in words; an unregistered one reads as its code made plain."""
    label = _ACTIONS.get(action)
    if label is not None:
        return str(label)
    return action.replace(".", " ").replace("_", " ").capitalize()


def known_actions() -> list[tuple[str, str]]:
    """Return (action, words) for every registered action, sorted by the words."""
    return sorted(((a, str(label)) for a, label in _ACTIONS.items()), key=lambda p: p[1])


_NOUNS: dict[str, Any] = {}


def link_records(subject_type: str, url: Any, noun: Any = None) -> None:
    """Register a kind of record: its name in words (``_l("Mailing batch")``) and how to
    link to one (``url(association_id, subject_id)`` returns its page, or None)."""
    if url is not None:
        _LINKS[subject_type] = url
    if noun is not None:
        _NOUNS[subject_type] = noun


def record_label(entry: AuditEntry) -> str:
    """Return the record an entry is about in words: "Mailing batch #3"."""
    noun = _NOUNS.get(entry.subject_type)
    words = str(noun) if noun is not None else entry.subject_type.replace("_", " ").capitalize()
    return f"{words} #{entry.subject_id}" if entry.subject_id else words


def record_url(entry: AuditEntry) -> str | None:
    """Return the page of the record an entry is about, if there is one."""
    url = _LINKS.get(entry.subject_type)
    if url is None or entry.subject_id is None or entry.association_id is None:
        return None
    if entry.action.endswith(".deleted"):
        return None  # the record is gone
    return url(entry.association_id, entry.subject_id)
