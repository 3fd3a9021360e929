"""A violation from the inspection to the fine notice, in Chromium."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, expect
from pypdf import PdfReader

from app.core import clock
from tests.browser.test_manager_journey import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_inspection_to_fine_notice(browser: Browser, live_server, world):
    clock.freeze(datetime(2027, 3, 1, 17, 0, tzinfo=UTC))
    page = browser.new_context(viewport={"width": 420, "height": 900}).new_page()  # a phone
    confirmations: list[str] = []

    def accept(dialog):  # issuing a letter asks first, naming the owner and the unit
        confirmations.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    sign_in(page, live_server, world.manager.email)
    page.goto(f"{live_server}/associations/{world.a.id}/compliance/rules")
    page.get_by_label("Code").fill("ARC-1")
    page.get_by_label("Title").fill("Trash containers")
    page.get_by_label("Full text").fill("Containers are stored out of view.")
    page.get_by_label("Days to cure").fill("7")
    page.get_by_label("First-offence fine").fill("50")
    page.get_by_role("button", name="Save rule").click()
    expect(page.get_by_text("Added rule ARC-1.")).to_be_visible()

    page.goto(f"{live_server}/associations/{world.a.id}/compliance/inspections")
    page.get_by_role("button", name="Open an inspection").click()
    page.get_by_label("Unit (label or address)").fill("12B — 12 Oak Lane")
    page.get_by_label("Rule").select_option(label="ARC-1 — Trash containers")
    page.get_by_label("What you see").fill("Bins beside the garage")
    page.get_by_role("button", name="Record the finding").click()
    expect(page.get_by_text("Recorded: new violation at unit 12B.")).to_be_visible()
    page.get_by_role("link", name="12B — 12 Oak Lane").click()
    # Its scripts ask to confirm: a loaded machine must not click before they run.
    page.wait_for_url("**/compliance/violations/*")

    page.get_by_role("button", name="Issue: Notice of violation").click()
    expect(page.get_by_text("Letter issued.")).to_be_visible()
    assert "for unit 12B?" in confirmations[-1] and "next mailing batch" in confirmations[-1]
    page.get_by_label("Place or video link").fill("Clubhouse")
    page.get_by_role("button", name="Schedule and issue the notice").click()
    expect(page.get_by_role("alert").filter(has_text="Hearing scheduled")).to_be_visible()

    # Nothing of the last page may still be loading when the clock jumps: a request that
    # found the session alive before the jump would renew it after (sessions.touch).
    page.wait_for_load_state("networkidle")
    clock.advance(timedelta(days=12))  # the day of the hearing has come
    page.reload()
    if "/login" in page.url:
        # Twelve idle days end a session without "keep me signed in" (the functional tests
        # pin that): the manager signs in again and is taken back to the violation.
        page.get_by_label("E-mail").fill(world.manager.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
    # Its time passing holds no hearing: the manager records it, and only that makes it held.
    page.get_by_label("The owner attended").check()
    page.get_by_label("Summary of the hearing").fill("The owner said the bins go out Tuesdays.")
    page.get_by_role("button", name="Record the hearing as held").click()
    expect(page.get_by_text("The hearing is recorded as held.")).to_be_visible()
    page.get_by_label("Reason (the owner reads it)").fill("Bins left out after the notice")
    page.get_by_role("button", name="Propose to the board").click()
    expect(page.get_by_text("The fine is before the board.")).to_be_visible()

    for member in (world.board, world.board2):
        board = browser.new_context().new_page()
        sign_in(board, live_server, member.email)
        board.get_by_role("link", name="1 awaits my vote").click()
        board.get_by_role("link", name="Fine of $50.00: ARC-1 at unit 12B").click()
        board.get_by_role("button", name="Approve").click()
        expect(board.get_by_role("alert").first).to_contain_text("Your vote")
        board.context.close()

    page.reload()
    page.get_by_role("button", name="Issue: Notice of fine").click()
    expect(page.get_by_text("Letter issued.")).to_be_visible()
    href = page.get_by_role("link", name="PDF").last.get_attribute("href")
    response = page.context.request.get(live_server + href)
    text = PdfReader(io.BytesIO(response.body())).pages[0].extract_text()
    assert "Notice of fine" in text and "$50.00" in text and "Olivia Owner" in text
    page.context.close()
