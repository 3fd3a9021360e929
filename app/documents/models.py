"""Documents and their versions."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.types import UTCDateTime
from app.extensions import db


class Category(enum.StrEnum):
    """What a document is."""

    CCRS = "ccrs"
    BYLAWS = "bylaws"
    RULES = "rules"
    POLICY = "policy"
    FINANCIAL = "financial"
    INSURANCE = "insurance"
    OTHER = "other"


class Visibility(enum.StrEnum):
    """Who sees a document besides managers: owners (and the board), or the board only."""

    OWNERS = "owners"
    BOARD = "board"


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Document(db.Model):
    """One version of a document; the newest version of each is ``current``."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint(_in("category", Category), name="category"),
        CheckConstraint(_in("visibility", Visibility), name="visibility"),
        CheckConstraint("version >= 1", name="version"),
        Index("ix_documents_association_current", "association_id", "current", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(ForeignKey("associations.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(12))
    visibility: Mapped[str] = mapped_column(String(8))
    version: Mapped[int] = mapped_column(Integer, default=1)
    replaces_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), index=True
    )
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
