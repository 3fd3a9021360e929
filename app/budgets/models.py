"""Budgets, their lines, cost centres and imported actuals."""

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
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.associations.models import Association
from app.core.types import UTCDateTime
from app.extensions import db


class BudgetStatus(enum.StrEnum):
    """Where a budget version stands."""

    DRAFT = "draft"
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    REJECTED = "rejected"


class Fund(enum.StrEnum):
    """Operating or reserve fund."""

    OPERATING = "operating"
    RESERVE = "reserve"


class LineKind(enum.StrEnum):
    """Income or expense."""

    INCOME = "income"
    EXPENSE = "expense"


class CostCenter(db.Model):
    """A service district: a set of units that share some costs (all units when no types)."""

    __tablename__ = "cost_centers"
    __table_args__ = (UniqueConstraint("association_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    # None: every unit. Otherwise the unit types the centre covers.
    unit_types: Mapped[list[str] | None] = mapped_column(JSON)
    is_general: Mapped[bool] = mapped_column(Boolean, default=False)

    association: Mapped[Association] = relationship()

    def covers(self, unit_type: str) -> bool:
        """Tell whether units of this type share the centre's costs."""
        return self.unit_types is None or unit_type in self.unit_types


class Budget(db.Model):
    """One version of an association's budget for a fiscal year."""

    __tablename__ = "budgets"
    __table_args__ = (
        UniqueConstraint("association_id", "fiscal_year", "version"),
        CheckConstraint(
            "status IN ('draft', 'pending_approval', 'approved', 'rejected')", name="status"
        ),
        CheckConstraint("(status = 'approved') = (approved_at IS NOT NULL)", name="approved_at"),
        CheckConstraint(
            "status = 'draft' OR approval_id IS NOT NULL", name="submitted_has_approval"
        ),
        CheckConstraint("fiscal_year BETWEEN 1900 AND 2200", name="fiscal_year"),
        CheckConstraint("version >= 1", name="version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    fiscal_year: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default=BudgetStatus.DRAFT.value)
    approval_id: Mapped[int | None] = mapped_column(ForeignKey("approval_requests.id"))
    revised_from_id: Mapped[int | None] = mapped_column(ForeignKey("budgets.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    notes: Mapped[str] = mapped_column(Text, default="")
    # The pre-submission check's warnings ([{code, message}]) as the manager confirmed them,
    # stored when the budget is submitted so that the board reads what the manager saw.
    submission_warnings: Mapped[list[dict] | None] = mapped_column(JSON)

    association: Mapped[Association] = relationship()
    lines: Mapped[list[BudgetLine]] = relationship(
        back_populates="budget",
        cascade="all, delete-orphan",
        order_by="(BudgetLine.position, BudgetLine.id)",
    )

    @property
    def is_draft(self) -> bool:
        """Tell whether lines may still change."""
        return self.status == BudgetStatus.DRAFT


class BudgetLine(db.Model):
    """One line: a GL account's annual amount in a fund, for a cost centre."""

    __tablename__ = "budget_lines"
    __table_args__ = (
        CheckConstraint("fund IN ('operating', 'reserve')", name="fund"),
        CheckConstraint("kind IN ('income', 'expense')", name="kind"),
        CheckConstraint("amount >= 0", name="amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    account_code: Mapped[str] = mapped_column(String(20), default="")
    name: Mapped[str] = mapped_column(String(200))
    fund: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    prior_year_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    note: Mapped[str] = mapped_column(Text, default="")
    cost_center_id: Mapped[int] = mapped_column(ForeignKey("cost_centers.id"), index=True)

    budget: Mapped[Budget] = relationship(back_populates="lines")
    cost_center: Mapped[CostCenter] = relationship()


class Actual(db.Model):
    """An imported actual amount for a GL account in a month."""

    __tablename__ = "budget_actuals"
    __table_args__ = (UniqueConstraint("budget_id", "account_code", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id", ondelete="CASCADE"), index=True)
    account_code: Mapped[str] = mapped_column(String(20))
    month: Mapped[date] = mapped_column(Date)  # the first day of the month
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
