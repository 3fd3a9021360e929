"""Contracts: drafting and editing, the signed PDF, submission to the board, revising a
rejected contract and amending an approved one. The calendar's part is ``lifecycle``; the
board's, ``subject``; bids, ``bids``."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from app.approvals import services as approvals
from app.associations.models import Association
from app.auth.models import User
from app.core import clock, formatting
from app.core.errors import Conflict, InvalidTransition, NotFound, ValidationError
from app.core.inputs import LONG_TEXT_MAX, length_errors
from app.extensions import db
from app.vendors import directory, insurance
from app.vendors import subject as _subject  # noqa: F401  (registers the approval subject)
from app.vendors.lifecycle import (  # noqa: F401  (part of this module's interface)
    _record,
    decision_hint,
    expiring,
    sync_all,
    sync_contract,
    terminate_contract,
    today_for,
)
from app.vendors.models import Contract, ContractStatus, contract_status

BILLING = ("annual", "monthly", "one_time")
LOCKED = (
    ContractStatus.PENDING_APPROVAL,
    ContractStatus.APPROVED,
    ContractStatus.ACTIVE,
    ContractStatus.EXPIRED,
    ContractStatus.TERMINATED,
    ContractStatus.REJECTED,
)


def clean_values(association: Association, values: dict) -> dict:
    """Return a contract's checked values, or raise ValidationError naming every bad field."""
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    try:
        clean["vendor_id"] = directory.get_vendor_in(association, values.get("vendor_id")).id
    except ValidationError as error:
        errors.update(error.errors)
    clean["title"] = str(values.get("title") or "").strip()
    clean["scope"] = str(values.get("scope") or "").strip()
    errors.update(length_errors(clean, {"title": 200, "scope": LONG_TEXT_MAX}))
    if not clean["title"]:
        errors["title"] = [_("Enter the contract's title.")]
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
        clean["amount"] = insurance.money_value(values.get("amount"), "amount")
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
    clean = clean_values(association, values)
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
                status=contract_status(contract.status),
            )
        )
    clean = clean_values(contract.association, values)
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
    from app.vendors.directory import MAX_DOCUMENT_BYTES

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
                status=contract_status(contract.status),
            )
        )
    return approvals.open_request("contract", contract, actor=actor)


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


def get_contract(contract_id: int) -> Contract:
    """Return a contract or raise NotFound."""
    contract = db.session.get(Contract, contract_id)
    if contract is None:
        raise NotFound(_("No such contract."))
    return contract
