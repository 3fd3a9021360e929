"""Bids: requests for proposals, the bids entered on them, and awarding one (a draft contract)."""

from __future__ import annotations

from flask.views import MethodView
from flask_babel import gettext as _

from app.api.setup import allow, association_for, caller
from app.api.vendor_access import rfp_for
from app.api.vendor_schemas import (
    AwardSchema,
    BidCreateSchema,
    BidSchema,
    RfpCreateSchema,
    RfpSchema,
)
from app.api.vendors import blp
from app.core.errors import NotFound
from app.extensions import db
from app.vendors import bids
from app.vendors import policies as vendor_policies
from app.vendors.models import Bid


@blp.route("/associations/<int:aid>/rfps")
class Rfps(MethodView):
    @blp.arguments(RfpCreateSchema)
    @blp.response(201, RfpSchema)
    def post(self, body, aid):
        """Request proposals for a scope of work."""
        association = association_for(aid)
        allow(vendor_policies.can_manage(caller(), aid))
        rfp = bids.create_rfp(association, body, actor=caller())
        db.session.commit()
        return rfp


@blp.route("/rfps/<int:rfp_id>")
class RfpItem(MethodView):
    @blp.response(200, RfpSchema)
    def get(self, rfp_id):
        """A request for proposals with its bids side by side."""
        return rfp_for(rfp_id)


@blp.route("/rfps/<int:rfp_id>/bids")
class Bids(MethodView):
    @blp.arguments(BidCreateSchema)
    @blp.response(201, BidSchema)
    def post(self, body, rfp_id):
        """Enter a vendor's bid."""
        rfp = rfp_for(rfp_id, write=True)
        bid = bids.add_bid(rfp, body, actor=caller())
        db.session.commit()
        bid.rfp_association = association_for(rfp.association_id)
        return bid


@blp.route("/bids/<int:bid_id>/award")
class Award(MethodView):
    @blp.response(201, AwardSchema)
    def post(self, bid_id):
        """Choose a bid: it becomes a draft contract (or, while the contract of an earlier
        choice is a draft, rewrites it). The answer lists the warnings the page shows before
        confirming; a deactivated vendor, a decided contract → 409."""
        bid = db.session.get(Bid, bid_id)
        if bid is None:
            raise NotFound(_("No such bid."))
        rfp_for(bid.rfp_id, write=True)
        warnings = bids.award_warnings(bid)
        replaced = bids.award_replaces(bid)
        contract = bids.award_bid(bid, actor=caller())
        db.session.commit()
        contract.warnings, contract.replaced = warnings, replaced
        return contract
