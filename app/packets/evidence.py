"""What each decision on the agenda rests on, as plain values for the packet.

The approval engine already gives every subject kind two hooks for this: ``summary()`` (the
rows on the request's page) and ``evidence()`` with its ``evidence_template`` (what a board
member reads beside the vote buttons). Every item here starts from those; where a kind does
not fill ``evidence()`` yet, the packet adds what the board needs on paper: a budget's totals
and assessment, a contract's terms beside the competing bids, a fine's photos and the owner's
answers. Any other kind (minutes, later hearings) shows its title and summary.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.approvals import subjects
from app.approvals.models import ApprovalRequest
from app.budgets import reports as budget_reports
from app.budgets.models import Budget
from app.compliance.models import Fine, Violation
from app.core import storage
from app.core.errors import NotFound
from app.extensions import db
from app.vendors import services as vendors
from app.vendors.models import Bid, Contract, RequestForProposals

LETTER_LABELS = {
    "courtesy": _l("Courtesy letter"),
    "violation": _l("Notice of violation"),
    "hearing": _l("Notice of hearing"),
    "fine": _l("Notice of fine"),
    "closure": _l("Closure letter"),
}
# Photos printed per fine: the board sees the evidence, the packet stays a few pages.
MAX_PHOTOS = 6
PHOTO_SIDE = 800


def request_in(association_id: int, approval_id: int) -> ApprovalRequest:
    """Return the association's approval request, or raise NotFound (another's is not ours)."""
    request = db.session.get(ApprovalRequest, approval_id)
    if request is None or request.association_id != association_id:
        raise NotFound(f"No approval request {approval_id} in this association.")
    return request


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
        "hook_template": None,
        "detail": None,
    }
    if subject is None:
        return item
    item["summary"] = kind.summary(subject)
    if kind.evidence_template or kind.packet_template:
        item["hook"] = kind.evidence(subject)
    item["hook_template"] = kind.packet_template
    builder = _DETAIL.get(request.subject_type)
    if builder is not None:
        item["detail"] = builder(subject)
    return item


# --- budget -------------------------------------------------------------------------------


def budget_detail(budget: Budget) -> dict[str, Any]:
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
    """Return the bids of the request for proposals this contract was awarded from.

    Awarding a bid copies the request's title and scope into the draft contract and names the
    chosen bid on the request; a contract matches a request whose chosen bid is from the
    contract's vendor and whose title or scope it still carries. A contract drafted without
    bids has none.
    """
    awarded = db.session.scalars(
        select(RequestForProposals)
        .where(
            RequestForProposals.association_id == contract.association_id,
            RequestForProposals.status == "awarded",
        )
        .order_by(RequestForProposals.id.desc())
        .options(selectinload(RequestForProposals.bids).selectinload(Bid.vendor))
    ).all()
    for rfp in awarded:
        chosen = next((b for b in rfp.bids if b.id == rfp.awarded_bid_id), None)
        if chosen is None or chosen.vendor_id != contract.vendor_id:
            continue
        if rfp.title == contract.title or (rfp.scope and rfp.scope == contract.scope):
            return list(rfp.bids)
    return []


def contract_detail(contract: Contract) -> dict[str, Any]:
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


def fine_detail(fine: Fine) -> dict[str, Any]:
    """Return a fine's violation: the rule, what was seen (with photos), the letters sent,
    the hearing, and the owner's answers (with their photos)."""
    violation = db.session.scalar(
        select(Violation)
        .where(Violation.id == fine.violation_id)
        .options(
            selectinload(Violation.findings),
            selectinload(Violation.responses),
            selectinload(Violation.letters),
        )
    )
    time_zone = violation.association.time_zone
    budget = MAX_PHOTOS
    findings = []
    for finding in violation.findings:
        photos = []
        for photo in finding.photos[:budget]:
            uri = _photo(photo.stored_name)
            if uri:
                photos.append(uri)
        budget -= len(photos)
        findings.append(
            {
                "observed_on": finding.observed_on,
                "notes": finding.notes,
                "reinspection": finding.reinspection,
                "photos": photos,
            }
        )
    answers = []
    for response in violation.responses:
        photos = []
        for photo in response.photos[: max(budget, 0)]:
            uri = _photo(photo.stored_name)
            if uri:
                photos.append(uri)
        budget -= len(photos)
        answers.append(
            {
                "name": response.user.name,
                "at": response.created_at,
                "message": response.message,
                "request_hearing": response.request_hearing,
                "photos": photos,
            }
        )
    hearing = violation.hearing
    return {
        "amount": fine.amount,
        "reason": fine.reason,
        "rule": {
            "code": violation.rule.code,
            "title": violation.rule.title,
            "text": violation.rule.description,
            "section": violation.rule.ccr_section,
        },
        "unit": f"{violation.unit.label}, {violation.unit.street_address}",
        "opened_on": violation.opened_on,
        "cure_by": violation.cure_by,
        "is_repeat": violation.is_repeat,
        "findings": findings,
        "letters": [
            {
                "kind": letter.kind,
                "label": str(LETTER_LABELS.get(letter.kind, letter.kind)),
                "issued_on": letter.issued_on,
            }
            for letter in violation.letters
        ],
        "hearing": {
            "scheduled_at": hearing.scheduled_at,
            "location": hearing.location,
            "notes": hearing.notes,
        }
        if hearing is not None
        else None,
        "answers": answers,
        "time_zone": time_zone,
    }


_DETAIL: dict[str, Callable[[Any], dict[str, Any]]] = {
    "budget": budget_detail,
    "contract": contract_detail,
    "fine": fine_detail,
}
