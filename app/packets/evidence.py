"""What each decision on the agenda rests on, as plain values for the packet.

The approval engine gives every subject kind the hooks for this: ``summary()`` (the rows on
the request's page), ``evidence()`` with its ``evidence_template`` (what a board member reads
beside the vote buttons) and ``packet_template`` (the same values on paper). Every item starts
from those. A fine's evidence is its kind's own (findings, letters, hearing, the conversation
with the owner); paper adds the photos inlined, as the page links them by id. A budget and a
contract do not fill ``evidence()``; the packet gives a budget's totals and assessment (the
budget report's values) and a contract's terms beside the competing bids. Any other kind
(minutes, later hearings) prints its summary, and its ``packet_template`` where it names one.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from flask import current_app, has_request_context
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.approvals import subjects
from app.approvals.models import ApprovalRequest
from app.budgets import reports as budget_reports
from app.budgets.models import Budget
from app.compliance.models import Fine, Photo
from app.core import links, storage
from app.core.errors import NotFound
from app.extensions import db
from app.vendors import services as vendors
from app.vendors.models import Bid, Contract, RequestForProposals

# Photos printed per fine: the board sees the evidence, the packet stays a few pages.
MAX_PHOTOS = 6
PHOTO_SIDE = 800


def request_in(association_id: int, approval_id: int) -> ApprovalRequest:
    """Return the association's approval request, or raise NotFound (another's is not ours)."""
    request = db.session.get(ApprovalRequest, approval_id)
    if request is None or request.association_id != association_id:
        raise NotFound(f"No approval request {approval_id} in this association.")
    return request


def _hooks(kind, subject, item: dict[str, Any]) -> None:
    item["summary"] = kind.summary(subject)
    if kind.evidence_template or kind.packet_template:
        item["hook"] = kind.evidence(subject)


def evidence(request: ApprovalRequest) -> dict[str, Any]:
    """Return what a decision rests on: its title, status, the subject's summary rows, the
    engine's evidence hook, and the subject type's own detail under ``detail``."""
    kind = subjects.kind_of(request.subject_type)
    subject = kind.load(request.subject_id)
    item: dict[str, Any] = {
        "approval_id": request.id,
        "subject_type": request.subject_type,
        "title": request.title,
        "status": request.status,
        "required": request.required,
        "rule": request.threshold_label,
        "summary": [],
        "hook": {},
        "paper_template": None,
        "show_summary": True,
        "detail": None,
    }
    if subject is None:
        return item
    if has_request_context():
        _hooks(kind, subject, item)
    else:
        # In the packet job: the hooks are written for pages and may build links with
        # url_for (a budget's report), which needs a request for the site's address, as
        # mail built in a job has (core.links).
        with current_app.test_request_context(base_url=links.base_url()):
            _hooks(kind, subject, item)
    item["paper_template"] = kind.packet_template or PAPER_TEMPLATES.get(request.subject_type)
    # A budget's and a contract's paper evidence restate their summary in full.
    item["show_summary"] = request.subject_type not in ("budget", "contract")
    builder = _DETAIL.get(request.subject_type)
    if builder is not None:
        item["detail"] = builder(subject, item["hook"])
    return item


# --- budget -------------------------------------------------------------------------------


def budget_detail(budget: Budget, hook: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return a budget's totals, its assessment by unit type and its expense chart, the same
    values the budget report prints."""
    context = budget_reports.budget_context(budget)
    return {
        "fiscal_year": budget.fiscal_year,
        "version": budget.version,
        "period": context["period"],
        "totals": context["totals"],
        "type_rows": context["type_rows"],
        "per_unit": context["per_unit"],
        "per_unit_annual": context["per_unit_annual"],
        "timing": context["timing"],
        "chart": context["chart"],
    }


# --- contract -----------------------------------------------------------------------------


def competing_bids(contract: Contract) -> list[Bid]:
    """Return the bids of the request for proposals this contract was awarded from (the
    request names the contract its chosen bid became); a contract drafted without bids has
    none."""
    rfp = db.session.scalars(
        select(RequestForProposals)
        .where(
            RequestForProposals.association_id == contract.association_id,
            RequestForProposals.contract_id == contract.id,
        )
        .order_by(RequestForProposals.id.desc())
        .limit(1)
        .options(selectinload(RequestForProposals.bids).selectinload(Bid.vendor))
    ).first()
    return list(rfp.bids) if rfp is not None else []


def contract_detail(contract: Contract, hook: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return a contract's terms and the competing bids side by side (cheapest first)."""
    bids = competing_bids(contract)
    association = contract.association
    chosen = next((b for b in bids if b.vendor_id == contract.vendor_id), None)
    insurance = vendors.compliance(contract.vendor, association)
    lowest = min((b.price for b in bids), default=None)
    return {
        "title": contract.title,
        "vendor": contract.vendor.name,
        "scope": contract.scope,
        "amount": contract.amount,
        "billing": contract.billing,
        "start_date": contract.start_date,
        "end_date": contract.end_date,
        "auto_renew": contract.auto_renew,
        "notice_days": contract.notice_days,
        "notice_deadline": contract.notice_deadline,
        "amends": contract.amends_id is not None,
        "insured": insurance.compliant,
        "insurance_reasons": insurance.reasons,
        "bids": [
            {
                "vendor": bid.vendor.name,
                "price": bid.price,
                "billing": bid.billing,
                "term_months": bid.term_months,
                "notes": bid.notes,
                "chosen": bid is chosen,
                "lowest": bid.price == lowest,
                "insured": vendors.compliance(bid.vendor, association).compliant,
            }
            for bid in sorted(bids, key=lambda b: (b.price, b.id))
        ],
    }


# --- fine ---------------------------------------------------------------------------------


def _photo(stored_name: str) -> str | None:
    """Return a stored photo as a data: URL for print, or None if its file is gone."""
    try:
        data = storage.read_photo_for_print(stored_name, max_side=PHOTO_SIDE)
    except OSError:
        current_app.logger.warning("Photo %s is missing from storage", stored_name)
        return None
    return f"data:image/jpeg;base64,{base64.b64encode(data).decode()}"


def fine_detail(fine: Fine, hook: dict[str, Any]) -> dict[str, Any]:
    """Return what paper adds to the fine's own evidence (``FineSubject.evidence``, which names
    photos by id for the page to link): the photos themselves, inlined, and the rule's text."""
    wanted = [
        *(pid for finding in hook.get("findings", []) for pid in finding["photos"]),
        *(pid for message in hook.get("messages", []) for pid in message["photos"]),
    ][:MAX_PHOTOS]
    stored = dict(
        db.session.execute(
            select(Photo.id, Photo.stored_name).where(
                Photo.id.in_(wanted), Photo.association_id == fine.violation.association_id
            )
        ).all()
    )
    photos = {}
    for photo_id in wanted:
        uri = _photo(stored[photo_id]) if photo_id in stored else None
        if uri:
            photos[photo_id] = uri
    rule = fine.violation.rule
    return {
        "photos": photos,
        "left_out": max(
            0,
            sum(len(f["photos"]) for f in hook.get("findings", []))
            + sum(len(m["photos"]) for m in hook.get("messages", []))
            - len(wanted),
        ),
        "rule_text": rule.description,
        "rule_section": rule.ccr_section,
    }


# What paper adds for a kind, given the subject and its evidence() values.
_DETAIL: dict[str, Callable[[Any, dict[str, Any]], dict[str, Any]]] = {
    "budget": budget_detail,
    "contract": contract_detail,
    "fine": fine_detail,
}
# The paper partial of each kind that has not named its own ``packet_template``.
PAPER_TEMPLATES = {
    "budget": "packets/evidence/budget.html",
    "contract": "packets/evidence/contract.html",
    "fine": "packets/evidence/fine.html",
}
