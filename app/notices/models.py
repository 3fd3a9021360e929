"""Notices, their text per language, their chosen units, and the annual request (4041)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.types import UTCDateTime
from app.extensions import db


class Audience(enum.StrEnum):
    """Who receives a notice: owners, the board, both, or the owners of chosen units."""

    OWNERS = "owners"
    BOARD = "board"
    ALL = "all"
    UNITS = "units"


class DeliveryKind(enum.StrEnum):
    """General delivery (Civil Code 4045: announcements, meeting notices) or individual
    delivery (4040: by each person's preferred method)."""

    GENERAL = "general"
    INDIVIDUAL = "individual"


class NoticeStatus(enum.StrEnum):
    """A notice waits for its time, or is published."""

    SCHEDULED = "scheduled"
    PUBLISHED = "published"


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Notice(db.Model):
    """A notice of an association: who gets it, how, and when it was published."""

    __tablename__ = "notices"
    __table_args__ = (
        CheckConstraint(_in("audience", Audience), name="audience"),
        CheckConstraint(_in("delivery", DeliveryKind), name="delivery"),
        CheckConstraint(_in("status", NoticeStatus), name="status"),
        CheckConstraint("(status = 'published') = (published_at IS NOT NULL)", name="published_at"),
        CheckConstraint("status = 'published' OR publish_at IS NOT NULL", name="scheduled_at"),
        Index("ix_notices_association_status", "association_id", "status", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(ForeignKey("associations.id", ondelete="CASCADE"))
    audience: Mapped[str] = mapped_column(String(10))
    delivery: Mapped[str] = mapped_column(String(10), default=DeliveryKind.GENERAL.value)
    status: Mapped[str] = mapped_column(String(10))
    publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The language the notice was written in; a version per language may follow.
    default_language: Mapped[str] = mapped_column(String(8), default="en")
    # Set by the meetings package for a meeting's notice (its scheduling or cancellation).
    # No foreign key: on SQLite adding one rebuilds the notices table, and dropping the old
    # table would cascade to every notice's texts and deliveries. Meetings are never deleted.
    meeting_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # Delivery progress: recipients found and recipients delivered to (a background job).
    recipient_total: Mapped[int] = mapped_column(Integer, default=0)
    delivered_count: Mapped[int] = mapped_column(Integer, default=0)
    deliveries_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    texts: Mapped[list[NoticeText]] = relationship(
        cascade="all, delete-orphan", order_by="NoticeText.id", lazy="selectin"
    )
    units: Mapped[list[NoticeUnit]] = relationship(cascade="all, delete-orphan")

    def text(self, language: str | None = None) -> NoticeText:
        """Return the text in a language, else in the notice's own language."""
        by_language = {t.language: t for t in self.texts}
        return (
            by_language.get(language or "")
            or by_language.get(self.default_language)
            or (self.texts[0])
        )

    @property
    def title(self) -> str:
        """Return the title in the notice's own language."""
        return self.text().title


class NoticeText(db.Model):
    """A notice's title and Markdown body in one language, with the sanitized HTML."""

    __tablename__ = "notice_texts"
    __table_args__ = (UniqueConstraint("notice_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    # Up to 100 KB, checked by the service (core.integrity's default is smaller).
    body: Mapped[str] = mapped_column(Text, info={"unbounded": True})
    body_html: Mapped[str] = mapped_column(Text, info={"unbounded": True})


class NoticeUnit(db.Model):
    """A unit whose owners receive a notice with audience ``units``."""

    __tablename__ = "notice_units"

    notice_id: Mapped[int] = mapped_column(
        ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), primary_key=True
    )


class AnnualRequest(db.Model):
    """The yearly request asking every owner how they want notices (Civil Code 4041)."""

    __tablename__ = "notice_annual_requests"
    __table_args__ = (UniqueConstraint("association_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(ForeignKey("associations.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"))
    launched_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    launched_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AnnualAnswer(db.Model):
    """An owner's answer for one unit: its occupancy (Civil Code 4041(a)(4)); their delivery
    choices are saved to their preferences at the same time."""

    __tablename__ = "notice_annual_answers"
    __table_args__ = (
        UniqueConstraint("request_id", "user_id", "unit_id"),
        CheckConstraint(
            "occupancy IN ('owner_occupied', 'rented', 'vacant', 'undeveloped')", name="occupancy"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("notice_annual_requests.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    occupancy: Mapped[str] = mapped_column(String(16))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())
