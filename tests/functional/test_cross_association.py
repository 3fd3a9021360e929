"""A manager of two associations, A and B, using A's URLs with B's records: always 404.

The manager may see every record of B at B's own URLs; under A's they do not exist, for
every kind of record, on the pages and in the API, and a write there changes nothing.
"""

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from PIL import Image

from app.core import clock
from app.extensions import db
from tests import pdfs
from tests.conftest import login


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (50, 50, 50)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def b(world, app):
    """One record of every kind in association B, whose manager also manages A."""
    from app.approvals import services as approvals
    from app.associations.models import Association
    from app.auth.models import Membership, User
    from app.budgets import services as budgets
    from app.compliance import batches, inspections, ladder, rules
    from app.compliance.models import Fine
    from app.vendors import bids, contracts
    from app.vendors import services as vendors
    from tests import factories as f

    clock.freeze(datetime(2027, 3, 1, 17, 0, tzinfo=UTC))
    with app.app_context():
        association = db.session.get(Association, world.b.id)
        manager = db.session.get(User, world.manager.id)
        f.MembershipFactory(user=manager, association=association, role="manager")
        chair = f.UserFactory(name="Bruno Board")
        f.MembershipFactory(user=chair, association=association, role="board", office="president")
        owner = f.UserFactory(name="Bianca Owner")
        unit = db.session.get(type(association).units.property.mapper.class_, world.b_unit.id)
        membership = f.MembershipFactory(
            user=owner, association=association, role="owner", unit=unit
        )
        db.session.flush()
        budget = budgets.create_budget(association, fiscal_year=2028, actor=manager)
        line = budgets.add_line(
            budget,
            {"name": "Pool", "fund": "operating", "kind": "expense", "amount": "1200"},
            actor=manager,
        )
        centre = budgets.cost_centers(association)[0]
        approved = budgets.create_budget(association, fiscal_year=2027, actor=manager)
        budgets.add_line(
            approved,
            {"name": "Pool", "fund": "operating", "kind": "expense", "amount": "1200"},
            actor=manager,
        )
        # B decides budgets online here (written directly: Texas puts them at a meeting,
        # which tests/functional/test_api_meetings.py covers).
        association.board_decisions = {"budget": "online"}
        request = budgets.submit_budget(approved, actor=manager)
        approvals.cast_vote(request.id, voter=chair, choice="approve")
        from app.meetings import scheduling

        meeting = scheduling.schedule_meeting(
            association,
            kind="board",
            starts_at=datetime(2027, 3, 20, 18, 0, tzinfo=UTC),
            location="Beta hall",
            actor=manager,
        )
        rule = rules.create_rule(
            association,
            {"code": "B-1", "title": "Rule", "description": "d", "cure_days": 7, "fine_amount": 1},
            actor=manager,
        )
        inspection = inspections.create_inspection(
            association, scheduled_for=date(2027, 3, 1), actor=manager
        )
        finding = inspections.record_finding(
            inspection,
            unit_id=unit.id,
            rule_id=rule.id,
            notes="Seen",
            photos=[_jpeg()],
            actor=manager,
        )
        violation = finding.violation
        letter = ladder.issue_letter(violation, "violation", actor=manager)
        fine = Fine(amount=Decimal("1"), reason="r", status="approved", proposed_at=clock.now())
        violation.fines.append(fine)
        vendor = vendors.create_vendor(
            association, {"name": "Bee Pools", "category": "pool"}, actor=manager
        )
        document = vendors.add_document(
            vendor, title="W-9", data=pdfs.plain_pdf(), association=association, actor=manager
        )
        certificate = vendors.add_certificate(
            vendor,
            {
                "kind": "general_liability",
                "carrier": "Acme",
                "policy_number": "P",
                "coverage_amount": "1000",
                "expires_on": date(2027, 12, 31),
            },
            association=association,
            actor=manager,
            pdf=pdfs.plain_pdf(),
        )
        contract = contracts.create_contract(
            association,
            {
                "vendor_id": vendor.id,
                "title": "Pool care",
                "start_date": date(2027, 4, 1),
                "end_date": date(2027, 12, 31),
                "amount": "100",
                "billing": "monthly",
                "notice_days": 30,
            },
            actor=manager,
        )
        contracts.attach_signed_pdf(contract, pdfs.plain_pdf(), actor=manager)
        rfp = bids.create_rfp(
            association, {"title": "Fence", "due_on": date(2027, 4, 1)}, actor=manager
        )
        bid = bids.add_bid(rfp, {"vendor_id": vendor.id, "price": "500"}, actor=manager)
        db.session.commit()
        batch = batches.create_batch(association, actor=manager)
        db.session.commit()
        ids = {
            "unit": unit.id,
            "membership": membership.id,
            "budget": budget.id,
            "approved": approved.id,
            "line": line.id,
            "centre": centre.id,
            "request": request.id,
            "rule": rule.id,
            "inspection": inspection.id,
            "violation": violation.id,
            "letter": letter.id,
            "photo": finding.photos[0].id,
            "fine": fine.id,
            "batch": batch.id,
            "vendor": vendor.id,
            "document": document.id,
            "certificate": certificate.id,
            "contract": contract.id,
            "rfp": rfp.id,
            "bid": bid.id,
            "meeting": meeting.id,
        }
        assert db.session.query(Membership).filter_by(user_id=manager.id).count() == 2
        return ids


PAGES_GET = [
    "/associations/{a}/units/{unit}/edit",
    "/associations/{a}/budgets/{budget}",
    "/associations/{a}/budgets/{approved}",
    "/associations/{a}/budgets/{approved}/report.pdf",
    "/associations/{a}/budgets/{approved}/actuals",
    "/associations/{a}/budgets/{approved}/variance.pdf",
    "/associations/{a}/approvals/{request}",
    "/associations/{a}/compliance/rules/{rule}",
    "/associations/{a}/compliance/inspections/{inspection}",
    "/associations/{a}/compliance/violations/{violation}",
    "/associations/{a}/compliance/letters/{letter}.pdf",
    "/associations/{a}/compliance/photos/{photo}",
    "/associations/{a}/compliance/batches/{batch}",
    "/associations/{a}/compliance/batches/{batch}.pdf",
    "/associations/{a}/vendors/{vendor}",
    "/associations/{a}/vendors/{vendor}/documents/{document}",
    "/associations/{a}/vendors/certificates/{certificate}.pdf",
    "/associations/{a}/contracts/{contract}",
    "/associations/{a}/contracts/{contract}/signed.pdf",
    "/associations/{a}/rfps/{rfp}",
    "/associations/{a}/meetings/{meeting}",
    "/associations/{a}/meetings/{meeting}/calendar.ics",
    "/associations/{a}/approvals/{request}/meeting",
]
PAGES_POST = [
    "/associations/{a}/units/{unit}/edit",
    "/associations/{a}/units/{unit}/delete",
    "/associations/{a}/people/{membership}/remove",
    "/associations/{a}/budgets/{budget}/lines",
    "/associations/{a}/budgets/{budget}/import",
    "/associations/{a}/budgets/{budget}/copy",
    "/associations/{a}/budgets/{budget}/submit",
    "/associations/{a}/budgets/{approved}/revise",
    "/associations/{a}/budgets/{approved}/actuals",
    "/associations/{a}/approvals/{request}/vote",
    "/associations/{a}/approvals/{request}/withdraw",
    "/associations/{a}/compliance/rules/{rule}",
    "/associations/{a}/compliance/inspections/{inspection}",
    "/associations/{a}/compliance/inspections/{inspection}/close",
    "/associations/{a}/compliance/violations/{violation}/letters/courtesy",
    "/associations/{a}/compliance/violations/{violation}/hearing",
    "/associations/{a}/compliance/violations/{violation}/fine",
    "/associations/{a}/compliance/violations/{violation}/cure",
    "/associations/{a}/compliance/violations/{violation}/close",
    "/associations/{a}/compliance/fines/{fine}/paid",
    "/associations/{a}/compliance/batches/{batch}",
    "/associations/{a}/compliance/batches/{batch}/cancel",
    "/associations/{a}/my/violations/{violation}",
    "/associations/{a}/vendors/{vendor}",
    "/associations/{a}/vendors/{vendor}/documents",
    "/associations/{a}/vendors/{vendor}/interest",
    "/associations/{a}/contracts/{contract}",
    "/associations/{a}/contracts/{contract}/submit",
    "/associations/{a}/rfps/{rfp}",
    "/associations/{a}/bids/{bid}/award",
    "/associations/{a}/meetings/{meeting}/agenda",
    "/associations/{a}/meetings/{meeting}/attendance",
    "/associations/{a}/meetings/{meeting}/motions",
    "/associations/{a}/meetings/{meeting}/adjourn",
    "/associations/{a}/meetings/{meeting}/cancel",
    "/associations/{a}/approvals/{request}/meeting",
]


def _audit_count(app) -> int:
    from app.core.audit import AuditEntry

    with app.app_context():
        return db.session.query(AuditEntry).count()


@pytest.mark.parametrize("path", PAGES_GET)
def test_pages_of_a_with_records_of_b_are_not_found(world, client, b, path):
    login(client, world.manager)
    own = path.replace("{a}", "{b_aid}").format(b_aid=world.b.id, **b)
    with client.get(own) as response:  # B's own URL works for this manager
        assert response.status_code == 200, own
    with client.get(path.format(a=world.a.id, **b)) as response:
        assert response.status_code == 404


@pytest.mark.parametrize("path", PAGES_POST)
def test_writes_under_a_to_records_of_b_are_not_found_and_change_nothing(
    world, client, app, b, path
):
    login(client, world.manager)
    before = _audit_count(app)
    response = client.post(path.format(a=world.a.id, **b), data={"notes": "x", "reason": "x"})
    assert response.status_code == 404
    assert _audit_count(app) == before


API_UNDER_A = [
    ("get", "/api/v1/associations/{a}/units/{unit}", None),
    ("delete", "/api/v1/associations/{a}/members/{membership}", None),
]


@pytest.mark.parametrize(("method", "path", "body"), API_UNDER_A)
def test_api_paths_of_a_with_records_of_b_are_not_found(world, api, app, b, method, path, body):
    manager = api(world.manager)
    before = _audit_count(app)
    call = getattr(manager, method)
    response = call(path.format(a=world.a.id, **b), **({"json": body} if body else {}))
    assert response.status_code == 404
    assert response.get_json()["status"] == 404
    assert _audit_count(app) == before


def test_api_bodies_naming_records_of_b_are_refused_under_a(world, api, app, b):
    """Ids in a request body are looked up in the URL's association only."""
    manager = api(world.manager)
    aid = world.a.id
    rule = manager.post(
        f"/api/v1/associations/{aid}/rules",
        json={"code": "A-1", "title": "T", "description": "d", "cure_days": 7, "fine_amount": 5},
    ).get_json()
    inspection = manager.post(
        f"/api/v1/associations/{aid}/inspections", json={"scheduled_for": "2027-03-01"}
    ).get_json()
    budget = manager.post(f"/api/v1/associations/{aid}/budgets", json={"fiscal_year": 2028})
    budget = budget.get_json()
    rfp = manager.post(
        f"/api/v1/associations/{aid}/rfps", json={"title": "Paint", "due_on": "2027-04-01"}
    ).get_json()
    meeting = manager.post(
        f"/api/v1/associations/{aid}/meetings",
        json={"kind": "board", "starts_at": "2027-03-20T19:00:00-07:00", "location": "Hall"},
    ).get_json()
    before = _audit_count(app)
    refused = [
        (
            f"/api/v1/meetings/{meeting['id']}/agenda-items",
            {"title": "B's budget", "approval_id": b["request"]},
            "approval_id",
        ),
        (
            f"/api/v1/inspections/{inspection['id']}/findings",
            {"unit_id": b["unit"], "rule_id": rule["id"]},
            "unit_id",
        ),
        (
            f"/api/v1/inspections/{inspection['id']}/findings",
            {"unit_id": world.owner_unit.id, "rule_id": b["rule"]},
            "rule_id",
        ),
        (
            f"/api/v1/budgets/{budget['id']}/lines",
            {
                "name": "Pool",
                "fund": "operating",
                "kind": "expense",
                "amount": "10",
                "cost_center_id": b["centre"],
            },
            "cost_center_id",
        ),
        (
            f"/api/v1/associations/{aid}/contracts",
            {
                "vendor_id": b["vendor"],
                "title": "T",
                "start_date": "2027-04-01",
                "end_date": "2027-12-31",
                "amount": "1",
                "billing": "annual",
            },
            "vendor_id",
        ),
        (f"/api/v1/rfps/{rfp['id']}/bids", {"vendor_id": b["vendor"], "price": "1"}, "vendor_id"),
        (
            f"/api/v1/associations/{aid}/members",
            {"user_id": world.outsider.id, "role": "owner", "unit_id": b["unit"]},
            "unit_id",
        ),
    ]
    for url, body, field in refused:
        response = manager.post(url, json=body)
        assert response.status_code == 422, url
        assert response.get_json()["errors"][field][0].endswith("of this association."), url
    assert _audit_count(app) == before
