"""Contracts: drafting, board approval, activation, expiry and renewal, termination, bids."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.approvals import services as approvals
from app.approvals.subjects import SubjectKind, register
from app.associations.models import Association
from app.auth.models import User
from app.core import audit, clock, formatting, jobs
from app.core.errors import Conflict, InvalidTransition, NotFound, ValidationError
from app.extensions import db
from app.vendors import services as vendors
from app.vendors.models import Bid, Contract, ContractStatus, RequestForProposals

BILLING = ("annual", "monthly", "one_time")
LOCKED = (
    ContractStatus.PENDING_APPROVAL,
    ContractStatus.APPROVED,
    ContractStatus.ACTIVE,
    ContractStatus.EXPIRED,
    ContractStatus.TERMINATED,
    ContractStatus.REJECTED,
)


def _record(contract: Contract, action: str, summary: str, *, actor, data=None) -> None:
    audit.record(
        action,
        actor=actor,
        association_id=contract.association_id,
        subject_type="contract",
        subject_id=contract.id,
        summary=summary,
        data=data,
    )


def today_for(association: Association) -> date:
    """Return today in the association's time zone."""
    return clock.today(association.time_zone)


def _values(association: Association, values: dict) -> dict:
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    try:
        clean["vendor_id"] = vendors.get_vendor_in(association, values.get("vendor_id")).id
    except ValidationError as error:
        errors.update(error.errors)
    clean["title"] = str(values.get("title") or "").strip()
    if not clean["title"] or len(clean["title"]) > 200:
        errors["title"] = [_("Enter the contract's title.")]
    clean["scope"] = str(values.get("scope") or "").strip()
    for field in ("start_date", "end_date"):
        if not isinstance(values.get(field), date):
            errors[field] = [_("Enter a date such as 2027-01-01.")]
        clean[field] = values.get(field)
    if (
        "start_date" not in errors
        and "end_date" not in errors
        and clean["end_date"] < clean["start_date"]
    ):
        errors["end_date"] = [_("The end date comes before the start date.")]
    try:
        clean["amount"] = vendors.money_value(values.get("amount"), "amount")
    except ValidationError as error:
        errors.update(error.errors)
    clean["billing"] = str(values.get("billing") or "")
    if clean["billing"] not in BILLING:
        errors["billing"] = [_("Choose annual, monthly or one_time.")]
    clean["auto_renew"] = bool(values.get("auto_renew"))
    notice = values.get("notice_days", 0)
    if isinstance(notice, bool) or not isinstance(notice, int) or not 0 <= notice <= 3650:
        errors["notice_days"] = [_("Enter a number of days from 0 to 3650.")]
    clean["notice_days"] = notice
    if errors:
        raise ValidationError(errors)
    return clean


def create_contract(association: Association, values: dict, *, actor: User) -> Contract:
    """Draft a contract."""
    clean = _values(association, values)
    contract = Contract(
        association_id=association.id,
        status=ContractStatus.DRAFT.value,
        created_at=clock.now(),
        **clean,
    )
    db.session.add(contract)
    db.session.flush()
    _record(
        contract,
        "contract.created",
        _(
            "Drafted the contract “%(title)s” with %(vendor)s, %(amount)s %(billing)s",
            title=contract.title,
            vendor=contract.vendor.name,
            amount=formatting.money(contract.amount),
            billing=contract.billing,
        ),
        actor=actor,
    )
    return contract


def update_contract(contract: Contract, values: dict, *, actor: User) -> Contract:
    """Change a draft; approved contracts change only through an amendment."""
    if contract.status != ContractStatus.DRAFT:
        raise InvalidTransition(
            _(
                "This contract is %(status)s and locked; amend it instead.",
                status=contract.status.replace("_", " "),
            )
        )
    clean = _values(contract.association, values)
    changes = {}
    for field, value in clean.items():
        if getattr(contract, field) != value:
            changes[field] = [str(getattr(contract, field)), str(value)]
            setattr(contract, field, value)
    if changes:
        _record(
            contract,
            "contract.updated",
            _("Changed the draft “%(title)s”", title=contract.title),
            actor=actor,
            data=changes,
        )
    return contract


def attach_signed_pdf(contract: Contract, pdf: bytes, *, actor: User) -> None:
    """Keep the signed contract's PDF (parsed and checked for active content: core.uploads)."""
    from app.core import uploads
    from app.vendors.services import MAX_DOCUMENT_BYTES

    if not pdf.startswith(b"%PDF"):
        raise ValidationError("file", _("Attach the signed contract as a PDF."))
    uploads.check_size(pdf, MAX_DOCUMENT_BYTES, _("A signed contract"))
    uploads.check_pdf(pdf)
    contract.signed_pdf = pdf
    _record(
        contract,
        "contract.signed_pdf",
        _("Attached the signed PDF of “%(title)s”", title=contract.title),
        actor=actor,
    )


def submit_contract(contract: Contract, *, actor: User):
    """Put a draft to the board."""
    if contract.status != ContractStatus.DRAFT:
        raise InvalidTransition(
            _(
                "Only a draft goes to the board; this contract is %(status)s.",
                status=contract.status.replace("_", " "),
            )
        )
    return approvals.open_request("contract", contract, actor=actor)


def sync_contract(contract: Contract) -> Contract:
    """Apply what the calendar says: active from the start date, expired after the end date,
    or renewed for another term when it renews automatically."""
    today = today_for(contract.association)
    if contract.status == ContractStatus.APPROVED and contract.start_date <= today:
        contract.status = ContractStatus.ACTIVE.value
        _record(
            contract,
            "contract.activated",
            _(
                "“%(title)s” is active from %(date)s",
                title=contract.title,
                date=formatting.long_date(contract.start_date),
            ),
            actor=None,
        )
    while contract.status == ContractStatus.ACTIVE and contract.end_date < today:
        if contract.auto_renew:
            term = contract.end_date - contract.start_date
            contract.start_date = contract.end_date + timedelta(days=1)
            contract.end_date = contract.start_date + term
            contract.renewals += 1
            _record(
                contract,
                "contract.renewed",
                _(
                    "“%(title)s” renewed automatically until %(date)s",
                    title=contract.title,
                    date=formatting.long_date(contract.end_date),
                ),
                actor=None,
            )
        else:
            contract.status = ContractStatus.EXPIRED.value
            _record(
                contract,
                "contract.expired",
                _(
                    "“%(title)s” expired on %(date)s",
                    title=contract.title,
                    date=formatting.long_date(contract.end_date),
                ),
                actor=None,
            )
    return contract


@jobs.daily
def sync_contracts() -> None:
    """Activate, expire and renew contracts by the calendar (daily)."""
    sync_all()
    db.session.commit()


def sync_all(association_id: int | None = None) -> None:
    """Bring every approved or active contract up to date (the daily job; reads too)."""
    statement = select(Contract).where(Contract.status.in_(["approved", "active"]))
    if association_id is not None:
        statement = statement.where(Contract.association_id == association_id)
    for contract in db.session.scalars(statement):
        sync_contract(contract)


def terminate_contract(
    contract: Contract, *, reason: str, actor: User, effective: date | None = None
) -> Contract:
    """End an approved or active contract early, with a reason."""
    if contract.status not in (ContractStatus.APPROVED, ContractStatus.ACTIVE):
        raise InvalidTransition(
            _(
                "Only an approved or active contract can be terminated; this one is %(status)s.",
                status=contract.status.replace("_", " "),
            )
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("reason", _("Give the reason for terminating."))
    ended = effective or today_for(contract.association)
    contract.status = ContractStatus.TERMINATED.value
    contract.terminated_on = ended
    contract.termination_reason = reason
    _record(
        contract,
        "contract.terminated",
        _("Terminated “%(title)s”: %(reason)s", title=contract.title, reason=reason),
        actor=actor,
    )
    return contract


def _copy(contract: Contract, **overrides) -> Contract:
    fields = (
        "association_id",
        "vendor_id",
        "title",
        "scope",
        "start_date",
        "end_date",
        "amount",
        "billing",
        "auto_renew",
        "notice_days",
    )
    values = {field: getattr(contract, field) for field in fields}
    values.update(overrides)
    copy = Contract(status=ContractStatus.DRAFT.value, created_at=clock.now(), **values)
    db.session.add(copy)
    db.session.flush()
    return copy


def revise_contract(contract: Contract, *, actor: User) -> Contract:
    """Make a new draft from a rejected contract."""
    if contract.status != ContractStatus.REJECTED:
        raise InvalidTransition(_("Only a rejected contract is revised; amend an approved one."))
    revision = _copy(contract, revised_from_id=contract.id)
    _record(
        revision,
        "contract.revised",
        _("Revised the rejected “%(title)s” into a new draft", title=contract.title),
        actor=actor,
    )
    return revision


def amend_contract(contract: Contract, *, actor: User) -> Contract:
    """Start an amendment of an approved or active contract; it is approved again."""
    if contract.status not in (ContractStatus.APPROVED, ContractStatus.ACTIVE):
        raise InvalidTransition(_("Only an approved or active contract is amended."))
    if db.session.scalar(
        select(Contract.id).where(
            Contract.amends_id == contract.id, Contract.status.in_(["draft", "pending_approval"])
        )
    ):
        raise Conflict(_("An amendment of this contract is already in progress."))
    amendment = _copy(contract, amends_id=contract.id)
    _record(
        amendment,
        "contract.amendment_started",
        _("Started an amendment of “%(title)s”", title=contract.title),
        actor=actor,
    )
    return amendment


def expiring(association: Association, within_days: int) -> list[Contract]:
    """Contracts (approved or active) whose notice deadline or end date falls within N days."""
    today = today_for(association)
    horizon = today + timedelta(days=within_days)
    candidates = db.session.scalars(
        select(Contract).where(
            Contract.association_id == association.id,
            Contract.status.in_(["approved", "active"]),
            Contract.end_date >= today,
        )
    ).all()
    due = [
        c
        for c in candidates
        if today <= c.notice_deadline <= horizon or today <= c.end_date <= horizon
    ]
    return sorted(due, key=lambda c: min(d for d in (c.notice_deadline, c.end_date) if d >= today))


def decision_hint(contract: Contract, today: date) -> str:
    """Say what the manager must decide next about a contract near its end."""
    if contract.notice_deadline >= today:
        if contract.auto_renew:
            return _(
                "Renews automatically unless notice is given by %(date)s: renew, re-bid "
                "or terminate.",
                date=formatting.long_date(contract.notice_deadline),
            )
        return _(
            "Give notice by %(date)s if it is not to continue: renew, re-bid or let it end.",
            date=formatting.long_date(contract.notice_deadline),
        )
    return _("Ends on %(date)s: renew or re-bid now.", date=formatting.long_date(contract.end_date))


# --- the approval subject ---------------------------------------------------------------


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
        return vendors.interested_user_ids(subject.association_id, subject.vendor_id)

    def summary(self, subject: Contract) -> list[tuple[str, str]]:
        """What the board decides on."""
        check = vendors.compliance(subject.vendor, subject.association)
        return [
            (_("Vendor"), subject.vendor.name),
            (_("Amount"), f"{formatting.money(subject.amount)} ({subject.billing})"),
            (
                _("Term"),
                f"{formatting.long_date(subject.start_date)} – "
                f"{formatting.long_date(subject.end_date)}",
            ),
            (_("Auto-renew"), _("yes") if subject.auto_renew else _("no")),
            (_("Notice deadline"), formatting.long_date(subject.notice_deadline)),
            (_("Insurance"), _("compliant") if check.compliant else " ".join(check.reasons)),
        ]

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


# --- bids -----------------------------------------------------------------------------------


def create_rfp(association: Association, values: dict, *, actor: User) -> RequestForProposals:
    """Open a request for proposals."""
    title = str(values.get("title") or "").strip()
    errors: dict[str, list[str]] = {}
    if not title or len(title) > 200:
        errors["title"] = [_("Enter a title.")]
    if not isinstance(values.get("due_on"), date):
        errors["due_on"] = [_("Enter the date bids are due.")]
    if errors:
        raise ValidationError(errors)
    rfp = RequestForProposals(
        association_id=association.id,
        title=title,
        scope=str(values.get("scope") or "").strip(),
        category=str(values.get("category") or "").strip().lower(),
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
        vendor = vendors.get_vendor_in(association, values.get("vendor_id"))
    except ValidationError as error:
        errors.update(error.errors)
        vendor = None
    try:
        price = vendors.money_value(values.get("price"), "price")
    except ValidationError as error:
        errors.update(error.errors)
        price = None
    term = values.get("term_months", 12)
    if isinstance(term, bool) or not isinstance(term, int) or not 1 <= term <= 120:
        errors["term_months"] = [_("Enter a term of 1 to 120 months.")]
    billing = str(values.get("billing") or "annual")
    if billing not in BILLING:
        errors["billing"] = [_("Choose annual, monthly or one_time.")]
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
        notes=str(values.get("notes") or "").strip(),
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


def award_bid(bid: Bid, *, actor: User, start_date: date | None = None) -> Contract:
    """Choose a bid: it becomes a draft contract with the fields filled in."""
    rfp = bid.rfp
    if rfp.status != "open":
        raise InvalidTransition(_("This request for proposals is %(status)s.", status=rfp.status))
    association = db.session.get(Association, rfp.association_id)
    start = start_date or max(rfp.due_on, today_for(association)) + timedelta(days=1)
    end = _add_months(start, bid.term_months) - timedelta(days=1)
    contract = create_contract(
        association,
        {
            "vendor_id": bid.vendor_id,
            "title": rfp.title,
            "scope": rfp.scope,
            "start_date": start,
            "end_date": end,
            "amount": bid.price,
            "billing": bid.billing,
            "auto_renew": False,
            "notice_days": 60,
        },
        actor=actor,
    )
    rfp.status, rfp.awarded_bid_id = "awarded", bid.id
    audit.record(
        "rfp.awarded",
        actor=actor,
        association_id=rfp.association_id,
        subject_type="rfp",
        subject_id=rfp.id,
        summary=_(
            "Chose the bid of %(vendor)s; drafted contract %(id)d",
            vendor=bid.vendor.name,
            id=contract.id,
        ),
    )
    return contract


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def get_contract(contract_id: int) -> Contract:
    """Return a contract or raise NotFound."""
    contract = db.session.get(Contract, contract_id)
    if contract is None:
        raise NotFound(_("No such contract."))
    return contract
