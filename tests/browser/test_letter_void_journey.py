"""A manager previews a letter, issues it after the confirmation, then voids it — and a
refused form keeps what was typed — in Chromium at desktop width."""

import io
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, expect
from pypdf import PdfReader

from app.compliance.models import Rule, Violation
from app.core import clock
from app.extensions import db
from tests.browser.test_manager_journey import sign_in

pytestmark = pytest.mark.browser


def _violation(world) -> int:
    rule = Rule(
        association_id=world.a.id,
        code="LND-1",
        title="Lawns kept mowed",
        description="Lawns are kept below 10 cm.",
        cure_days=14,
        fine_amount=75,
    )
    db.session.add(rule)
    db.session.flush()
    violation = Violation(
        association_id=world.a.id,
        unit_id=world.owner_unit.id,
        rule_id=rule.id,
        status="open",
        opened_on=clock.today(world.a.time_zone),
    )
    db.session.add(violation)
    db.session.commit()
    return violation.id


def test_preview_issue_void_and_a_kept_input(browser: Browser, live_server, world, app):
    clock.freeze(datetime(2027, 3, 1, 17, 0, tzinfo=UTC))
    with app.app_context():
        violation_id = _violation(world)
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    confirmations: list[str] = []

    def accept(dialog):
        confirmations.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    sign_in(page, live_server, world.manager.email)
    page.goto(f"{live_server}/associations/{world.a.id}/compliance/violations/{violation_id}")

    preview = page.get_by_role("link", name="Preview: Notice of violation")
    response = page.context.request.get(live_server + preview.get_attribute("href"))
    text = PdfReader(io.BytesIO(response.body())).pages[0].extract_text()
    assert "PREVIEW" in text and "Olivia Owner" in text
    expect(page.get_by_text("No letters yet.")).to_be_visible()  # a preview issues nothing

    page.get_by_role("button", name="Issue: Notice of violation").click()
    expect(page.get_by_text("Letter issued.")).to_be_visible()
    assert "Olivia Owner" in confirmations[-1] and "for unit 12B?" in confirmations[-1]

    # A void without a reason is refused beside the field; the page keeps the form open.
    page.get_by_text("Void this letter…").click()
    page.get_by_role("button", name="Void the letter").click()
    expect(page.get_by_text("Say why the letter is voided.").first).to_be_visible()
    page.wait_for_load_state()  # the page's scripts ask to confirm: not before they run
    page.get_by_label("Why is it voided? (kept on file with the letter)").fill(
        "Sent to the wrong unit"
    )
    page.get_by_role("button", name="Void the letter").click()
    expect(page.get_by_text("Letter voided.")).to_be_visible()
    assert "stays on file unchanged" in confirmations[-1]
    expect(page.get_by_text("Sent to the wrong unit").first).to_be_visible()
    expect(page.get_by_role("button", name="Issue: Notice of violation")).to_be_visible()

    # The step can be issued again; a refused hearing keeps what was typed, beside the field.
    page.get_by_role("button", name="Issue: Notice of violation").click()
    expect(page.get_by_text("Letter issued.")).to_be_visible()
    page.get_by_label("Date and time (association time)").fill("2027-03-05T18:00")
    page.get_by_label("Place or video link").fill("Clubhouse, room B")
    page.get_by_role("button", name="Schedule and issue the notice").click()
    expect(page.get_by_text("the cure deadline sets the first possible day").first).to_be_visible()
    expect(page.get_by_label("Place or video link")).to_have_value("Clubhouse, room B")

    page.get_by_label("Reply to the owner").fill("We will re-inspect on Friday.")
    page.get_by_role("button", name="Send the reply").click()
    expect(page.get_by_text("Reply sent")).to_be_visible()
    expect(page.get_by_text("We will re-inspect on Friday.", exact=True)).to_be_visible()
    page.context.close()
