"""Mistakes undone and owners answered: voiding a letter, reopening a violation, the office's
replies — through the API and the pages, for every role."""

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.compliance.letter_models import Letter, LetterBatch
from app.compliance.models import OwnerResponse, Violation
from app.core import clock
from app.core.audit import AuditEntry
from app.core.outbox import OutgoingMessage
from app.extensions import db
from tests.conftest import login
from tests.functional.test_api_compliance import (
    START,
    violation,  # noqa: F401  (the fixture)
)

ROLES = [("admin", 200), ("manager", 200), ("board", 403), ("owner", 403), ("outsider", 404)]


def _issue(api, world, violation, kind="violation"):  # noqa: F811
    response = api(world.manager).post(
        f"/api/v1/violations/{violation['id']}/letters", json={"kind": kind}
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# --- voiding a letter ----------------------------------------------------------------------


def test_a_voided_letter_stays_on_file_and_its_step_can_be_issued_again(
    world,
    api,
    app,
    violation,  # noqa: F811
):
    manager = api(world.manager)
    letter = _issue(api, world, violation)
    before = manager.get(f"/api/v1/letters/{letter['id']}/pdf").data
    state = manager.get(f"/api/v1/violations/{violation['id']}").get_json()
    assert state["status"] == "noticed" and state["cure_by"]

    empty = manager.post(f"/api/v1/letters/{letter['id']}/void", json={"reason": "  "})
    assert empty.status_code == 422 and "reason" in empty.get_json()["errors"]
    voided = manager.post(
        f"/api/v1/letters/{letter['id']}/void", json={"reason": "Wrong unit: meant 12C"}
    )
    assert voided.status_code == 200, voided.get_json()
    body = voided.get_json()
    assert body["void"] is True and body["void_reason"] == "Wrong unit: meant 12C"
    assert body["voided_by_id"] == world.manager.id and body["sha256"] == letter["sha256"]

    # Unchanged bytes for the manager; gone for the owner.
    assert manager.get(f"/api/v1/letters/{letter['id']}/pdf").data == before
    owner = api(world.owner)
    assert owner.get(f"/api/v1/letters/{letter['id']}/pdf").status_code == 404
    seen = owner.get(f"/api/v1/violations/{violation['id']}").get_json()
    assert seen["letters"] == []
    state = manager.get(f"/api/v1/violations/{violation['id']}").get_json()
    assert [le["void"] for le in state["letters"]] == [True]
    assert state["status"] == "open" and state["cure_by"] is None

    again = manager.post(f"/api/v1/letters/{letter['id']}/void", json={"reason": "twice"})
    assert again.status_code == 409 and "already voided" in again.get_json()["detail"]
    reissued = _issue(api, world, violation)
    assert reissued["id"] != letter["id"]
    with app.app_context():
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "letter.voided")
        ).one()
        assert entry.data["reason"] == "Wrong unit: meant 12C"
        assert entry.data["letter_id"] == letter["id"]


def test_a_voided_letter_leaves_the_open_batch_which_is_built_again(
    world,
    api,
    app,
    violation,  # noqa: F811
):
    manager = api(world.manager)
    letter = _issue(api, world, violation)
    batch = manager.post(f"/api/v1/associations/{world.a.id}/letter-batches", json={})
    assert batch.status_code == 202
    batch_id = batch.get_json()["id"]
    built = manager.get(f"/api/v1/letter-batches/{batch_id}").get_json()
    assert built["status"] == "done" and built["letter_ids"] == [letter["id"]]
    assert built["number"] == 1

    manager.post(f"/api/v1/letters/{letter['id']}/void", json={"reason": "Sent in error"})
    after = manager.get(f"/api/v1/letter-batches/{batch_id}").get_json()
    assert after["letter_ids"] == [] and after["letter_count"] == 0
    assert after["status"] == "done"  # rebuilt without it (jobs run eagerly in tests)
    with app.app_context():
        assert db.session.get(Letter, letter["id"]).batch_id is None


def test_a_mailed_letter_cannot_be_voided(world, api, violation):  # noqa: F811
    manager = api(world.manager)
    letter = _issue(api, world, violation)
    batch = manager.post(f"/api/v1/associations/{world.a.id}/letter-batches", json={})
    confirmed = manager.post(f"/api/v1/letter-batches/{batch.get_json()['id']}/confirm", json={})
    assert confirmed.status_code == 200
    refused = manager.post(f"/api/v1/letters/{letter['id']}/void", json={"reason": "late"})
    assert refused.status_code == 409
    assert "mailed" in refused.get_json()["detail"]


def test_a_letter_a_later_step_rests_on_cannot_be_voided_first(
    world,
    api,
    violation,  # noqa: F811
):
    manager = api(world.manager)
    courtesy = _issue(api, world, violation, "courtesy")
    clock.freeze(START + timedelta(days=40))
    _issue(api, world, violation, "violation")
    manager = api(world.manager)  # a fresh token after the clock moved on
    refused = manager.post(f"/api/v1/letters/{courtesy['id']}/void", json={"reason": "x"})
    assert refused.status_code == 409
    assert "notice of violation" in refused.get_json()["detail"]


@pytest.mark.parametrize(("role", "status"), ROLES)
def test_only_managers_void_letters(world, api, violation, role, status):  # noqa: F811
    letter = _issue(api, world, violation)
    response = api(getattr(world, role)).post(
        f"/api/v1/letters/{letter['id']}/void", json={"reason": "Mistake"}
    )
    assert response.status_code == status


# --- reopening -----------------------------------------------------------------------------


def test_a_cured_violation_reopens_where_its_ladder_stood(world, api, app, violation):  # noqa: F811
    manager = api(world.manager)
    _issue(api, world, violation)
    url = f"/api/v1/violations/{violation['id']}"
    assert manager.post(f"{url}/cure", json={"notes": "Mowed"}).status_code == 200
    not_open = manager.post(f"{url}/reopen", json={"reason": ""})
    assert not_open.status_code == 422 and "reason" in not_open.get_json()["errors"]
    reopened = manager.post(f"{url}/reopen", json={"reason": "Re-inspection: still 30 cm"})
    assert reopened.status_code == 200
    body = reopened.get_json()
    assert body["status"] == "noticed" and body["cured_on"] is None
    twice = manager.post(f"{url}/reopen", json={"reason": "again"})
    assert twice.status_code == 409 and "cured or closed" in twice.get_json()["detail"]
    with app.app_context():
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "violation.reopened")
        ).one()
        assert entry.data["before"]["status"] == "cured"
        assert entry.data["before"]["cure_notes"] == "Mowed"


@pytest.mark.parametrize(("role", "status"), ROLES)
def test_only_managers_reopen(world, api, violation, role, status):  # noqa: F811
    url = f"/api/v1/violations/{violation['id']}"
    api(world.manager).post(f"{url}/close", json={"notes": "Dismissed: wrong unit"})
    response = api(getattr(world, role)).post(f"{url}/reopen", json={"reason": "Mistake"})
    assert response.status_code == status


# --- the conversation ----------------------------------------------------------------------


def test_the_office_replies_and_the_owner_is_told(world, api, app, violation):  # noqa: F811
    owner, manager = api(world.owner), api(world.manager)
    url = f"/api/v1/violations/{violation['id']}"
    asked = owner.post(f"{url}/responses", json={"message": "I mowed on Sunday."})
    assert asked.status_code == 201 and asked.get_json()["from_office"] is False
    with app.app_context():
        assert db.session.get(Violation, violation["id"]).unanswered is True
    empty = manager.post(f"{url}/replies", json={"message": ""})
    assert empty.status_code == 422 and "message" in empty.get_json()["errors"]
    long = manager.post(f"{url}/replies", json={"message": "x" * 4001})
    assert long.status_code == 422
    replied = manager.post(f"{url}/replies", json={"message": "Thank you; we will check."})
    assert replied.status_code == 201 and replied.get_json()["from_office"] is True
    seen = owner.get(url).get_json()
    assert [r["from_office"] for r in seen["responses"]] == [False, True]
    with app.app_context():
        assert db.session.get(Violation, violation["id"]).unanswered is False
        mail = db.session.scalars(
            select(OutgoingMessage).where(OutgoingMessage.to_address == world.owner.email)
        ).all()
        assert any("Thank you; we will check." in m.body for m in mail)


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 201), ("manager", 201), ("board", 403), ("owner", 403), ("outsider", 404)],
)
def test_only_managers_reply(world, api, violation, role, status):  # noqa: F811
    response = api(getattr(world, role)).post(
        f"/api/v1/violations/{violation['id']}/replies", json={"message": "Hello"}
    )
    assert response.status_code == status


# --- the pages -----------------------------------------------------------------------------


def test_void_on_the_page_keeps_the_reason_on_error_and_shows_the_void(
    world,
    api,
    client,
    violation,  # noqa: F811
):
    letter = _issue(api, world, violation)
    login(client, world.manager)
    page = f"/associations/{world.a.id}/compliance"
    refused = client.post(f"{page}/letters/{letter['id']}/void", data={"reason": ""})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Say why the letter is voided." in html and "is-invalid" in html
    done = client.post(
        f"{page}/letters/{letter['id']}/void",
        data={"reason": "Addressed to the previous owner"},
        follow_redirects=True,
    )
    text = done.get_data(as_text=True)
    assert "Letter voided." in text and "Addressed to the previous owner" in text
    login(client, world.owner)
    portal = client.get(f"/associations/{world.a.id}/my/violations/{violation['id']}")
    assert "No letters yet." in portal.get_data(as_text=True)
    assert client.get(f"{page}/letters/{letter['id']}.pdf").status_code == 404


def test_reply_and_reopen_on_the_pages(world, api, client, app, violation):  # noqa: F811
    api(world.owner).post(
        f"/api/v1/violations/{violation['id']}/responses", json={"message": "Done already."}
    )
    login(client, world.manager)
    page = f"/associations/{world.a.id}/compliance/violations/{violation['id']}"
    html = client.get(page).get_data(as_text=True)
    assert "awaits your reply" in html
    waiting = client.get(f"/associations/{world.a.id}/compliance/violations?unanswered=1")
    assert f"V-{violation['id']}" in waiting.get_data(as_text=True) or "LND-2" in waiting.get_data(
        as_text=True
    )
    home = client.get(f"/associations/{world.a.id}/").get_data(as_text=True)
    assert "1 owner awaits a reply" in home
    blank = client.post(f"{page}/replies", data={"message": ""})
    assert blank.status_code == 422 and "Write the reply." in blank.get_data(as_text=True)
    sent = client.post(
        f"{page}/replies", data={"message": "We saw it, thanks."}, follow_redirects=True
    )
    assert "Reply sent" in sent.get_data(as_text=True)
    client.post(f"{page}/cure", data={"notes": "Re-inspected"})
    kept = client.post(f"{page}/reopen", data={"reason": "x" * 2001})
    assert kept.status_code == 422 and "x" * 2001 in kept.get_data(as_text=True)
    reopened = client.post(
        f"{page}/reopen", data={"reason": "Cured the wrong violation"}, follow_redirects=True
    )
    assert "Violation reopened" in reopened.get_data(as_text=True)
    login(client, world.owner)
    mine = client.get(f"/associations/{world.a.id}/my/violations/{violation['id']}")
    text = mine.get_data(as_text=True)
    assert "We saw it, thanks." in text and "The management office" in text
    with app.app_context():
        replies = db.session.scalars(
            select(OwnerResponse).where(OwnerResponse.from_office.is_(True))
        ).all()
        assert [r.message for r in replies] == ["We saw it, thanks."]


def test_letters_name_the_office_and_the_fine_says_when_and_how_to_pay(
    world,
    api,
    app,
    violation,  # noqa: F811
):
    admin = api(world.admin)
    patched = admin.patch(
        f"/api/v1/associations/{world.a.id}",
        json={
            "office_phone": "(555) 010-2000",
            "office_email": "office@alpha.example",
            "portal_url": "https://portal.alpha.example",
            "fine_due_days": 21,
            "fine_payment_instructions": "Checks to Alpha Grove HOA, 1 Main St.",
        },
    )
    assert patched.status_code == 200, patched.get_json()
    assert patched.get_json()["fine_due_days"] == 21
    bad = admin.patch(f"/api/v1/associations/{world.a.id}", json={"fine_due_days": 0})
    assert bad.status_code == 422
    bad_mail = admin.patch(
        f"/api/v1/associations/{world.a.id}", json={"office_email": "not-an-address"}
    )
    assert bad_mail.status_code == 422 and "office_email" in bad_mail.get_json()["errors"]
    letter = _issue(api, world, violation)
    text = _text(api(world.manager).get(f"/api/v1/letters/{letter['id']}/pdf").data)
    assert "(555) 010-2000" in text and "office@alpha.example" in text
    assert "portal.alpha.example" in text
    with app.app_context():
        from app.compliance import letter_bodies, letters

        association = db.session.get(Violation, violation["id"]).association
        context = letters.sample_context(association, "fine", clock.today(association.time_zone))
        html = letters.letter_html(context, letter_bodies.DEFAULT_BODIES["fine"])
        assert "Checks to Alpha Grove HOA" in html and "dispute" in html
        assert context["fine_due_on"]


def test_batches_are_numbered_within_their_association(world, api, app):
    with app.app_context():
        numbers = [
            b.number for b in db.session.scalars(select(LetterBatch).order_by(LetterBatch.id)).all()
        ]
    assert numbers == []
    first = api(world.manager).post(f"/api/v1/associations/{world.a.id}/letter-batches", json={})
    other = api(world.outsider).post(f"/api/v1/associations/{world.b.id}/letter-batches", json={})
    assert first.get_json()["number"] == 1 and other.get_json()["number"] == 1


def test_texas_refusal_names_the_units_and_owners_and_marks_their_fields(
    world,
    api,
    client,
    app,
    violation,  # noqa: F811
):
    with app.app_context():
        from app.associations.models import Association

        db.session.get(Association, world.a.id).compliance_profile = "TX"
        db.session.commit()
    letter = _issue(api, world, violation)
    batch = api(world.manager).post(f"/api/v1/associations/{world.a.id}/letter-batches", json={})
    batch_id = batch.get_json()["id"]
    refused = api(world.manager).post(f"/api/v1/letter-batches/{batch_id}/confirm", json={})
    assert refused.status_code == 422
    detail = refused.get_json()["errors"]["tracking_numbers"][0]
    assert "unit 12B" in detail and "Olivia Owner" in detail
    login(client, world.manager)
    page = client.post(
        f"/associations/{world.a.id}/compliance/batches/{batch_id}", data={"tracking-0": "x"}
    )
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert f'id="tracking-{letter["id"]}"' in html and "is-invalid" in html
    assert "enter the tracking number for Olivia Owner" in html


def test_a_hearing_request_is_not_offered_once_the_hearing_was_held(world, app):
    from app.compliance import conversation
    from app.compliance.models import Hearing

    with app.app_context():
        v = Violation(status="hearing_scheduled")
        v.fines = []
        v.hearing = Hearing(scheduled_at=clock.now() + timedelta(days=3), location="Clubhouse")
        assert conversation.hearing_request_offered(v) is True
        v.hearing.scheduled_at = clock.now() - timedelta(hours=1)
        assert conversation.hearing_request_offered(v) is True  # its time alone: not held
        v.hearing.held_at = clock.now()
        assert conversation.hearing_request_offered(v) is False
        v.hearing = None
        v.status = "fined"
        assert conversation.hearing_request_offered(v) is False


def test_the_board_sees_the_evidence_beside_a_fine(world, client, app):
    from app.associations.models import Association
    from app.auth.models import User
    from app.compliance import conversation, fines
    from tests.unit.compliance_helpers import through_hearing

    with app.app_context():
        db.session.get(Association, world.a.id).compliance_profile = "default"
        violation = through_hearing(world)
        owner = db.session.get(User, world.owner.id)
        conversation.add_response(
            violation,
            user=owner,
            message="The bins only go out on Tuesdays.",
            request_hearing=False,
        )
        fine = fines.propose_fine(
            violation,
            amount="50",
            reason="Bins visible after the cure date",
            health_safety_finding=False,
            actor=db.session.get(User, world.manager.id),
        )
        db.session.commit()
        approval_id = fine.approval_id
    login(client, world.board)
    page = client.get(f"/associations/{world.a.id}/approvals/{approval_id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "The evidence" in text and "Two bins visible from the street." in text
    assert "Notice of violation" in text and "Notice of hearing" in text
    assert "The bins only go out on Tuesdays." in text and "Clubhouse" in text


def test_the_front_door_is_the_sign_in_page_without_a_warning(client):
    response = client.get("/", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Sign in" in text
    assert "Please sign in to see this page." not in text
