"""Rules, inspections, findings, violations, owner responses, photos, hearings and fines.

The letters of a violation, their batches and templates are in letter_models."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    and_,
)
from sqlalchemy import false as sa_false
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.associations.models import Association, Unit
from app.auth.models import User
from app.compliance.letter_models import Letter, _in
from app.core.types import UTCDateTime
from app.extensions import db


class ViolationStatus(enum.StrEnum):
    """Where a violation stands on the ladder."""

    OPEN = "open"
    NOTICED = "noticed"
    HEARING_SCHEDULED = "hearing_scheduled"
    FINED = "fined"
    CURED = "cured"
    CLOSED = "closed"


# Overdue: past the cure date and still waiting for the next step (re-inspection, the notice of
# violation or a hearing); a scheduled hearing, a cure or a closure ends it.
OVERDUE_STATUSES = (ViolationStatus.OPEN.value, ViolationStatus.NOTICED.value)


class FineStatus(enum.StrEnum):
    """A proposed fine's fate."""

    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    PAID = "paid"
    WAIVED = "waived"


class Rule(db.Model):
    """A covenant or rule of the association, with its cure period and fine schedule."""

    __tablename__ = "compliance_rules"
    __table_args__ = (
        UniqueConstraint("association_id", "code"),
        CheckConstraint("cure_days >= 0", name="cure_days"),
        CheckConstraint("fine_amount >= 0", name="fine_amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    ccr_section: Mapped[str] = mapped_column(String(60), default="")
    cure_days: Mapped[int] = mapped_column(Integer)
    fine_amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    repeat_fine_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    repeat_window_days: Mapped[int | None] = mapped_column(Integer)
    daily_fine_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    daily_fine_max_days: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # {language: {"title": …, "description": …}}: what letters in that language print.
    translations: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")

    def text_in(self, language: str) -> tuple[str, str]:
        """Return the rule's (title, description) in a language, English where missing."""
        own = (self.translations or {}).get(language) or {}
        return own.get("title") or self.title, own.get("description") or self.description


class Inspection(db.Model):
    """A walk of the community on a day, with its findings."""

    __tablename__ = "compliance_inspections"
    __table_args__ = (CheckConstraint("status IN ('open', 'closed')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    scheduled_for: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    findings: Mapped[list[Finding]] = relationship(
        back_populates="inspection", order_by="Finding.id"
    )


class Violation(db.Model):
    """A unit's breach of a rule, from the first finding to its closure."""

    __tablename__ = "compliance_violations"
    __table_args__ = (
        CheckConstraint(_in("status", ViolationStatus), name="status"),
        CheckConstraint("(status = 'closed') = (closed_at IS NOT NULL)", name="closed_at"),
        # The violations list: an association's, newest first, and by status (issue 14).
        Index("ix_compliance_violations_list", "association_id", "opened_on", "id"),
        Index(
            "ix_compliance_violations_status_list", "association_id", "status", "opened_on", "id"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("compliance_rules.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=ViolationStatus.OPEN.value)
    opened_on: Mapped[date] = mapped_column(Date)
    is_repeat: Mapped[bool] = mapped_column(Boolean, default=False)
    cure_by: Mapped[date | None] = mapped_column(Date)
    cured_on: Mapped[date | None] = mapped_column(Date)
    cure_notes: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closure_notes: Mapped[str] = mapped_column(Text, default="")

    association: Mapped[Association] = relationship()
    unit: Mapped[Unit] = relationship()
    rule: Mapped[Rule] = relationship()
    findings: Mapped[list[Finding]] = relationship(
        back_populates="violation", order_by="Finding.id"
    )
    letters: Mapped[list[Letter]] = relationship(back_populates="violation", order_by="Letter.id")
    fines: Mapped[list[Fine]] = relationship(back_populates="violation", order_by="Fine.id")
    responses: Mapped[list[OwnerResponse]] = relationship(
        back_populates="violation", order_by="OwnerResponse.id"
    )
    hearing: Mapped[Hearing | None] = relationship(back_populates="violation", uselist=False)

    @hybrid_method
    def is_overdue(self, today: date) -> bool:
        """Tell whether the cure date has passed with no hearing, cure or closure since."""
        return self.cure_by is not None and self.cure_by < today and self.status in OVERDUE_STATUSES

    @is_overdue.expression
    def is_overdue(cls, today: date):
        """The same rule as a SQL condition."""
        return and_(cls.cure_by < today, cls.status.in_(OVERDUE_STATUSES))

    def letter(self, kind: str) -> Letter | None:
        """Return the latest issued letter of a kind that is not void."""
        found = [letter for letter in self.live_letters if letter.kind == kind]
        return found[-1] if found else None

    @property
    def live_letters(self) -> list[Letter]:
        """The issued letters that were not voided, in issue order."""
        return [letter for letter in self.letters if letter.voided_at is None]

    @property
    def unanswered(self) -> bool:
        """Tell whether an owner wrote after the office's last reply."""
        last = self.responses[-1] if self.responses else None
        return last is not None and not last.from_office


class Finding(db.Model):
    """An observation of a violation: the first, or a re-inspection."""

    __tablename__ = "compliance_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    violation_id: Mapped[int] = mapped_column(
        ForeignKey("compliance_violations.id", ondelete="CASCADE"), index=True
    )
    inspection_id: Mapped[int | None] = mapped_column(
        ForeignKey("compliance_inspections.id"), index=True
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    observed_on: Mapped[date] = mapped_column(Date)
    reinspection: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    violation: Mapped[Violation] = relationship(back_populates="findings")
    inspection: Mapped[Inspection | None] = relationship(back_populates="findings")
    photos: Mapped[list[Photo]] = relationship(
        primaryjoin="Photo.finding_id == Finding.id", order_by="Photo.id", viewonly=True
    )


class OwnerResponse(db.Model):
    """An owner's answer to a violation: a message, cure photos, a hearing request."""

    __tablename__ = "compliance_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    violation_id: Mapped[int] = mapped_column(
        ForeignKey("compliance_violations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    message: Mapped[str] = mapped_column(Text)
    request_hearing: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A reply written by the management office (a manager), not by the unit's owner.
    from_office: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())

    violation: Mapped[Violation] = relationship(back_populates="responses")
    user: Mapped[User] = relationship()
    photos: Mapped[list[Photo]] = relationship(
        primaryjoin="Photo.response_id == OwnerResponse.id", order_by="Photo.id", viewonly=True
    )


class Photo(db.Model):
    """An uploaded image, stored outside the web root under a random name."""

    __tablename__ = "compliance_photos"
    __table_args__ = (
        CheckConstraint("(finding_id IS NULL) <> (response_id IS NULL)", name="one_owner"),
        CheckConstraint("content_type IN ('image/jpeg', 'image/png')", name="content_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    finding_id: Mapped[int | None] = mapped_column(
        ForeignKey("compliance_findings.id", ondelete="CASCADE"), index=True
    )
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("compliance_responses.id", ondelete="CASCADE"), index=True
    )
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(20))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Hearing(db.Model):
    """The hearing of a violation; rescheduling moves it and issues a new notice."""

    __tablename__ = "compliance_hearings"

    id: Mapped[int] = mapped_column(primary_key=True)
    violation_id: Mapped[int] = mapped_column(
        ForeignKey("compliance_violations.id", ondelete="CASCADE"), unique=True
    )
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime())
    location: Mapped[str] = mapped_column(String(300))
    notes: Mapped[str] = mapped_column(Text, default="")
    # The board meeting it is held at and its agenda item (set by the meetings package,
    # which compliance does not import: no foreign keys, as approval_requests.meeting_id).
    meeting_id: Mapped[int | None] = mapped_column(Integer)
    agenda_item_id: Mapped[int | None] = mapped_column(Integer)
    # Recorded by the manager or the secretary: only this makes the hearing held.
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    owner_attended: Mapped[bool | None] = mapped_column(Boolean)
    summary: Mapped[str] = mapped_column(Text, default="", server_default="")
    # TX Property Code 209.007: when the evidence packet went out to the owner.
    packet_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    violation: Mapped[Violation] = relationship(back_populates="hearing")

    @property
    def held(self) -> bool:
        """A hearing is held once recorded as held, never by the clock alone."""
        return self.held_at is not None


class Fine(db.Model):
    """A fine proposed after the hearing and decided by the board."""

    __tablename__ = "compliance_fines"
    __table_args__ = (
        CheckConstraint(_in("status", FineStatus), name="status"),
        CheckConstraint("amount > 0", name="amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    violation_id: Mapped[int] = mapped_column(
        ForeignKey("compliance_violations.id", ondelete="CASCADE"), index=True
    )
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    reason: Mapped[str] = mapped_column(Text)
    health_safety_finding: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default=FineStatus.PENDING_APPROVAL.value)
    approval_id: Mapped[int | None] = mapped_column(ForeignKey("approval_requests.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    violation: Mapped[Violation] = relationship(back_populates="fines")
