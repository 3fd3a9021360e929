"""Associations (the tenants) and their units."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.core.types import UTCDateTime
from app.extensions import db

if TYPE_CHECKING:
    from app.auth.models import Membership


class ComplianceProfile(enum.StrEnum):
    """The due-process rules an association follows."""

    DEFAULT = "default"
    CA = "CA"
    TX = "TX"
    FL = "FL"


BUDGET_NOTICE_DAYS = {"CA": (30, 90)}  # Civil Code 5300


def profile_for_state(state: str) -> ComplianceProfile:
    """Return the compliance profile a state implies (default elsewhere)."""
    try:
        return ComplianceProfile(state.upper())
    except ValueError:
        return ComplianceProfile.DEFAULT


class Association(db.Model):
    """A homeowners' association: one tenant whose data no outsider sees."""

    __tablename__ = "associations"
    __table_args__ = (
        CheckConstraint("fiscal_year_start_month BETWEEN 1 AND 12", name="fiscal_month"),
        CheckConstraint(
            "compliance_profile IN ('default', 'CA', 'TX', 'FL')", name="compliance_profile"
        ),
        CheckConstraint(
            "budget_notice_min_days IS NULL OR budget_notice_max_days IS NULL "
            "OR budget_notice_min_days <= budget_notice_max_days",
            name="budget_notice_window",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    state: Mapped[str] = mapped_column(String(2))
    fiscal_year_start_month: Mapped[int] = mapped_column(default=1)
    compliance_profile: Mapped[str] = mapped_column(String(10), default="default")
    letterhead_address: Mapped[str] = mapped_column(Text, default="")
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    # The window before the fiscal year in which the budget must reach owners (CA: 30–90).
    budget_notice_min_days: Mapped[int | None]
    budget_notice_max_days: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    units: Mapped[list[Unit]] = relationship(
        back_populates="association", cascade="all, delete-orphan", order_by="Unit.label"
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="association", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Association {self.id} {self.name}>"


class Unit(db.Model):
    """A home in an association: its address, type and allocation share."""

    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("association_id", "label"),
        CheckConstraint("allocation_share IS NULL OR allocation_share > 0", name="share"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(100))
    street_address: Mapped[str] = mapped_column(String(300))
    mailing_address: Mapped[str | None] = mapped_column(Text)
    unit_type: Mapped[str] = mapped_column(String(40), default="standard")
    allocation_share: Mapped[Decimal | None] = mapped_column(Numeric(12, 6))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    association: Mapped[Association] = relationship(back_populates="units")
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="unit", cascade="all, delete-orphan"
    )

    @property
    def owners(self) -> list:
        """Return the users who own this unit."""
        return [m.user for m in self.memberships if m.role == "owner"]

    def __repr__(self) -> str:
        return f"<Unit {self.id} {self.label}>"
