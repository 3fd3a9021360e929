"""Rules, inspections, findings, violations, letters, hearings, fines, responses, batches."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    DDL,
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    and_,
    event,
    inspect,
)
from sqlalchemy import false as sa_false
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app.associations.models import Association, Unit
from app.auth.models import User
from app.core import letter_numbers
from app.core.types import UTCDateTime
from app.extensions import db

LETTER_KIND = "violation"  # the kind of letter number a ladder letter holds


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


class LetterKind(enum.StrEnum):
    """The letters of the ladder."""

    COURTESY = "courtesy"
    VIOLATION = "violation"
    HEARING = "hearing"
    FINE = "fine"
    CLOSURE = "closure"


class FineStatus(enum.StrEnum):
    """A proposed fine's fate."""

    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    PAID = "paid"
    WAIVED = "waived"


class BatchStatus(enum.StrEnum):
    """A mailing batch's progress."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    MAILED = "mailed"
    CANCELLED = "cancelled"


def _in(column: str, values: type[enum.StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


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


class LetterBatch(db.Model):
    """Issued, unmailed letters merged into one PDF for the print house."""

    __tablename__ = "compliance_letter_batches"
    __table_args__ = (
        CheckConstraint(_in("status", BatchStatus), name="status"),
        Index("ix_compliance_letter_batches_number", "association_id", "number", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    # Numbered within the association: its managers see batch 1, 2, 3 … of their own.
    number: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default=BatchStatus.QUEUED.value)
    letter_count: Mapped[int] = mapped_column(Integer, default=0)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    pdf_path: Mapped[str | None] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # The build under way: its chunks carry the same token, so the work of an earlier build
    # (before a void or a retry planned the batch again) never counts for this one.
    build: Mapped[str | None] = mapped_column(String(32))

    letters: Mapped[list[Letter]] = relationship(back_populates="batch", order_by="Letter.id")


class LetterBatchChunk(db.Model):
    """One slice of a batch's build, run as its own job: some letters (or printed copies of
    one subject) laid out into a PDF file of its own, merged in ``position`` order."""

    __tablename__ = "compliance_letter_batch_chunks"
    __table_args__ = (
        Index("ix_compliance_letter_batch_chunks_order", "batch_id", "build", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("compliance_letter_batches.id", ondelete="CASCADE")
    )
    build: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer)
    # "letter" for issued letters, else the delivery subject whose printed copies it holds.
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    # The ids (letters' or deliveries') it covers, both included, and how many there are.
    first_id: Mapped[int] = mapped_column(Integer)
    last_id: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    file: Mapped[str | None] = mapped_column(String(120))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Letter(db.Model):
    """An issued letter: its PDF bytes are stored once, with their sha256, never changed."""

    __tablename__ = "compliance_letters"
    __table_args__ = (
        CheckConstraint(_in("kind", LetterKind), name="kind"),
        CheckConstraint("(mailed_at IS NULL) OR (batch_id IS NOT NULL)", name="mailed_batch"),
        # The letters waiting for a batch, counted on the batches page.
        Index("ix_compliance_letters_waiting", "association_id", "batch_id", "mailed_at"),
    )

    # Numbered in the one space of every letter (app/core/letter_numbers.py).
    id: Mapped[int] = mapped_column(primary_key=True, default=letter_numbers.allocator(LETTER_KIND))
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    violation_id: Mapped[int] = mapped_column(
        ForeignKey("compliance_violations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(12))
    issued_on: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recipient: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    sha256: Mapped[str] = mapped_column(String(64))
    page_count: Mapped[int] = mapped_column(Integer, default=1)
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("compliance_letter_batches.id", ondelete="SET NULL"), index=True
    )
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    tracking_number: Mapped[str | None] = mapped_column(String(60))
    # A mistaken letter is voided, never deleted or changed: who, when and why.
    # The owner's language at issue; the English rendering is kept beside a translated
    # letter (its own sha256) so the association can show exactly what was said.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    pdf_en: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    sha256_en: Mapped[str | None] = mapped_column(String(64))
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    void_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    violation: Mapped[Violation] = relationship(back_populates="letters")
    voided_by: Mapped[User | None] = relationship(foreign_keys=[voided_by_id])

    @property
    def void(self) -> bool:
        """Tell whether the letter was voided."""
        return self.voided_at is not None

    def download(self, english: bool = False) -> tuple[bytes, str]:
        """Return (bytes, file name) of the letter as issued, or with ``english`` the English
        rendering kept beside a translated one (an English letter is its own)."""
        if english and self.language != "en":
            return self.pdf_en, f"letter-{self.id}-{self.kind}-en.pdf"
        return self.pdf, f"letter-{self.id}-{self.kind}.pdf"

    batch: Mapped[LetterBatch | None] = relationship(back_populates="letters")


# What was issued: the bytes, their hash and their page count. Other columns (mailing, the
# batch, a later void flag or an English rendering beside a translation) may still change.
ISSUED_BYTES = ("pdf", "sha256", "page_count", "pdf_en", "sha256_en")


class IssuedLetterChanged(RuntimeError):
    """An attempt to change the bytes of an issued letter."""


@event.listens_for(Letter, "before_update")
def _keep_issued_bytes(mapper, connection, target):
    """Refuse, through the ORM, any change of an issued letter's bytes."""
    state = inspect(target)
    changed = [name for name in ISSUED_BYTES if state.attrs[name].history.has_changes()]
    if changed:
        raise IssuedLetterChanged(
            f"letter {target.id} was issued: its {', '.join(changed)} never change"
        )


class LetterTemplate(db.Model):
    """An association's own wording for a letter kind (the default is used otherwise)."""

    __tablename__ = "compliance_letter_templates"
    __table_args__ = (
        UniqueConstraint("association_id", "kind", "language"),
        CheckConstraint(_in("kind", LetterKind), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(12))
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


# The same guard in the database, for writes that bypass the ORM. The migration that added it
# carries its own copy of these statements, as migrations do.
_KEEP_BYTES_MESSAGE = "issued letters keep their " + ", ".join(ISSUED_BYTES)
_BYTES = ", ".join(ISSUED_BYTES)
event.listen(
    Letter.__table__,
    "after_create",
    DDL(
        "CREATE OR REPLACE FUNCTION compliance_letters_keep_issued_bytes() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN IF "
        + " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in ISSUED_BYTES)
        + f" THEN RAISE EXCEPTION '{_KEEP_BYTES_MESSAGE}' USING ERRCODE = 'restrict_violation'; "
        "END IF; RETURN NEW; END $$"
    ).execute_if(dialect="postgresql"),
)
event.listen(
    Letter.__table__,
    "after_create",
    DDL(
        f"CREATE TRIGGER compliance_letters_keep_issued_bytes BEFORE UPDATE OF {_BYTES} "
        "ON compliance_letters "
        "FOR EACH ROW EXECUTE FUNCTION compliance_letters_keep_issued_bytes()"
    ).execute_if(dialect="postgresql"),
)
event.listen(
    Letter.__table__,
    "after_create",
    DDL(
        "CREATE TRIGGER compliance_letters_keep_issued_bytes "
        f"BEFORE UPDATE OF {_BYTES} ON compliance_letters FOR EACH ROW WHEN "
        + " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in ISSUED_BYTES)
        + f" BEGIN SELECT RAISE(ABORT, '{_KEEP_BYTES_MESSAGE}'); END"
    ).execute_if(dialect="sqlite"),
)
