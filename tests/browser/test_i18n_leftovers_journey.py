"""A Spanish-reading manager types a budget's lines: the unsaved totals that the page sums as
they type are printed as the server prints amounts in Spanish (12.345,67 US$), not $12,345.67."""

import pytest
from playwright.sync_api import Browser, expect

from app.auth.models import User
from app.extensions import db
from tests.browser.test_manager_journey import sign_in
from tests.languages import WORDS, speaking

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


def _pieces_of(page, selector: str, word: str) -> list[int]:
    """How many line boxes ``word`` takes in each element (2: broken across lines)."""
    return page.eval_on_selector_all(
        selector,
        """(els, word) => els.map((el) => {
            const text = el.firstChild, at = text.textContent.indexOf(word);
            const range = document.createRange();
            range.setStart(text, at); range.setEnd(text, at + word.length);
            return range.getClientRects().length;
        })""",
        word,
    )


def test_a_budgets_figures_never_break_inside_the_currency_on_a_phone(
    browser: Browser, live_server, world, languages, app
):
    with app.app_context():
        db.session.get(User, world.manager.id).language = "it"
        db.session.commit()
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(page, live_server, world.manager.email)
    page.goto(f"{live_server}/associations/{world.a.id}/budgets/")
    page.get_by_label("Fiscal year").fill("2027")
    page.get_by_role("button", name="Start the budget").click()
    rows = [("Assessments", "income", "387100.16"), ("Landscaping", "expense", "314300.00")]
    for index, (name, kind, amount) in enumerate(rows, start=1):
        if index > 1:
            page.get_by_role("button", name="Add a row").click()
        page.get_by_label(f"Account code, row {index}").fill(str(4000 + index))
        page.get_by_label(f"Name, row {index}", exact=True).fill(name)
        page.get_by_label(f"Kind, row {index}").select_option(value=kind)
        page.get_by_label(f"Amount, row {index}", exact=True).fill(amount)
    page.get_by_role("button", name="Save lines").click()
    expect(page.locator("[data-total='1']")).to_have_text("387.100,16 USD")
    assert _pieces_of(page, "[data-total]", "USD") == [1, 1, 1, 1]
    overflowing = page.eval_on_selector_all(
        "[data-total]", "els => els.filter((el) => el.scrollWidth > el.clientWidth).length"
    )
    sizes = "els => els.map((el) => [el.textContent, el.scrollWidth, el.clientWidth])"
    assert overflowing == 0, page.eval_on_selector_all("[data-total]", sizes)
    page.context.close()


RADAR = {
    "it": {
        **WORDS["it"],
        "Renewal radar": "Scadenzario dei rinnovi",
        "next": "prossimi",
        "Show": "Mostra",
    }
}


def test_the_renewal_radar_keeps_its_words_whole_on_a_phone(
    browser: Browser, live_server, world, app, tmp_path
):
    with speaking(app, tmp_path / "translations", RADAR):
        with app.app_context():
            db.session.get(User, world.manager.id).language = "it"
            db.session.commit()
        page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        sign_in(page, live_server, world.manager.email)
        page.goto(f"{live_server}/associations/{world.a.id}/contracts")
        expect(page.get_by_role("heading", name="Scadenzario dei rinnovi")).to_be_visible()
        # Each word on one line: prossimi, not pro/ssi/mi; Mostra, not Mo/str/a.
        assert _pieces_of(page, "label[for=within]", "prossimi") == [1]
        assert _pieces_of(page, "form:has(#within) button[type=submit]", "Mostra") == [1]
        page.context.close()
