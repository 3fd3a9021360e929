"""Bids: requests for proposals, the bids received side by side, and choosing one, which
drafts (or rewrites the draft of) the contract."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from flask_babel import gettext as _

from app.associations.models import Association
from app.auth.models import User
from app.core import audit, clock, formatting
from app.core.errors import Conflict, InvalidTransition, ValidationError
from app.core.inputs import LONG_TEXT_MAX, length_errors
from app.extensions import db
from app.vendors import directory, insurance
from app.vendors.contracts import BILLING, create_contract, update_contract
from app.vendors.lifecycle import today_for
from app.vendors.models import Bid, Contract, RequestForProposals, contract_status


def create_rfp(association: Association, values: dict, *, actor: User) -> RequestForProposals:
    """Open a request for proposals."""
    title = str(values.get("title") or "").strip()
    scope = str(values.get("scope") or "").strip()
    category = str(values.get("category") or "").strip().lower()
    errors = length_errors(
        {"title": title, "scope": scope, "category": category},
        {"title": 200, "scope": LONG_TEXT_MAX, "category": 60},
    )
    if not title:
        errors["title"] = [_("Enter a title.")]
    if not isinstance(values.get("due_on"), date):
        errors["due_on"] = [_("Enter the date bids are due.")]
    if errors:
        raise ValidationError(errors)
    rfp = RequestForProposals(
        association_id=association.id,
        title=title,
        scope=scope,
        category=category,
        due_on=values["due_on"],
        status="open",
        created_at=clock.now(),
    )
    db.session.add(rfp)
    db.session.flush()
    audit.record(
        "rfp.created",
        actor=actor,
        association_id=association.id,
        subject_type="rfp",
        subject_id=rfp.id,
        summary=_("Requested proposals for “%(title)s”", title=title),
    )
    return rfp


def add_bid(rfp: RequestForProposals, values: dict, *, actor: User) -> Bid:
    """Enter a vendor's bid."""
    if rfp.status != "open":
        raise InvalidTransition(_("This request for proposals is %(status)s.", status=rfp.status))
    association = db.session.get(Association, rfp.association_id)
    errors: dict[str, list[str]] = {}
    try:
        vendor = directory.get_vendor_in(association, values.get("vendor_id"))
    except ValidationError as error:
        errors.update(error.errors)
        vendor = None
    try:
        price = insurance.money_value(values.get("price"), "price")
    except ValidationError as error:
        errors.update(error.errors)
        price = None
    term = values.get("term_months", 12)
    if isinstance(term, bool) or not isinstance(term, int) or not 1 <= term <= 120:
        errors["term_months"] = [_("Enter a term of 1 to 120 months.")]
    billing = str(values.get("billing") or "annual")
    if billing not in BILLING:
        errors["billing"] = [_("Choose annual, monthly or one_time.")]
    notes = str(values.get("notes") or "").strip()
    errors.update(length_errors({"notes": notes}, {"notes": LONG_TEXT_MAX}))
    if errors:
        raise ValidationError(errors)
    if any(b.vendor_id == vendor.id for b in rfp.bids):
        raise Conflict(_("%(name)s already bid; change that bid instead.", name=vendor.name))
    bid = Bid(
        rfp_id=rfp.id,
        vendor_id=vendor.id,
        price=price,
        term_months=term,
        billing=billing,
        notes=notes,
        created_at=clock.now(),
    )
    db.session.add(bid)
    db.session.flush()
    db.session.expire(rfp, ["bids"])
    audit.record(
        "rfp.bid",
        actor=actor,
        association_id=rfp.association_id,
        subject_type="rfp",
        subject_id=rfp.id,
        summary=_(
            "Entered the bid of %(vendor)s: %(price)s",
            vendor=vendor.name,
            price=formatting.money(price),
        ),
    )
    return bid


def status_label(rfp: RequestForProposals, today: date) -> str:
    """Say where a request for proposals stands, in words."""
    if rfp.status == "awarded":
        return _("bid chosen")
    if rfp.status == "cancelled":
        return _("cancelled")
    if rfp.due_on >= today:
        return _("open for bids until %(date)s", date=formatting.long_date(rfp.due_on))
    return _("bids closed %(date)s, none chosen yet", date=formatting.long_date(rfp.due_on))


def chosen_contract(rfp: RequestForProposals) -> Contract | None:
    """Return the contract the chosen bid became, if it still exists."""
    return db.session.get(Contract, rfp.contract_id) if rfp.contract_id else None


def check_choice(bid: Bid) -> Contract | None:
    """Refuse a choice the state forbids; return the draft a new choice would rewrite."""
    rfp = bid.rfp
    if rfp.status == "cancelled":
        raise InvalidTransition(_("This request for proposals is cancelled."))
    if rfp.awarded_bid_id == bid.id:
        raise Conflict(
            _("The bid of %(vendor)s is already the chosen one.", vendor=bid.vendor.name)
        )
    if not directory.is_active(bid.vendor, rfp.association_id):
        raise Conflict(
            _(
                "%(vendor)s is deactivated in this association; reactivate it before choosing "
                "its bid.",
                vendor=bid.vendor.name,
            )
        )
    draft = chosen_contract(rfp) if rfp.status == "awarded" else None
    if draft is not None and draft.status != "draft":
        raise InvalidTransition(
            _(
                "The contract “%(title)s” drafted from the chosen bid is %(status)s; another "
                "bid can be chosen only while that contract is a draft.",
                title=draft.title,
                status=contract_status(draft.status),
            )
        )
    return draft


def award_warnings(bid: Bid) -> list[str]:
    """What the manager should know before choosing this bid: bids still open, insurance
    that falls short of the category's requirements, a vendor of another category."""
    rfp = bid.rfp
    association = db.session.get(Association, rfp.association_id)
    today = today_for(association)
    warnings = []
    if rfp.status == "open" and rfp.due_on >= today:
        warnings.append(
            _(
                "Bids are still open until %(date)s; choosing now closes the request to the "
                "vendors who have not bid yet (%(count)d bids so far).",
                date=formatting.long_date(rfp.due_on),
                count=len(rfp.bids),
            )
        )
    category = rfp.category or bid.vendor.category
    check = insurance.compliance(bid.vendor, association, category)
    if not check.compliant:
        warnings.append(
            _(
                "The insurance of %(vendor)s does not meet the requirements for %(category)s: "
                "%(reasons)s",
                vendor=bid.vendor.name,
                category=category,
                reasons=" ".join(check.reasons),
            )
        )
    if rfp.category and bid.vendor.category != rfp.category:
        warnings.append(
            _(
                "%(vendor)s is listed as a %(theirs)s vendor; this request is for %(ours)s.",
                vendor=bid.vendor.name,
                theirs=bid.vendor.category,
                ours=rfp.category,
            )
        )
    return warnings


def award_replaces(bid: Bid) -> str | None:
    """Say what choosing this bid replaces (the earlier choice and its draft), or None."""
    rfp = bid.rfp
    if rfp.status != "awarded" or rfp.awarded_bid_id == bid.id:
        return None
    earlier = next((b for b in rfp.bids if b.id == rfp.awarded_bid_id), None)
    draft = chosen_contract(rfp)
    who = (
        _(
            "the bid of %(vendor)s (%(price)s)",
            vendor=earlier.vendor.name,
            price=formatting.money(earlier.price),
        )
        if earlier
        else _("the earlier choice")
    )
    if draft is not None:
        return _(
            "This replaces %(who)s: the draft contract “%(title)s” is rewritten with this "
            "bid's vendor, price and term.",
            who=who,
            title=draft.title,
        )
    return _("This replaces %(who)s; a new draft contract is made.", who=who)


def award_bid(bid: Bid, *, actor: User, start_date: date | None = None) -> Contract:
    """Choose a bid: it becomes a draft contract with the fields filled in. Choosing another
    bid while that contract is still a draft rewrites the draft (the audit log says what it
    replaced)."""
    rfp = bid.rfp
    draft = check_choice(bid)
    association = db.session.get(Association, rfp.association_id)
    replaced = award_replaces(bid)
    start = start_date or max(rfp.due_on, today_for(association)) + timedelta(days=1)
    end = _add_months(start, bid.term_months) - timedelta(days=1)
    values = {
        "vendor_id": bid.vendor_id,
        "title": rfp.title,
        "scope": rfp.scope,
        "start_date": start,
        "end_date": end,
        "amount": bid.price,
        "billing": bid.billing,
        "auto_renew": False,
        "notice_days": 60,
    }
    if draft is not None:
        values.update(title=draft.title, scope=draft.scope, notice_days=draft.notice_days)
        contract = update_contract(draft, values, actor=actor)
    else:
        contract = create_contract(association, values, actor=actor)
    rfp.status, rfp.awarded_bid_id, rfp.contract_id = "awarded", bid.id, contract.id
    summary = _(
        "Chose the bid of %(vendor)s; drafted contract %(id)d",
        vendor=bid.vendor.name,
        id=contract.id,
    )
    if replaced:
        summary = f"{summary}. {replaced}"
    audit.record(
        "rfp.awarded",
        actor=actor,
        association_id=rfp.association_id,
        subject_type="rfp",
        subject_id=rfp.id,
        summary=summary,
        data={"bid_id": bid.id, "contract_id": contract.id},
    )
    return contract


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
