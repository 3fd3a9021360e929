"""The vendor directory: vendors, their links to associations (active or not), documents,
and board members' declared interests."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app.associations.models import Association
from app.auth import policies
from app.auth.models import User
from app.core import audit, clock
from app.core.errors import Conflict, NotFound, ValidationError
from app.core.inputs import (
    EMAIL_MAX,
    LONG_TEXT_MAX,
    email_problem,
    length_errors,
    too_long,
)
from app.extensions import db
from app.vendors.models import (
    Bid,
    RequestForProposals,
    Vendor,
    VendorDocument,
    VendorInterest,
    VendorLink,
)


def _record(
    association_id: int,
    action: str,
    subject_type: str,
    subject_id,
    summary: str,
    *,
    actor,
    data=None,
) -> None:
    audit.record(
        action,
        actor=actor,
        association_id=association_id,
        subject_type=subject_type,
        subject_id=subject_id,
        summary=summary,
        data=data,
    )


def vendors_of(association_id: int):
    """Return a query of the vendors serving an association."""
    return (
        select(Vendor)
        .join(VendorLink, VendorLink.vendor_id == Vendor.id)
        .where(VendorLink.association_id == association_id)
    )


def active_vendors_of(association_id: int, category: str | None = None):
    """Return a query of the vendors active in an association (optionally of one category),
    by name: those offered for new bids and contracts."""
    statement = vendors_of(association_id).where(VendorLink.active.is_(True))
    if category:
        statement = statement.where(Vendor.category == category)
    return statement.order_by(Vendor.name)


def link_of(vendor: Vendor, association_id: int) -> VendorLink | None:
    """Return the vendor's link to an association, or None when it does not serve it."""
    return next((link for link in vendor.links if link.association_id == association_id), None)


def is_active(vendor: Vendor, association_id: int) -> bool:
    """Tell whether the vendor serves the association and is not deactivated there."""
    link = link_of(vendor, association_id)
    return link is not None and link.active


def get_vendor_in(association: Association, vendor_id, *, field: str = "vendor_id") -> Vendor:
    """Return an active vendor that serves the association, or raise a field error."""
    vendor = db.session.get(Vendor, vendor_id) if isinstance(vendor_id, int) else None
    link = link_of(vendor, association.id) if vendor is not None else None
    if link is None:
        raise ValidationError(field, _("Choose a vendor of this association."))
    if not link.active:
        raise ValidationError(
            field,
            _(
                "%(name)s is deactivated in this association; reactivate it or choose another "
                "vendor.",
                name=vendor.name,
            ),
        )
    return vendor


# Every text a vendor has, and its maximum (the columns' lengths; notes: LONG_TEXT_MAX).
VENDOR_MAXIMA = {
    "name": 200,
    "category": 60,
    "contact_name": 200,
    "email": EMAIL_MAX,
    "phone": 40,
    "notes": LONG_TEXT_MAX,
}


def _vendor_values(values: dict) -> dict:
    clean = {
        "name": str(values.get("name") or "").strip(),
        "category": str(values.get("category") or "").strip().lower(),
        "contact_name": str(values.get("contact_name") or "").strip(),
        "email": str(values.get("email") or "").strip().lower(),
        "phone": str(values.get("phone") or "").strip(),
        "w9_on_file": bool(values.get("w9_on_file")),
        "notes": str(values.get("notes") or "").strip(),
    }
    errors = length_errors(clean, VENDOR_MAXIMA)
    if not clean["name"]:
        errors["name"] = [_("Enter the vendor's name.")]
    if not clean["category"]:
        errors["category"] = [_("Enter a service category, such as landscaping.")]
    if clean["email"] and "email" not in errors and (problem := email_problem(clean["email"])):
        errors["email"] = [problem]
    last4 = str(values.get("tax_id_last4") or "").strip()
    if last4 and not (len(last4) == 4 and last4.isdigit()):
        errors["tax_id_last4"] = [_("Enter only the last four digits.")]
    clean["tax_id_last4"] = last4 or None
    if errors:
        raise ValidationError(errors)
    return clean


def create_vendor(association: Association, values: dict, *, actor: User) -> Vendor:
    """Add a vendor to the association's directory."""
    clean = _vendor_values(values)
    vendor = Vendor(created_at=clock.now(), **clean)
    db.session.add(vendor)
    db.session.flush()
    db.session.add(VendorLink(association_id=association.id, vendor_id=vendor.id))
    db.session.flush()
    _record(
        association.id,
        "vendor.created",
        "vendor",
        vendor.id,
        _("Added vendor %(name)s (%(category)s)", name=vendor.name, category=vendor.category),
        actor=actor,
    )
    return vendor


def link_vendor(association: Association, vendor: Vendor, *, actor: User) -> VendorLink:
    """Let an association use a vendor another association of the manager already has."""
    if not any(policies.is_manager(actor, link.association_id) for link in vendor.links):
        raise NotFound(_("No such vendor."))
    if any(link.association_id == association.id for link in vendor.links):
        raise Conflict(_("%(name)s already serves this association.", name=vendor.name))
    link = VendorLink(association_id=association.id, vendor_id=vendor.id)
    db.session.add(link)
    db.session.flush()
    db.session.expire(vendor, ["links"])
    _record(
        association.id,
        "vendor.linked",
        "vendor",
        vendor.id,
        _("Added %(name)s from the shared vendor directory", name=vendor.name),
        actor=actor,
    )
    return link


def update_vendor(vendor: Vendor, association: Association, values: dict, *, actor: User) -> Vendor:
    """Change a vendor's details (every association it serves sees the change)."""
    clean = _vendor_values(values)
    changes = {}
    for field, value in clean.items():
        if getattr(vendor, field) != value:
            changes[field] = [str(getattr(vendor, field)), str(value)]
            setattr(vendor, field, value)
    if changes:
        _record(
            association.id,
            "vendor.updated",
            "vendor",
            vendor.id,
            _("Changed vendor %(name)s", name=vendor.name),
            actor=actor,
            data=changes,
        )
    return vendor


MAX_DOCUMENT_BYTES = 15 * 1024 * 1024


def add_document(
    vendor: Vendor, *, title: str, data: bytes, association: Association, actor: User
) -> VendorDocument:
    """Keep a vendor's document (PDF, JPEG or PNG, checked by content: core.uploads)."""
    from app.core import uploads

    title = (title or "").strip()
    if not title:
        raise ValidationError("title", _("Name the document, e.g. W-9 2027."))
    if message := too_long(title, 200):
        raise ValidationError("title", message)
    uploads.check_size(data, MAX_DOCUMENT_BYTES, _("A document"))
    content_type = uploads.accept(
        data, (uploads.PDF, uploads.JPEG, uploads.PNG), what=_("A vendor document")
    )
    document = VendorDocument(
        vendor_id=vendor.id,
        title=title,
        content_type=content_type,
        size=len(data),
        data=data,
        uploaded_at=clock.now(),
    )
    db.session.add(document)
    db.session.flush()
    db.session.expire(vendor, ["documents"])
    _record(
        association.id,
        "vendor.document_added",
        "vendor",
        vendor.id,
        _("Added the document “%(title)s” to %(name)s", title=title, name=vendor.name),
        actor=actor,
    )
    return document


def open_bids_of(vendor: Vendor, association_id: int) -> list[Bid]:
    """Return the vendor's bids on the association's open requests for proposals."""
    return list(
        db.session.scalars(
            select(Bid)
            .join(RequestForProposals, RequestForProposals.id == Bid.rfp_id)
            .where(
                Bid.vendor_id == vendor.id,
                RequestForProposals.association_id == association_id,
                RequestForProposals.status == "open",
            )
        )
    )


def set_active(
    association: Association, vendor: Vendor, active: bool, *, actor: User, reason: str = ""
) -> VendorLink:
    """Deactivate a vendor in an association (kept on file with its contracts and history,
    offered for no new bid or contract) or reactivate it; audited."""
    link = link_of(vendor, association.id)
    if link is None:
        raise NotFound(_("No such vendor."))
    reason = (reason or "").strip()
    if message := too_long(reason, LONG_TEXT_MAX):
        raise ValidationError("reason", message)
    if link.active == active:
        raise Conflict(
            _("%(name)s is already active.", name=vendor.name)
            if active
            else _("%(name)s is already deactivated.", name=vendor.name)
        )
    link.active = active
    if active:
        action, summary = "vendor.reactivated", _("Reactivated %(name)s", name=vendor.name)
    else:
        action = "vendor.deactivated"
        summary = _("Deactivated %(name)s", name=vendor.name)
        if reason:
            summary = _("Deactivated %(name)s: %(reason)s", name=vendor.name, reason=reason)
    _record(
        association.id, action, "vendor", vendor.id, summary, actor=actor, data={"reason": reason}
    )
    return link


# --- interests ------------------------------------------------------------------------------


def declare_interest(
    association: Association, vendor: Vendor, *, user: User, note: str = ""
) -> VendorInterest:
    """A board member declares an interest in a vendor; they are recused from its contracts."""
    if not policies.is_board(user, association.id):
        raise ValidationError("user", _("Only board members declare interests."))
    existing = db.session.scalar(
        select(VendorInterest).where(
            VendorInterest.association_id == association.id,
            VendorInterest.user_id == user.id,
            VendorInterest.vendor_id == vendor.id,
        )
    )
    if existing:
        raise Conflict(_("You already declared an interest in %(name)s.", name=vendor.name))
    if message := too_long((note or "").strip(), LONG_TEXT_MAX):
        raise ValidationError("note", message)
    interest = VendorInterest(
        association_id=association.id,
        user_id=user.id,
        vendor_id=vendor.id,
        note=(note or "").strip(),
        declared_at=clock.now(),
    )
    db.session.add(interest)
    db.session.flush()
    _record(
        association.id,
        "vendor.interest_declared",
        "vendor",
        vendor.id,
        _("%(name)s declared an interest in %(vendor)s", name=user.name, vendor=vendor.name),
        actor=user,
        data={"note": interest.note},
    )
    return interest


def interested_user_ids(association_id: int, vendor_id: int) -> set[int]:
    """Return the board members who declared an interest in the vendor."""
    return set(
        db.session.scalars(
            select(VendorInterest.user_id).where(
                VendorInterest.association_id == association_id,
                VendorInterest.vendor_id == vendor_id,
            )
        )
    )
