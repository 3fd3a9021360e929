"""Architectural requests, their files and messages, decision letters, appeals, settings."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app.associations.models import Association, Unit
from app.auth.models import User
from app.core import letter_numbers
from app.core.types import UTCDateTime
from app.extensions import db

LETTER_KIND = "arc"  # the kind of letter number a decision letter holds


class ArcStatus(enum.StrEnum):
    """Where an architectural request stands."""

    SUBMITTED = "submitted"
    APPROVED = "approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions"
    DENIED = "denied"
    APPEALED = "appealed"
    WITHDRAWN = "withdrawn"


def status_words(code: str | None) -> str:
    """Return where a request stands in words (the list's badges say the same), not its
    stored code: the refusals that name it."""
    from flask_babel import gettext as _

    words = {
        "submitted": _("under review"),
        "approved": _("approved"),
        "approved_with_conditions": _("approved with conditions"),
        "denied": _("denied"),
        "appealed": _("appealed to the board"),
        "withdrawn": _("withdrawn"),
    }
    return words.get(code or "", (code or "").replace("_", " "))


class Decision(enum.StrEnum):
    """What the reviewing body may decide."""

    APPROVED = "approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions"
    DENIED = "denied"


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class ArcSettings(db.Model):
    """An association's review period and whether an undecided request is deemed approved."""

    __tablename__ = "arc_settings"
    __table_args__ = (CheckConstraint("review_days BETWEEN 1 AND 365", name="review_days"),)

    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), primary_key=True
    )
    review_days: Mapped[int] = mapped_column(Integer, default=45)
    deemed_approved: Mapped[bool] = mapped_column(Boolean, default=False)


class ArcRequest(db.Model):
    """An owner's request to change their home, and the decision on it."""

    __tablename__ = "arc_requests"
    __table_args__ = (
        CheckConstraint(_in("status", ArcStatus), name="status"),
        CheckConstraint(f"decision IS NULL OR {_in('decision', Decision)}", name="decision"),
        CheckConstraint(
            f"proposed IS NULL OR {_in('proposed', Decision)}",
            name="proposed",
        ),
        # A decided request records its decision and when; an undecided one neither.
        CheckConstraint(
            "(status IN ('submitted', 'withdrawn')) = (decision IS NULL)", name="decided"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(30), default=ArcStatus.SUBMITTED.value)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_on: Mapped[date] = mapped_column(Date)
    decide_by: Mapped[date] = mapped_column(Date, index=True)
    # The decision before the reviewing body, while it decides.
    proposed: Mapped[str | None] = mapped_column(String(30))
    proposed_reasons: Mapped[str] = mapped_column(Text, default="")
    proposed_conditions: Mapped[str] = mapped_column(Text, default="")
    approval_id: Mapped[int | None] = mapped_column(
        ForeignKey("approval_requests.id", ondelete="SET NULL")
    )
    decision: Mapped[str | None] = mapped_column(String(30))
    reasons: Mapped[str] = mapped_column(Text, default="")
    conditions: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Decided by the association's "deemed approved" rule, not by the reviewing body.
    deemed: Mapped[bool] = mapped_column(Boolean, default=False)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    association: Mapped[Association] = relationship()
    unit: Mapped[Unit] = relationship()
    submitted_by: Mapped[User | None] = relationship()
    files: Mapped[list[ArcFile]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="ArcFile.id"
    )
    messages: Mapped[list[ArcMessage]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="ArcMessage.id"
    )
    letters: Mapped[list[ArcLetter]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="ArcLetter.id"
    )
    appeal: Mapped[ArcAppeal | None] = relationship(
        back_populates="request", cascade="all, delete-orphan", uselist=False
    )

    @property
    def decision_letter(self) -> ArcLetter | None:
        """Return the latest letter about the request."""
        return self.letters[-1] if self.letters else None


class ArcFile(db.Model):
    """A plan or photo sent with a request (PDF, JPEG or PNG, checked by content)."""

    __tablename__ = "arc_files"
    __table_args__ = (
        CheckConstraint(
            "content_type IN ('application/pdf', 'image/jpeg', 'image/png')", name="content_type"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("arc_requests.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(20))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    request: Mapped[ArcRequest] = relationship(back_populates="files")


class ArcMessage(db.Model):
    """One message of the conversation: the office's question or the owner's answer."""

    __tablename__ = "arc_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("arc_requests.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    from_office: Mapped[bool] = mapped_column(Boolean, default=False)
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    request: Mapped[ArcRequest] = relationship(back_populates="messages")
    user: Mapped[User | None] = relationship()


class ArcLetter(db.Model):
    """An issued decision letter: its PDF bytes are stored once with their sha256."""

    __tablename__ = "arc_letters"
    __table_args__ = (CheckConstraint("kind IN ('decision', 'appeal')", name="kind"),)

    # Numbered in the one space of every letter (app/core/letter_numbers.py), so that
    # GET /letters/{id}/pdf finds it.
    id: Mapped[int] = mapped_column(primary_key=True, default=letter_numbers.allocator(LETTER_KIND))
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    request_id: Mapped[int] = mapped_column(
        ForeignKey("arc_requests.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(12))
    issued_on: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    language: Mapped[str] = mapped_column(String(8), default="en")
    certified: Mapped[bool] = mapped_column(Boolean, default=False)
    # A certified letter's tracking number, given when its mailing batch is confirmed.
    tracking_number: Mapped[str | None] = mapped_column(String(60))
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    sha256: Mapped[str] = mapped_column(String(64))
    # A letter in another language keeps its English rendering beside it, with its own
    # sha256, so the association can show exactly what was said.
    pdf_en: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    sha256_en: Mapped[str | None] = mapped_column(String(64))

    request: Mapped[ArcRequest] = relationship(back_populates="letters")

    def download(self, english: bool = False) -> tuple[bytes, str]:
        """Return the issued bytes (or, with ``english``, the English rendering kept beside
        a translated letter) and the file name."""
        if english and self.language != "en" and self.pdf_en is not None:
            return self.pdf_en, f"arc-letter-{self.id}-en.pdf"
        return self.pdf, f"arc-letter-{self.id}.pdf"


class ArcAppeal(db.Model):
    """A denied owner's request that the board reconsider."""

    __tablename__ = "arc_appeals"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'granted', 'refused')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("arc_requests.id", ondelete="CASCADE"), unique=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    approval_id: Mapped[int | None] = mapped_column(
        ForeignKey("approval_requests.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    request: Mapped[ArcRequest] = relationship(back_populates="appeal")
