"""Delivery preferences, deliveries (one per recipient and method) and reads."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.core.types import UTCDateTime
from app.extensions import db


class Method(enum.StrEnum):
    """How a delivery reaches its recipient."""

    PORTAL = "portal"
    EMAIL = "email"
    MAIL = "mail"


class Status(enum.StrEnum):
    """Where a delivery stands: transmitted, failed, waiting (e-mail or the next mailing
    batch) or deposited in the mail."""

    SENT = "sent"
    FAILED = "failed"
    QUEUED = "queued"
    MAILED = "mailed"


class Choice(enum.StrEnum):
    """A person's preferred delivery method (Civil Code 4041(a)(1))."""

    EMAIL = "email"
    MAIL = "mail"
    BOTH = "both"


LANGUAGES = ("en", "es", "it", "da", "ru")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Preference(db.Model):
    """How a person wants to hear from their associations; mail unless they chose e-mail."""

    __tablename__ = "delivery_preferences"
    __table_args__ = (
        CheckConstraint(_in("delivery", Choice), name="delivery"),
        # E-mail needs the person's own consent, recorded when they gave it.
        CheckConstraint("delivery = 'mail' OR email_consent_at IS NOT NULL", name="email_consent"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    delivery: Mapped[str] = mapped_column(String(5), default=Choice.MAIL.value)
    general_by_mail: Mapped[bool] = mapped_column(Boolean, default=False)
    # A second e-mail or postal address for copies (Civil Code 4040(b), 4041(a)(2)).
    secondary_address: Mapped[str] = mapped_column(Text, default="")
    # Whom to reach in an extended absence (Civil Code 4041(a)(3)).
    legal_representative: Mapped[str] = mapped_column(Text, default="")
    email_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Delivery(db.Model):
    """One subject (a notice, a letter) delivered to one person by one method."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("subject_type", "subject_id", "user_id", "method"),
        CheckConstraint(_in("method", Method), name="method"),
        CheckConstraint(_in("status", Status), name="status"),
        CheckConstraint("(status IN ('sent', 'mailed')) = (sent_at IS NOT NULL)", name="sent_at"),
        # The delivery page: one subject's deliveries by method and status.
        Index(
            "ix_deliveries_subject_method_status", "subject_type", "subject_id", "method", "status"
        ),
        Index("ix_deliveries_user_subject", "user_id", "subject_type", "subject_id"),
        # The communications page: an association's deliveries over time.
        Index("ix_deliveries_association_created", "association_id", "subject_type", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(ForeignKey("associations.id", ondelete="CASCADE"))
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    method: Mapped[str] = mapped_column(String(6))
    status: Mapped[str] = mapped_column(String(6))
    # The moment of transmission (e-mail, the portal) or of deposit in the mail: Civil
    # Code 4050(b), (c) count delivery complete then.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str] = mapped_column(Text, default="", info={"unbounded": True})
    language: Mapped[str] = mapped_column(String(8), default="en")
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outgoing_messages.id", ondelete="SET NULL"), index=True
    )
    # A printed copy's mailing batch (copies printed by this package; letters print their
    # own PDFs).
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("compliance_letter_batches.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Read(db.Model):
    """A person opened a subject (the portal, the API or the personal link of its e-mail)."""

    __tablename__ = "delivery_reads"
    __table_args__ = (
        UniqueConstraint("subject_type", "subject_id", "user_id"),
        CheckConstraint("via IN ('portal', 'link', 'api')", name="via"),
        Index("ix_delivery_reads_association_user", "association_id", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(ForeignKey("associations.id", ondelete="CASCADE"))
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    read_at: Mapped[datetime] = mapped_column(UTCDateTime())
    via: Mapped[str] = mapped_column(String(6))
