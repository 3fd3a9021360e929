"""One "overdue" rule: the list filter, its highlight, Due today, the dashboard and the API."""

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.core import clock
from app.extensions import db
from tests.conftest import login

TODAY = date(2027, 3, 20)
# (label, status, cure_by, overdue?)
CASES = [
    ("A1", "open", date(2027, 3, 19), True),
    ("A2", "noticed", date(2027, 3, 1), True),
    ("A3", "noticed", TODAY, False),  # the cure date itself is not past
    ("A4", "hearing_scheduled", date(2027, 3, 1), False),
    ("A5", "cured", date(2027, 3, 1), False),
    ("A6", "open", None, False),
    ("A7", "fined", date(2027, 3, 1), False),
]


@pytest.fixture
def violations(world, app):
    from app.compliance import rules
    from app.compliance.models import Violation
    from tests import factories as f

    clock.freeze(datetime(2027, 3, 20, 17, 0, tzinfo=UTC))
    with app.app_context():
        db.session().expire_on_commit = False
        rule = rules.create_rule(
            world.a,
            {"code": "R-1", "title": "Rule", "description": "d", "cure_days": 7, "fine_amount": 1},
            actor=world.manager,
        )
        ids = {}
        for label, status, cure_by, _overdue in CASES:
            unit = f.UnitFactory(association_id=world.a.id, label=label)
            violation = Violation(
                association_id=world.a.id,
                unit_id=unit.id,
                rule_id=rule.id,
                status=status,
                opened_on=date(2027, 2, 1),
                cure_by=cure_by,
            )
            db.session.add(violation)
            db.session.flush()
            ids[label] = violation.id
        db.session.commit()
        return ids


def _expected(violations):
    return {violations[label] for label, *_rest, overdue in CASES if overdue}


def test_the_predicate_in_python_and_in_sql_agree(world, app, violations):
    from app.compliance.models import Violation

    with app.app_context():
        in_sql = set(db.session.scalars(select(Violation.id).where(Violation.is_overdue(TODAY))))
        in_python = {v.id for v in db.session.scalars(select(Violation)) if v.is_overdue(TODAY)}
    assert in_sql == in_python == _expected(violations)


def test_pages_and_api_name_the_same_overdue_violations(world, client, api, violations):
    expected = _expected(violations)
    body = api(world.manager).get(f"/api/v1/associations/{world.a.id}/violations?overdue=true")
    assert {item["id"] for item in body.get_json()["items"]} == expected
    login(client, world.manager)
    base = f"/associations/{world.a.id}/compliance"
    listed = client.get(f"{base}/violations?overdue=1").get_data(as_text=True)
    assert set(map(int, re.findall(r"/compliance/violations/(\d+)\"", listed))) == expected
    # Due today (and its count on the dashboard) also lists open violations that never got
    # a first letter: A6 (no cure date yet); A1 is both.
    due_ids = expected | {violations["A6"]}
    due = client.get(f"{base}/due").get_data(as_text=True)
    assert set(map(int, re.findall(r"/compliance/violations/(\d+)\"", due))) == due_ids
    assert "No letter yet" in due
    everything = client.get(f"{base}/violations?per_page=100").get_data(as_text=True)
    highlighted = re.findall(r'<td class="text-danger fw-bold">', everything)
    assert len(highlighted) == len(expected)
    dashboard = client.get(f"/associations/{world.a.id}/").get_data(as_text=True)
    assert f"{len(due_ids)} violations due today" in dashboard
