"""Who may reach which vendor, contract and request for proposals through the API: 404
outside the caller's associations, 403 for a member without the right."""

from __future__ import annotations

from flask_babel import gettext as _

from app.api.setup import allow, association_for, caller
from app.auth import policies
from app.core.errors import NotFound
from app.extensions import db
from app.vendors import contracts
from app.vendors import policies as vendor_policies
from app.vendors.models import Contract, RequestForProposals, Vendor


def vendor_for(vendor_id: int, *, write_in: int | None = None) -> Vendor:
    """Return a vendor serving one of the caller's associations (else 404) they may see."""
    vendor = db.session.get(Vendor, vendor_id)
    if vendor is None or not any(
        policies.is_member(caller(), link.association_id) for link in vendor.links
    ):
        raise NotFound(_("No such vendor."))
    allow(
        any(vendor_policies.can_see_vendors(caller(), link.association_id) for link in vendor.links)
    )
    if write_in is not None:
        allow(vendor_policies.can_manage(caller(), write_in))
    return vendor


def managed_association_of(vendor: Vendor):
    """Return an association of the vendor the caller manages (403 when none)."""
    for link in vendor.links:
        if vendor_policies.can_manage(caller(), link.association_id):
            return link.association
    allow(False)
    return None


def contract_for(contract_id: int, *, write: bool = False) -> Contract:
    """Return a contract of the caller's association (else 404) they may see (else 403)."""
    contract = db.session.get(Contract, contract_id)
    if contract is None:
        raise NotFound(_("No such contract."))
    association_for(contract.association_id)
    allow(vendor_policies.can_see_vendors(caller(), contract.association_id))
    if write:
        allow(vendor_policies.can_manage(caller(), contract.association_id))
    contracts.sync_contract(contract)
    db.session.commit()
    return contract


def rfp_for(rfp_id: int, *, write: bool = False) -> RequestForProposals:
    """Return a request for proposals of the caller's association."""
    rfp = db.session.get(RequestForProposals, rfp_id)
    if rfp is None:
        raise NotFound(_("No such request for proposals."))
    association = association_for(rfp.association_id)
    allow(vendor_policies.can_see_vendors(caller(), rfp.association_id))
    if write:
        allow(vendor_policies.can_manage(caller(), rfp.association_id))
    for bid in rfp.bids:
        bid.rfp_association = association
    return rfp
