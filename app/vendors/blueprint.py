"""The vendors blueprint and what its pages share: who may see and change, and lookups."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _

from app.core.errors import NotFound
from app.core.forms import choices
from app.core.pages import actor, load_association, require
from app.extensions import db
from app.vendors import directory
from app.vendors import policies as vendor_policies
from app.vendors.models import Vendor, contract_status_words  # noqa: F401  (the pages' import)

bp = Blueprint("vendors", __name__, url_prefix="/associations/<int:aid>")


def private(aid: int):
    """Return the association when the user may see its vendors (else 403/404)."""
    association = load_association(aid)
    require(vendor_policies.can_see_vendors(actor(), aid))
    return association


def manage(aid: int):
    """Return the association when the user keeps its vendors (else 403/404)."""
    association = load_association(aid)
    require(vendor_policies.can_manage(actor(), aid))
    return association


def vendor_in(aid: int, vendor_id: int) -> Vendor:
    """Return a vendor serving the association, or raise NotFound."""
    vendor = db.session.get(Vendor, vendor_id)
    if vendor is None or directory.link_of(vendor, aid) is None:
        raise NotFound(_("No such vendor."))
    return vendor


def vendor_choices(aid: int, *, category: str | None = None, keep: int | None = None):
    """Active vendors to choose from (of one category when given), plus ``keep`` (the one a
    draft already names, even if deactivated since, so that the form shows it)."""
    vendors = list(db.session.scalars(directory.active_vendors_of(aid, category)))
    if keep is not None and keep not in {v.id for v in vendors}:
        kept = db.session.get(Vendor, keep)
        if kept is not None:
            vendors.append(kept)
    return choices((v.id, v.name) for v in vendors)
