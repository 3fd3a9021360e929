"""Approval requests, their frozen eligible voters, votes and per-association thresholds."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.core.types import UTCDateTime
from app.extensions import db


class ApprovalStatus(enum.StrEnum):
    """Where a request stands."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Choice(enum.StrEnum):
    """How a board member votes."""

    APPROVE = "approve"
    REJECT = "reject"
    ABSTAIN = "abstain"


CHOICE_WORDS = {"approve": _l("Approve"), "reject": _l("Reject"), "abstain": _l("Abstain")}


def choice_words(code: str | None) -> str:
    """Return a vote on a request in words ("Approve"), not its stored code."""
    return str(CHOICE_WORDS.get(code or "", code or ""))


# The subject kinds the database accepts: each is a registered SubjectKind (a test checks
# they agree). A feature that adds a kind adds it here, with a migration for the two
# constraints below (``minutes``: the meetings package, migration 3b7d2f90c4e1; the
# architectural review's two kinds: the arc package's migration).
SUBJECT_TYPES = ("budget", "contract", "fine", "minutes", "arc_request", "arc_appeal")
SUBJECT_TYPE_CHECK = f"subject_type IN ({', '.join(repr(kind) for kind in SUBJECT_TYPES)})"


class ApprovalRequest(db.Model):
    """A decision put to the board about one subject (kind + id)."""

    __tablename__ = "approval_requests"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'approved', 'rejected', 'withdrawn')", name="status"
        ),
        CheckConstraint(SUBJECT_TYPE_CHECK, name="subject_type"),
        # Pending exactly when undecided: a decision always has its time, and only then.
        CheckConstraint("(status = 'pending') = (decided_at IS NULL)", name="decided_at"),
        CheckConstraint("required >= 1", name="required"),
        CheckConstraint("venue IN ('online', 'meeting', 'committee')", name="venue"),
        # "Awaits my vote" in every page's navigation: the pending requests.
        Index("ix_approval_requests_pending", "status", "association_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(12), default=ApprovalStatus.PENDING.value)
    required: Mapped[int] = mapped_column(Integer)
    threshold_label: Mapped[str] = mapped_column(String(60))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Where the board decides it (app.approvals.venues), fixed when it opens; for the
    # ``meeting`` venue the meeting and agenda item it is on (set by the venue that the
    # meetings package registers: the engine knows no meeting, so no foreign key here).
    venue: Mapped[str] = mapped_column(String(10), default="online", server_default="online")
    meeting_id: Mapped[int | None] = mapped_column(Integer)
    agenda_item_id: Mapped[int | None] = mapped_column(Integer)
    emergency: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # CA Civil Code 4910(b)(2), 4923: why it could not wait, and who called it.
    emergency_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    emergency_called_by: Mapped[list | None] = mapped_column(db.JSON)

    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    voters: Mapped[list[EligibleVoter]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="EligibleVoter.user_id"
    )
    votes: Mapped[list[Vote]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="Vote.cast_at"
    )

    @property
    def eligible_voter_ids(self) -> list[int]:
        """Return the ids of the board members who may vote, fixed at opening."""
        return [v.user_id for v in self.voters]

    @property
    def approvals(self) -> int:
        """Return the number of approve votes."""
        return sum(1 for v in self.votes if v.choice == Choice.APPROVE)

    @property
    def rejections(self) -> int:
        """Return the number of reject votes."""
        return sum(1 for v in self.votes if v.choice == Choice.REJECT)

    @property
    def abstentions(self) -> int:
        """Return the number of abstentions."""
        return sum(1 for v in self.votes if v.choice == Choice.ABSTAIN)

    @property
    def is_pending(self) -> bool:
        """Tell whether votes are still taken."""
        return self.status == ApprovalStatus.PENDING

    def vote_of(self, user_id: int) -> Vote | None:
        """Return a member's current vote, if any."""
        return next((v for v in self.votes if v.voter_id == user_id), None)


class EligibleVoter(db.Model):
    """A board member who may vote on a request, frozen when it opened."""

    __tablename__ = "approval_eligible_voters"
    # "Awaits my vote" (every page's navigation badge): the requests a person may vote on.
    __table_args__ = (Index("ix_approval_eligible_voters_user", "user_id", "request_id"),)

    request_id: Mapped[int] = mapped_column(
        ForeignKey("approval_requests.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)

    request: Mapped[ApprovalRequest] = relationship(back_populates="voters")
    user: Mapped[User] = relationship()


class Vote(db.Model):
    """One member's vote; a repeated vote replaces it while the request is pending."""

    __tablename__ = "approval_votes"
    __table_args__ = (
        UniqueConstraint("request_id", "voter_id"),
        CheckConstraint("choice IN ('approve', 'reject', 'abstain')", name="choice"),
        Index("ix_approval_votes_voter", "voter_id", "request_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("approval_requests.id", ondelete="CASCADE"), index=True
    )
    voter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    choice: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text, default="")
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime())

    request: Mapped[ApprovalRequest] = relationship(back_populates="votes")
    voter: Mapped[User] = relationship()


class Threshold(db.Model):
    """An association's own threshold for a subject kind, as a fraction of eligible voters."""

    __tablename__ = "approval_thresholds"
    __table_args__ = (
        UniqueConstraint("association_id", "subject_type"),
        CheckConstraint("numerator >= 1 AND denominator >= numerator", name="fraction"),
        CheckConstraint(SUBJECT_TYPE_CHECK, name="subject_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    subject_type: Mapped[str] = mapped_column(String(20))
    numerator: Mapped[int] = mapped_column(Integer)
    denominator: Mapped[int] = mapped_column(Integer)
