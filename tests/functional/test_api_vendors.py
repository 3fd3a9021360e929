"""The Vendors and contracts section of the API, for every role."""

from datetime import UTC, datetime, timedelta

import pytest

from app.core import clock
from tests.pdfs import plain_pdf

ROLES = ["admin", "manager", "board", "owner", "outsider", "nobody"]
NOW = datetime(2027, 1, 10, 17, 0, tzinfo=UTC)


@pytest.fixture
def vendor_id(world, api):
    clock.freeze(NOW)
    response = api(world.manager).post(
        f"/api/v1/associations/{world.a.id}/vendors",
        json={
            "name": "GreenCo",
            "category": "landscaping",
            "email": "ops@greenco.com",
            "phone": "555-0100",
            "w9_on_file": True,
        },
    )
    assert response.status_code == 201
    return response.get_json()["id"]


def contract_body(vendor_id, **values):
    return {
        "vendor_id": vendor_id,
        "title": "Landscaping 2027",
        "start_date": "2027-02-01",
        "end_date": "2027-12-31",
        "amount": "36000.00",
        "billing": "annual",
        "auto_renew": False,
        "notice_days": 60,
        **values,
    }


@pytest.mark.parametrize("role", ROLES)
def test_create_vendor_by_role(world, api, role):
    response = api(world.user(role)).post(
        f"/api/v1/associations/{world.a.id}/vendors", json={"name": "X", "category": "pool"}
    )
    expected = {
        "admin": 201,
        "manager": 201,
        "board": 403,
        "owner": 403,
        "outsider": 404,
        "nobody": 404,
    }[role]
    assert response.status_code == expected


def test_insurance_and_compliance(world, api, vendor_id):
    manager = api(world.manager)
    response = manager.put(
        f"/api/v1/associations/{world.a.id}/insurance-requirements/landscaping",
        json={
            "requirements": [
                {"kind": "general_liability", "min_coverage": "1000000"},
                {"kind": "workers_comp", "min_coverage": 500000},
            ]
        },
    )
    assert response.status_code == 200
    body = manager.get(f"/api/v1/vendors/{vendor_id}").get_json()
    assert body["compliant"] is False and len(body["noncompliance_reasons"]) == 2
    for kind, coverage in (("general_liability", "2000000"), ("workers_comp", 500000)):
        response = manager.post(
            f"/api/v1/vendors/{vendor_id}/insurance",
            json={
                "kind": kind,
                "carrier": "Acme",
                "policy_number": "P-1",
                "coverage_amount": coverage,
                "expires_on": "2027-01-10",
            },
        )
        assert response.status_code == 201
    body = manager.get(f"/api/v1/vendors/{vendor_id}").get_json()
    assert body["compliant"] is True and body["noncompliance_reasons"] == []
    assert {c["kind"] for c in body["insurance"]} == {"general_liability", "workers_comp"}
    clock.advance(timedelta(days=1))
    manager = api(world.manager)
    body = manager.get(f"/api/v1/vendors/{vendor_id}").get_json()
    assert body["compliant"] is False
    assert "expired on January 10, 2027" in body["noncompliance_reasons"][0]
    # PUT replaces the whole list.
    manager.put(
        f"/api/v1/associations/{world.a.id}/insurance-requirements/landscaping",
        json={"requirements": []},
    )
    assert manager.get(f"/api/v1/vendors/{vendor_id}").get_json()["compliant"] is True


def test_insurance_values_are_422(world, api, vendor_id):
    response = api(world.manager).post(
        f"/api/v1/vendors/{vendor_id}/insurance",
        json={
            "kind": "life",
            "carrier": "",
            "policy_number": "P",
            "coverage_amount": "lots",
            "expires_on": "2027-01-10",
        },
    )
    assert response.status_code == 422
    assert {"kind", "carrier", "coverage_amount"} <= set(response.get_json()["errors"])


@pytest.mark.parametrize("role", ROLES)
def test_reading_a_vendor_by_role(world, api, vendor_id, role):
    response = api(world.user(role)).get(f"/api/v1/vendors/{vendor_id}")
    expected = {
        "admin": 200,
        "manager": 200,
        "board": 200,
        "owner": 403,
        "outsider": 404,
        "nobody": 404,
    }[role]
    assert response.status_code == expected


def test_contract_lifecycle(world, api, vendor_id):
    manager = api(world.manager)
    response = manager.post(
        f"/api/v1/associations/{world.a.id}/contracts", json=contract_body(vendor_id)
    )
    assert response.status_code == 201
    contract = response.get_json()
    assert contract["status"] == "draft" and contract["notice_deadline"] == "2027-11-01"
    response = manager.post(f"/api/v1/contracts/{contract['id']}/submit")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "pending_approval" and body["approval_id"]
    for member in (world.board, world.board2):
        api(member).post(
            f"/api/v1/approvals/{body['approval_id']}/votes", json={"choice": "approve"}
        )
    assert manager.get(f"/api/v1/contracts/{contract['id']}").get_json()["status"] == "approved"
    clock.freeze(datetime(2027, 2, 1, 20, 0, tzinfo=UTC))
    manager = api(world.manager)
    assert manager.get(f"/api/v1/contracts/{contract['id']}").get_json()["status"] == "active"
    response = manager.post(
        f"/api/v1/contracts/{contract['id']}/terminate", json={"reason": "Poor service"}
    )
    assert response.status_code == 200 and response.get_json()["status"] == "terminated"
    assert manager.post(f"/api/v1/contracts/{contract['id']}/submit").status_code == 409


def test_end_before_start_is_422_naming_the_field(world, api, vendor_id):
    response = api(world.manager).post(
        f"/api/v1/associations/{world.a.id}/contracts",
        json=contract_body(vendor_id, start_date="2027-06-01", end_date="2027-05-31"),
    )
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["end_date"]


def test_contract_with_a_vendor_of_another_association_is_422(world, api, vendor_id):
    other = (
        api(world.outsider)
        .post(
            f"/api/v1/associations/{world.b.id}/vendors",
            json={"name": "B Pools", "category": "pool"},
        )
        .get_json()
    )
    response = api(world.manager).post(
        f"/api/v1/associations/{world.a.id}/contracts", json=contract_body(other["id"])
    )
    assert response.status_code == 422 and "vendor_id" in response.get_json()["errors"]
    assert api(world.manager).get(f"/api/v1/vendors/{other['id']}").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_contracts_by_role(world, api, vendor_id, role):
    manager = api(world.manager)
    contract = manager.post(
        f"/api/v1/associations/{world.a.id}/contracts", json=contract_body(vendor_id)
    ).get_json()
    client = api(world.user(role))
    create = client.post(
        f"/api/v1/associations/{world.a.id}/contracts", json=contract_body(vendor_id)
    )
    read = client.get(f"/api/v1/contracts/{contract['id']}")
    expected_create = {
        "admin": 201,
        "manager": 201,
        "board": 403,
        "owner": 403,
        "outsider": 404,
        "nobody": 404,
    }[role]
    expected_read = {
        "admin": 200,
        "manager": 200,
        "board": 200,
        "owner": 403,
        "outsider": 404,
        "nobody": 404,
    }[role]  # owners see no contracts
    assert create.status_code == expected_create
    assert read.status_code == expected_read


def test_expiring_within_days(world, api, vendor_id):
    manager = api(world.manager)
    soon = manager.post(
        f"/api/v1/associations/{world.a.id}/contracts",
        json=contract_body(vendor_id, start_date="2026-01-01", end_date="2027-03-31"),
    ).get_json()
    later = manager.post(
        f"/api/v1/associations/{world.a.id}/contracts",
        json=contract_body(
            vendor_id, title="Pool", start_date="2026-01-01", end_date="2027-12-31", notice_days=30
        ),
    ).get_json()
    for contract in (soon, later):
        approval = manager.post(f"/api/v1/contracts/{contract['id']}/submit").get_json()
        for member in (world.board, world.board2):
            api(member).post(
                f"/api/v1/approvals/{approval['approval_id']}/votes", json={"choice": "approve"}
            )
    url = f"/api/v1/associations/{world.a.id}/contracts?expiring_within_days="
    assert [c["id"] for c in manager.get(url + "30").get_json()["items"]] == [soon["id"]]
    assert [c["id"] for c in manager.get(url + "365").get_json()["items"]] == [
        soon["id"],
        later["id"],
    ]
    # Inclusive of today + N: the notice deadline of `soon` is January 30, 20 days away.
    assert [c["id"] for c in manager.get(url + "20").get_json()["items"]] == [soon["id"]]
    assert manager.get(url + "19").get_json()["items"] == []


def test_recusal_by_declared_interest(world, api, vendor_id):
    response = api(world.board).post(
        f"/api/v1/vendors/{vendor_id}/interests", json={"note": "Family business"}
    )
    assert response.status_code == 201
    manager = api(world.manager)
    contract = manager.post(
        f"/api/v1/associations/{world.a.id}/contracts", json=contract_body(vendor_id)
    ).get_json()
    approval = manager.post(f"/api/v1/contracts/{contract['id']}/submit").get_json()
    vote = api(world.board).post(
        f"/api/v1/approvals/{approval['approval_id']}/votes", json={"choice": "approve"}
    )
    assert vote.status_code == 403
    body = (
        api(world.board2)
        .post(f"/api/v1/approvals/{approval['approval_id']}/votes", json={"choice": "approve"})
        .get_json()
    )
    assert body["status"] == "approved" and body["eligible_voter_ids"] == [world.board2.id]


def test_bids_side_by_side_and_award(world, api, vendor_id):
    manager = api(world.manager)
    rfp = manager.post(
        f"/api/v1/associations/{world.a.id}/rfps",
        json={"title": "Tree trimming", "scope": "All trees", "due_on": "2027-02-01"},
    ).get_json()
    other = manager.post(
        f"/api/v1/associations/{world.a.id}/vendors",
        json={"name": "Arbor Bros", "category": "landscaping"},
    ).get_json()
    for vid, price in ((vendor_id, "14500"), (other["id"], 12900)):
        assert (
            manager.post(
                f"/api/v1/rfps/{rfp['id']}/bids", json={"vendor_id": vid, "price": price}
            ).status_code
            == 201
        )
    body = manager.get(f"/api/v1/rfps/{rfp['id']}").get_json()
    assert [b["vendor_name"] for b in body["bids"]] == ["Arbor Bros", "GreenCo"]
    assert all(b["insurance_compliant"] for b in body["bids"])
    response = manager.post(f"/api/v1/bids/{body['bids'][0]['id']}/award")
    assert response.status_code == 201
    contract = response.get_json()
    assert contract["status"] == "draft" and contract["amount"] == "12900.00"
    assert contract["vendor_id"] == other["id"]
    assert api(world.owner).get(f"/api/v1/rfps/{rfp['id']}").status_code == 403


def test_vendor_documents(world, api, vendor_id):
    import io

    manager = api(world.manager)
    url = f"/api/v1/vendors/{vendor_id}/documents"
    response = manager.post(
        url,
        data={"title": "W-9 2027", "file": (io.BytesIO(plain_pdf()), "w9.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201
    document = response.get_json()
    assert document["content_type"] == "application/pdf" and document["title"] == "W-9 2027"
    assert manager.get(document["url"]).data == plain_pdf()
    response = manager.post(
        url,
        data={"title": "Virus", "file": (io.BytesIO(b"MZ\x90\x00"), "w9.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 415
    assert api(world.board).get(url).get_json()["total"] == 1
    assert api(world.owner).get(url).status_code == 403
    assert (
        api(world.board)
        .post(
            url,
            data={"title": "x", "file": (io.BytesIO(b"%PDF"), "x.pdf")},
            content_type="multipart/form-data",
        )
        .status_code
        == 403
    )
    assert api(world.outsider).get(document["url"]).status_code == 404


def test_board_sees_tax_ids_and_notes(world, api):
    vendor = (
        api(world.manager)
        .post(
            f"/api/v1/associations/{world.a.id}/vendors",
            json={
                "name": "Pools Inc",
                "category": "pool",
                "tax_id_last4": "4321",
                "notes": "Slow to invoice",
            },
        )
        .get_json()
    )
    assert (vendor["tax_id_last4"], vendor["notes"]) == ("4321", "Slow to invoice")
    body = api(world.board).get(f"/api/v1/vendors/{vendor['id']}").get_json()
    assert (body["tax_id_last4"], body["notes"]) == ("4321", "Slow to invoice")
    assert body["association_ids"] == [world.a.id] and body["compliant"] is True


def test_owners_see_nothing_of_vendors_and_contracts(world, api, app, vendor_id):
    """The vendors policy: owners see neither the directory nor any contract, decided or not."""
    manager = api(world.manager)
    contract = manager.post(
        f"/api/v1/associations/{world.a.id}/contracts", json=contract_body(vendor_id)
    ).get_json()
    approval_id = manager.post(f"/api/v1/contracts/{contract['id']}/submit").get_json()[
        "approval_id"
    ]
    for member in (world.board, world.board2):
        api(member).post(f"/api/v1/approvals/{approval_id}/votes", json={"choice": "approve"})
    assert manager.get(f"/api/v1/contracts/{contract['id']}").get_json()["status"] == "approved"
    owner = api(world.owner)
    aid = world.a.id
    for url in (
        f"/api/v1/associations/{aid}/vendors",
        f"/api/v1/vendors/{vendor_id}",
        f"/api/v1/vendors/{vendor_id}/documents",
        f"/api/v1/associations/{aid}/insurance-requirements/landscaping",
        f"/api/v1/associations/{aid}/contracts",
        f"/api/v1/associations/{aid}/contracts?expiring_within_days=365",
        f"/api/v1/contracts/{contract['id']}",
        f"/api/v1/contracts/{contract['id']}/signed.pdf",
    ):
        response = owner.get(url)
        assert response.status_code == 403, url
        assert "GreenCo" not in response.get_data(as_text=True)
    # Nor the board's decision on it.
    assert owner.get(f"/api/v1/approvals/{approval_id}").status_code == 404
    listed = owner.get(f"/api/v1/associations/{aid}/approvals").get_json()
    assert [item["subject_type"] for item in listed.get("items", [])] == []
