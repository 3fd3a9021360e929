"""How subjects plug into the approval engine: one SubjectKind per subject type.

A feature registers its kind once (``register(BudgetSubject())``); the engine calls its hooks
inside the same transaction as the submission, the vote or the withdrawal.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from app.auth import policies
from app.core.errors import NotFound

_KINDS: dict[str, SubjectKind] = {}


class SubjectKind(ABC):
    """A subject type's reactions to the engine; override what the subject needs."""

    kind: str = ""
    label: str = ""

    @abstractmethod
    def load(self, subject_id: int) -> Any | None:
        """Return the subject with this id, or None."""

    def association_id(self, subject: Any) -> int:
        """Return the association the subject belongs to."""
        return subject.association_id

    def title(self, subject: Any) -> str:
        """Return the request's title."""
        return f"{self.label} {subject.id}"

    def may_submit(self, user: Any, subject: Any) -> bool:
        """Tell whether the user may put the subject to the board (the manager; minutes
        also the secretary)."""
        return policies.is_manager(user, self.association_id(subject))

    def recused_user_ids(self, subject: Any) -> set[int]:
        """Return the board members who may not vote on this subject."""
        return set()

    def voters(self, subject: Any) -> set[int] | None:
        """Return who decides the subject instead of the seated board (a committee), or
        None for the board. Frozen into the request's eligible voters when it opens; a
        committee votes online."""
        return None

    def may_vote(self, user: Any, request: Any) -> bool:
        """Tell whether the user holds the role that votes on the kind (the board)."""
        from app.auth import policies

        return policies.is_board(user, request.association_id)

    def concerns(self, user: Any, subject: Any) -> bool:
        """Tell whether an owner may see the decided outcome."""
        return False

    def summary(self, subject: Any) -> list[tuple[str, str]]:
        """Return (label, value) rows that describe the subject on the request's page."""
        return []

    def url(self, subject: Any) -> str | None:
        """Return the subject's page, if it has one."""
        return None

    # The evidence a board member reads beside the vote buttons (photos, answers, bids, the
    # report). A kind names a template partial and gives it plain values; the engine's page
    # includes it and knows nothing of what it shows.
    evidence_template: str | None = None
    # The same evidence on paper: a partial under templates/packets/ that prints evidence()'s
    # values in the board packet (a PDF: plain values, no links to pages, no url_for).
    packet_template: str | None = None

    def evidence(self, subject: Any) -> dict[str, Any]:
        """Return the values the evidence partial shows (plain values, no ORM writes)."""
        return {}

    def briefs(self, subject_ids: list[int]) -> dict[int, list[str]]:
        """Return, for many subjects at once (a few queries, never one per subject), the
        facts a list shows beside each title: amounts and dates."""
        return {}

    @abstractmethod
    def on_submit(self, subject: Any, request: Any) -> None:
        """Lock the subject while the board decides."""

    @abstractmethod
    def on_approved(self, subject: Any, request: Any) -> None:
        """Run the subject's own transition on approval."""

    @abstractmethod
    def on_rejected(self, subject: Any, request: Any) -> None:
        """Run the subject's own transition on rejection."""

    @abstractmethod
    def on_withdrawn(self, subject: Any, request: Any) -> None:
        """Unlock the subject when the request is withdrawn."""


def register(kind: SubjectKind) -> SubjectKind:
    """Make a subject kind known to the engine."""
    _KINDS[kind.kind] = kind
    return kind


def registered_types() -> tuple[str, ...]:
    """Return the subject types features have registered, alphabetically."""
    return tuple(sorted(_KINDS))


def kind_of(subject_type: str) -> SubjectKind:
    """Return the registered kind for a subject type."""
    try:
        return _KINDS[subject_type]
    except KeyError as exc:
        raise NotFound(f"No subject kind {subject_type!r} is registered.") from exc


def load_subject(subject_type: str, subject_id: int) -> Any:
    """Return the subject a request is about."""
    subject = kind_of(subject_type).load(subject_id)
    if subject is None:
        raise NotFound("The subject of this request no longer exists.")
    return subject
