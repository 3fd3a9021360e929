"""The application shell: dates in each record's association's zone, time zones from the
state, "Awaiting my vote" across associations, the navigation and the favicon."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.associations.states import time_zone_for
from app.core import clock
from app.extensions import db
from tests import factories as f
from tests.conftest import login
from tests.queries import counted_queries
from tests.unit.budget_helpers import LINES


def _budget_before_the_board(app, world, association, year):
    from app.associations.models import Association
    from app.auth.models import User
    from app.budgets import services as budgets

    with app.app_context():
        association = db.session.get(Association, association.id)
        manager = db.session.get(User, world.manager.id)
        budget = budgets.create_budget(association, fiscal_year=year, actor=manager)
        for values in LINES:
            budgets.add_line(budget, dict(values), actor=manager)
        request = budgets.submit_budget(budget, actor=manager)
        db.session.commit()
        return request.id


@pytest.fixture
def two_zones(app, world):
    """Bea sits on both boards; A is in Los Angeles, B in Chicago; a budget waits in each."""
    with app.app_context():
        b = db.session.merge(world.b)
        b.time_zone = "America/Chicago"
        b.board_decisions = {"budget": "online"}  # voted online here, as in A (conftest)
        f.MembershipFactory(
            user=db.session.merge(world.board), association=b, role="board", office="president"
        )
        f.MembershipFactory(user=db.session.merge(world.manager), association=b, role="manager")
        db.session.commit()
    clock.freeze(datetime(2026, 12, 2, 4, 27, tzinfo=UTC))
    first = _budget_before_the_board(app, world, world.a, 2027)
    second = _budget_before_the_board(app, world, world.b, 2027)
    return first, second


def test_awaiting_my_vote_names_the_association_amounts_and_local_dates(client, world, two_zones):
    login(client, world.board)
    page = client.get("/approvals/awaiting").get_data(as_text=True)
    assert "Alpha Grove HOA" in page and "Beta Hills HOA" in page
    assert "Income $120,000.00 · expenses $72,000.00" in page
    # The same moment, each in its own association's time zone (not UTC's December 2).
    assert "Submitted December 1, 2026, 8:27 PM PST" in page
    assert "Submitted December 1, 2026, 10:27 PM CST" in page
    assert "December 2, 2026" not in page
    assert "2 await my vote" in page


def test_awaiting_my_vote_costs_the_same_queries_for_more_requests(app, client, world, two_zones):
    login(client, world.board)
    client.get("/approvals/awaiting")
    with counted_queries(app) as few:
        assert client.get("/approvals/awaiting").status_code == 200
    for year in (2028, 2029, 2030):
        _budget_before_the_board(app, world, world.a, year)
    with counted_queries(app) as many:
        page = client.get("/approvals/awaiting").get_data(as_text=True)
    assert page.count("Budget for fiscal year") == 5
    assert len(many) == len(few), many


def test_nothing_awaits_an_owner_or_someone_of_another_association(client, world, two_zones):
    for person in (world.owner, world.outsider):
        login(client, person)
        page = client.get("/approvals/awaiting").get_data(as_text=True)
        assert "Nothing waits for your vote." in page
        assert "Alpha Grove HOA" not in page.split("<main")[1]


@pytest.mark.parametrize(
    ("state", "zone"),
    [
        ("CA", "America/Los_Angeles"),
        ("OR", "America/Los_Angeles"),
        ("TX", "America/Chicago"),
        ("FL", "America/New_York"),
        ("AZ", "America/Phoenix"),
        ("HI", "Pacific/Honolulu"),
        ("XX", "UTC"),
        ("", "UTC"),
    ],
)
def test_a_state_has_its_main_time_zone(state, zone):
    assert time_zone_for(state) == zone


def test_the_api_defaults_the_time_zone_from_the_state(api, world):
    admin = api(world.admin)
    body = {"name": "Oregon Pines", "state": "OR", "fiscal_year_start_month": 1}
    created = admin.post("/api/v1/associations", json=body)
    assert created.status_code == 201 and created.get_json()["time_zone"] == "America/Los_Angeles"
    body = {"name": "Texas Oaks", "state": "TX", "fiscal_year_start_month": 1}
    assert (
        admin.post("/api/v1/associations", json=body).get_json()["time_zone"] == "America/Chicago"
    )
    body = {**body, "name": "El Paso Oaks", "time_zone": "America/Denver"}
    assert admin.post("/api/v1/associations", json=body).get_json()["time_zone"] == "America/Denver"


def test_the_form_proposes_the_state_zone_without_inline_script(app, client, world):
    login(client, world.admin)
    page = client.get("/associations/new").get_data(as_text=True)
    assert 'data-time-zones="{' in page and "&#34;FL&#34;:&#34;America/New_York&#34;" in page
    assert 'data-follows-state="state"' in page
    assert "<script>" not in page  # the proposal comes from static/js/app.js
    response = client.post(
        "/associations/new",
        data={
            "name": "Sunny Isles",
            "state": "FL",
            "fiscal_year_start_month": "1",
            "time_zone": "",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        from app.associations.models import Association

        created = db.session.scalar(db.select(Association).filter_by(name="Sunny Isles"))
        assert created.time_zone == "America/New_York"


def test_favicon_is_served(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200 and response.data[:4] == b"\x00\x00\x01\x00"
    with client.get("/static/favicon.svg") as response:
        assert response.status_code == 200 and b"<svg" in response.data


@pytest.mark.parametrize(
    ("who", "sees", "hidden"),
    [
        (
            "manager",
            ["Units", "People", "Violations", "Vendors", "Mail", "Settings"],
            ["Administration"],
        ),
        ("board", ["Units", "Violations", "Approvals", "Audit log"], ["Mail", "Settings"]),
        ("owner", ["Overview", "Budgets"], ["Units", "Violations", "Mail", "Audit log"]),
        ("admin", ["Mail", "Settings", "Administration", "All people", "Background jobs"], []),
    ],
)
def test_the_navigation_shows_what_the_role_may_reach(client, world, who, sees, hidden):
    login(client, world.user(who))
    page = client.get(f"/associations/{world.a.id}/").get_data(as_text=True)
    nav = page.split("<main")[0]
    for label in sees:
        assert f">{label}<" in nav, label
    for label in hidden:
        assert f">{label}<" not in nav, label
    assert 'title="Alpha Grove HOA"' in nav


# --- the audit log ----------------------------------------------------------------------------


def _unit_added(app, world, label="7A"):
    from app.associations import units
    from app.associations.models import Association
    from app.auth.models import User

    with app.app_context():
        unit = units.create_unit(
            db.session.get(Association, world.a.id),
            label=label,
            street_address="7 Aspen Way",
            actor=db.session.get(User, world.manager.id),
        )
        db.session.commit()
        return unit.id


def test_the_audit_log_reads_in_words_and_links_to_records(app, client, world):
    unit_id = _unit_added(app, world)
    login(client, world.board)
    page = client.get(f"/associations/{world.a.id}/audit").get_data(as_text=True)
    assert "<td>Unit added</td>" in page and "unit.created" not in page.split("<tbody>")[1]
    assert f'<a href="/associations/{world.a.id}/units/{unit_id}">Unit #{unit_id}</a>' in page
    # The filter offers the actions in words, whatever the log holds.
    assert '<option value="unit.created">Unit added</option>' in page
    assert '<option value="violation.cured">Violation cured</option>' in page
    filtered = client.get(f"/associations/{world.a.id}/audit?action=unit.deleted")
    assert "Nothing recorded matches." in filtered.get_data(as_text=True)
    found = client.get(f"/associations/{world.a.id}/audit?q=unit+added").get_data(as_text=True)
    assert "Added unit 7A" in found


def test_the_audit_log_reads_the_index_newest_first_without_scanning_for_actions(
    app, client, world
):
    _unit_added(app, world)
    login(client, world.manager)
    with counted_queries(app) as statements:
        assert client.get(f"/associations/{world.a.id}/audit").status_code == 200
    log_queries = [s for s in statements if "FROM audit_entries" in s]
    assert log_queries and not any("DISTINCT" in s.upper() for s in log_queries)
    listing = next(s for s in log_queries if "LIMIT" in s)
    order = listing.split("ORDER BY")[1].split("LIMIT")[0].strip()
    assert order == "audit_entries.id DESC"


@pytest.mark.parametrize(("who", "status"), [("owner", 403), ("outsider", 404), ("nobody", 404)])
def test_the_audit_log_is_for_staff_and_board(client, world, who, status):
    login(client, world.user(who))
    assert client.get(f"/associations/{world.a.id}/audit").status_code == status


# --- where people land ------------------------------------------------------------------------


def test_a_manager_of_several_associations_lands_on_what_needs_attention(
    app, client, world, two_zones
):
    login(client, world.manager)
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Your associations" in page and "Alpha Grove HOA" in page and "Beta Hills HOA" in page
    assert page.count("1 request waits for the board") == 2
    assert f'href="/associations/{world.a.id}/approvals"' in page


def test_an_association_with_nothing_to_do_says_all_clear(app, client, world):
    with app.app_context():
        f.MembershipFactory(
            user=db.session.merge(world.manager),
            association=db.session.merge(world.b),
            role="manager",
        )
        db.session.commit()
    login(client, world.manager)
    page = client.get("/").get_data(as_text=True)
    assert page.count("All clear: nothing needs attention.") == 2


def test_one_association_leads_straight_to_it_and_owners_keep_their_home(client, world):
    for who in ("owner", "manager", "outsider"):
        login(client, world.user(who))
        response = client.get("/")
        aid = world.b.id if who == "outsider" else world.a.id
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/associations/{aid}/")


def test_an_owner_of_homes_in_two_associations_chooses_from_the_list(app, client, world):
    with app.app_context():
        f.MembershipFactory(
            user=db.session.merge(world.owner),
            association=db.session.merge(world.b),
            role="owner",
            unit=db.session.merge(world.b_unit),
        )
        db.session.commit()
    login(client, world.owner)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/associations/")


def test_an_administrator_sees_every_association(client, world):
    login(client, world.admin)
    page = client.get("/").get_data(as_text=True)
    assert "Alpha Grove HOA" in page and "Beta Hills HOA" in page and "2 results" in page
