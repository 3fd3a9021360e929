"""Compliance pages as each role sees them, and the main flows through the forms."""

import io
import re
from datetime import UTC, datetime

import pytest
from PIL import Image

from app.core import clock
from app.extensions import db
from tests.conftest import login

ROLES = ["admin", "manager", "board", "owner", "outsider", "nobody"]


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 30), (10, 90, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def setup(world, app):
    """A rule, an inspection and a violation at 12B with a courtesy letter (March 1, 2027)."""
    from app.associations.models import Association
    from app.auth.models import User
    from app.compliance import inspections, ladder, rules

    clock.freeze(datetime(2027, 3, 1, 17, 0, tzinfo=UTC))
    with app.app_context():
        association = db.session.get(Association, world.a.id)
        manager = db.session.get(User, world.manager.id)
        rule = rules.create_rule(
            association,
            {
                "code": "ARC-1",
                "title": "Trash containers",
                "description": "Out of view.",
                "cure_days": 7,
                "fine_amount": "50",
            },
            actor=manager,
        )
        inspection = inspections.create_inspection(
            association, scheduled_for=clock.today(association.time_zone), actor=manager
        )
        finding = inspections.record_finding(
            inspection,
            unit_id=world.owner_unit.id,
            rule_id=rule.id,
            notes="Bins out",
            photos=[jpeg()],
            actor=manager,
        )
        letter = ladder.issue_letter(finding.violation, "courtesy", actor=manager)
        db.session.commit()
        return {
            "rule": rule.id,
            "inspection": inspection.id,
            "violation": finding.violation_id,
            "letter": letter.id,
            "photo": finding.photos[0].id,
        }


MATRIX = {
    "/associations/{a}/compliance/violations": [200, 200, 200, 403, 404, 404],
    "/associations/{a}/compliance/due": [200, 200, 200, 403, 404, 404],
    "/associations/{a}/compliance/inspections": [200, 200, 200, 403, 404, 404],
    "/associations/{a}/compliance/inspections/{inspection}": [200, 200, 200, 403, 404, 404],
    "/associations/{a}/compliance/rules": [200, 200, 200, 403, 404, 404],
    "/associations/{a}/compliance/rules/{rule}": [200, 200, 403, 403, 404, 404],
    "/associations/{a}/compliance/templates": [200, 200, 200, 403, 404, 404],
    "/associations/{a}/compliance/templates/courtesy": [200, 200, 403, 403, 404, 404],
    "/associations/{a}/compliance/batches": [200, 200, 200, 403, 404, 404],
    "/associations/{a}/compliance/violations/{violation}": [200, 200, 200, 302, 404, 404],
    "/associations/{a}/my/violations/{violation}": [404, 404, 404, 200, 404, 404],
    "/associations/{a}/compliance/letters/{letter}.pdf": [200, 200, 200, 200, 404, 404],
    "/associations/{a}/compliance/photos/{photo}": [200, 200, 200, 200, 404, 404],
}


@pytest.mark.parametrize("path", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_compliance_pages_by_role(world, client, setup, role, path):
    login(client, world.user(role))
    url = path.format(a=world.a.id, **setup)
    assert client.get(url).status_code == MATRIX[path][ROLES.index(role)]


def test_board_sees_no_action_buttons(world, client, setup):
    login(client, world.board)
    text = client.get(
        f"/associations/{world.a.id}/compliance/violations/{setup['violation']}"
    ).get_data(as_text=True)
    assert "Trash containers" in text and "Bins out" in text
    for button in ("Issue:", "Record the cure", "Close the violation", "Schedule and issue"):
        assert button not in text
    text = client.get(
        f"/associations/{world.a.id}/compliance/inspections/{setup['inspection']}"
    ).get_data(as_text=True)
    assert "Record the finding" not in text


def test_manager_records_a_finding_with_the_unit_picker(world, client, app, setup):
    login(client, world.manager)
    url = f"/associations/{world.a.id}/compliance/inspections/{setup['inspection']}"
    page = client.get(url).get_data(as_text=True)
    assert '<option value="12B — 12 Oak Lane">' in page
    response = client.post(
        url,
        data={
            "unit": "12B — 12 Oak Lane",
            "rule_id": setup["rule"],
            "notes": "Still out",
            "photos": [(io.BytesIO(jpeg()), "bins.jpg")],
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Recorded: re-inspection at unit 12B." in response.get_data(as_text=True)
    response = client.post(url, data={"unit": "99Z", "rule_id": setup["rule"]})
    assert re.search(
        r"invalid-feedback[^>]*>\s*Pick a unit from the list", response.get_data(as_text=True)
    )
    response = client.post(
        url,
        data={
            "unit": "12 Oak Lane",
            "rule_id": setup["rule"],
            "photos": [(io.BytesIO(b"GIF89a"), "x.gif")],
        },
        content_type="multipart/form-data",
    )
    assert "A photo must be a JPEG or PNG file." in response.get_data(as_text=True)


def test_refused_letters_say_why(world, client, setup):
    login(client, world.manager)
    url = f"/associations/{world.a.id}/compliance/violations/{setup['violation']}"
    page = client.get(url).get_data(as_text=True)
    assert "Issue: Notice of violation" not in page  # waits for the courtesy cure date
    assert "waits until the cure deadline of March 8, 2027" in page
    response = client.post(url + "/letters/violation", follow_redirects=True)
    assert "It becomes possible on March 9, 2027." in response.get_data(as_text=True)


def test_owner_answers_from_the_portal(world, client, app, setup):
    login(client, world.owner)
    dashboard = client.get(f"/associations/{world.a.id}/").get_data(as_text=True)
    assert "Open matters" in dashboard and "Trash containers" in dashboard
    url = f"/associations/{world.a.id}/my/violations/{setup['violation']}"
    page = client.get(url).get_data(as_text=True)
    assert "Please correct it by March 8, 2027." in page and "Courtesy notice" in page
    response = client.post(
        url,
        data={
            "message": "Moved the bins",
            "request_hearing": "y",
            "photos": [(io.BytesIO(jpeg()), "done.jpg")],
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "The management office has your answer." in text and "Moved the bins" in text
    login(client, world.manager)
    page = client.get(
        f"/associations/{world.a.id}/compliance/violations/{setup['violation']}"
    ).get_data(as_text=True)
    assert "requests a hearing" in page and "Moved the bins" in page
    assert any(m["Subject"].startswith("Owner response") for m in app.extensions["mail_outbox"])


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_template_editor_saves_and_previews(world, client, api, setup):
    login(client, world.manager)
    url = f"/associations/{world.a.id}/compliance/templates/courtesy"
    body = "<p>Hello {{ owner_names }}, about {{ unit_address }}.</p>"
    response = client.post(url, data={"body": body, "preview": "1"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    preview = _pdf_text(response.data)
    assert "Hello Jordan Sample, about 100 Sample Street." in preview
    assert "Alpha Grove HOA" in preview and "Courtesy notice" in preview
    assert (
        api(world.manager)
        .get(f"/api/v1/associations/{world.a.id}/letter-templates/courtesy")
        .get_json()["body"]
        != body
    )  # a preview saves nothing
    response = client.post(url, data={"body": "{{ nope }}", "submit": "1"})
    text = response.get_data(as_text=True)
    assert "Unknown placeholders: nope." in text and "{{ nope }}" in text  # kept as typed
    response = client.post(url, data={"body": body, "submit": "1"}, follow_redirects=True)
    assert "Saved the English wording of the courtesy letter." in response.get_data(as_text=True)
    assert (
        api(world.manager)
        .get(f"/api/v1/associations/{world.a.id}/letter-templates/courtesy")
        .get_json()["body"]
        == body
    )


def test_batch_pages(world, client, setup):
    login(client, world.manager)
    url = f"/associations/{world.a.id}/compliance/batches"
    assert "1 issued letter waits to be mailed." in client.get(url).get_data(as_text=True)
    response = client.post(url, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Download the PDF for the print house" in text
    assert "Confirm: these letters were mailed" in text
    batch_url = re.search(r'href="(/associations/\d+/compliance/batches/\d+)\.pdf"', text)[1]
    response = client.post(batch_url, follow_redirects=True)
    assert "Marked 1 letters mailed." in response.get_data(as_text=True)


def test_owner_is_told_when_the_deadline_has_passed(world, client, setup):
    from datetime import timedelta

    clock.advance(timedelta(days=10))
    login(client, world.owner)
    page = client.get(f"/associations/{world.a.id}/my/violations/{setup['violation']}")
    assert "The deadline to correct it was March 8, 2027." in page.get_data(as_text=True)


def test_d6_the_hearing_form_takes_a_date_and_time_and_refuses_year_one(world, client, setup):
    """D6 on the pages: a date out of range is a message, never a 500."""
    login(client, world.manager)
    url = f"/associations/{world.a.id}/compliance/violations/{setup['violation']}/hearing"
    response = client.post(
        url,
        data={"scheduled_at": "0001-01-01T10:00", "location": "Clubhouse"},
        follow_redirects=True,
    )
    # The page comes back (422) saying what to correct.
    assert response.status_code == 422
    assert "Enter a date between 1900-01-01 and 2199-12-31." in response.get_data(as_text=True)
    response = client.post(
        url,
        data={"scheduled_at": "2027-04-20T18:00", "location": "Clubhouse"},
        follow_redirects=True,
    )
    assert response.status_code == 409  # the page again, with the ladder's refusal
    page = response.get_data(as_text=True)
    # The form takes the date and time; the ladder then answers with its own rule.
    assert "Enter a date between" not in page
    assert "A hearing follows the notice of violation; issue that first." in page


def test_rules_page_states_the_florida_caps_in_the_statutes_words(world, client, app):
    from app.associations.models import Association

    with app.app_context():
        db.session.get(Association, world.a.id).compliance_profile = "FL"
        db.session.commit()
    login(client, world.manager)
    text = client.get(f"/associations/{world.a.id}/compliance/rules").get_data(as_text=True)
    assert "Fines are capped at $100.00 per violation (Florida Statutes § 720.305(2))." in text
    assert (
        "All fines on one unit’s violations are capped at $1,000.00 in the aggregate "
        "(Florida Statutes § 720.305(2))."
    ) in text
    assert "except that the fine may not exceed $1,000 in the aggregate" in text


@pytest.mark.parametrize("profile", ["default", "CA"])
def test_the_fine_form_is_offered_exactly_when_the_service_allows_a_fine(
    world, client, api, app, profile
):
    """A violation cured late, after its hearing: the default profile may still fine it."""
    from datetime import timedelta

    from app.associations.models import Association
    from app.auth.models import User
    from app.compliance import outcomes
    from app.compliance.models import Violation
    from tests.unit.compliance_helpers import through_hearing

    with app.app_context():
        db.session.get(Association, world.a.id).compliance_profile = profile
        db.session.commit()
        violation = through_hearing(world)
        clock.advance(timedelta(days=1))
        outcomes.cure_violation(
            db.session.get(Violation, violation.id),
            notes="Late",
            actor=db.session.get(User, world.manager.id),
        )
        db.session.commit()
        violation_id = violation.id
    login(client, world.manager)
    page = client.get(f"/associations/{world.a.id}/compliance/violations/{violation_id}")
    text = page.get_data(as_text=True)
    response = api(world.manager).post(
        f"/api/v1/violations/{violation_id}/fines", json={"amount": "50", "reason": "Late cure"}
    )
    assert "No hearing can be scheduled now: The violation is cured; no hearing is held." in text
    assert "Move the hearing and issue a new notice" not in text
    if profile == "default":
        assert "Propose to the board" in text
        assert response.status_code == 201
    else:
        assert "Propose to the board" not in text
        reason = "California forbids fining a violation cured before the hearing"
        assert f"No fine can be proposed now: {reason}" in text
        assert response.status_code == 409 and reason in response.get_json()["detail"]
