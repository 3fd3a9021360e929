"""Budget and approval pages, as each role sees them."""

import html
import io
import re

import pytest
from sqlalchemy import select

from app.approvals import services as approvals
from app.budgets import services as budgets
from app.budgets.models import Budget
from app.extensions import db
from tests.conftest import login
from tests.unit.budget_helpers import LINES

ROLES = ["admin", "manager", "board", "owner", "outsider", "nobody"]


@pytest.fixture
def setup(world, app):
    """A draft FY2028 and an approved FY2027 budget in association A."""
    from app.associations.models import Association
    from app.auth.models import User

    with app.app_context():
        association = db.session.get(Association, world.a.id)
        manager = db.session.get(User, world.manager.id)
        approved = budgets.create_budget(association, fiscal_year=2027, actor=manager)
        for line in LINES:
            budgets.add_line(approved, dict(line), actor=manager)
        request = budgets.submit_budget(approved, actor=manager)
        for uid in (world.board.id, world.board2.id):
            approvals.cast_vote(request.id, voter=db.session.get(User, uid), choice="approve")
        draft = budgets.create_budget(association, fiscal_year=2028, actor=manager)
        budgets.add_line(draft, dict(LINES[1]), actor=manager)
        db.session.commit()
        return {"approved": approved.id, "draft": draft.id, "request": request.id}


MATRIX = {
    "/associations/{a}/budgets/": [200, 200, 200, 200, 404, 404],
    "/associations/{a}/budgets/{draft}": [200, 200, 200, 404, 404, 404],
    "/associations/{a}/budgets/{approved}": [200, 200, 200, 200, 404, 404],
    "/associations/{a}/budgets/{approved}/report.pdf": [200, 200, 200, 200, 404, 404],
    "/associations/{a}/budgets/{draft}/report.pdf": [200, 200, 200, 404, 404, 404],
    "/associations/{a}/budgets/{approved}/actuals": [200, 200, 200, 403, 404, 404],
    "/associations/{a}/budgets/{approved}/variance.pdf": [200, 200, 200, 403, 404, 404],
    "/associations/{a}/budgets/{draft}/actuals": [403, 403, 403, 404, 404, 404],
    "/associations/{a}/budgets/{draft}/variance.pdf": [403, 403, 403, 404, 404, 404],
    "/associations/{a}/budgets/cost-centers": [200, 200, 200, 403, 404, 404],
    "/associations/{a}/approvals": [200, 200, 200, 403, 404, 404],
    "/associations/{a}/approvals/{request}": [200, 200, 200, 200, 404, 404],
    "/associations/{a}/approvals/thresholds": [200, 200, 403, 403, 404, 404],
    "/approvals/awaiting": [200, 200, 200, 200, 200, 200],
}


@pytest.mark.parametrize("path", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_budget_pages_by_role(world, client, setup, role, path):
    login(client, world.user(role))
    url = path.format(a=world.a.id, **setup)
    assert client.get(url).status_code == MATRIX[path][ROLES.index(role)]


def test_owner_sees_the_approved_budget_without_management_buttons(world, client, setup):
    login(client, world.owner)
    listing = client.get(f"/associations/{world.a.id}/budgets/").get_data(as_text=True)
    assert "FY 2027" in listing and "FY 2028" not in listing
    assert "Start the budget" not in listing
    text = client.get(f"/associations/{world.a.id}/budgets/{setup['approved']}").get_data(
        as_text=True
    )
    assert "For 12B (12 Oak Lane) you pay $6,000.00 a month, $72,000.00 a year." in text
    for button in (
        "Submit to the board",
        "Revise into a new version",
        "Save lines",
        "Board vote",
        "Budget vs actual",
    ):
        assert button not in text


def test_board_reads_the_draft_but_cannot_edit_it(world, client, setup):
    login(client, world.board)
    text = client.get(f"/associations/{world.a.id}/budgets/{setup['draft']}").get_data(as_text=True)
    assert "Landscaping" in text
    assert "Save lines" not in text and "Submit to the board" not in text
    response = client.post(
        f"/associations/{world.a.id}/budgets/{setup['draft']}/lines", data={"lines-1-name": "x"}
    )
    assert response.status_code == 403


def test_manager_saves_the_table(world, client, app, setup):
    login(client, world.manager)
    url = f"/associations/{world.a.id}/budgets/{setup['draft']}"
    page = client.get(url).get_data(as_text=True)
    assert 'name="lines-1-name" value="Landscaping"' in page
    data = {
        "lines-1-account_code": "5100",
        "lines-1-name": "Landscaping",
        "lines-1-fund": "operating",
        "lines-1-kind": "expense",
        "lines-1-amount": "40,000",
        "lines-1-prior_year_amount": "",
        "lines-1-note": "",
        "lines-2-account_code": "",
        "lines-2-name": "Pool",
        "lines-2-fund": "operating",
        "lines-2-kind": "expense",
        "lines-2-amount": "5000",
        "lines-3-name": "",
        "lines-3-amount": "",
    }
    response = client.post(url + "/lines", data=data, follow_redirects=True)
    assert "Saved 2 lines." in response.get_data(as_text=True)
    with app.app_context():
        budget = db.session.get(Budget, setup["draft"])
        assert [(ln.name, str(ln.amount)) for ln in budget.lines] == [
            ("Landscaping", "40000.00"),
            ("Pool", "5000.00"),
        ]


def test_table_errors_are_shown_in_their_cells_and_nothing_is_saved(world, client, app, setup):
    login(client, world.manager)
    url = f"/associations/{world.a.id}/budgets/{setup['draft']}"
    data = {
        "lines-1-name": "Good",
        "lines-1-fund": "operating",
        "lines-1-kind": "expense",
        "lines-1-amount": "10",
        "lines-2-name": "Bad",
        "lines-2-fund": "operating",
        "lines-2-kind": "expense",
        "lines-2-amount": "ten dollars",
    }
    response = client.post(url + "/lines", data=data)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was saved" in text
    assert re.search(
        r'name="lines-2-amount" value="ten dollars"[^>]*>\s*<div class="invalid-'
        r'feedback">Enter an amount such as 1250.00.',
        text,
    )
    with app.app_context():
        assert [ln.name for ln in db.session.get(Budget, setup["draft"]).lines] == ["Landscaping"]


def test_csv_import_page_reports_line_numbers(world, client, app, setup):
    login(client, world.manager)
    url = f"/associations/{world.a.id}/budgets/{setup['draft']}/import"
    bad = {
        "file": (
            io.BytesIO(b"name,fund,kind,amount\nA,operating,expense,1\nB,x,expense,2\n"),
            "lines.csv",
        ),
        "mode": "append",
    }
    text = client.post(
        url, data=bad, content_type="multipart/form-data", follow_redirects=True
    ).get_data(as_text=True)
    assert "Nothing was imported" in text and "Line 3: fund:" in text
    good = {
        "file": (io.BytesIO(b"name,fund,kind,amount\nA,operating,expense,1\n"), "l.csv"),
        "mode": "append",
    }
    preview = client.post(url, data=good, content_type="multipart/form-data")
    assert preview.status_code == 200
    text = preview.get_data(as_text=True)
    assert "1 added, 0 replaced, 0 removed, 0 unchanged." in text
    csv_text = re.search(r'name="csv_text"[^>]*>([^<]*)</textarea>', text)[1]
    digest = re.search(r'name="digest"[^>]*value="([^"]+)"', text)[1]
    text = client.post(
        url + "/confirm",
        data={
            "csv_text": html.unescape(csv_text).lstrip("\r\n"),
            "mode": "append",
            "digest": digest,
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Imported 1 lines (1 added, 0 replaced, 0 removed)." in text, re.findall(
        r"alert-[a-z]+[^>]*>([^<]+)", text
    )


def test_submit_vote_and_decide_through_the_pages(world, client, app, setup):
    login(client, world.manager)
    url = f"/associations/{world.a.id}/budgets/{setup['draft']}"
    check = client.post(url + "/submit", follow_redirects=True).get_data(as_text=True)
    assert "Confirm the submission below" in check  # nothing is submitted unconfirmed
    digest = re.search(r'name="digest"[^>]*value="([^"]+)"', check)[1]
    text = client.post(
        url + "/submit", data={"confirmed": "yes", "digest": digest}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Submitted to the board" in text and "Before the board" in text
    with app.app_context():
        request_id = db.session.get(Budget, setup["draft"]).approval_id
    detail = f"/associations/{world.a.id}/approvals/{request_id}"
    assert "Withdraw from the board" in client.get(detail).get_data(as_text=True)
    assert 'value="approve"' not in client.get(detail).get_data(as_text=True)  # managers don't
    login(client, world.board)
    page = client.get(detail).get_data(as_text=True)
    assert 'value="approve"' in page and "Withdraw" not in page
    assert "1 awaits my vote" in page
    text = client.post(
        detail + "/vote", data={"choice": "approve", "comment": "Fine"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Your vote (approve) is recorded." in text and "Fine" in text
    login(client, world.board2)
    text = client.post(
        detail + "/vote", data={"choice": "approve"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Your vote decided it: the board approved" in text
    text = client.post(detail + "/vote", data={"choice": "reject"}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "already decided" in text
    with app.app_context():
        assert db.session.get(Budget, setup["draft"]).status == "approved"


def test_thresholds_page(world, client, app, setup):
    login(client, world.manager)
    url = f"/associations/{world.a.id}/approvals/thresholds"
    response = client.post(url, data={"budget": "1/2", "contract": "", "fine": ""})
    assert "A threshold must be more than half." in response.get_data(as_text=True)
    response = client.post(
        url,
        data={"budget": "2/3", "contract": "", "fine": ""},
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "Thresholds saved." in text and 'value="2/3"' in text
    with app.app_context():
        assert approvals.threshold_for(world.a.id, "budget").denominator == 3


def test_cost_centre_page(world, client, app, setup):
    login(client, world.manager)
    url = f"/associations/{world.a.id}/budgets/cost-centers"
    text = client.post(
        url, data={"name": "Townhomes", "unit_types": "Townhome, duplex"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Added cost centre Townhomes." in text and "duplex, townhome" in text
    text = client.post(url, data={"name": "townhomes", "unit_types": ""}).get_data(as_text=True)
    assert "already exists" in text


def test_budget_list_queries_do_not_grow_with_budgets(world, client, app, setup):
    from sqlalchemy import event

    def count(url):
        statements = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: statements.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    login(client, world.manager)
    url = f"/associations/{world.a.id}/approvals?state=decided"
    few = count(url)
    with app.app_context():
        from app.associations.models import Association
        from app.auth.models import User

        association = db.session.get(Association, world.a.id)
        manager = db.session.get(User, world.manager.id)
        for year in range(2030, 2036):
            b = budgets.create_budget(association, fiscal_year=year, actor=manager)
            budgets.add_line(b, dict(LINES[1]), actor=manager)
            r = budgets.submit_budget(b, actor=manager)
            approvals.withdraw_request(r.id, actor=manager)
        db.session.commit()
        assert len(db.session.scalars(select(Budget)).all()) == 8
    assert count(url) == few


def test_import_refuses_a_binary_file(world, client, setup):
    login(client, world.manager)
    url = f"/associations/{world.a.id}/budgets/{setup['draft']}/import"
    data = {"file": (io.BytesIO(b"PK\x03\x04\x00\x00binary"), "lines.xlsx"), "mode": "replace"}
    response = client.post(url, data=data, content_type="multipart/form-data")
    text = response.get_data(as_text=True)
    assert response.status_code == 415
    assert "Nothing was imported" in text and "This is not a text file. Send a CSV file." in text


@pytest.mark.parametrize("role", ["manager", "board", "owner"])
@pytest.mark.parametrize("which", ["approved", "draft"])
def test_budget_vs_actual_is_offered_exactly_where_it_opens(world, client, api, setup, role, which):
    login(client, world.user(role))
    base = f"/associations/{world.a.id}/budgets/{setup[which]}"
    page = client.get(base)
    offered = page.status_code == 200 and "Budget vs actual" in page.get_data(as_text=True)
    opens = client.get(f"{base}/actuals").status_code == 200
    in_api = api(world.user(role)).get(f"/api/v1/budgets/{setup[which]}/variance")
    assert offered == opens == (in_api.status_code == 200)
    assert opens == (which == "approved" and role != "owner")


def test_owners_see_the_same_budget_versions_on_the_page_and_in_the_api(world, client, api, setup):
    login(client, world.owner)
    listing = client.get(f"/associations/{world.a.id}/budgets/").get_data(as_text=True)
    on_page = set(map(int, re.findall(r"/budgets/(\d+)\"", listing)))
    body = api(world.owner).get(f"/api/v1/associations/{world.a.id}/budgets").get_json()
    assert on_page == {item["id"] for item in body["items"]} == {setup["approved"]}


def test_a_late_budget_says_so_on_the_page_and_in_the_pdf(world, client, app):
    from datetime import UTC, datetime

    from app.associations.models import Association
    from app.auth.models import User
    from app.core import clock

    # FY 2027 starts January 1, 2027: a 30–90 day window ends December 2, 2026.
    clock.freeze(datetime(2026, 12, 10, 18, 0, tzinfo=UTC))
    with app.app_context():
        association = db.session.get(Association, world.a.id)
        association.budget_notice_min_days, association.budget_notice_max_days = 30, 90
        manager = db.session.get(User, world.manager.id)
        budget = budgets.create_budget(association, fiscal_year=2027, actor=manager)
        budgets.add_line(budget, dict(LINES[1]), actor=manager)
        request = budgets.submit_budget(budget, actor=manager)
        for uid in (world.board.id, world.board2.id):
            approvals.cast_vote(request.id, voter=db.session.get(User, uid), choice="approve")
        db.session.commit()
        budget_id = budget.id
    late = (
        "Late: this budget was approved on December 10, 2026, after the last day it could "
        "reach owners in time. The budget must reach owners between October 3, 2026 and "
        "December 2, 2026 (30–90 days before the fiscal year starts on January 1, 2027)."
    )
    login(client, world.manager)
    page = client.get(f"/associations/{world.a.id}/budgets/{budget_id}").get_data(as_text=True)
    assert re.search(r'<div class="alert alert-danger" role="status">\s*' + re.escape(late), page)
    login(client, world.owner)  # the owner's page leaves out what is the manager's to fix
    page = client.get(f"/associations/{world.a.id}/budgets/{budget_id}").get_data(as_text=True)
    assert "Late:" not in page
    pdf = client.get(f"/associations/{world.a.id}/budgets/{budget_id}/report.pdf")
    from pypdf import PdfReader

    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.data)).pages
    )
    assert late in text
