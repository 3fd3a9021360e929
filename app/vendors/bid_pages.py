"""Bid pages: requests for proposals, the bids side by side, and choosing one (confirmed,
with warnings and what it replaces)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from app.associations.forms import ConfirmForm
from app.core import clock
from app.core.errors import DomainError, NotFound
from app.core.pages import actor, record_in, require
from app.extensions import db
from app.vendors import bids, directory, insurance
from app.vendors import policies as vendor_policies
from app.vendors.blueprint import bp, contract_status_words, manage, private, vendor_choices
from app.vendors.forms import BidForm, RfpForm, run
from app.vendors.models import Bid, RequestForProposals


@bp.route("/rfps", methods=["GET", "POST"])
@login_required
def rfps(aid: int):
    """Bids: the requests for proposals and how many bids each has."""
    association = private(aid)
    form = RfpForm()
    if request.method == "POST":
        require(vendor_policies.can_manage(actor(), aid))
        rfp = run(form, lambda data: bids.create_rfp(association, data, actor=actor()))
        if rfp is not None:
            db.session.commit()
            flash(_("Requested proposals for “%(title)s”.", title=rfp.title), "success")
            return redirect(url_for("vendors.rfp", aid=aid, rfp_id=rfp.id))
    items = db.session.scalars(
        select(RequestForProposals)
        .where(RequestForProposals.association_id == aid)
        .order_by(RequestForProposals.due_on.desc())
    ).all()
    today = clock.today(association.time_zone)
    return render_template(
        "vendors/rfps.html",
        association=association,
        items=[(r, bids.status_label(r, today)) for r in items],
        form=form,
    ), (422 if form.errors else 200)


def _rfp(aid: int, rfp_id: int) -> RequestForProposals:
    return record_in(RequestForProposals, rfp_id, aid, _("No such request for proposals."))


@bp.route("/rfps/<int:rfp_id>", methods=["GET", "POST"])
@login_required
def rfp(aid: int, rfp_id: int):
    """Bids side by side: price, term, insurance, notes; choose one to draft the contract."""
    association = private(aid)
    rfp = _rfp(aid, rfp_id)
    form = BidForm()
    if request.method == "POST":
        require(vendor_policies.can_manage(actor(), aid))
        form.vendor_id.choices = vendor_choices(aid, category=rfp.category or None)
        if run(form, lambda data: bids.add_bid(rfp, data, actor=actor())) is not None:
            db.session.commit()
            flash(_("Bid added."), "success")
            return redirect(url_for("vendors.rfp", aid=aid, rfp_id=rfp_id))
        rfp = _rfp(aid, rfp_id)
    form.vendor_id.choices = vendor_choices(aid, category=rfp.category or None)
    category = rfp.category or None
    rows = [
        (
            bid,
            insurance.compliance(bid.vendor, association, category),
            directory.is_active(bid.vendor, aid),
        )
        for bid in rfp.bids
    ]
    today = clock.today(association.time_zone)
    return render_template(
        "vendors/rfp.html",
        association=association,
        rfp=rfp,
        rows=rows,
        form=form,
        status=bids.status_label(rfp, today),
        contract=bids.chosen_contract(rfp),
        statuses=contract_status_words(),
        can_manage=vendor_policies.can_manage(actor(), aid),
    ), (422 if form.errors else 200)


@bp.route("/bids/<int:bid_id>/award", methods=["GET", "POST"])
@login_required
def award(aid: int, bid_id: int):
    """Choose a bid, after a confirmation that warns (bids still open, insurance short of the
    requirements, another category) and says what it replaces."""
    association = manage(aid)
    bid = db.session.get(Bid, bid_id)
    if bid is None or bid.rfp.association_id != aid:
        raise NotFound(_("No such bid."))
    back = url_for("vendors.rfp", aid=aid, rfp_id=bid.rfp_id)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            contract = bids.award_bid(bid, actor=actor())
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
            return redirect(back)
        db.session.commit()
        flash(
            _(
                "Chose the bid of %(vendor)s and drafted the contract; check its dates.",
                vendor=bid.vendor.name,
            ),
            "success",
        )
        return redirect(url_for("vendors.contract", aid=aid, contract_id=contract.id))
    refusal = None
    try:
        bids.check_choice(bid)
    except DomainError as error:
        refusal = error.message
    form.submit.label.text = _("Yes, choose this bid")
    return render_template(
        "vendors/award.html",
        association=association,
        bid=bid,
        form=form,
        warnings=bids.award_warnings(bid),
        replaces=bids.award_replaces(bid),
        refusal=refusal,
        cancel_url=back,
    )
