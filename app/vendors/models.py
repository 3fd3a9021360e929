"""Vendors (shared by the management company's associations), insurance, contracts, bids."""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app.associations.models import Association
from app.core.types import UTCDateTime
from app.extensions import db


class InsuranceKind(enum.StrEnum):
    """Kinds of insurance a vendor may carry."""

    GENERAL_LIABILITY = "general_liability"
    WORKERS_COMP = "workers_comp"
    AUTO = "auto"
    UMBRELLA = "umbrella"
    PROFESSIONAL = "professional"
    OTHER = "other"


KIND_LABELS = {
    "general_liability": _l("General liability"),
    "workers_comp": _l("Workers' compensation"),
    "auto": _l("Auto"),
    "umbrella": _l("Umbrella"),
    "professional": _l("Professional liability"),
    "other": _l("Other"),
}


class ContractStatus(enum.StrEnum):
    """Where a contract stands."""

    DRAFT = "draft"
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    ACTIVE = "active"
    EXPIRED = "expired"
    TERMINATED = "terminated"
    REJECTED = "rejected"


def contract_status_words() -> dict[str, str]:
    """A contract's status in words (the pages, and the refusals that name it)."""
    return {
        "draft": _l("draft"),
        "pending_approval": _l("waiting for the board"),
        "approved": _l("approved, not started"),
        "active": _l("in force"),
        "expired": _l("ended"),
        "terminated": _l("terminated"),
        "rejected": _l("rejected by the board"),
    }


def contract_status(code: str | None) -> str:
    """Return a contract's status in words, not its stored code."""
    return str(contract_status_words().get(code or "", (code or "").replace("_", " ")))


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Vendor(db.Model):
    """A company the associations hire; typed once, linked to every association it serves."""

    __tablename__ = "vendors"
    __table_args__ = (
        CheckConstraint("tax_id_last4 IS NULL OR length(tax_id_last4) = 4", name="tax_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(60), index=True)
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    w9_on_file: Mapped[bool] = mapped_column(Boolean, default=False)
    tax_id_last4: Mapped[str | None] = mapped_column(String(4))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    certificates: Mapped[list[Certificate]] = relationship(
        back_populates="vendor", order_by="Certificate.expires_on"
    )
    links: Mapped[list[VendorLink]] = relationship(back_populates="vendor")
    documents: Mapped[list[VendorDocument]] = relationship(order_by="VendorDocument.id")


class VendorDocument(db.Model):
    """A vendor's document: a W-9, a licence, a brochure (PDF or image)."""

    __tablename__ = "vendor_documents"
    __table_args__ = (
        CheckConstraint(
            "content_type IN ('application/pdf', 'image/jpeg', 'image/png')", name="content_type"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class VendorLink(db.Model):
    """A vendor serving an association."""

    __tablename__ = "vendor_links"
    __table_args__ = (UniqueConstraint("association_id", "vendor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"), index=True)
    # A deactivated vendor stays on file with its contracts and history, but is offered for
    # no new bid or contract in this association.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    vendor: Mapped[Vendor] = relationship(back_populates="links")
    association: Mapped[Association] = relationship()


class Certificate(db.Model):
    """An insurance certificate: kind, carrier, policy, coverage and dates, with its PDF."""

    __tablename__ = "insurance_certificates"
    __table_args__ = (
        CheckConstraint(_in("kind", InsuranceKind), name="kind"),
        CheckConstraint("coverage_amount >= 0", name="coverage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    carrier: Mapped[str] = mapped_column(String(200))
    policy_number: Mapped[str] = mapped_column(String(80))
    coverage_amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    effective_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date, index=True)
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    vendor: Mapped[Vendor] = relationship(back_populates="certificates")


class InsuranceRequirement(db.Model):
    """What an association requires of vendors in a service category."""

    __tablename__ = "insurance_requirements"
    __table_args__ = (
        UniqueConstraint("association_id", "category", "kind"),
        CheckConstraint(_in("kind", InsuranceKind), name="kind"),
        CheckConstraint("min_coverage >= 0", name="min_coverage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(30))
    min_coverage: Mapped[Decimal] = mapped_column(Numeric(14, 2))


class CertificateReminder(db.Model):
    """That managers are told a certificate expires within a threshold (once each).

    ``sent_at`` is the moment its mail was transmitted (from the outbox), not when it was
    queued: a reminder whose mail has not gone out is not counted as sent.
    """

    __tablename__ = "certificate_reminders"
    __table_args__ = (UniqueConstraint("certificate_id", "association_id", "threshold_days"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(
        ForeignKey("insurance_certificates.id", ondelete="CASCADE")
    )
    association_id: Mapped[int] = mapped_column(ForeignKey("associations.id", ondelete="CASCADE"))
    threshold_days: Mapped[int] = mapped_column(Integer)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class VendorInterest(db.Model):
    """A board member's declared interest in a vendor: recused from its contracts."""

    __tablename__ = "vendor_interests"
    __table_args__ = (UniqueConstraint("association_id", "user_id", "vendor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Contract(db.Model):
    """A contract with a vendor, approved by the board, active over its term."""

    __tablename__ = "contracts"
    __table_args__ = (
        CheckConstraint(_in("status", ContractStatus), name="status"),
        CheckConstraint("billing IN ('annual', 'monthly', 'one_time')", name="billing"),
        CheckConstraint("end_date >= start_date", name="dates"),
        CheckConstraint("notice_days >= 0", name="notice_days"),
        CheckConstraint("amount >= 0", name="amount"),
        CheckConstraint(
            "(status = 'terminated') = (terminated_on IS NOT NULL)", name="terminated_on"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    billing: Mapped[str] = mapped_column(String(10))
    auto_renew: Mapped[bool] = mapped_column(Boolean, default=False)
    notice_days: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default=ContractStatus.DRAFT.value)
    approval_id: Mapped[int | None] = mapped_column(ForeignKey("approval_requests.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    terminated_on: Mapped[date | None] = mapped_column(Date)
    termination_reason: Mapped[str] = mapped_column(Text, default="")
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))
    revised_from_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))
    renewals: Mapped[int] = mapped_column(Integer, default=0)
    signed_pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    vendor: Mapped[Vendor] = relationship()
    association: Mapped[Association] = relationship()

    @property
    def notice_deadline(self) -> date:
        """Return the last day to give notice: end date minus the notice days."""
        return self.end_date - timedelta(days=self.notice_days)


class RequestForProposals(db.Model):
    """A request for bids on a scope of work."""

    __tablename__ = "rfps"
    __table_args__ = (CheckConstraint("status IN ('open', 'awarded', 'cancelled')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(60), default="")
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")
    awarded_bid_id: Mapped[int | None] = mapped_column(Integer)
    # The draft contract the chosen bid became; choosing another bid while it is a draft
    # rewrites that draft.
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    bids: Mapped[list[Bid]] = relationship(back_populates="rfp", order_by="Bid.price")


class Bid(db.Model):
    """A vendor's bid: price, term and notes."""

    __tablename__ = "bids"
    __table_args__ = (
        UniqueConstraint("rfp_id", "vendor_id"),
        CheckConstraint("price >= 0", name="price"),
        CheckConstraint("term_months >= 1", name="term"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rfp_id: Mapped[int] = mapped_column(ForeignKey("rfps.id", ondelete="CASCADE"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"))
    price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    billing: Mapped[str] = mapped_column(String(10), default="annual")
    term_months: Mapped[int] = mapped_column(Integer, default=12)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    rfp: Mapped[RequestForProposals] = relationship(back_populates="bids")
    vendor: Mapped[Vendor] = relationship()
