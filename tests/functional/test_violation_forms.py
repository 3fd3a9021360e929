"""The violation page's inline forms: a refused form comes back with what was typed and its
error beside the field; a cure needs a note saying how it was verified."""

import re

from sqlalchemy import select

from app.extensions import db
from tests.conftest import login
from tests.functional.test_api_compliance import violation  # noqa: F401  (the fixture)


def _page(world, violation_id):
    return f"/associations/{world.a.id}/compliance/violations/{violation_id}"


def _status(app, violation_id):
    from app.compliance.models import Violation

    with app.app_context():
        return db.session.scalar(select(Violation.status).where(Violation.id == violation_id))


def test_the_api_refuses_a_cure_without_a_note(world, api, app, violation):  # noqa: F811
    manager = api(world.manager)
    url = f"/api/v1/violations/{violation['id']}/cure"
    for body in ({"notes": ""}, {"notes": "   "}):
        response = manager.post(url, json=body)
        assert response.status_code == 422
        assert "how the cure was verified" in response.get_json()["errors"]["notes"][0]
    assert _status(app, violation["id"]) == "open"
    assert manager.post(url, json={"notes": "Re-inspected: mowed"}).status_code == 200
    assert _status(app, violation["id"]) == "cured"


def test_the_cure_form_asks_for_the_note_and_confirms(world, client, app, violation):  # noqa: F811
    login(client, world.manager)
    page = _page(world, violation["id"])
    html = client.get(page).get_data(as_text=True)
    assert "how was it verified?" in html
    assert f"Record LND-2 at unit {world.owner_unit.label} as cured?" in html
    response = client.post(f"{page}/cure", data={"notes": " "})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Say how the cure was verified" in html
    assert re.search(r'id="cure-notes"[^>]*is-invalid|is-invalid"[^>]*id="cure-notes"', html)
    assert _status(app, violation["id"]) == "open"


def test_a_refused_hearing_keeps_what_was_typed(world, client, api, app, violation):  # noqa: F811
    api(world.manager).post(
        f"/api/v1/violations/{violation['id']}/letters", json={"kind": "violation"}
    )
    login(client, world.manager)
    page = _page(world, violation["id"])
    response = client.post(
        f"{page}/hearing", data={"scheduled_at": "2027-03-02T18:00", "location": "Clubhouse B7"}
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'value="Clubhouse B7"' in html
    assert 'value="2027-03-02T18:00"' in html
    response = client.post(f"{page}/hearing", data={"scheduled_at": "", "location": "Hall 9"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="Hall 9"' in html and "is-invalid" in html


def test_opening_an_inspection_twice_continues_the_days_inspection(world, api, client):
    from datetime import UTC, datetime

    from app.core import clock

    clock.freeze(datetime(2027, 3, 1, 17, 0, tzinfo=UTC))
    manager = api(world.manager)
    url = f"/api/v1/associations/{world.a.id}/inspections"
    first = manager.post(url, json={"scheduled_for": "2027-03-01"}).get_json()
    again = manager.post(url, json={"scheduled_for": "2027-03-01"}).get_json()
    other_day = manager.post(url, json={"scheduled_for": "2027-03-02"}).get_json()
    assert again["id"] == first["id"] and other_day["id"] != first["id"]
    login(client, world.manager)
    response = client.post(
        f"/associations/{world.a.id}/compliance/inspections", data={"scheduled_for": "2027-03-01"}
    )
    assert response.headers["Location"].endswith(f"/inspections/{first['id']}")
    listed = manager.get(f"{url}?per_page=100").get_json()
    assert listed["total"] == 2
