"""Associations (the tenants) and their units."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    DDL,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import Membership
from app.core import clock
from app.core.types import UTCDateTime
from app.extensions import db


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
    # How owners reach the management office (the owner's home shows them), and the
    # language the association writes its notices in.
    office_phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    office_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    portal_url: Mapped[str] = mapped_column(String(300), default="", server_default="")
    # A notice of fine says when the fine is due (this many days after the notice) and how
    # to pay or dispute it.
    fine_due_days: Mapped[int] = mapped_column(default=30, server_default="30")
    fine_payment_instructions: Mapped[str] = mapped_column(Text, default="", server_default="")
    default_language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    # Where the board decides each kind of request, where the admin chose a meeting over the
    # profile's default (app.approvals.venues); null or missing kinds: the profile's default.
    board_decisions: Mapped[dict | None] = mapped_column(db.JSON)
    # Caps the governing documents set above the profile's where the statute lets them (FL
    # 720.305(2): "unless otherwise provided in the governing documents"); null: the statute's.
    fine_cap_per_violation: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    fine_cap_aggregate: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
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
        # Searching units (and violations by their unit) for any part of a label or an
        # address: trigram GIN indexes on PostgreSQL (ILIKE '%…%'); plain indexes on SQLite.
        Index(
            "ix_units_label_trgm",
            "label",
            postgresql_using="gin",
            postgresql_ops={"label": "gin_trgm_ops"},
        ),
        Index(
            "ix_units_street_address_trgm",
            "street_address",
            postgresql_using="gin",
            postgresql_ops={"street_address": "gin_trgm_ops"},
        ),
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


# A membership's links to its association and unit, declared on the side that knows both
# (auth knows no association).
Membership.association = relationship(Association, back_populates="memberships")
Membership.unit = relationship(Unit, back_populates="memberships")


# The trigram indexes on units need pg_trgm (a trusted extension since PostgreSQL 13).
event.listen(
    Unit.__table__,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)


class Invitation(db.Model):
    """An offer of a role in an association to someone outside the inviter's associations.

    Nothing about the person is shown to the inviter: the row keeps what the inviter sent
    (a user id or an address) and, once the job has looked, whom it reached (``user_id``,
    null when the id or address matched nobody who can accept). The role exists only once
    the person accepts through the link mailed to them.
    """

    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint("role IN ('manager', 'board', 'owner', 'committee', 'arc')", name="role"),
        CheckConstraint("(role = 'owner') = (unit_id IS NOT NULL)", name="owner_has_unit"),
        CheckConstraint("(role = 'board') = (office IS NOT NULL)", name="board_has_office"),
        CheckConstraint("accepted_at IS NULL OR declined_at IS NULL", name="one_answer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # What the inviter sent: a user id, or an address and a name.
    sent_user_id: Mapped[int | None] = mapped_column(Integer)
    sent_email: Mapped[str | None] = mapped_column(String(254))
    sent_name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    office: Mapped[str | None] = mapped_column(String(20))
    # Whom it reached, and whether its mail created their account.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    new_account: Mapped[bool] = mapped_column(Boolean, default=False)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="SET NULL")
    )

    association: Mapped[Association] = relationship()
    unit: Mapped[Unit | None] = relationship()

    def sent_to(self) -> str:
        """Return whom the inviter addressed, as they sent it."""
        return self.sent_email or f"user #{self.sent_user_id}"
