"""What the navigation bar costs (issue 14): the memberships, the switcher's association
names and the "awaits my vote" badge are read in one statement, whatever the rows; nothing
is cached across requests, so a vote or a new role shows on the next page."""

from __future__ import annotations

import pytest

from app.core import navigation
from app.extensions import db
from tests import factories as f
from tests.conftest import login
from tests.functional.test_listing_scale import _violations
from tests.functional.test_shell import _budget_before_the_board
from tests.queries import counted_queries


def _bar_statements(app, client, url):
    """(statements of the whole request, statements the bar ran itself)."""
    real = navigation.for_request
    bar = []

    def counted():
        with counted_queries(app) as statements:
            result = real()
        bar.append(len(statements))
        return result

    navigation.for_request = counted
    try:
        with counted_queries(app) as everything:
            assert client.get(url).status_code == 200
    finally:
        navigation.for_request = real
    return len(everything), sum(bar)


@pytest.mark.parametrize("who", ["manager", "board", "owner"])
def test_the_bar_runs_no_statement_of_its_own(app, client, world, who):
    login(client, world.user(who))
    _total, bar = _bar_statements(app, client, f"/associations/{world.a.id}/")
    assert bar == 0
    with counted_queries(app) as statements:
        client.get(f"/associations/{world.a.id}/")
    membership_reads = [s for s in statements if "FROM memberships" in s and "user_id" in s]
    # One statement reads the memberships, their associations' names and the badges.
    assert len([s for s in membership_reads if "approval_requests" in s]) == 1


@pytest.mark.parametrize(
    "path",
    [
        "/associations/{aid}/",
        "/associations/{aid}/units?per_page=2",
        "/associations/{aid}/audit?per_page=2",
    ],
)
def test_a_page_costs_the_same_at_2_and_at_30_rows(app, client, world, path):
    url = path.format(aid=world.a.id)
    _violations(app, world, 2)
    login(client, world.board)
    client.get(url)
    few, few_bar = _bar_statements(app, client, url)
    _violations(app, world, 28, start=100)
    with app.app_context():
        # More associations in the switcher and more memberships do not add statements.
        for n in range(6):
            other = f.AssociationFactory(name=f"Zeta {n} HOA")
            f.MembershipFactory(
                user=db.session.merge(world.board),
                association=other,
                role="board",
                office="director",
            )
        db.session.commit()
    many, many_bar = _bar_statements(app, client, url)
    assert (many, many_bar) == (few, few_bar)
    page = client.get(url).get_data(as_text=True)
    assert "Zeta 5 HOA" in page.split("<main")[0]


def test_a_vote_and_a_new_role_show_on_the_next_page(app, client, world):
    request_id = _budget_before_the_board(app, world, world.a, 2027)
    login(client, world.board)
    home = f"/associations/{world.a.id}/"
    assert "1 awaits my vote" in client.get(home).get_data(as_text=True)
    client.post(
        f"/associations/{world.a.id}/approvals/{request_id}/vote",
        data={"choice": "approve", "comment": ""},
    )
    assert "awaits my vote" not in client.get(home).get_data(as_text=True)
    with app.app_context():
        other = f.AssociationFactory(name="Omega Ridge HOA")
        f.MembershipFactory(
            user=db.session.merge(world.board), association=other, role="board", office="director"
        )
        db.session.commit()
    assert "Omega Ridge HOA" in client.get(home).get_data(as_text=True).split("<main")[0]


def test_the_api_does_not_count_the_badges(app, client, world, api):
    caller = api(world.board)
    with counted_queries(app) as statements:
        assert caller.get(f"/api/v1/associations/{world.a.id}/units").status_code == 200
    assert not [s for s in statements if "approval_requests" in s]
