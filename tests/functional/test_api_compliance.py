"""The Compliance section of the API, for every role and a member of another association."""

import hashlib
import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from pypdf import PdfReader

from app.core import clock
from tests import pdfs
from tests.arc_helpers import approved_request

ROLES = ["admin", "manager", "board", "owner", "outsider", "nobody"]
START = datetime(2027, 3, 1, 17, 0, tzinfo=UTC)
RULE = {
    "code": "LND-2",
    "title": "Lawn care",
    "description": "Lawns are kept mowed.",
    "cure_days": 10,
    "fine_amount": 75,
    "repeat_fine_amount": "150.00",
    "repeat_window_days": 180,
}


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 120, 0)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def violation(world, api):
    """A violation of LND-2 at unit 12B, found on March 1, 2027 (frozen clock)."""
    clock.freeze(START)
    manager = api(world.manager)
    rule = manager.post(f"/api/v1/associations/{world.a.id}/rules", json=RULE)
    assert rule.status_code == 201 and rule.get_json()["fine_amount"] == "75.00"
    inspection = manager.post(
        f"/api/v1/associations/{world.a.id}/inspections", json={"scheduled_for": "2027-03-01"}
    )
    assert inspection.status_code == 201
    assert inspection.get_json()["status"] == "open"
    finding = manager.post(
        f"/api/v1/inspections/{inspection.get_json()['id']}/findings",
        json={
            "unit_id": world.owner_unit.id,
            "rule_id": rule.get_json()["id"],
            "notes": "Grass 30 cm",
        },
    )
    assert finding.status_code == 201
    body = finding.get_json()
    assert body["violation_status"] == "open"
    return {
        "id": body["violation_id"],
        "rule_id": rule.get_json()["id"],
        "inspection_id": inspection.get_json()["id"],
    }


def test_violation_shape_and_ladder(world, api, violation):
    manager = api(world.manager)
    body = manager.get(f"/api/v1/violations/{violation['id']}").get_json()
    assert body["status"] == "open" and body["cure_by"] is None and body["hearing"] is None
    assert body["unit_id"] == world.owner_unit.id and body["rule_id"] == violation["rule_id"]
    assert body["letters"] == [] and body["fines"] == []
    response = manager.post(
        f"/api/v1/violations/{violation['id']}/letters", json={"kind": "violation"}
    )
    assert response.status_code == 201
    letter = response.get_json()
    assert letter["kind"] == "violation" and letter["issued_on"] == "2027-03-01"
    pdf = manager.get(f"/api/v1/letters/{letter['id']}/pdf")
    assert pdf.mimetype == "application/pdf"
    assert hashlib.sha256(pdf.data).hexdigest() == letter["sha256"]
    assert manager.get(f"/api/v1/letters/{letter['id']}/pdf").data == pdf.data
    body = manager.get(f"/api/v1/violations/{violation['id']}").get_json()
    assert body["status"] == "noticed" and body["cure_by"] == "2027-03-11"
    assert body["letters"][0]["sha256"] == letter["sha256"]


def test_out_of_order_letters_are_409(world, api, violation):
    manager = api(world.manager)
    url = f"/api/v1/violations/{violation['id']}/letters"
    assert manager.post(url, json={"kind": "courtesy"}).status_code == 201
    response = manager.post(url, json={"kind": "violation"})
    assert response.status_code == 409
    assert "It becomes possible on March 12, 2027." in response.get_json()["detail"]
    assert manager.post(url, json={"kind": "hearing"}).status_code == 409
    assert manager.post(url, json={"kind": "fine"}).status_code == 409
    response = manager.post(url, json={"kind": "sonnet"})
    assert response.status_code == 422 and "kind" in response.get_json()["errors"]


def test_hearing_fine_and_board_decision(world, api, violation):
    manager = api(world.manager)
    vid = violation["id"]
    manager.post(f"/api/v1/violations/{vid}/letters", json={"kind": "violation"})
    too_soon = manager.post(
        f"/api/v1/violations/{vid}/hearing",
        json={"scheduled_at": "2027-03-10T18:00:00-08:00", "location": "Clubhouse"},
    )
    assert too_soon.status_code == 409
    assert "cure deadline of March 11, 2027" in too_soon.get_json()["detail"]
    response = manager.post(
        f"/api/v1/violations/{vid}/hearing",
        json={"scheduled_at": "2027-03-20T18:00:00-07:00", "location": "Clubhouse"},
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "hearing_scheduled"
    assert body["hearing"]["location"] == "Clubhouse" and body["hearing"]["held"] is False
    assert [le["kind"] for le in body["letters"]] == ["violation", "hearing"]
    early = manager.post(
        f"/api/v1/violations/{vid}/fines", json={"amount": "75", "reason": "Lawn not mowed"}
    )
    assert early.status_code == 409 and "held" in early.get_json()["detail"]
    clock.freeze(datetime(2027, 3, 21, 3, 0, tzinfo=UTC))
    manager = api(world.manager)  # the old token expired with the clock's jump
    still = manager.post(
        f"/api/v1/violations/{vid}/fines", json={"amount": "75", "reason": "Lawn not mowed"}
    )
    assert still.status_code == 409  # its time passed, but nobody recorded it as held
    recorded = manager.post(
        f"/api/v1/violations/{vid}/hearing/record",
        json={"owner_attended": True, "summary": "The owner promised to mow."},
    )
    assert recorded.status_code == 200, recorded.get_json()
    assert recorded.get_json()["hearing"]["held"] is True
    over = manager.post(
        f"/api/v1/violations/{vid}/fines", json={"amount": 250, "reason": "Lawn not mowed"}
    )
    assert over.status_code == 422 and "amount" in over.get_json()["errors"]
    response = manager.post(
        f"/api/v1/violations/{vid}/fines", json={"amount": 75, "reason": "Lawn not mowed"}
    )
    assert response.status_code == 201
    fine = response.get_json()
    assert fine["status"] == "pending_approval" and fine["approval_id"]
    for member in (world.board, world.board2):
        vote = api(member).post(
            f"/api/v1/approvals/{fine['approval_id']}/votes", json={"choice": "approve"}
        )
        assert vote.status_code == 201
    body = manager.get(f"/api/v1/violations/{vid}").get_json()
    assert body["status"] == "fined" and body["fines"][0]["status"] == "approved"
    letter = manager.post(f"/api/v1/violations/{vid}/letters", json={"kind": "fine"})
    assert letter.status_code == 201
    text = PdfReader(io.BytesIO(manager.get(letter.get_json()["pdf_url"]).data)).pages[0]
    assert "$75.00" in text.extract_text()


def test_cure_and_close(world, api, violation):
    manager = api(world.manager)
    vid = violation["id"]
    response = manager.post(f"/api/v1/violations/{vid}/cure", json={"notes": "Mowed"})
    assert response.status_code == 200 and response.get_json()["status"] == "cured"
    assert manager.post(f"/api/v1/violations/{vid}/cure", json={}).status_code == 409
    response = manager.post(f"/api/v1/violations/{vid}/close", json={"notes": ""})
    assert response.status_code == 200 and response.get_json()["status"] == "closed"
    assert manager.post(f"/api/v1/violations/{vid}/close", json={}).status_code == 409


@pytest.mark.parametrize("role", ROLES)
def test_reading_a_violation_by_role(world, api, violation, role):
    response = api(world.user(role)).get(f"/api/v1/violations/{violation['id']}")
    expected = {
        "admin": 200,
        "manager": 200,
        "board": 200,
        "owner": 200,
        "outsider": 404,
        "nobody": 404,
    }[role]
    assert response.status_code == expected


def test_other_owners_do_not_see_the_violation(world, api, app, violation):
    from app.extensions import db
    from tests import factories as f

    with app.app_context():
        from app.associations.models import Association

        association = db.session.get(Association, world.a.id)
        neighbour = f.UserFactory(name="Ned Neighbour")
        unit = f.UnitFactory(association=association, label="14")
        f.MembershipFactory(user=neighbour, association=association, role="owner", unit=unit)
        db.session.commit()
        neighbour_id = neighbour.id
    from app.auth.models import User

    with app.app_context():
        neighbour = db.session.get(User, neighbour_id)
        db.session.expunge(neighbour)
    assert api(neighbour).get(f"/api/v1/violations/{violation['id']}").status_code == 404
    assert api(neighbour).get("/api/v1/me/violations").get_json()["total"] == 0


@pytest.mark.parametrize("role", ROLES)
def test_issuing_letters_by_role(world, api, violation, role):
    response = api(world.user(role)).post(
        f"/api/v1/violations/{violation['id']}/letters", json={"kind": "courtesy"}
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


@pytest.mark.parametrize("role", ROLES)
def test_rules_and_inspections_by_role(world, api, role):
    client = api(world.user(role))
    rule = client.post(
        f"/api/v1/associations/{world.a.id}/rules", json={**RULE, "code": f"R-{role}"}
    )
    inspection = client.post(
        f"/api/v1/associations/{world.a.id}/inspections", json={"scheduled_for": "2027-04-01"}
    )
    expected = {
        "admin": 201,
        "manager": 201,
        "board": 403,
        "owner": 403,
        "outsider": 404,
        "nobody": 404,
    }[role]
    assert rule.status_code == expected and inspection.status_code == expected


def test_rule_and_inspection_values_are_422(world, api):
    manager = api(world.manager)
    response = manager.post(
        f"/api/v1/associations/{world.a.id}/rules",
        json={**RULE, "fine_amount": "lots", "cure_days": -1},
    )
    assert response.status_code == 422
    assert {"fine_amount", "cure_days"} <= set(response.get_json()["errors"])
    response = manager.post(
        f"/api/v1/associations/{world.a.id}/inspections", json={"scheduled_for": "next tuesday"}
    )
    assert response.status_code == 422 and "scheduled_for" in response.get_json()["errors"]


def test_findings_with_photos_by_multipart(world, api, violation):
    manager = api(world.manager)
    url = f"/api/v1/inspections/{violation['inspection_id']}/findings"
    data = {
        "unit_id": str(world.owner_unit.id),
        "rule_id": str(violation["rule_id"]),
        "notes": "Still long",
        "photos": [(io.BytesIO(png()), "lawn.png")],
    }
    response = manager.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 201
    body = response.get_json()
    assert body["violation_id"] == violation["id"] and body["photo_count"] == 1
    assert body["reinspection"] is True
    fake = {
        "unit_id": str(world.owner_unit.id),
        "rule_id": str(violation["rule_id"]),
        "photos": [(io.BytesIO(b"%PDF-1.4 not an image"), "lawn.jpg")],
    }
    response = manager.post(url, data=fake, content_type="multipart/form-data")
    assert response.status_code == 415
    assert response.content_type == "application/problem+json"
    response = manager.post(url, json={"unit_id": world.b_unit.id, "rule_id": violation["rule_id"]})
    assert response.status_code == 422 and "unit_id" in response.get_json()["errors"]


def test_owner_portal_and_responses(world, api, violation):
    owner = api(world.owner)
    mine = owner.get("/api/v1/me/violations").get_json()
    assert [v["id"] for v in mine["items"]] == [violation["id"]]
    response = owner.post(
        f"/api/v1/violations/{violation['id']}/responses",
        json={"message": "Mowed it today", "request_hearing": True},
    )
    assert response.status_code == 201 and response.get_json()["request_hearing"] is True
    assert (
        api(world.board)
        .post(f"/api/v1/violations/{violation['id']}/responses", json={"message": "x"})
        .status_code
        == 403
    )
    assert (
        api(world.outsider)
        .post(f"/api/v1/violations/{violation['id']}/responses", json={"message": "x"})
        .status_code
        == 404
    )
    assert api(world.board).get("/api/v1/me/violations").get_json()["total"] == 0


def test_letter_batches(world, api, violation):
    manager = api(world.manager)
    manager.post(f"/api/v1/violations/{violation['id']}/letters", json={"kind": "violation"})
    response = manager.post(f"/api/v1/associations/{world.a.id}/letter-batches", json={})
    assert response.status_code == 202
    batch = response.get_json()
    body = manager.get(f"/api/v1/letter-batches/{batch['id']}").get_json()
    assert body["status"] == "done" and body["letter_count"] == 1
    merged = manager.get(body["pdf_url"])
    assert merged.status_code == 200 and merged.mimetype == "application/pdf"
    letter = manager.get(f"/api/v1/violations/{violation['id']}").get_json()["letters"][0]
    issued = manager.get(f"/api/v1/letters/{letter['id']}/pdf").data
    merged_pages = PdfReader(io.BytesIO(merged.data)).pages
    issued_pages = PdfReader(io.BytesIO(issued)).pages
    assert len(merged_pages) == len(issued_pages)
    assert [p.extract_text() for p in merged_pages] == [p.extract_text() for p in issued_pages]
    assert "Notice of violation" in merged_pages[0].extract_text()
    merged.close()
    empty = manager.post(f"/api/v1/associations/{world.a.id}/letter-batches", json={})
    assert empty.status_code == 202 and empty.get_json()["letter_count"] == 0
    assert (
        api(world.board).post(f"/api/v1/letter-batches/{batch['id']}/confirm", json={}).status_code
        == 403
    )
    assert api(world.outsider).get(f"/api/v1/letter-batches/{batch['id']}").status_code == 404
    response = manager.post(f"/api/v1/letter-batches/{batch['id']}/confirm", json={})
    assert response.status_code == 200 and response.get_json()["status"] == "mailed"
    assert manager.post(f"/api/v1/letter-batches/{batch['id']}/cancel").status_code == 409
    assert manager.post(f"/api/v1/letter-batches/{batch['id']}/confirm", json={}).status_code == 409


def test_texas_batch_needs_tracking_numbers(world, api, app, violation):
    from app.associations.models import Association
    from app.extensions import db

    with app.app_context():
        db.session.get(Association, world.a.id).compliance_profile = "TX"
        db.session.commit()
    manager = api(world.manager)
    letter = manager.post(
        f"/api/v1/violations/{violation['id']}/letters", json={"kind": "violation"}
    ).get_json()
    batch = manager.post(f"/api/v1/associations/{world.a.id}/letter-batches", json={}).get_json()
    response = manager.post(f"/api/v1/letter-batches/{batch['id']}/confirm", json={})
    assert response.status_code == 422 and "tracking_numbers" in response.get_json()["errors"]
    response = manager.post(
        f"/api/v1/letter-batches/{batch['id']}/confirm",
        json={"tracking_numbers": {str(letter["id"]): "9407 1"}},
    )
    assert response.status_code == 200
    body = manager.get(f"/api/v1/violations/{violation['id']}").get_json()
    assert body["letters"][0]["tracking_number"] == "9407 1"


def test_cancelled_batch_letters_go_into_the_next(world, api, app, violation, monkeypatch):
    from app.core import jobs

    monkeypatch.setattr(jobs, "dispatch", lambda *args: None)  # the worker is down
    manager = api(world.manager)
    manager.post(f"/api/v1/violations/{violation['id']}/letters", json={"kind": "violation"})
    batch = manager.post(f"/api/v1/associations/{world.a.id}/letter-batches", json={}).get_json()
    assert batch["status"] == "queued"
    response = manager.post(f"/api/v1/letter-batches/{batch['id']}/cancel")
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    again = manager.post(f"/api/v1/associations/{world.a.id}/letter-batches", json={})
    assert again.get_json()["letter_count"] == 1


def test_violation_list_filters(world, api, violation):
    manager = api(world.manager)
    url = f"/api/v1/associations/{world.a.id}/violations"
    assert manager.get(url).get_json()["total"] == 1
    assert manager.get(url + "?status=closed").get_json()["total"] == 0
    manager.post(f"/api/v1/violations/{violation['id']}/letters", json={"kind": "violation"})
    assert manager.get(url + "?overdue=true").get_json()["total"] == 0
    clock.advance(timedelta(days=11))
    manager = api(world.manager)
    assert manager.get(url + "?overdue=true").get_json()["total"] == 1
    assert api(world.owner).get(url).status_code == 403
    assert api(world.outsider).get(url).status_code == 404


def test_letter_templates_api(world, api, violation):
    manager = api(world.manager)
    url = f"/api/v1/associations/{world.a.id}/letter-templates/courtesy"
    assert "owner_names" in manager.get(url).get_json()["placeholders"]
    response = manager.put(url, json={"body": "<p>Please, {{ owner_names }}.</p>"})
    assert response.status_code == 200
    bad = manager.put(url, json={"body": "{{ secret_key }}"})
    assert bad.status_code == 422
    assert api(world.board).put(url, json={"body": "x"}).status_code == 403


def test_architectural_and_violation_letters_share_one_number_space(world, api, violation):
    """GET /letters/{id}/pdf serves a violation letter and an architectural decision letter
    alike: they never share a number, and each reaches only those who may see it."""
    manager = api(world.manager)
    ladder_letter = manager.post(
        f"/api/v1/violations/{violation['id']}/letters", json={"kind": "violation"}
    ).get_json()
    request = approved_request(api, world)
    assert request["letter_id"] not in (None, ladder_letter["id"])
    assert request["letter_url"] == f"/api/v1/letters/{request['letter_id']}/pdf"
    arc_pdf = api(world.owner).get(request["letter_url"])
    assert arc_pdf.status_code == 200 and "Pergola" in pdfs.pdf_text(arc_pdf.data)
    ladder_pdf = api(world.owner).get(f"/api/v1/letters/{ladder_letter['id']}/pdf")
    assert ladder_pdf.status_code == 200 and "Pergola" not in pdfs.pdf_text(ladder_pdf.data)
    assert api(world.outsider).get(request["letter_url"]).status_code == 404
    # A decision letter is the reviewing body's decision: it is never voided.
    void = f"/api/v1/letters/{request['letter_id']}/void"
    assert api(world.outsider).post(void, json={"reason": "x"}).status_code == 404
    refused = manager.post(void, json={"reason": "Mistake"})
    assert refused.status_code == 409 and "cannot be voided" in refused.get_json()["detail"]
    assert manager.get("/api/v1/letters/999999/pdf").status_code == 404
