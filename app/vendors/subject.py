"""A contract as a subject of the board's approval: what the board reads (the terms, the
bids side by side, the documents), who is recused, and what approval does."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.approvals.subjects import SubjectKind, register
from app.core import clock, formatting
from app.extensions import db
from app.vendors import directory, insurance
from app.vendors.lifecycle import sync_contract, today_for
from app.vendors.models import Contract, ContractStatus, RequestForProposals


def _request_behind(contract: Contract) -> RequestForProposals | None:
    """Return the request for proposals a contract came from, following revisions and
    amendments back to the contract the chosen bid became."""
    seen: set[int] = set()
    while contract is not None and contract.id not in seen:
        seen.add(contract.id)
        rfp = db.session.scalar(
            select(RequestForProposals).where(RequestForProposals.contract_id == contract.id)
        )
        if rfp is not None:
            return rfp
        earlier = contract.amends_id or contract.revised_from_id
        contract = db.session.get(Contract, earlier) if earlier else None
    return None


def _billing_words(code: str) -> str:
    """Return how often a price is paid in words ("a month"), not its code ("monthly")."""
    words = {"annual": _("a year"), "monthly": _("a month"), "one_time": _("once")}
    return words.get(code, code)


class ContractSubject(SubjectKind):
    """Approving a contract; members with a declared interest in the vendor are recused."""

    kind = "contract"
    label = "Contract"

    def load(self, subject_id: int) -> Contract | None:
        """Return the contract."""
        return db.session.get(Contract, subject_id)

    def title(self, subject: Contract) -> str:
        """Return e.g. "Contract: Landscaping 2027 with GreenCo"."""
        prefix = _("Amendment") if subject.amends_id else _("Contract")
        return f"{prefix}: {subject.title} — {subject.vendor.name}"

    def recused_user_ids(self, subject: Contract) -> set[int]:
        """Board members who declared an interest in the vendor."""
        return directory.interested_user_ids(subject.association_id, subject.vendor_id)

    def summary(self, subject: Contract) -> list[tuple[str, str]]:
        """What the board decides on."""
        check = insurance.compliance(subject.vendor, subject.association)
        return [
            (_("Vendor"), subject.vendor.name),
            (
                _("Amount"),
                f"{formatting.money(subject.amount)} {_billing_words(subject.billing)}",
            ),
            (
                _("Term"),
                f"{formatting.long_date(subject.start_date)} – "
                f"{formatting.long_date(subject.end_date)}",
            ),
            (_("Auto-renew"), _("yes") if subject.auto_renew else _("no")),
            (_("Notice deadline"), formatting.long_date(subject.notice_deadline)),
            (
                _("Insurance"),
                " ".join(check.reasons)
                if not check.compliant
                else _("meets the requirements")
                if check.requirements_set
                else _("no requirements set"),
            ),
        ]

    evidence_template = "vendors/_contract_evidence.html"

    def evidence(self, subject: Contract) -> dict:
        """The scope, the bids side by side (when the contract came from a request for
        proposals; the chosen one marked), and the documents: the signed contract, the
        vendor's certificates and documents."""
        association = subject.association
        rfp = _request_behind(subject)
        words = {"annual": _("a year"), "monthly": _("a month"), "one_time": _("once")}
        bids = []
        if rfp is not None:
            category = rfp.category or None
            for bid in rfp.bids:
                check = insurance.compliance(bid.vendor, association, category)
                bids.append(
                    {
                        "vendor": bid.vendor.name,
                        "price": formatting.money(bid.price),
                        "billing": words.get(bid.billing, bid.billing),
                        "term_months": bid.term_months,
                        "insurance": _("meets the requirements")
                        if check.compliant and check.requirements_set
                        else _("no requirements set")
                        if check.compliant
                        else " ".join(check.reasons),
                        "compliant": check.compliant,
                        "notes": bid.notes,
                        "chosen": bid.id == rfp.awarded_bid_id,
                    }
                )
        vendor = subject.vendor
        return {
            "association_id": subject.association_id,
            "contract_id": subject.id,
            "scope": subject.scope,
            "rfp": {"id": rfp.id, "title": rfp.title, "due_on": rfp.due_on} if rfp else None,
            "bids": bids,
            "signed_pdf": subject.signed_pdf is not None,
            "vendor_id": vendor.id,
            "certificates": [
                {
                    "id": c.id,
                    "text": insurance.describe(c),
                    "has_pdf": c.pdf is not None,
                }
                for c in vendor.certificates
            ],
            "documents": [
                {"id": d.id, "title": d.title, "uploaded_at": d.uploaded_at}
                for d in vendor.documents
            ],
        }

    def url(self, subject: Contract) -> str:
        """Return the contract's page."""
        return url_for("vendors.contract", aid=subject.association_id, contract_id=subject.id)

    def briefs(self, subject_ids: list[int]) -> dict[int, list[str]]:
        """Each contract's amount, billing and term, in one query."""
        contracts = db.session.scalars(select(Contract).where(Contract.id.in_(subject_ids)))
        billing = {"annual": _("a year"), "monthly": _("a month"), "one_time": _("once")}
        return {
            c.id: [
                f"{formatting.money(c.amount)} {billing.get(c.billing, c.billing)}",
                f"{formatting.long_date(c.start_date)} – {formatting.long_date(c.end_date)}",
            ]
            for c in contracts
        }

    def on_submit(self, subject: Contract, request) -> None:
        """Lock the draft."""
        subject.status = ContractStatus.PENDING_APPROVAL.value
        subject.approval_id = request.id

    def on_approved(self, subject: Contract, request) -> None:
        """Approved, and active at once when the start date has come; an amendment replaces
        the contract it amends."""
        subject.status = ContractStatus.APPROVED.value
        subject.approved_at = clock.now()
        if subject.amends_id:
            original = db.session.get(Contract, subject.amends_id)
            if original.status in (ContractStatus.APPROVED, ContractStatus.ACTIVE):
                ended = today_for(original.association)
                original.status = ContractStatus.TERMINATED.value
                original.terminated_on = ended
                original.termination_reason = _("Replaced by its amendment.")
        sync_contract(subject)

    def on_rejected(self, subject: Contract, request) -> None:
        """Rejected; the manager may revise it."""
        subject.status = ContractStatus.REJECTED.value

    def on_withdrawn(self, subject: Contract, request) -> None:
        """Back to draft."""
        subject.status = ContractStatus.DRAFT.value


register(ContractSubject())
