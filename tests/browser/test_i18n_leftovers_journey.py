"""A Spanish-reading manager types a budget's lines: the unsaved totals that the page sums as
they type are printed as the server prints amounts in Spanish (12.345,67 US$), not $12,345.67."""

import pytest
from playwright.sync_api import Browser, expect

from app.auth.models import User
from app.extensions import db
from tests.browser.test_manager_journey import sign_in

pytestmark = pytest.mark.browser


def test_the_unsaved_totals_are_in_the_readers_form(
    browser: Browser, live_server, world, languages, app
):
    with app.app_context():
        db.session.get(User, world.manager.id).language = "es"
        db.session.commit()
    page = browser.new_context().new_page()
    sign_in(page, live_server, world.manager.email)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.goto(f"{live_server}/associations/{world.a.id}/budgets/")
    page.get_by_label("Fiscal year").fill("2027")
    page.get_by_role("button", name="Start the budget").click()
    page.get_by_label("Kind, row 1").select_option(value="income")
    page.get_by_label("Amount, row 1", exact=True).fill("24000.5")
    expect(page.locator("[data-live=income]")).to_have_text("24.000,50\xa0US$")
    expect(page.locator("[data-live=expense]")).to_have_text("0,00\xa0US$")
    page.context.close()
