"""What vendors add to the application shell: the navigation link, audit actions in words,
links to vendors, contracts and requests for proposals, and what needs attention."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from app.auth import policies
from app.core import audit, navigation


def register(app) -> None:
    """Register vendors with the navigation, the audit log and the dashboards."""
    navigation.section(
        "vendors.index",
        _l("Vendors"),
        order=60,
        shows=lambda user, aid: policies.is_manager(user, aid) or policies.is_board(user, aid),
    )
    audit.describe_actions(
        {
            "vendor.created": _l("Vendor added"),
            "vendor.updated": _l("Vendor changed"),
            "vendor.linked": _l("Vendor linked to the association"),
            "vendor.certificate_added": _l("Insurance certificate added"),
            "vendor.certificate_replaced": _l("Insurance certificate replaced"),
            "vendor.certificate_removed": _l("Insurance certificate removed"),
            "vendor.deactivated": _l("Vendor deactivated"),
            "vendor.reactivated": _l("Vendor reactivated"),
            "vendor.document_added": _l("Vendor document added"),
            "vendor.interest_declared": _l("Conflict of interest declared"),
            "vendor.requirements_set": _l("Insurance requirements set"),
            "contract.created": _l("Contract drafted"),
            "contract.updated": _l("Contract changed"),
            "contract.revised": _l("Contract revised"),
            "contract.signed_pdf": _l("Signed contract attached"),
            "contract.activated": _l("Contract in force"),
            "contract.renewed": _l("Contract renewed"),
            "contract.expired": _l("Contract expired"),
            "contract.terminated": _l("Contract terminated"),
            "contract.amendment_started": _l("Contract amendment started"),
            "rfp.created": _l("Request for proposals opened"),
            "rfp.bid": _l("Bid received"),
            "rfp.awarded": _l("Bid chosen"),
        }
    )
    audit.link_records(
        "vendor", lambda aid, id_: url_for("vendors.vendor", aid=aid, vendor_id=id_), _l("Vendor")
    )
    audit.link_records(
        "contract",
        lambda aid, id_: url_for("vendors.contract", aid=aid, contract_id=id_),
        _l("Contract"),
    )
    audit.link_records(
        "rfp",
        lambda aid, id_: url_for("vendors.rfp", aid=aid, rfp_id=id_),
        _l("Request for proposals"),
    )
    from app.vendors import attention

    attention.register()
