"""The Architectural review section of api.md, for every role and another association."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image

from app.core import clock
from tests import factories as f
from tests import pdfs
from tests.notice_helpers import pdf_bytes


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def arc(world, app):
    """World A with an architectural committee member and another owner."""
    with app.app_context():
        from app.extensions import db

        db.session().expire_on_commit = False
        db.session.add_all([world.a])
        member = f.UserFactory(name="Ari Arc")
        f.MembershipFactory(user=member, association=world.a, role="arc")
        other_unit = f.UnitFactory(association=world.a, label="14C", street_address="14 Oak Lane")
        other = f.UserFactory(name="Otis Other")
        f.MembershipFactory(user=other, association=world.a, role="owner", unit=other_unit)
        db.session.commit()
    world.arc = member
    world.other_owner = other
    return world


def _submit(api, user, world, **fields):
    body = {
        "unit_id": world.owner_unit.id,
        "title": "Solar panels",
        "description": "Twelve panels on the south roof.",
    }
    body.update(fields)
    return api(user).post(f"/api/v1/associations/{world.a.id}/arc-requests", json=body)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("manager", 201),
        ("owner", 201),
        ("board", 403),
        ("arc", 403),
        ("other_owner", 403),
        ("outsider", 404),
    ],
)
def test_who_submits(arc, api, role, status):
    response = _submit(api, arc.user(role), arc)
    assert response.status_code == status, response.get_json()
    if status == 201:
        body = response.get_json()
        assert body["status"] == "submitted"
        today = clock.today("America/Los_Angeles")
        assert body["decide_by"] == (today + timedelta(days=45)).isoformat()


def test_files_checked_by_content_and_bad_input(arc, api):
    url = f"/api/v1/associations/{arc.a.id}/arc-requests"
    form = {
        "unit_id": str(arc.owner_unit.id),
        "title": "Fence",
        "description": "A cedar fence.",
        "files": [(io.BytesIO(pdf_bytes()), "plan.pdf"), (io.BytesIO(_png()), "photo.png")],
    }
    response = api(arc.owner).post(url, data=form, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert [x["content_type"] for x in created["files"]] == ["application/pdf", "image/png"]
    file_url = f"/api/v1/arc-requests/{created['id']}/files/{created['files'][1]['id']}"
    assert api(arc.other_owner).get(file_url).status_code == 404
    assert api(arc.arc).get(file_url).data == _png()
    fake = {**form, "files": [(io.BytesIO(b"GIF89a not really"), "x.png")]}
    assert (
        api(arc.owner).post(url, data=fake, content_type="multipart/form-data").status_code == 415
    )
    active = {**form, "files": [(io.BytesIO(pdfs.javascript_pdf()), "x.pdf")]}
    assert (
        api(arc.owner).post(url, data=active, content_type="multipart/form-data").status_code == 415
    )
    bad = _submit(api, arc.owner, arc, title="", description="x" * 10001)
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]) == {"title", "description"}
    assert _submit(api, arc.owner, arc, unit_id=arc.b_unit.id).status_code == 422
    assert _submit(api, arc.owner, arc, title="a\x00b").status_code == 422


def test_listing_and_reading_per_role(arc, api):
    created = _submit(api, arc.owner, arc).get_json()
    url = f"/api/v1/associations/{arc.a.id}/arc-requests"
    for role, total in (("manager", 1), ("board", 1), ("arc", 1), ("owner", 1), ("other_owner", 0)):
        assert api(arc.user(role)).get(url).get_json()["total"] == total, role
    assert api(arc.outsider).get(url).status_code == 404
    item = f"/api/v1/arc-requests/{created['id']}"
    for role, status in (
        ("manager", 200),
        ("board", 200),
        ("arc", 200),
        ("owner", 200),
        ("other_owner", 404),
        ("outsider", 404),
        ("nobody", 404),
    ):
        assert api(arc.user(role)).get(item).status_code == status, role
    assert api(arc.manager).get("/api/v1/arc-requests/99999999999").status_code == 404


def test_conversation(arc, api):
    rid = _submit(api, arc.owner, arc).get_json()["id"]
    url = f"/api/v1/arc-requests/{rid}/messages"
    asked = api(arc.manager).post(url, json={"message": "What colour are the frames?"})
    assert asked.status_code == 201 and asked.get_json()["from_office"] is True
    answered = api(arc.owner).post(url, json={"message": "Black."})
    assert answered.status_code == 201 and answered.get_json()["from_office"] is False
    assert api(arc.board).post(url, json={"message": "Hi"}).status_code == 403
    assert api(arc.other_owner).post(url, json={"message": "Hi"}).status_code == 404
    assert api(arc.owner).post(url, json={"message": ""}).status_code == 422
    messages = api(arc.owner).get(f"/api/v1/arc-requests/{rid}").get_json()["messages"]
    assert [m["message"] for m in messages] == ["What colour are the frames?", "Black."]


def test_committee_decides_denial_letter_and_appeal(arc, api):
    rid = _submit(api, arc.owner, arc).get_json()["id"]
    decision = f"/api/v1/arc-requests/{rid}/decision"
    assert (
        api(arc.owner).post(decision, json={"decision": "denied", "reasons": "x"}).status_code
        == 403
    )
    assert (
        api(arc.board).post(decision, json={"decision": "denied", "reasons": "x"}).status_code
        == 403
    )
    refused = api(arc.manager).post(decision, json={"decision": "denied"})
    assert refused.status_code == 422 and "4765" in refused.get_json()["errors"]["reasons"][0]
    assert api(arc.manager).post(decision, json={"decision": "maybe"}).status_code == 422
    proposed = api(arc.manager).post(
        decision, json={"decision": "denied", "reasons": "Panels visible from the street."}
    )
    assert proposed.status_code == 201, proposed.get_json()
    approval_id = proposed.get_json()["approval_id"]
    approval = api(arc.manager).get(f"/api/v1/approvals/{approval_id}").get_json()
    assert approval["subject_type"] == "arc_request"
    assert approval["eligible_voter_ids"] == [arc.arc.id] and approval["venue"] == "online"
    assert api(arc.manager).post(decision, json={"decision": "approved"}).status_code == 409
    # The owner cannot withdraw while the committee decides.
    assert api(arc.owner).post(f"/api/v1/arc-requests/{rid}/withdraw").status_code == 409
    votes = f"/api/v1/approvals/{approval_id}/votes"
    assert api(arc.board).post(votes, json={"choice": "approve"}).status_code == 403
    assert api(arc.arc).post(votes, json={"choice": "approve"}).status_code == 201
    body = api(arc.owner).get(f"/api/v1/arc-requests/{rid}").get_json()
    assert body["status"] == "denied" and body["reasons"] == "Panels visible from the street."
    assert body["letter_id"]
    pdf = api(arc.owner).get(body["letter_url"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(pdfs.pdf_text(pdf.data).split())
    assert "Panels visible from the street." in text
    assert "reconsideration" in text and "open meeting" in text
    assert api(arc.other_owner).get(body["letter_url"]).status_code == 404
    assert api(arc.outsider).get(body["letter_url"]).status_code == 404
    # The appeal: the owner only, after a denial, to the board under the venue rules.
    appeal = f"/api/v1/arc-requests/{rid}/appeal"
    assert api(arc.manager).post(appeal, json={"message": "Please"}).status_code == 403
    assert api(arc.other_owner).post(appeal, json={"message": "Please"}).status_code == 404
    assert api(arc.owner).post(appeal, json={"message": ""}).status_code == 422
    appealed = api(arc.owner).post(appeal, json={"message": "They face the back yard."})
    assert appealed.status_code == 201 and appealed.get_json()["status"] == "appealed"
    assert api(arc.owner).post(appeal, json={"message": "Again"}).status_code == 409
    appeal_approval = appealed.get_json()["appeal"]["approval_id"]
    board_request = api(arc.board).get(f"/api/v1/approvals/{appeal_approval}").get_json()
    assert board_request["subject_type"] == "arc_appeal"
    # Appeals follow budgets' venue: association A's fixture decides budgets online.
    assert board_request["venue"] == "online"
    assert sorted(board_request["eligible_voter_ids"]) == sorted([arc.board.id, arc.board2.id])


def test_board_decides_without_committee_and_approval_letter(world, api):
    rid = _submit(api, world.owner, world).get_json()["id"]
    proposed = api(world.manager).post(
        f"/api/v1/arc-requests/{rid}/decision",
        json={"decision": "approved_with_conditions", "conditions": "Black frames only."},
    )
    assert proposed.status_code == 201
    approval = (
        api(world.manager).get(f"/api/v1/approvals/{proposed.get_json()['approval_id']}").get_json()
    )
    assert sorted(approval["eligible_voter_ids"]) == sorted([world.board.id, world.board2.id])
    # ARC decisions follow contracts' venue (online in this association).
    assert approval["venue"] == "online"
    for voter in (world.board, world.board2):
        api(voter).post(f"/api/v1/approvals/{approval['id']}/votes", json={"choice": "approve"})
    body = api(world.owner).get(f"/api/v1/arc-requests/{rid}").get_json()
    assert body["status"] == "approved_with_conditions"
    text = " ".join(pdfs.pdf_text(api(world.owner).get(body["letter_url"]).data).split())
    assert "Black frames only." in text and "approved with conditions" in text


def test_withdraw(arc, api):
    rid = _submit(api, arc.owner, arc).get_json()["id"]
    url = f"/api/v1/arc-requests/{rid}/withdraw"
    assert api(arc.other_owner).post(url).status_code == 404
    assert api(arc.board).post(url).status_code == 403
    assert api(arc.owner).post(url).get_json()["status"] == "withdrawn"
    assert api(arc.owner).post(url).status_code == 409
    assert (
        api(arc.owner).post(f"/api/v1/arc-requests/{rid}/appeal", json={"message": "x"}).status_code
        == 409
    )


def test_review_days_setting_and_deemed_approval(arc, api, app):
    url = f"/api/v1/associations/{arc.a.id}"
    assert api(arc.manager).patch(url, json={"arc_review_days": 10}).status_code == 403
    assert api(arc.admin).patch(url, json={"arc_review_days": 0}).status_code == 422
    changed = api(arc.admin).patch(url, json={"arc_review_days": 10, "arc_deemed_approved": True})
    assert changed.status_code == 200
    assert changed.get_json()["arc_review_days"] == 10 and changed.get_json()["arc_deemed_approved"]
    created = _submit(api, arc.owner, arc).get_json()
    assert (
        created["decide_by"]
        == (clock.today("America/Los_Angeles") + timedelta(days=10)).isoformat()
    )
    api(arc.manager).post(
        f"/api/v1/arc-requests/{created['id']}/decision", json={"decision": "approved"}
    )
    clock.freeze(clock.now() + timedelta(days=12))
    try:
        with app.app_context():
            from app.core.jobs import run_daily

            assert "arc_deemed_approvals" in run_daily()
        body = api(arc.owner).get(f"/api/v1/arc-requests/{created['id']}").get_json()
        assert body["status"] == "approved" and body["deemed"] is True
        text = " ".join(pdfs.pdf_text(api(arc.owner).get(body["letter_url"]).data).split())
        assert "deemed approved" in text
    finally:
        clock.unfreeze()


def test_texas_appeal_at_a_meeting_and_certified_denial(world, api, app):
    # TX: ARC decisions follow contracts' venue (online, 209.0051(h)).
    _tx, body = _tx_denied(world, api, app)
    assert body["status"] == "denied"
    created = body
    text = " ".join(pdfs.pdf_text(api(world.owner).get(body["letter_url"]).data).split())
    assert "CERTIFIED MAIL" in text and "209.00505" in text and "30th day" in text
    assert "this notice of the denial is sent to you by certified mail" in text
    appealed = (
        api(world.owner)
        .post(
            f"/api/v1/arc-requests/{created['id']}/appeal", json={"message": "Please reconsider."}
        )
        .get_json()
    )
    approval = (
        api(world.board).get(f"/api/v1/approvals/{appealed['appeal']['approval_id']}").get_json()
    )
    assert approval["venue"] == "meeting"  # appeals follow budgets': a meeting in Texas
    vote = api(world.board).post(
        f"/api/v1/approvals/{approval['id']}/votes", json={"choice": "approve"}
    )
    assert vote.status_code == 409 and "209.0051(h)" in vote.get_json()["detail"]


def test_board_packet_evidence_and_the_mailing_batch(world, api, app):
    form = {
        "unit_id": str(world.owner_unit.id),
        "title": "Pergola",
        "description": "A cedar pergola.",
        "files": [(io.BytesIO(_png()), "pergola.png"), (io.BytesIO(pdf_bytes()), "plan.pdf")],
    }
    created = (
        api(world.owner)
        .post(
            f"/api/v1/associations/{world.a.id}/arc-requests",
            data=form,
            content_type="multipart/form-data",
        )
        .get_json()
    )
    approval_id = (
        api(world.manager)
        .post(f"/api/v1/arc-requests/{created['id']}/decision", json={"decision": "approved"})
        .get_json()["approval_id"]
    )
    with app.test_request_context():
        from flask import render_template

        from app.approvals.models import ApprovalRequest
        from app.extensions import db
        from app.packets.evidence import evidence

        item = evidence(db.session.get(ApprovalRequest, approval_id))
        assert item["paper_template"] == "packets/evidence/arc.html"
        html = render_template(item["paper_template"], evidence=item["hook"], detail=None)
        assert "pergola.png, plan.pdf" in html and "data:image/jpeg;base64," in html
    page = api(world.board).get(f"/api/v1/associations/{world.a.id}/approvals?status=pending")
    assert [i["subject_type"] for i in page.get_json()["items"]] == ["arc_request"]
    for voter in (world.board, world.board2):
        api(voter).post(f"/api/v1/approvals/{approval_id}/votes", json={"choice": "approve"})
    # The decision letter's paper copy goes into the next mailing batch.
    batch = api(world.manager).post(f"/api/v1/associations/{world.a.id}/letter-batches", json={})
    assert batch.status_code == 202
    detail = api(world.manager).get(f"/api/v1/letter-batches/{batch.get_json()['id']}").get_json()
    assert detail["notice_count"] == 1
    merged = api(world.manager).get(detail["pdf_url"])
    data = merged.data
    merged.close()
    assert "Pergola" in " ".join(pdfs.pdf_text(data).split())


def _tx_denied(world, api, app):
    """A Texas request denied by the board; returns (association, request body)."""
    with app.app_context():
        from app.extensions import db

        db.session().expire_on_commit = False
        tx = f.AssociationFactory(name="Lone Star HOA", state="TX")
        unit = f.UnitFactory(association=tx, label="7", street_address="7 Ranch Road")
        f.MembershipFactory(user=world.owner, association=tx, role="owner", unit=unit)
        f.MembershipFactory(user=world.manager, association=tx, role="manager")
        f.MembershipFactory(user=world.board, association=tx, role="board", office="president")
        db.session.commit()
    rid = (
        api(world.owner)
        .post(
            f"/api/v1/associations/{tx.id}/arc-requests",
            json={"unit_id": unit.id, "title": "Carport", "description": "A metal carport."},
        )
        .get_json()["id"]
    )
    proposed = api(world.manager).post(
        f"/api/v1/arc-requests/{rid}/decision",
        json={"decision": "denied", "reasons": "Metal carports are not allowed."},
    )
    api(world.board).post(
        f"/api/v1/approvals/{proposed.get_json()['approval_id']}/votes", json={"choice": "approve"}
    )
    return tx, api(world.owner).get(f"/api/v1/arc-requests/{rid}").get_json()


@pytest.mark.parametrize(("days_after", "status"), [(30, 201), (31, 409)])
def test_texas_appeal_within_30_days_of_mailing(world, api, app, login_as, days_after, status):
    """TX 209.00505(d)(2): a hearing is requested on or before the 30th day after the
    notice of the denial was mailed; until it is mailed the time has not begun."""
    tx, body = _tx_denied(world, api, app)
    assert body["status"] == "denied" and body["appeal_by"] is None
    batch = api(world.manager).post(f"/api/v1/associations/{tx.id}/letter-batches", json={})
    confirmed = api(world.manager).post(
        f"/api/v1/letter-batches/{batch.get_json()['id']}/confirm",
        json={"tracking_numbers": {str(body["letter_id"]): "9407 1111 2222 3333 4444"}},
    )
    assert confirmed.status_code == 200, confirmed.get_json()
    mailed_on = clock.today(tx.time_zone)
    body = api(world.owner).get(f"/api/v1/arc-requests/{body['id']}").get_json()
    assert body["appeal_by"] == (mailed_on + timedelta(days=30)).isoformat()
    clock.freeze(clock.now() + timedelta(days=days_after))
    try:
        page = login_as(world.owner).get(f"/associations/{tx.id}/arc/{body['id']}")
        appealed = api(world.owner).post(
            f"/api/v1/arc-requests/{body['id']}/appeal", json={"message": "Please reconsider."}
        )
    finally:
        clock.unfreeze()
    assert appealed.status_code == status, appealed.get_json()
    text = page.get_data(as_text=True)
    if status == 409:
        detail = appealed.get_json()["detail"]
        # The last day in words (the detail is read by a person), not 2027-01-05.
        last = mailed_on + timedelta(days=30)
        assert "209.00505(d)(2)" in detail and f"{last:%B} {last.day}, {last.year}" in detail
        assert last.isoformat() not in detail
        assert (
            "The time to ask for a hearing ended on" in text and "Appeal to the board" not in text
        )
    else:
        assert "You may ask for a hearing until" in text


def _batch_of(api, world, association) -> dict:
    made = api(world.manager).post(f"/api/v1/associations/{association.id}/letter-batches", json={})
    assert made.status_code == 202, made.get_json()
    return api(world.manager).get(f"/api/v1/letter-batches/{made.get_json()['id']}").get_json()


def test_texas_denial_is_not_confirmed_mailed_without_its_tracking_number(
    world, api, app, login_as
):
    """TX 209.00505(d): the notice of the denial goes by certified mail (the profile's
    choice among certified mail, hand delivery and electronic delivery), so its batch is
    confirmed only with the letter's tracking number, on the API and on the page."""
    tx, body = _tx_denied(world, api, app)
    batch = _batch_of(api, world, tx)
    assert batch["notice_count"] == 1 and batch["letter_ids"] == []
    assert batch["tracking_required"] == [body["letter_id"]]
    url = f"/api/v1/letter-batches/{batch['id']}/confirm"
    refused = api(world.manager).post(url, json={})
    assert refused.status_code == 422, refused.get_json()
    detail = str(refused.get_json())
    assert "certified mail" in detail and f"letter {body['letter_id']}" in detail
    assert "unit 7" in detail
    page_url = f"/associations/{tx.id}/compliance/batches/{batch['id']}"
    page = login_as(world.manager).get(page_url)
    text = page.get_data(as_text=True)
    assert f'name="tracking-{body["letter_id"]}"' in text and "Architectural denial" in text
    posted = login_as(world.manager).post(page_url, data={f"tracking-{body['letter_id']}": " "})
    assert posted.status_code == 422
    assert "Certified mail: enter the tracking number" in posted.get_data(as_text=True)
    # Nothing was marked mailed: the appeal's 30 days have not begun.
    again = api(world.owner).get(f"/api/v1/arc-requests/{body['id']}").get_json()
    assert again["appeal_by"] is None
    assert (
        api(world.manager).get(f"/api/v1/letter-batches/{batch['id']}").get_json()["status"]
        == "done"
    )
    accepted = api(world.manager).post(
        url, json={"tracking_numbers": {str(body["letter_id"]): "9407 1111 2222 3333 4444"}}
    )
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["status"] == "mailed"
    with app.app_context():
        from app.arc.models import ArcLetter
        from app.extensions import db

        letter = db.session.get(ArcLetter, body["letter_id"])
        assert letter.tracking_number == "9407 1111 2222 3333 4444"
    text = login_as(world.manager).get(page_url).get_data(as_text=True)
    assert "9407 1111 2222 3333 4444" in text
    again = api(world.owner).get(f"/api/v1/arc-requests/{body['id']}").get_json()
    assert again["appeal_by"] is not None


def test_a_tracking_number_that_is_not_text_is_refused(world, api, app):
    tx, body = _tx_denied(world, api, app)
    batch = _batch_of(api, world, tx)
    url = f"/api/v1/letter-batches/{batch['id']}/confirm"
    for value in ({"n": 1}, ["9407"], True):
        refused = api(world.manager).post(
            url, json={"tracking_numbers": {str(body["letter_id"]): value}}
        )
        assert refused.status_code == 422, (value, refused.get_json())
        assert "as text" in refused.get_json()["errors"]["tracking_numbers"][0]
    digits = api(world.manager).post(
        url, json={"tracking_numbers": {str(body["letter_id"]): 94071111}}
    )
    assert digits.status_code == 200, digits.get_json()
    with app.app_context():
        from app.arc.models import ArcLetter
        from app.extensions import db

        assert db.session.get(ArcLetter, body["letter_id"]).tracking_number == "94071111"


def test_a_tracking_number_for_a_letter_of_another_batch_is_refused(world, api, app):
    tx, body = _tx_denied(world, api, app)
    batch = _batch_of(api, world, tx)
    refused = api(world.manager).post(
        f"/api/v1/letter-batches/{batch['id']}/confirm",
        json={
            "tracking_numbers": {
                str(body["letter_id"]): "9407 1",
                str(body["letter_id"] + 999): "9407 2",
            }
        },
    )
    assert refused.status_code == 422
    assert f"Letters {body['letter_id'] + 999} are not in this batch" in str(refused.get_json())


def test_california_denial_is_mailed_without_a_tracking_number(world, api, app):
    """CA Civil Code 4765 names no way of sending the decision: no tracking number."""
    created = _submit(api, world.owner, world).get_json()
    proposed = api(world.manager).post(
        f"/api/v1/arc-requests/{created['id']}/decision",
        json={"decision": "denied", "reasons": "Panels must not face the street."},
    )
    for voter in (world.board, world.board2):
        api(voter).post(
            f"/api/v1/approvals/{proposed.get_json()['approval_id']}/votes",
            json={"choice": "approve"},
        )
    body = api(world.owner).get(f"/api/v1/arc-requests/{created['id']}").get_json()
    assert body["status"] == "denied"
    text = " ".join(pdfs.pdf_text(api(world.owner).get(body["letter_url"]).data).split())
    assert "CERTIFIED MAIL" not in text and "sent to you by certified mail" not in text
    batch = _batch_of(api, world, world.a)
    assert batch["notice_count"] == 1 and batch["tracking_required"] == []
    confirmed = api(world.manager).post(f"/api/v1/letter-batches/{batch['id']}/confirm", json={})
    assert confirmed.status_code == 200, confirmed.get_json()
    assert confirmed.get_json()["status"] == "mailed"
