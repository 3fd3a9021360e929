"""Vendors, insurance compliance, reminders, contracts over their life, bids."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from app.approvals import services as approvals
from app.core import clock
from app.core.errors import Conflict, InvalidTransition, NotAllowed, ValidationError
from app.extensions import db
from app.vendors import bids, contracts
from app.vendors import services as vendors

NOW = datetime(2027, 1, 10, 17, 0, tzinfo=UTC)


@pytest.fixture
def vendor(world):
    clock.freeze(NOW)
    return vendors.create_vendor(
        world.a,
        {
            "name": "GreenCo Landscaping",
            "category": "Landscaping",
            "email": "ops@greenco.com",
            "w9_on_file": True,
            "tax_id_last4": "1234",
        },
        actor=world.manager,
    )


def certificate(world, vendor, kind="general_liability", coverage="1000000", expires=None):
    return vendors.add_certificate(
        vendor,
        {
            "kind": kind,
            "carrier": "Acme Mutual",
            "policy_number": "GL-1",
            "coverage_amount": coverage,
            "expires_on": expires or date(2027, 6, 30),
        },
        association=world.a,
        actor=world.manager,
    )


def test_vendor_values_are_checked(world):
    with pytest.raises(ValidationError) as info:
        vendors.create_vendor(
            world.a,
            {"name": "", "category": "", "tax_id_last4": "12a4", "email": "nope"},
            actor=world.manager,
        )
    assert set(info.value.errors) == {"name", "category", "tax_id_last4", "email"}


def test_compliance_needs_every_required_kind_valid_and_sufficient(world, vendor):
    vendors.set_requirements(
        world.a,
        "landscaping",
        [
            {"kind": "general_liability", "min_coverage": "1000000"},
            {"kind": "workers_comp", "min_coverage": 500000},
        ],
        actor=world.manager,
    )
    check = vendors.compliance(vendor, world.a)
    assert not check.compliant
    assert check.reasons == [
        "No General liability certificate on file.",
        "No Workers' compensation certificate on file.",
    ]
    certificate(world, vendor, coverage="500000")
    certificate(world, vendor, kind="workers_comp", coverage="500000", expires=date(2027, 1, 9))
    reasons = vendors.compliance(vendor, world.a).reasons
    assert reasons == [
        "General liability coverage of $500,000.00 is below the required $1,000,000.00.",
        "Workers' compensation expired on January 9, 2027.",
    ]
    certificate(world, vendor, coverage="2000000")
    certificate(
        world, vendor, kind="workers_comp", coverage="500000", expires=date(2027, 1, 10)
    )  # valid through its expiry day
    assert vendors.compliance(vendor, world.a).compliant
    clock.advance(timedelta(days=1))
    assert not vendors.compliance(vendor, world.a).compliant


def test_no_requirements_means_compliant_and_put_replaces(world, vendor):
    assert vendors.compliance(vendor, world.a).compliant
    vendors.set_requirements(
        world.a, "landscaping", [{"kind": "auto", "min_coverage": 1}], actor=world.manager
    )
    assert not vendors.compliance(vendor, world.a).compliant
    vendors.set_requirements(world.a, "landscaping", [], actor=world.manager)
    assert vendors.compliance(vendor, world.a).compliant


def test_a_vendor_serves_several_associations_once(world, vendor):
    from tests import factories as f

    f.MembershipFactory(user=world.manager, association=world.b, role="manager")
    db.session.flush()
    from app.auth import policies

    policies.forget_memberships()
    vendors.link_vendor(world.b, vendor, actor=world.manager)
    assert {link.association_id for link in vendor.links} == {world.a.id, world.b.id}
    with pytest.raises(Conflict):
        vendors.link_vendor(world.b, vendor, actor=world.manager)


def test_expiry_reminders_once_per_threshold(world, vendor, app):
    certificate(world, vendor, expires=date(2027, 3, 1))  # 50 days away
    app.extensions["mail_outbox"] = []
    assert vendors.send_expiry_reminders() == 1
    assert vendors.send_expiry_reminders() == 0  # no duplicate
    messages = app.extensions["mail_outbox"]
    assert [m["To"] for m in messages] == [world.manager.email]
    assert "expires in 50 days" in messages[0]["Subject"]
    clock.advance(timedelta(days=25))  # now 25 days away: the 30-day threshold
    assert vendors.send_expiry_reminders() == 1
    assert vendors.send_expiry_reminders() == 0
    assert len(app.extensions["mail_outbox"]) == 2


# --- contracts ------------------------------------------------------------------------------


def draft(world, vendor, **values):
    defaults = {
        "vendor_id": vendor.id,
        "title": "Landscaping 2027",
        "scope": "Weekly",
        "start_date": date(2027, 2, 1),
        "end_date": date(2027, 12, 31),
        "amount": "36000",
        "billing": "annual",
        "auto_renew": False,
        "notice_days": 60,
    }
    return contracts.create_contract(world.a, {**defaults, **values}, actor=world.manager)


def approve(world, contract):
    request = contracts.submit_contract(contract, actor=world.manager)
    for member in (world.board, world.board2):
        if request.is_pending:
            approvals.cast_vote(request.id, voter=member, choice="approve")
    return request


def test_end_before_start_names_end_date(world, vendor):
    with pytest.raises(ValidationError) as info:
        draft(world, vendor, end_date=date(2027, 1, 1))
    assert list(info.value.errors) == ["end_date"]


def test_notice_deadline(world, vendor):
    assert draft(world, vendor).notice_deadline == date(2027, 11, 1)


def test_approval_then_activation_on_the_start_date(world, vendor):
    contract = draft(world, vendor)
    approve(world, contract)
    assert contract.status == "approved"
    clock.freeze(datetime(2027, 2, 1, 12, 0, tzinfo=UTC))  # Feb 1 in Los Angeles
    contracts.sync_all()
    assert contract.status == "active"


def test_approval_after_the_start_date_is_active_at_once(world, vendor):
    contract = draft(world, vendor, start_date=date(2027, 1, 1))
    approve(world, contract)
    assert contract.status == "active"


def test_expiry_and_auto_renewal(world, vendor):
    ends = draft(world, vendor, start_date=date(2026, 1, 1), end_date=date(2027, 1, 31))
    renews = draft(
        world,
        vendor,
        title="Pool",
        start_date=date(2026, 2, 1),
        end_date=date(2027, 1, 31),
        auto_renew=True,
    )
    approve(world, ends)
    approve(world, renews)
    assert ends.status == renews.status == "active"
    clock.freeze(datetime(2027, 2, 1, 20, 0, tzinfo=UTC))
    contracts.sync_all()
    assert ends.status == "expired"
    assert renews.status == "active" and renews.renewals == 1
    assert (renews.start_date, renews.end_date) == (date(2027, 2, 1), date(2028, 1, 31))


def test_interested_board_member_is_recused(world, vendor):
    vendors.declare_interest(world.a, vendor, user=world.board, note="My brother-in-law")
    contract = draft(world, vendor)
    request = contracts.submit_contract(contract, actor=world.manager)
    assert request.eligible_voter_ids == [world.board2.id] and request.required == 1
    with pytest.raises(NotAllowed):
        approvals.cast_vote(request.id, voter=world.board, choice="approve")


STATUSES = ["draft", "pending_approval", "approved", "active", "expired", "terminated", "rejected"]
ACTIONS = ["update", "submit", "terminate", "revise", "amend"]
ALLOWED = {
    "draft": {"update", "submit"},
    "pending_approval": set(),
    "approved": {"terminate", "amend"},
    "active": {"terminate", "amend"},
    "expired": set(),
    "terminated": set(),
    "rejected": {"revise"},
}


def _contract_in(world, vendor, status):
    if status == "draft":
        return draft(world, vendor)
    if status == "pending_approval":
        contract = draft(world, vendor)
        contracts.submit_contract(contract, actor=world.manager)
        return contract
    if status == "rejected":
        contract = draft(world, vendor)
        request = contracts.submit_contract(contract, actor=world.manager)
        approvals.cast_vote(request.id, voter=world.board, choice="reject")
        return contract
    start = date(2026, 1, 1) if status in ("active", "expired") else date(2027, 3, 1)
    end = date(2027, 1, 5) if status == "expired" else date(2027, 12, 31)
    contract = draft(world, vendor, start_date=start, end_date=end)
    approve(world, contract)
    if status == "terminated":
        contracts.terminate_contract(contract, reason="Poor service", actor=world.manager)
    return contract


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("status", STATUSES)
def test_every_contract_status_and_action(world, vendor, status, action):
    contract = _contract_in(world, vendor, status)
    assert contract.status == status

    def act():
        if action == "update":
            return contracts.update_contract(
                contract,
                {
                    "vendor_id": vendor.id,
                    "title": "Changed",
                    "start_date": contract.start_date,
                    "end_date": contract.end_date,
                    "amount": "1",
                    "billing": "annual",
                    "notice_days": 0,
                },
                actor=world.manager,
            )
        if action == "submit":
            return contracts.submit_contract(contract, actor=world.manager)
        if action == "terminate":
            return contracts.terminate_contract(contract, reason="Moving on", actor=world.manager)
        if action == "revise":
            return contracts.revise_contract(contract, actor=world.manager)
        return contracts.amend_contract(contract, actor=world.manager)

    before = (contract.status, contract.title, contract.amount)
    if action in ALLOWED[status]:
        result = act()
        db.session.flush()
        if action == "update":
            assert (contract.status, contract.title, contract.amount) == ("draft", "Changed", 1)
        elif action == "submit":
            assert contract.status == "pending_approval" and result.status == "pending"
            assert contract.approval_id == result.id
        elif action == "terminate":
            assert contract.status == "terminated" and contract.termination_reason == "Moving on"
        else:  # revise, amend: a new draft; the contract itself stays as it was
            assert result.id != contract.id and result.status == "draft"
            assert (result.title, result.amount) == (contract.title, contract.amount)
            assert result.amends_id == (contract.id if action == "amend" else None)
            assert (contract.status, contract.title, contract.amount) == before
    else:
        # The status in words, as the contract's page says it (not its stored code).
        label = {
            "draft": "draft",
            "pending_approval": "waiting for the board",
            "approved": "approved, not started",
            "active": "in force",
            "expired": "ended",
            "terminated": "terminated",
            "rejected": "rejected by the board",
        }[status]
        message = {
            "update": f"This contract is {label} and locked; amend it instead.",
            "submit": f"Only a draft goes to the board; this contract is {label}.",
            "terminate": (
                f"Only an approved or active contract can be terminated; this one is {label}."
            ),
            "revise": "Only a rejected contract is revised; amend an approved one.",
            "amend": "Only an approved or active contract is amended.",
        }[action]
        with pytest.raises(InvalidTransition) as info:
            act()
        assert type(info.value) is InvalidTransition and info.value.message == message
        assert (contract.status, contract.title, contract.amount) == before


def test_an_approved_amendment_replaces_the_contract(world, vendor):
    contract = _contract_in(world, vendor, "active")
    amendment = contracts.amend_contract(contract, actor=world.manager)
    contracts.update_contract(
        amendment,
        {
            "vendor_id": vendor.id,
            "title": contract.title,
            "start_date": contract.start_date,
            "end_date": contract.end_date,
            "amount": "40000",
            "billing": "annual",
            "notice_days": 60,
        },
        actor=world.manager,
    )
    approve(world, amendment)
    assert amendment.status == "active" and amendment.amount == Decimal("40000.00")
    assert contract.status == "terminated"


def test_renewal_radar(world, vendor):
    soon = draft(
        world, vendor, start_date=date(2026, 1, 1), end_date=date(2027, 3, 31), notice_days=60
    )  # notice deadline January 30
    later = draft(
        world,
        vendor,
        title="Later",
        start_date=date(2026, 1, 1),
        end_date=date(2027, 12, 31),
        notice_days=30,
    )
    approve(world, soon)
    approve(world, later)
    assert contracts.expiring(world.a, 30) == [soon]
    assert contracts.expiring(world.a, 365) == [soon, later]
    assert "Give notice by January 30, 2027" in contracts.decision_hint(soon, clock.today())


def test_bid_becomes_a_draft_contract(world, vendor):
    rfp = bids.create_rfp(
        world.a,
        {"title": "Tree trimming 2027", "scope": "All trees", "due_on": date(2027, 2, 1)},
        actor=world.manager,
    )
    other = vendors.create_vendor(
        world.a, {"name": "Arbor Bros", "category": "landscaping"}, actor=world.manager
    )
    bid = bids.add_bid(
        rfp, {"vendor_id": vendor.id, "price": "14500", "term_months": 12}, actor=world.manager
    )
    bids.add_bid(
        rfp, {"vendor_id": other.id, "price": "12900", "term_months": 12}, actor=world.manager
    )
    with pytest.raises(Conflict):
        bids.add_bid(rfp, {"vendor_id": vendor.id, "price": "1"}, actor=world.manager)
    contract = bids.award_bid(bid, actor=world.manager)
    assert (contract.status, contract.vendor_id, contract.title, contract.amount) == (
        "draft",
        vendor.id,
        "Tree trimming 2027",
        Decimal("14500.00"),
    )
    assert (contract.start_date, contract.end_date) == (date(2027, 2, 2), date(2028, 2, 1))
    assert rfp.status == "awarded"
