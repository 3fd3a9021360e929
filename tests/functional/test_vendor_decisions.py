"""Choosing a bid (confirmed, warned, saying what it replaces), deactivating vendors,
replacing and removing certificates, and the board's evidence for a contract: pages and API,
for every role."""

import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.core import clock
from app.extensions import db
from tests.conftest import login
from tests.pdfs import plain_pdf

ROLES = ["manager", "board", "owner", "outsider"]


@pytest.fixture
def setup(world, app):
    from app.associations.models import Association
    from app.auth.models import User
    from app.vendors import bids
    from app.vendors import services as vendors

    clock.freeze(datetime(2026, 12, 1, 17, 0, tzinfo=UTC))
    with app.app_context():
        association = db.session.get(Association, world.a.id)
        manager = db.session.get(User, world.manager.id)
        vendors.set_requirements(
            association,
            "tree trimming",
            [{"kind": "general_liability", "min_coverage": "2000000"}],
            actor=manager,
        )
        trees = vendors.create_vendor(
            association, {"name": "Oak & Ash", "category": "tree trimming"}, actor=manager
        )
        vendors.add_certificate(
            trees,
            {
                "kind": "general_liability",
                "carrier": "Pacific Mutual",
                "policy_number": "GL-1",
                "coverage_amount": "2000000",
                "expires_on": date(2027, 12, 31),
            },
            association=association,
            actor=manager,
        )
        pools = vendors.create_vendor(
            association, {"name": "Blue Wave Pools", "category": "pool"}, actor=manager
        )
        rfp = bids.create_rfp(
            association,
            {
                "title": "Tree trimming 2027",
                "category": "tree trimming",
                "scope": "Trim 40 oaks along the common",
                "due_on": date(2026, 12, 15),
            },
            actor=manager,
        )
        good = bids.add_bid(
            rfp, {"vendor_id": trees.id, "price": "9000", "notes": "Two crews"}, actor=manager
        )
        bad = bids.add_bid(rfp, {"vendor_id": pools.id, "price": "7000"}, actor=manager)
        db.session.commit()
        return {
            "rfp": rfp.id,
            "good": good.id,
            "bad": bad.id,
            "trees": trees.id,
            "pools": pools.id,
        }


def text_of(response):
    return response.get_data(as_text=True)


def test_choosing_a_bid_asks_first_and_warns(world, client, app, setup):
    from app.vendors.models import Contract

    login(client, world.manager)
    url = f"/associations/{world.a.id}/bids/{setup['bad']}/award"
    text = text_of(client.get(url))
    assert "Choose the bid of Blue Wave Pools?" in text
    assert "Bids are still open until December 15, 2026" in text
    assert "does not meet the requirements for tree trimming" in text
    assert "No General liability certificate on file." in text
    assert "is listed as a pool vendor; this request is for tree trimming." in text
    assert "Yes, choose this bid" in text
    with app.app_context():
        assert db.session.scalars(select(Contract)).all() == []
    rfp_page = text_of(client.get(f"/associations/{world.a.id}/rfps/{setup['rfp']}"))
    assert "Choose this bid…" in rfp_page and "open for bids until December 15, 2026" in rfp_page


def test_choosing_another_bid_says_what_it_replaces_and_rewrites_the_draft(
    world, client, app, setup
):
    from app.core.audit import AuditEntry
    from app.vendors.models import Contract

    login(client, world.manager)
    response = client.post(f"/associations/{world.a.id}/bids/{setup['good']}/award")
    assert response.status_code == 302
    with app.app_context():
        (contract,) = db.session.scalars(select(Contract)).all()
        assert (contract.vendor.name, contract.amount) == ("Oak & Ash", 9000)
        first_id = contract.id
    text = text_of(client.get(f"/associations/{world.a.id}/bids/{setup['bad']}/award"))
    assert "What it replaces:" in text
    assert "the bid of Oak &amp; Ash ($9,000.00)" in text
    assert "the draft contract “Tree trimming 2027” is rewritten" in text
    client.post(f"/associations/{world.a.id}/bids/{setup['bad']}/award")
    with app.app_context():
        (contract,) = db.session.scalars(select(Contract)).all()
        assert contract.id == first_id
        assert (contract.vendor.name, contract.amount) == ("Blue Wave Pools", 7000)
        summaries = [e.summary for e in db.session.scalars(select(AuditEntry))]
        assert any("This replaces the bid of Oak & Ash" in s for s in summaries)


def test_a_submitted_contract_blocks_another_choice(world, client, app, setup):
    from app.auth.models import User
    from app.vendors import bids, contracts
    from app.vendors.models import Bid

    with app.app_context():
        manager = db.session.get(User, world.manager.id)
        contract = bids.award_bid(db.session.get(Bid, setup["good"]), actor=manager)
        contracts.submit_contract(contract, actor=manager)
        db.session.commit()
    login(client, world.manager)
    text = text_of(client.get(f"/associations/{world.a.id}/bids/{setup['bad']}/award"))
    # The contract's status in words (as its page says it), not its code.
    assert "is waiting for the board; another bid can be chosen only while" in text
    assert "Yes, choose this bid" not in text


def test_deactivated_vendor_is_grey_excluded_and_audited(world, client, app, setup):
    from app.core.audit import AuditEntry

    login(client, world.manager)
    vendor_url = f"/associations/{world.a.id}/vendors/{setup['pools']}"
    text = text_of(client.get(vendor_url + "/deactivate"))
    assert "Deactivate Blue Wave Pools?" in text and "Tree trimming 2027" in text
    response = client.post(vendor_url + "/deactivate", data={"reason": "Lost its licence"})
    assert response.status_code == 302
    listing = text_of(client.get(f"/associations/{world.a.id}/vendors"))
    assert "vendor-inactive" in listing and "deactivated" in listing
    rfp_page = text_of(client.get(f"/associations/{world.a.id}/rfps/{setup['rfp']}"))
    assert (
        'value="{}"'.format(setup["pools"])
        not in rfp_page.split('id="vendor_id"')[1].split("</select>")[0]
    )
    award = text_of(client.get(f"/associations/{world.a.id}/bids/{setup['bad']}/award"))
    assert "deactivated in this association; reactivate it before choosing" in award
    assert client.post(f"/associations/{world.a.id}/bids/{setup['bad']}/award").status_code == 302
    new_contract = text_of(client.get(f"/associations/{world.a.id}/contracts/new"))
    choices = new_contract.split('id="vendor_id"')[1].split("</select>")[0]
    assert "Oak &amp; Ash" in choices and "Blue Wave Pools" not in choices
    assert client.post(vendor_url + "/reactivate").status_code == 302
    with app.app_context():
        actions = [
            (e.action, e.summary)
            for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]
    assert ("vendor.deactivated", "Deactivated Blue Wave Pools: Lost its licence") in actions
    assert ("vendor.reactivated", "Reactivated Blue Wave Pools") in actions
    assert not any(a == "rfp.awarded" for a, _s in actions)


def test_certificates_are_replaced_and_removed_audited(world, client, app, setup):
    from app.core.audit import AuditEntry
    from app.vendors.models import Certificate

    with app.app_context():
        certificate_id = db.session.scalar(select(Certificate.id))
    login(client, world.manager)
    base = f"/associations/{world.a.id}/vendors/{setup['trees']}/certificates/{certificate_id}"
    text = text_of(client.get(base + "/replace"))
    assert 'value="2,000,000.00"' in text and 'value="Pacific Mutual"' in text
    response = client.post(
        base + "/replace",
        data={
            "kind": "general_liability",
            "carrier": "Pacific Mutual",
            "policy_number": "GL-2",
            "coverage_amount": "3,000,000",
            "expires_on": "2028-12-31",
            "file": (io.BytesIO(plain_pdf()), "gl.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    bad = client.post(
        base + "/replace",
        data={
            "kind": "general_liability",
            "carrier": "",
            "policy_number": "GL-3",
            "coverage_amount": "1",
            "expires_on": "2028-12-31",
        },
    )
    assert bad.status_code == 422 and 'value="GL-3"' in text_of(bad)
    text = text_of(client.get(base + "/remove"))
    assert "Remove this certificate of Oak &amp; Ash?" in text and "GL-2" in text
    assert client.post(base + "/remove").status_code == 302
    with app.app_context():
        assert db.session.get(Certificate, certificate_id) is None
        summaries = {e.action: e.summary for e in db.session.scalars(select(AuditEntry))}
    assert "policy GL-1" in summaries["vendor.certificate_replaced"]
    assert "$3,000,000.00" in summaries["vendor.certificate_replaced"]
    assert "policy GL-2" in summaries["vendor.certificate_removed"]
    vendor_page = text_of(client.get(f"/associations/{world.a.id}/vendors/{setup['trees']}"))
    assert "No General liability certificate on file." in vendor_page


@pytest.mark.parametrize("role", ROLES)
def test_new_pages_by_role(world, client, app, setup, role):
    from app.vendors.models import Certificate

    with app.app_context():
        certificate_id = db.session.scalar(select(Certificate.id))
    login(client, world.user(role))
    a = world.a.id
    expected = {"manager": 200, "board": 403, "owner": 403, "outsider": 404}[role]
    for url in (
        f"/associations/{a}/bids/{setup['good']}/award",
        f"/associations/{a}/vendors/{setup['pools']}/deactivate",
        f"/associations/{a}/vendors/{setup['trees']}/certificates/{certificate_id}/replace",
        f"/associations/{a}/vendors/{setup['trees']}/certificates/{certificate_id}/remove",
    ):
        assert client.get(url).status_code == expected, url
    posted = {"manager": 302, "board": 403, "owner": 403, "outsider": 404}[role]
    response = client.post(f"/associations/{a}/vendors/{setup['pools']}/deactivate")
    assert response.status_code == posted


def test_board_sees_scope_bids_side_by_side_and_documents(world, client, app, setup):
    from app.auth.models import User
    from app.vendors import bids, contracts
    from app.vendors.models import Bid

    with app.app_context():
        manager = db.session.get(User, world.manager.id)
        contract = bids.award_bid(db.session.get(Bid, setup["good"]), actor=manager)
        contracts.attach_signed_pdf(contract, plain_pdf(), actor=manager)
        request_ = contracts.submit_contract(contract, actor=manager)
        db.session.commit()
        request_id = request_.id
    login(client, world.board)
    text = text_of(client.get(f"/associations/{world.a.id}/approvals/{request_id}"))
    assert "Scope of work" in text and "Trim 40 oaks along the common" in text
    assert "Oak &amp; Ash" in text and "$9,000.00" in text and "Two crews" in text
    assert "Blue Wave Pools" in text and "$7,000.00" in text
    assert "No General liability certificate on file." in text
    assert "chosen" in text
    assert "Signed contract (PDF)" in text
    assert "Pacific Mutual policy GL-1" in text
    login(client, world.outsider)
    assert client.get(f"/associations/{world.a.id}/approvals/{request_id}").status_code == 404


# --- the API ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_api_award_lists_warnings_by_role(world, api, setup, role):
    response = api(world.user(role)).post(f"/api/v1/bids/{setup['bad']}/award")
    expected = {"manager": 201, "board": 403, "owner": 403, "outsider": 404}[role]
    assert response.status_code == expected
    if role == "manager":
        body = response.get_json()
        assert body["status"] == "draft" and body["replaced"] is None
        assert any("Bids are still open" in w for w in body["warnings"])
        assert any("does not meet the requirements" in w for w in body["warnings"])
        again = api(world.manager).post(f"/api/v1/bids/{setup['good']}/award").get_json()
        assert again["id"] == body["id"] and "Blue Wave Pools" in again["replaced"]
        assert api(world.manager).post(f"/api/v1/bids/{setup['good']}/award").status_code == 409


@pytest.mark.parametrize("role", ROLES)
def test_api_deactivate_by_role(world, api, setup, role):
    url = f"/api/v1/associations/{world.a.id}/vendors/{setup['pools']}/deactivate"
    response = api(world.user(role)).post(url, json={"reason": "Licence lapsed"})
    expected = {"manager": 200, "board": 403, "owner": 403, "outsider": 404}[role]
    assert response.status_code == expected
    if role == "manager":
        assert response.get_json()["active"] is False
        assert api(world.manager).post(url, json={}).status_code == 409
        vendor = api(world.manager).get(f"/api/v1/vendors/{setup['pools']}").get_json()
        assert vendor["active"] is False and vendor["inactive_association_ids"] == [world.a.id]
        award = api(world.manager).post(f"/api/v1/bids/{setup['bad']}/award")
        assert award.status_code == 409
        bid = api(world.manager).post(
            f"/api/v1/rfps/{setup['rfp']}/bids", json={"vendor_id": setup["pools"], "price": 1}
        )
        assert bid.status_code == 422 and "vendor_id" in bid.get_json()["errors"]
        back = f"/api/v1/associations/{world.a.id}/vendors/{setup['pools']}/reactivate"
        assert api(world.manager).post(back, json={}).get_json()["active"] is True


@pytest.mark.parametrize("role", ROLES)
def test_api_certificate_replace_and_remove_by_role(world, api, app, setup, role):
    from app.vendors.models import Certificate

    with app.app_context():
        certificate_id = db.session.scalar(select(Certificate.id))
    url = f"/api/v1/vendors/{setup['trees']}/insurance/{certificate_id}"
    body = {
        "kind": "general_liability",
        "carrier": "Pacific Mutual",
        "policy_number": "GL-9",
        "coverage_amount": "2500000",
        "expires_on": "2028-06-30",
    }
    response = api(world.user(role)).put(url, json=body)
    expected = {"manager": 200, "board": 403, "owner": 403, "outsider": 404}[role]
    assert response.status_code == expected
    if role == "manager":
        assert response.get_json()["coverage_amount"] == "2500000.00"
        too_long = api(world.manager).put(url, json={**body, "carrier": "C" * 201})
        assert too_long.status_code == 422 and "carrier" in too_long.get_json()["errors"]
        assert api(world.manager).delete(url).status_code == 204
        assert api(world.manager).delete(url).status_code == 404
    else:
        assert api(world.user(role)).delete(url).status_code == expected


def test_api_vendor_email_and_lengths_are_422_naming_the_field(world, api, setup):
    url = f"/api/v1/associations/{world.a.id}/vendors"
    manager = api(world.manager)
    response = manager.post(
        url, json={"name": "Bad Email Vendor", "category": "pool", "email": "bad@"}
    )
    assert response.status_code == 422 and "email" in response.get_json()["errors"]
    response = manager.post(
        url, json={"name": "N" * 201, "category": "c" * 61, "phone": "5" * 41, "notes": "x" * 20001}
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) >= {"name", "category", "phone", "notes"}
    response = manager.post(
        f"/api/v1/associations/{world.a.id}/rfps",
        json={"title": "Roof", "due_on": "2027-01-31", "scope": "s" * 20001},
    )
    assert response.status_code == 422 and list(response.get_json()["errors"]) == ["scope"]
    vendor = manager.get(f"/api/v1/vendors/{setup['pools']}").get_json()
    assert vendor["compliant"] is True and vendor["requirements_set"] is False


def test_contract_without_bids_says_so_to_the_board(world, client, app, setup):
    from app.auth.models import User
    from app.vendors import contracts
    from app.vendors.models import Vendor

    with app.app_context():
        manager = db.session.get(User, world.manager.id)
        vendor = db.session.get(Vendor, setup["trees"])
        contract = contracts.create_contract(
            vendor.links[0].association,
            {
                "vendor_id": vendor.id,
                "title": "Emergency removal",
                "start_date": date(2027, 1, 1),
                "end_date": date(2027, 1, 31),
                "amount": "1200",
                "billing": "one_time",
                "notice_days": 0,
            },
            actor=manager,
        )
        request_id = contracts.submit_contract(contract, actor=manager).id
        db.session.commit()
    login(client, world.board)
    text = text_of(client.get(f"/associations/{world.a.id}/approvals/{request_id}"))
    assert "No scope was written for this contract." in text
    assert "drafted without a request for proposals: there are no competing bids" in text
    assert "No signed contract attached yet." in text


def test_deactivated_vendor_sends_no_reminders(world, app, setup):
    from app.associations.models import Association
    from app.auth.models import User
    from app.vendors import directory, reminders
    from app.vendors.models import Vendor

    clock.freeze(datetime(2027, 12, 10, 17, 0, tzinfo=UTC))  # GL-1 expires in 21 days
    with app.app_context():
        association = db.session.get(Association, world.a.id)
        vendor = db.session.get(Vendor, setup["trees"])
        directory.set_active(
            association, vendor, False, actor=db.session.get(User, world.manager.id)
        )
        db.session.commit()
        assert reminders.send_expiry_reminders() == 0
        directory.set_active(
            association, vendor, True, actor=db.session.get(User, world.manager.id)
        )
        db.session.commit()
        assert reminders.send_expiry_reminders() == 1


def test_audit_log_names_the_new_actions_in_words(world, client, app, setup):
    login(client, world.manager)
    client.post(f"/associations/{world.a.id}/vendors/{setup['pools']}/deactivate")
    text = text_of(client.get(f"/associations/{world.a.id}/audit"))
    rows = text.split("</select>")[-1]  # the entries, after the action filter
    assert ">Vendor deactivated<" in rows and "vendor.deactivated" not in rows


def test_api_contract_reports_every_bad_field_at_once(world, api, setup):
    response = api(world.manager).post(
        f"/api/v1/associations/{world.a.id}/contracts",
        json={
            "vendor_id": setup["trees"],
            "title": "T" * 201,
            "start_date": "2027-02-01",
            "end_date": "2027-01-01",
            "amount": -50,
            "billing": "annual",
            "notice_days": -3,
        },
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"title", "end_date", "amount", "notice_days"}


def test_deactivation_reason_too_long_is_kept_and_marked(world, client, app, setup):
    from app.vendors.models import VendorLink

    login(client, world.manager)
    response = client.post(
        f"/associations/{world.a.id}/vendors/{setup['pools']}/deactivate",
        data={"reason": "Lapsed " + "x" * 20000},
    )
    text = text_of(response)
    assert response.status_code == 422
    assert "Field cannot be longer than 20000 characters." in text and "Lapsed xxx" in text
    with app.app_context():
        assert all(link.active for link in db.session.scalars(select(VendorLink)))
