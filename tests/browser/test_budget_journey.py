"""The manager builds a budget, the board approves it, an owner downloads the report."""

import io
import re

import pytest
from playwright.sync_api import Browser, expect
from pypdf import PdfReader

from tests.browser.test_manager_journey import sign_in

pytestmark = pytest.mark.browser


def test_budget_from_draft_to_owner(browser: Browser, live_server, world):
    manager = browser.new_context().new_page()
    sign_in(manager, live_server, world.manager.email)
    manager.get_by_role("link", name="Budgets", exact=True).click()
    # The field proposes the next fiscal year; a bad year is refused beside it, kept.
    expect(manager.get_by_label("Fiscal year")).not_to_have_value("")
    manager.get_by_label("Fiscal year").fill("1492")
    manager.get_by_role("button", name="Start the budget").click()
    expect(manager.get_by_text("Fiscal year: enter a year such as 2027.")).to_be_visible()
    expect(manager.get_by_label("Fiscal year")).to_have_value("1492")
    manager.get_by_label("Fiscal year").fill("2027")
    manager.get_by_role("button", name="Start the budget").click()
    expect(manager.get_by_text("Started the budget for fiscal year 2027.")).to_be_visible()

    rows = [
        ("4000", "Assessments", "Operating", "Income", "24000"),
        ("5100", "Landscaping", "Operating", "Expense", "9000"),
        ("6000", "Reserve contribution", "Reserve", "Expense", "3000"),
    ]
    for index, (code, name, fund, kind, amount) in enumerate(rows, start=1):
        if index > 3:
            manager.get_by_role("button", name="Add a row").click()
        manager.get_by_label(f"Account code, row {index}").fill(code)
        manager.get_by_label(f"Name, row {index}", exact=True).fill(name)
        manager.get_by_label(f"Fund, row {index}").select_option(label=fund)
        manager.get_by_label(f"Kind, row {index}").select_option(label=kind)
        manager.get_by_label(f"Amount, row {index}", exact=True).fill(amount)
    expect(manager.locator("[data-live=expense]")).to_have_text("$12,000.00")
    manager.get_by_role("button", name="Save lines").click()
    expect(manager.get_by_text("Saved 3 lines.")).to_be_visible()
    expect(manager.get_by_text("Every home pays $1,000.00 a month")).to_be_visible()
    manager.get_by_role("link", name="Check and submit to the board").click()
    expect(manager.locator("[data-warning=surplus]")).to_contain_text("surplus of $12,000.00")
    manager.get_by_role("button", name="Submit with these 2 warnings").click()
    expect(manager.get_by_text("Submitted to the board.")).to_be_visible()

    for member in (world.board, world.board2):
        page = browser.new_context().new_page()
        sign_in(page, live_server, member.email)
        page.get_by_role("link", name="1 awaits my vote").click()
        page.get_by_role("link", name="Budget for fiscal year 2027 (version 1)").click()
        expect(page.locator("[data-budget-evidence] [data-warning=surplus]")).to_be_visible()
        page.get_by_label("Comment (optional)").fill(f"Approved by {member.name}")
        page.get_by_role("button", name="Approve").click()
        expect(page.get_by_role("cell", name=f"Approved by {member.name}")).to_be_visible()
        page.context.close()

    owner = browser.new_context().new_page()
    sign_in(owner, live_server, world.owner.email)
    owner.get_by_role("link", name="Budgets", exact=True).click()
    owner.get_by_role("link", name="FY 2027").click()
    expect(owner.get_by_text("For 12B (12 Oak Lane) you pay $1,000.00 a month")).to_be_visible()
    href = owner.get_by_role("link", name="Download the full budget (PDF)").get_attribute("href")
    response = owner.context.request.get(live_server + href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for words in (
        "Budget for fiscal year 2027",
        "approved by the board",
        "$24,000.00",
        "$12,000.00",
        "$3,000.00",
        "$1,000.00",
        "Bea Board",
        "Bo Board",
    ):
        assert words in text, words
    manager.context.close()
    owner.context.close()


@pytest.mark.parametrize(("width", "height"), [(1366, 900), (390, 844)])
def test_the_budget_editor_is_readable_on_desktop_and_phone(
    browser: Browser, live_server, world, app, width, height
):
    from app.associations.models import Association
    from app.auth.models import User
    from app.budgets import services as budgets
    from app.extensions import db

    with app.app_context():
        association = db.session.get(Association, world.a.id)
        manager = db.session.get(User, world.manager.id)
        centre = budgets.create_cost_center(
            association, name="Townhome services", unit_types="townhome", actor=manager
        )
        budget = budgets.create_budget(association, fiscal_year=2027, actor=manager)
        budgets.add_line(
            budget,
            {"account_code": "4000", "name": "Assessments", "fund": "operating",
             "kind": "income", "amount": "360000", "prior_year_amount": "360000",
             "cost_center_id": centre.id},
            actor=manager,
        )  # fmt: skip
        db.session.commit()
        budget_id = budget.id
    page = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=width < 500
    ).new_page()
    sign_in(page, live_server, world.manager.email)
    page.goto(f"{live_server}/associations/{world.a.id}/budgets/{budget_id}")
    prior = page.get_by_label("Prior-year amount, row 1")
    expect(prior).to_have_value("360000.00")
    # Nothing typed is cut: each input and the centre's select show their whole value.
    for field in (prior, page.get_by_label("Amount, row 1", exact=True)):
        assert field.evaluate("e => e.scrollWidth <= e.clientWidth")
    centre_select = page.get_by_label("Cost centre, row 1")
    assert centre_select.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    if width < 500:
        expect(page.locator("#lines-table")).to_have_class(re.compile("table-stacked"))
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_import_in_replace_mode_previews_then_replaces(
    browser: Browser, live_server, world, app, tmp_path
):
    from app.associations.models import Association
    from app.auth.models import User
    from app.budgets import services as budgets
    from app.extensions import db

    with app.app_context():
        association = db.session.get(Association, world.a.id)
        manager = db.session.get(User, world.manager.id)
        budget = budgets.create_budget(association, fiscal_year=2027, actor=manager)
        budgets.add_line(
            budget,
            {"account_code": "4000", "name": "Assessments", "fund": "operating",
             "kind": "income", "amount": "380000"},
            actor=manager,
        )  # fmt: skip
        db.session.commit()
        budget_id = budget.id
    csv_file = tmp_path / "lines.csv"
    csv_file.write_text(
        "account_code,name,fund,kind,amount,prior_year_amount,cost_center,note\r\n"
        "4000,Assessments,operating,income,12000,,,\r\n"
        '5100,Landscaping,operating,expense,"9,000.00",,,"weekly, April–October"\r\n'
        "6000,Reserve contribution,reserve,expense,3000,,,\r\n"
    )
    page = browser.new_context().new_page()
    sign_in(page, live_server, world.manager.email)
    page.goto(f"{live_server}/associations/{world.a.id}/budgets/{budget_id}")
    page.set_input_files("#file", str(csv_file))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_text("Choose replace or append.")).to_be_visible()  # no mode chosen
    page.set_input_files("#file", str(csv_file))
    page.get_by_label("Replace the lines").check()
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_text("2 added, 1 replaced, 0 removed, 0 unchanged.")).to_be_visible()
    expect(page.locator("[data-import-totals]")).to_contain_text("$380,000.00")
    page.get_by_role("button", name="Import these lines").click()
    expect(page.get_by_text("Imported 3 lines (2 added, 1 replaced, 0 removed).")).to_be_visible()
    expect(page.get_by_text("Income is now $12,000.00")).to_be_visible()
    expect(page.get_by_label("Note, row 2")).to_have_value("weekly, April–October")
