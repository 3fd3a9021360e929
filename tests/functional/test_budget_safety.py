"""Issue 10, budgets: the proposed fiscal year, the import preview (replace / append), the
409 for an account twice, the check before submitting and what the board sees, budget vs
actual totals, lengths, forms that keep what was typed, and the owner's page; per role."""

import html
import io
import re
from datetime import UTC, datetime

import pytest

from app.budgets.models import Budget
from app.core import clock
from app.extensions import db
from tests.conftest import login
from tests.functional import test_budget_pages as pages

ROLES = pages.ROLES
setup = pages.setup  # the fixture: a draft FY 2028 and an approved FY 2027 budget

HEADER = b"account_code,name,fund,kind,amount,prior_year_amount,cost_center,note\n"


def _confirmed(client, submit_url: str) -> dict:
    """The check page's confirmation: what its form posts."""
    text = client.get(submit_url).get_data(as_text=True)
    digest = re.search(r'name="digest"[^>]*value="([^"]+)"', text)
    return {"confirmed": "yes", "digest": digest[1] if digest else ""}


def _page(client, url, **kwargs):
    response = client.post(url, **kwargs) if kwargs else client.get(url)
    return response.status_code, response.get_data(as_text=True)


def _upload(body: bytes, mode: str | None = "append") -> dict:
    data = {"file": (io.BytesIO(body), "lines.csv", "text/csv")}
    if mode is not None:
        data["mode"] = mode
    return data


def _lines(app, budget_id):
    with app.app_context():
        budget = db.session.get(Budget, budget_id)
        return [(ln.account_code, ln.name, str(ln.amount)) for ln in budget.lines]


# --- the new-budget form ------------------------------------------------------------------


def test_the_fiscal_year_field_proposes_the_next_fiscal_year(world, client, app):
    from app.associations.models import Association

    clock.freeze(datetime(2026, 12, 1, 20, 0, tzinfo=UTC))
    with app.app_context():
        db.session.get(Association, world.a.id).fiscal_year_start_month = 7
        db.session.commit()
    login(client, world.manager)
    _status, text = _page(client, f"/associations/{world.a.id}/budgets/")
    assert re.search(r'name="fiscal_year"[^>]*value="2028"', text)
    assert "FY 2028 runs July 1, 2027 – June 30, 2028" in text
    client.post(f"/associations/{world.a.id}/budgets/new", data={"fiscal_year": "2028"})
    _status, text = _page(client, f"/associations/{world.a.id}/budgets/")
    assert re.search(r'name="fiscal_year"[^>]*value="2029"', text)  # 2028 has one now


@pytest.mark.parametrize(
    ("typed", "status", "message"),
    [
        ("", 422, "Fiscal year: enter the year, such as 2027."),
        ("abc", 422, "Fiscal year: enter the year, such as 2027."),
        ("3000", 422, "Fiscal year: enter a year such as 2027."),
        ("2027", 409, "Fiscal year 2027 already has a budget (version 1, approved)."),
    ],
)
def test_a_refused_fiscal_year_is_marked_beside_the_field_and_kept(
    world, client, setup, typed, status, message
):
    login(client, world.manager)
    code, text = _page(
        client, f"/associations/{world.a.id}/budgets/new", data={"fiscal_year": typed}
    )
    assert code == status
    assert re.search(r'class="[^"]*is-invalid[^"]*"[^>]*name="fiscal_year"', text) or re.search(
        r'name="fiscal_year"[^>]*class="[^"]*is-invalid', text
    )
    assert message in html.unescape(text)
    assert f'value="{typed}"' in text


@pytest.mark.parametrize("role", ROLES)
def test_starting_a_budget_by_role(world, client, role):
    login(client, world.user(role))
    response = client.post(f"/associations/{world.a.id}/budgets/new", data={"fiscal_year": "2030"})
    expected = {"admin": 302, "manager": 302, "board": 403, "owner": 403}.get(role, 404)
    assert response.status_code == expected


# --- importing lines: preview, confirm, refusals -------------------------------------------


def test_replace_preview_then_confirm_replaces_instead_of_doubling(world, client, app, setup):
    login(client, world.manager)
    url = f"/associations/{world.a.id}/budgets/{setup['draft']}/import"
    body = (
        HEADER
        + b"4000,Assessments,operating,income,36000,,,\n"
        + b"5100,Landscaping,operating,expense,30000,,,\n"
    )
    code, text = _page(client, url, data=_upload(body, "replace"))
    assert code == 200
    assert "1 added, 1 replaced, 0 removed, 0 unchanged." in text
    totals = re.search(r"data-import-totals.*?</table>", text, re.S)[0]
    assert re.search(r"Income</th><td[^>]*>\$0\.00</td><td[^>]*>\$36,000\.00", totals)
    assert re.search(r"Expenses</th><td[^>]*>\$36,000\.00</td><td[^>]*>\$30,000\.00", totals)
    assert _lines(app, setup["draft"]) == [("5100", "Landscaping", "36000.00")]  # nothing yet
    fields = {
        "csv_text": html.unescape(re.search(r'name="csv_text"[^>]*>([^<]*)<', text)[1]).lstrip(),
        "mode": "replace",
        "digest": re.search(r'name="digest"[^>]*value="([^"]+)"', text)[1],
    }
    code, text = _page(client, url + "/confirm", data=fields, follow_redirects=True)
    assert "Imported 2 lines (1 added, 1 replaced, 0 removed)." in text
    assert _lines(app, setup["draft"]) == [
        ("4000", "Assessments", "36000.00"),
        ("5100", "Landscaping", "30000.00"),
    ]


def test_a_confirmation_after_the_lines_changed_shows_the_new_preview(world, client, app, setup):
    login(client, world.manager)
    url = f"/associations/{world.a.id}/budgets/{setup['draft']}/import"
    body = HEADER + b"7000,Pool,operating,expense,100,,,\n"
    _code, text = _page(client, url, data=_upload(body))
    digest = re.search(r'name="digest"[^>]*value="([^"]+)"', text)[1]
    client.post(
        f"/associations/{world.a.id}/budgets/{setup['draft']}/lines",
        data={"lines-1-name": "Gate", "lines-1-fund": "operating", "lines-1-kind": "expense",
              "lines-1-amount": "5", "lines-1-account_code": "5900"},
    )  # fmt: skip
    code, text = _page(
        client,
        url + "/confirm",
        data={"csv_text": body.decode(), "mode": "append", "digest": digest},
    )
    assert code == 409 and "changed since this preview, so nothing was imported" in text
    assert _lines(app, setup["draft"]) == [("5900", "Gate", "5.00")]


def test_appending_an_account_the_budget_has_is_refused_naming_the_line(world, client, app, setup):
    login(client, world.manager)
    url = f"/associations/{world.a.id}/budgets/{setup['draft']}/import"
    body = HEADER + b"7000,Pool,operating,expense,100,,,\n5100,Landscaping,operating,expense,9,,,\n"
    code, text = _page(client, url, data=_upload(body, "append"))
    assert code == 422
    assert "Nothing was imported" in text
    assert "Line 3: account_code: the budget already has a line for account 5100" in text
    assert 'value="append" checked' in text or re.search(r'checked[^>]*value="append"', text)
    assert _lines(app, setup["draft"]) == [("5100", "Landscaping", "36000.00")]


def test_the_import_form_asks_for_a_mode(world, client, setup):
    login(client, world.manager)
    url = f"/associations/{world.a.id}/budgets/{setup['draft']}/import"
    code, text = _page(client, url, data=_upload(HEADER, None))
    assert code == 422 and "Choose replace or append." in text


@pytest.mark.parametrize("role", ROLES)
def test_import_pages_by_role(world, client, setup, role):
    login(client, world.user(role))
    url = f"/associations/{world.a.id}/budgets/{setup['draft']}/import"
    body = HEADER + b"7000,Pool,operating,expense,100,,,\n"
    preview = client.post(url, data=_upload(body), content_type="multipart/form-data")
    confirm = client.post(url + "/confirm", data={"csv_text": body.decode(), "mode": "append",
                                                  "digest": "x"})  # fmt: skip
    expected = {"admin": 200, "manager": 200, "board": 403}.get(role, 404)
    assert preview.status_code == expected
    assert confirm.status_code == (409 if expected == 200 else expected)


def test_api_import_modes_and_refusals(world, api, app, setup):
    manager = api(world.manager)
    url = f"/api/v1/budgets/{setup['draft']}/lines/import"
    repeat = HEADER + b"7000,Pool,operating,expense,1,,,\n7000,Pool,operating,expense,2,,,\n"
    for mode in ("replace", "append"):
        response = manager.post(url, data=_upload(repeat, mode), content_type="multipart/form-data")
        assert response.status_code == 422
        assert response.get_json()["errors"]["file"][0].startswith("Line 3: account_code:")
    again = HEADER + b"5100,Landscaping,operating,expense,1,,,\n"
    response = manager.post(url, data=_upload(again, "append"), content_type="multipart/form-data")
    assert response.status_code == 422 and "Line 2: account_code" in str(response.get_json())
    response = manager.post(url, data=_upload(again, None), content_type="multipart/form-data")
    assert response.status_code == 422 and list(response.get_json()["errors"]) == ["mode"]
    assert _lines(app, setup["draft"]) == [("5100", "Landscaping", "36000.00")]
    response = manager.post(url, data=_upload(again, "replace"), content_type="multipart/form-data")
    assert response.status_code == 201 and response.get_json() == {"imported": 1}
    assert _lines(app, setup["draft"]) == [("5100", "Landscaping", "1.00")]
    for role, status in (("board", 403), ("owner", 404), ("outsider", 404)):
        response = api(world.user(role)).post(
            url, data=_upload(again, "replace"), content_type="multipart/form-data"
        )
        assert response.status_code == status


# --- an account twice, by hand ------------------------------------------------------------


def test_api_adding_an_account_the_centre_has_is_409_naming_account_code(world, api, setup):
    line = {"account_code": "5100", "name": "More", "fund": "operating", "kind": "expense",
            "amount": "1"}  # fmt: skip
    response = api(world.manager).post(f"/api/v1/budgets/{setup['draft']}/lines", json=line)
    assert response.status_code == 409
    assert list(response.get_json()["errors"]) == ["account_code"]


def test_the_table_marks_the_repeated_account_beside_its_cell_and_keeps_the_rows(
    world, client, app, setup
):
    login(client, world.manager)
    data = {}
    for n, (code, name, amount) in enumerate(
        [("5100", "Landscaping", "36000"), ("5100", "Tree care typed", "1234.56")], start=1
    ):
        data.update({f"lines-{n}-account_code": code, f"lines-{n}-name": name,
                     f"lines-{n}-fund": "operating", f"lines-{n}-kind": "expense",
                     f"lines-{n}-amount": amount})  # fmt: skip
    code, text = _page(
        client, f"/associations/{world.a.id}/budgets/{setup['draft']}/lines", data=data
    )
    assert code == 409
    cell = re.search(
        r'<input[^>]*name="lines-2-account_code"[^>]*>\s*<div class="invalid-feedback">([^<]*)',
        text,
    )
    assert cell and "already has a line for account 5100 in cost centre General" in cell[1]
    assert (
        'class="form-control form-control-sm w-auto is-invalid" name="lines-2-account_code"' in text
    )
    assert 'value="Tree care typed"' in text and 'value="1234.56"' in text
    assert _lines(app, setup["draft"]) == [("5100", "Landscaping", "36000.00")]


def test_a_too_long_cell_is_marked_with_its_field_named_and_kept(world, client, setup):
    login(client, world.manager)
    long_name = "N" * 201
    data = {"lines-1-name": long_name, "lines-1-fund": "operating", "lines-1-kind": "expense",
            "lines-1-amount": "5", "lines-1-note": "k" * 2001}  # fmt: skip
    code, text = _page(
        client, f"/associations/{world.a.id}/budgets/{setup['draft']}/lines", data=data
    )
    assert code == 422
    assert "Name: use at most 200 characters (this has 201)." in text
    assert "Note: use at most 2000 characters (this has 2001)." in text
    assert f'value="{long_name}"' in text


@pytest.mark.parametrize(("field", "length"), [("name", 201), ("account_code", 21), ("note", 2001)])
def test_api_line_text_over_its_maximum_is_422_naming_the_field(world, api, setup, field, length):
    line = {"account_code": "7100", "name": "Pool", "fund": "operating", "kind": "expense",
            "amount": "1", field: "x" * length}  # fmt: skip
    response = api(world.manager).post(f"/api/v1/budgets/{setup['draft']}/lines", json=line)
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == [field]


def test_cost_centre_form_keeps_a_too_long_name_and_marks_it(world, client, api, setup):
    login(client, world.manager)
    long_name = "C" * 101
    _code, text = _page(
        client,
        f"/associations/{world.a.id}/budgets/cost-centers",
        data={"name": long_name, "unit_types": "townhome"},
    )
    assert "Name: use at most 100 characters." in text
    assert f'value="{long_name}"' in text and 'value="townhome"' in text
    response = api(world.manager).post(
        f"/api/v1/associations/{world.a.id}/cost-centers", json={"name": long_name}
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "name": ["Name: use at most 100 characters (this has 101)."]
    }
    response = api(world.manager).post(
        f"/api/v1/associations/{world.a.id}/cost-centers",
        json={"name": "Pool", "unit_types": ["t" * 41]},
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "unit_types": ["Unit types: each has at most 40 characters (one has 41)."]
    }


# --- the check before submitting, and the board's page -------------------------------------


def _draft_with_warnings(app, world):
    from app.associations.models import Association
    from app.auth.models import User
    from app.budgets import services as budgets

    with app.app_context():
        association = db.session.get(Association, world.a.id)
        manager = db.session.get(User, world.manager.id)
        budget = budgets.create_budget(association, fiscal_year=2029, actor=manager)
        for values in (
            {"account_code": "4000", "name": "Assessments", "fund": "operating",
             "kind": "income", "amount": "380000"},
            {"account_code": "", "name": "Landscaping", "fund": "operating",
             "kind": "expense", "amount": "124000.50"},
        ):  # fmt: skip
            budgets.add_line(budget, values, actor=manager)
        db.session.commit()
        return budget.id


def test_submitting_shows_the_warnings_and_asks_for_confirmation(world, client, app, setup):
    budget_id = _draft_with_warnings(app, world)
    login(client, world.manager)
    url = f"/associations/{world.a.id}/budgets/{budget_id}"
    detail = client.get(url).get_data(as_text=True)
    assert "Before submitting: 4 things the board should see" in detail
    assert f'href="{url}/submit"' in detail
    code, check = _page(client, url + "/submit")
    assert code == 200
    for warning in ("assessment_mismatch", "surplus", "no_reserve_contribution",
                    "lines_without_account_code"):  # fmt: skip
        assert f'data-warning="{warning}"' in check
    assert "surplus of $255,999.50" in check and "Submit with these 4 warnings" in check
    with app.app_context():
        assert db.session.get(Budget, budget_id).status == "draft"  # the check changes nothing
    _code, text = _page(
        client, url + "/submit", data=_confirmed(client, url + "/submit"), follow_redirects=True
    )
    assert "The board sees the 4 warnings of the check with it." in text
    with app.app_context():
        budget = db.session.get(Budget, budget_id)
        assert budget.status == "pending_approval"
        assert [w["code"] for w in budget.submission_warnings] == [
            "assessment_mismatch", "surplus", "no_reserve_contribution",
            "lines_without_account_code",
        ]  # fmt: skip
        approval_id = budget.approval_id
    login(client, world.board)
    board_page = client.get(f"/associations/{world.a.id}/approvals/{approval_id}")
    text = board_page.get_data(as_text=True)
    assert board_page.status_code == 200 and "data-budget-evidence" in text
    assert "The check found 4 things to look at when the manager submitted it:" in text
    assert "surplus of $255,999.50" in text
    assert f"/budgets/{budget_id}/report.pdf" in text
    assert "Expenses $124,000.50 against $72,000.00 in the adopted FY 2027 budget" in text
    assert "Warnings of the check when it was submitted" in client.get(url).get_data(as_text=True)
    client.post(
        f"/associations/{world.a.id}/approvals/{approval_id}/vote", data={"choice": "approve"}
    )
    login(client, world.board2)
    client.post(
        f"/associations/{world.a.id}/approvals/{approval_id}/vote", data={"choice": "approve"}
    )
    login(client, world.owner)  # the adopted budget's decision, without the board's warnings
    owner_page = client.get(f"/associations/{world.a.id}/approvals/{approval_id}")
    assert owner_page.status_code == 200
    assert "surplus" not in owner_page.get_data(as_text=True)


@pytest.mark.parametrize("role", ROLES)
def test_the_submit_check_page_by_role(world, client, setup, role):
    login(client, world.user(role))
    url = f"/associations/{world.a.id}/budgets/{setup['draft']}/submit"
    expected = {"admin": 200, "manager": 200, "board": 403}.get(role, 404)
    assert client.get(url).status_code == expected
    confirmed = client.post(url, data=_confirmed(client, url))
    assert confirmed.status_code == (302 if expected == 200 else expected)


def test_a_submission_confirmed_after_the_lines_changed_shows_the_check_again(
    world, client, app, setup
):
    login(client, world.manager)
    url = f"/associations/{world.a.id}/budgets/{setup['draft']}"
    seen = _confirmed(client, url + "/submit")
    client.post(
        url + "/lines",
        data={"lines-1-name": "Gate", "lines-1-fund": "operating", "lines-1-kind": "expense",
              "lines-1-amount": "5", "lines-1-account_code": "5900"},
    )  # fmt: skip
    code, text = _page(client, url + "/submit", data=seen)
    assert code == 409 and "changed since you checked it, so it was not submitted" in text
    with app.app_context():
        assert db.session.get(Budget, setup["draft"]).status == "draft"
    _code, text = _page(
        client, url + "/submit", data=_confirmed(client, url + "/submit"), follow_redirects=True
    )
    assert "Submitted to the board" in text


def test_api_submit_returns_and_stores_the_warnings(world, api, app):
    budget_id = _draft_with_warnings(app, world)
    manager = api(world.manager)
    before = manager.get(f"/api/v1/budgets/{budget_id}").get_json()
    assert [w["code"] for w in before["warnings"]][:2] == ["assessment_mismatch", "surplus"]
    body = manager.post(f"/api/v1/budgets/{budget_id}/submit").get_json()
    assert body["status"] == "pending_approval" and len(body["warnings"]) == 4
    after = api(world.board).get(f"/api/v1/budgets/{budget_id}").get_json()
    assert after["warnings"] == body["warnings"]
    assert api(world.owner).get(f"/api/v1/budgets/{budget_id}").status_code == 404
    assert api(world.outsider).get(f"/api/v1/budgets/{budget_id}").status_code == 404
    for member in (world.board, world.board2):
        api(member).post(
            f"/api/v1/approvals/{body['approval_id']}/votes", json={"choice": "approve"}
        )
    adopted = api(world.owner).get(f"/api/v1/budgets/{budget_id}").get_json()
    assert adopted["status"] == "approved" and adopted["warnings"] is None  # the board's to read


# --- budget vs actual ----------------------------------------------------------------------


def test_budget_vs_actual_has_totals_and_warns_of_unknown_accounts(world, client, setup):
    login(client, world.manager)
    url = f"/associations/{world.a.id}/budgets/{setup['approved']}/actuals"
    body = b"account_code,month,amount\n4000,2027-01,10000\n5100,2027-01,3500\n9999,2027-03,50\n"
    _code, text = _page(
        client, url, data={"file": (io.BytesIO(body), "a.csv")}, follow_redirects=True
    )
    assert "Imported 3 actual amounts." in text
    assert "Not in the budget: 9999." in text
    assert "Account 9999 has actual amounts but no line in this budget" in text
    assert "through January 2027" in text
    totals = re.findall(r"<tr class=\"fw-bold\" data-total-row><td></td><td>([^<]+)</td>", text)
    assert totals == ["Total income", "Total expenses", "Net (income − expenses)"]
    login(client, world.board)
    assert "data-unknown-warning" in client.get(url).get_data(as_text=True)


# --- the owner's page ----------------------------------------------------------------------


def test_the_owner_reads_their_assessment_in_plain_words(world, client, setup):
    login(client, world.owner)
    _code, listing = _page(client, f"/associations/{world.a.id}/budgets/")
    assert "data-owner-budgets" in listing and "$6,000.00 a month" in listing
    assert "FY 2028" not in listing
    code, text = _page(client, f"/associations/{world.a.id}/budgets/{setup['approved']}")
    assert code == 200
    assert "For 12B (12 Oak Lane) you pay $6,000.00 a month, $72,000.00 a year." in text
    assert "The association plans to spend $72,000.00 this year across its 1 homes" in text
    assert "$12,000.00 saved in the reserve fund for future repairs" in text
    assert "Landscaping: $36,000.00 a year" in text
    for manager_words in ("Monthly share per cost centre", "rounding", "Save lines"):
        assert manager_words not in text
    assert client.get(f"/associations/{world.a.id}/budgets/{setup['draft']}").status_code == 404
    login(client, world.board)
    board_text = client.get(f"/associations/{world.a.id}/budgets/{setup['approved']}").get_data(
        as_text=True
    )
    assert "Monthly share per cost centre" in board_text and "you pay" not in board_text


def test_the_editor_columns_are_sized_to_be_read(world, client, setup):
    login(client, world.manager)
    text = client.get(f"/associations/{world.a.id}/budgets/{setup['draft']}").get_data(as_text=True)
    assert re.search(
        r'class="[^"]*w-auto[^"]*" name="lines-1-prior_year_amount"[^>]*size="10"', text
    )
    assert re.search(r'<select class="[^"]*w-auto[^"]*" name="lines-1-cost_center_id"', text)
    assert 'value="36000.00"' in text


def test_api_variance_has_totals_and_names_unknown_accounts(world, api, setup):
    manager = api(world.manager)
    body = b"account_code,month,amount\n4000,2027-01,10000\n9999,2027-01,50\n"
    response = manager.post(
        f"/api/v1/budgets/{setup['approved']}/actuals",
        data={"file": (io.BytesIO(body), "a.csv", "text/csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201
    report = manager.get(f"/api/v1/budgets/{setup['approved']}/variance").get_json()
    assert report["unknown_accounts"] == ["9999"]
    assert report["totals"]["income"] == {
        "annual": "120000.00",
        "budget_ytd": "10000.00",
        "actual_ytd": "10000.00",
        "variance": "0.00",
    }
    assert report["totals"]["net"]["budget_ytd"] == "4000.00"
    assert report["rows"][-1]["account_code"] == "9999" and report["rows"][-1]["unknown"]
    too_long = b"account_code,month,amount\n" + b"9" * 21 + b",2027-01,1\n"
    response = manager.post(
        f"/api/v1/budgets/{setup['approved']}/actuals",
        data={"file": (io.BytesIO(too_long), "a.csv", "text/csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert response.get_json()["errors"]["file"] == [
        "Line 2: account_code: Use at most 20 characters (this has 21)."
    ]
    assert api(world.owner).get(f"/api/v1/budgets/{setup['approved']}/variance").status_code == 403
    assert (
        api(world.outsider).get(f"/api/v1/budgets/{setup['approved']}/variance").status_code == 404
    )


def test_a_refused_actuals_file_lists_its_errors_under_the_field(world, client, app, setup):
    login(client, world.manager)
    url = f"/associations/{world.a.id}/budgets/{setup['approved']}/actuals"
    body = b"account_code,month,amount\n4000,2027-13,10\n"
    code, text = _page(client, url, data={"file": (io.BytesIO(body), "a.csv")})
    assert code == 422
    assert (
        re.search(
            r'id="file"[^>]*>\s*<div class="invalid-feedback" data-file-errors><ul[^>]*>'
            r"<li>Line 2: month: use YYYY-MM",
            text,
        )
        or 'class="form-control is-invalid" type="file"' in text
    )
    assert "Line 2: month: use YYYY-MM, such as 2027-03." in text
    code, _text = _page(client, url, data={})
    assert code == 422


@pytest.mark.parametrize("role", ROLES)
def test_importing_actuals_by_role(world, client, setup, role):
    login(client, world.user(role))
    url = f"/associations/{world.a.id}/budgets/{setup['approved']}/actuals"
    body = b"account_code,month,amount\n4000,2027-01,10\n"
    response = client.post(url, data={"file": (io.BytesIO(body), "a.csv")})
    expected = {"admin": 302, "manager": 302, "board": 403, "owner": 403}.get(role, 404)
    assert response.status_code == expected
