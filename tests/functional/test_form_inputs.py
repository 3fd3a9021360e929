"""Number and date fields: a zero is a value, and a date that cannot be read says so
(instead of "This field is required"), keeping what was typed."""

from __future__ import annotations

from sqlalchemy import select

from app.compliance.models import Inspection, Rule
from app.extensions import db


def test_a_rule_with_no_cure_period_is_accepted(world, login_as, app):
    client = login_as(world.manager)
    response = client.post(
        f"/associations/{world.a.id}/compliance/rules",
        data={
            "code": "SAFE-1",
            "title": "Blocked fire lane",
            "description": "Nothing may stand in the fire lane.",
            "cure_days": "0",
            "fine_amount": "100.00",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        rule = db.session.scalars(select(Rule).where(Rule.code == "SAFE-1")).one()
        assert rule.cure_days == 0


def test_an_impossible_inspection_date_says_it_is_not_a_date(world, login_as, app):
    client = login_as(world.manager)
    response = client.post(
        f"/associations/{world.a.id}/compliance/inspections", data={"scheduled_for": "2027-02-30"}
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Not a valid date value." in text and "This field is required." not in text
    assert 'value="2027-02-30"' in text
    empty = client.post(f"/associations/{world.a.id}/compliance/inspections", data={})
    assert "This field is required." in empty.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Inspection)).all() == []
