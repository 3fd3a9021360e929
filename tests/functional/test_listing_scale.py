"""Big lists (issue 14): bounded counts, pages read by id, search through the unit, and
statements per request that do not grow with the rows."""

from datetime import date, timedelta

import pytest
from sqlalchemy import insert

from app.associations.models import Unit
from app.compliance.models import Rule, Violation
from app.extensions import db
from tests.conftest import login
from tests.queries import counted_queries


def _violations(app, world, count: int, start: int = 0) -> None:
    """Add `count` units on Maple or Cedar Court, each with one open violation."""
    with app.app_context():
        rule = db.session.scalar(db.select(Rule).where(Rule.association_id == world.a.id))
        if rule is None:
            rule = Rule(
                association_id=world.a.id,
                code="PARK-2",
                title="Parking",
                description="No boats.",
                cure_days=7,
                fine_amount=25,
            )
            db.session.add(rule)
            db.session.flush()
        units = [
            {
                "association_id": world.a.id,
                "label": f"L{i:04d}",
                "street_address": f"{i} {'Maple' if i % 3 == 0 else 'Cedar'} Court",
                "unit_type": "standard",
            }
            for i in range(start, start + count)
        ]
        db.session.execute(insert(Unit), units)
        ids = db.session.scalars(
            db.select(Unit.id).where(Unit.label.in_([u["label"] for u in units]))
        ).all()
        db.session.execute(
            insert(Violation),
            [
                {
                    "association_id": world.a.id,
                    "unit_id": unit_id,
                    "rule_id": rule.id,
                    "status": "open",
                    "opened_on": date(2027, 1, 1) + timedelta(days=n % 40),
                    "is_repeat": False,
                    "cure_notes": "",
                    "closure_notes": "",
                }
                for n, unit_id in enumerate(ids)
            ],
        )
        db.session.commit()


@pytest.fixture
def bound(app):
    before = app.config["LIST_COUNT_BOUND"]
    app.config["LIST_COUNT_BOUND"] = 10
    yield 10
    app.config["LIST_COUNT_BOUND"] = before


def test_past_the_bound_a_list_says_more_than_and_still_pages(app, client, world, bound):
    _violations(app, world, 30)
    login(client, world.manager)
    page = client.get(f"/associations/{world.a.id}/units?per_page=8").get_data(as_text=True)
    assert "More than 10 results" in page
    assert "?per_page=8&amp;page=2" in page
    seen = []
    for number in (1, 2, 3, 4, 5):
        page = client.get(f"/associations/{world.a.id}/units?per_page=8&page={number}")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        seen += [f"L{i:04d}" for i in range(30) if f">L{i:04d}<" in text]
    # Every unit once, in label order, across the pages (12B is the world's own unit).
    assert seen == [f"L{i:04d}" for i in range(30)]


def test_a_short_list_counts_exactly(app, client, world):
    _violations(app, world, 3)
    login(client, world.manager)
    page = client.get(f"/associations/{world.a.id}/units").get_data(as_text=True)
    assert "4 results" in page and "More than" not in page


def test_api_lists_say_whether_the_total_is_exact(app, client, world, api, bound):
    _violations(app, world, 12)
    body = api(world.manager).get(f"/api/v1/associations/{world.a.id}/units?per_page=5").json
    assert body["total"] == 10 and body["total_exact"] is False
    body = api(world.manager).get(f"/api/v1/associations/{world.a.id}/violations?per_page=5")
    assert body.json["total"] == 10 and body.json["total_exact"] is False
    # A first page shorter than the page size is its own exact count.
    body = api(world.manager).get(f"/api/v1/associations/{world.a.id}/violations").json
    assert body["total"] == 12 and body["total_exact"] is True


def test_violations_search_finds_by_the_units_address_newest_first(app, client, world):
    _violations(app, world, 9)
    login(client, world.manager)
    url = f"/associations/{world.a.id}/compliance/violations"
    page = client.get(f"{url}?q=maple").get_data(as_text=True)
    labels = [f"L{i:04d}" for i in (6, 3, 0)]
    positions = [page.index(f">{label}<") for label in labels]
    assert positions == sorted(positions)
    assert "L0001" not in page and "3 results" in page
    page = client.get(f"{url}?q=park-2").get_data(as_text=True)
    assert "9 results" in page


def test_violations_deep_page_and_sort_by_unit(app, client, world):
    _violations(app, world, 30)
    login(client, world.manager)
    url = f"/associations/{world.a.id}/compliance/violations?sort=unit&dir=asc&per_page=10&page=3"
    page = client.get(url).get_data(as_text=True)
    assert all(f">L{i:04d}<" in page for i in range(20, 30))
    assert ">L0019<" not in page


@pytest.mark.parametrize(
    "path",
    [
        "/associations/{aid}/compliance/violations",
        "/associations/{aid}/compliance/violations?q=maple&per_page=5",
        "/associations/{aid}/compliance/violations?page=2&per_page=5",
        "/associations/{aid}/units",
        "/associations/{aid}/audit",
    ],
)
def test_statements_per_request_do_not_grow_with_rows(app, client, world, path):
    # (A first page shorter than the page is its own count: one statement fewer.)
    url = path.format(aid=world.a.id)
    _violations(app, world, 30)
    login(client, world.manager)
    client.get(url)
    with counted_queries(app) as few:
        assert client.get(url).status_code == 200
    _violations(app, world, 60, start=100)
    with counted_queries(app) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), many


def test_sqlite_connections_keep_the_planners_statistics(app):
    from sqlalchemy import create_engine, text

    from app.core.sqlite import enable_sqlite_foreign_keys

    with app.app_context():
        url = db.engine.url
    if url.get_backend_name() != "sqlite":
        pytest.skip("SQLite only")
    engine = create_engine(url)
    enable_sqlite_foreign_keys(engine)
    try:
        with engine.connect() as connection:
            found = connection.execute(
                text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            ).scalar()
        assert found == 1
    finally:
        engine.dispose()


def test_dashboard_counts_stop_at_a_bound(app, client, world, monkeypatch):
    from app.compliance import attention

    _violations(app, world, 8)  # open, never lettered: all due
    login(client, world.manager)
    page = client.get(f"/associations/{world.a.id}/").get_data(as_text=True)
    assert "8 violations are due" in page and "8 violations due today" in page
    monkeypatch.setattr(attention, "ATTENTION_BOUND", 5)
    page = client.get(f"/associations/{world.a.id}/").get_data(as_text=True)
    assert "More than 5 violations are due" in page
    assert "More than 5 violations due today" in page


def _plans(app, statements) -> list[str]:
    """SQLite's plan of each statement (EXPLAIN QUERY PLAN), as text."""
    plans = []
    with app.app_context(), db.engine.connect() as connection:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            plans.append(statement + " || " + " | ".join(str(row[-1]) for row in rows))
    return plans


def test_sorted_by_unit_the_units_lead_and_nothing_is_sorted_whole(app, client, world):
    """Sorted by unit, the page walks the units' label index and each unit's violations
    (SQLite would otherwise sort every violation of the association for one page)."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's planner")
    _violations(app, world, 60)
    login(client, world.manager)
    url = f"/associations/{world.a.id}/compliance/violations?sort=unit&dir=desc&per_page=10"
    with counted_queries(app, parameters=True) as statements:
        page = client.get(url).get_data(as_text=True)
    assert page.index(">L0059<") < page.index(">L0058<") < page.index(">L0050<")
    listing = [p for p in _plans(app, statements) if "units" in p and "compliance_violations" in p]
    assert listing and all("TEMP B-TREE FOR ORDER BY" not in p for p in listing), listing


def test_each_violation_awaits_a_reply_on_its_own_messages(app, world):
    """An owner's answer awaits a reply until the office answers that violation, whatever
    happens on the others (the condition reads each violation's own latest message)."""
    from datetime import UTC, datetime

    from sqlalchemy import select

    from app.compliance.conversation import unanswered_condition
    from app.compliance.models import OwnerResponse

    _violations(app, world, 3)
    with app.app_context():
        first, second, third = db.session.scalars(
            select(Violation.id)
            .where(Violation.association_id == world.a.id)
            .order_by(Violation.id)
        ).all()
        now = datetime(2027, 1, 5, tzinfo=UTC)
        for violation_id, from_office in ((first, False), (second, False), (third, False)):
            db.session.add(
                OwnerResponse(
                    violation_id=violation_id,
                    user_id=world.owner.id,
                    message="Done",
                    created_at=now,
                    from_office=from_office,
                )
            )
        db.session.flush()
        db.session.add(
            OwnerResponse(
                violation_id=third,
                user_id=world.manager.id,
                message="Thanks",
                created_at=now,
                from_office=True,
            )
        )
        db.session.commit()
        waiting = db.session.scalars(
            select(Violation.id).where(unanswered_condition()).order_by(Violation.id)
        ).all()
        assert waiting == [first, second]
