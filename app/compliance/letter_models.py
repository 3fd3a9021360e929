"""Letters of the ladder: issued letters (their bytes kept unchanged, in the ORM and the
database), mailing batches and their build chunks, and associations' own letter wording.

models.py (violations) imports this module; its ``Violation`` is named here only as the
relationship's target, which the mapper registry resolves."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    DDL,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app.auth.models import User
from app.core import letter_numbers
from app.core.types import UTCDateTime
from app.extensions import db

LETTER_KIND = "violation"  # the kind of letter number a ladder letter holds


def _in(column: str, values: type[enum.StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class LetterKind(enum.StrEnum):
    """The letters of the ladder."""

    COURTESY = "courtesy"
    VIOLATION = "violation"
    HEARING = "hearing"
    FINE = "fine"
    CLOSURE = "closure"


class BatchStatus(enum.StrEnum):
    """A mailing batch's progress."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    MAILED = "mailed"
    CANCELLED = "cancelled"


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

    violation: Mapped[Violation] = relationship(back_populates="letters")  # noqa: F821 (models)
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
