"""The security probe of 2026-12-02, D8: letter wording cannot break letters. Saving refuses
what letters do not need (with the reason), and a template that could hang or fail never
reaches an issued letter."""

import pytest
from sqlalchemy import text

from app.compliance import letter_bodies
from app.extensions import db
from tests.conftest import login
from tests.functional.test_api_compliance import violation  # noqa: F401 - fixture

PROBE_BODIES = [
    ("{{ association_name.foo.bar }}", "reading an attribute"),
    ("{{ association_name.__class__.__mro__[1].__subclasses__() }}", "calling a function"),
    ('{{ cycler.__init__.__globals__.os.popen("id").read() }}', "calling a function"),
    ("{% for a in range(10000) %}{% for b in range(1000) %}{% endfor %}{% endfor %}", "a loop"),
    ('{{ ("x" * 200000000)|length }}', "a filter"),
    ("{{ owner_names * 100000000 }}", "arithmetic"),
    ("{% set x = 1 %}{{ owner_names }}", "setting a value"),
    ("{{ owner_names|upper }}", "a filter"),
]


@pytest.mark.parametrize(("body", "reason"), PROBE_BODIES)
def test_d8_saving_refuses_wording_that_does_more_than_a_letter_needs(
    world,
    api,
    violation,  # noqa: F811
    body,
    reason,
):
    url = f"/api/v1/associations/{world.a.id}/letter-templates/courtesy"
    response = api(world.manager).put(url, json={"body": body})
    assert response.status_code == 422
    (message,) = response.get_json()["errors"]["body"]
    assert reason in message
    assert (
        api(world.manager).get(url).get_json()["body"] == letter_bodies.DEFAULT_BODIES["courtesy"]
    )


def test_d8_placeholders_and_conditions_are_enough_and_allowed(world, api, violation):  # noqa: F811
    body = (
        "<p>Dear {{ owner_names }},</p>{% if hearing_at %}<p>Hearing: {{ hearing_at }}</p>"
        "{% elif not fine %}<p>No fine.</p>{% else %}<p>{{ fine }}</p>{% endif %}"
    )
    url = f"/api/v1/associations/{world.a.id}/letter-templates/courtesy"
    assert api(world.manager).put(url, json={"body": body}).status_code == 200
    letter = api(world.manager).post(
        f"/api/v1/violations/{violation['id']}/letters", json={"kind": "courtesy"}
    )
    assert letter.status_code == 201


def test_d8_wording_saved_before_the_rules_is_refused_at_issue_not_a_500(
    world,
    api,
    app,
    violation,  # noqa: F811
):
    with app.app_context():
        db.session.execute(
            text(
                "INSERT INTO compliance_letter_templates (association_id, kind, body, updated_at)"
                " VALUES (:a, 'courtesy', '{{ association_name.foo.bar }}', CURRENT_TIMESTAMP)"
            ),
            {"a": world.a.id},
        )
        db.session.commit()
    response = api(world.manager).post(
        f"/api/v1/violations/{violation['id']}/letters", json={"kind": "courtesy"}
    )
    assert response.status_code == 409
    detail = response.get_json()["detail"]
    assert "wording for this letter cannot be used" in detail and "reading an attribute" in detail
    assert (
        api(world.manager).get(f"/api/v1/violations/{violation['id']}").get_json()["letters"] == []
    )


@pytest.mark.parametrize(("body", "reason"), PROBE_BODIES[:4])
def test_d8_the_preview_page_shows_the_reason_next_to_the_wording(
    world,
    client,
    violation,  # noqa: F811
    body,
    reason,
):
    login(client, world.manager)
    url = f"/associations/{world.a.id}/compliance/templates/courtesy"
    response = client.post(url, data={"body": body, "preview": "1"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert reason in response.get_data(as_text=True)
