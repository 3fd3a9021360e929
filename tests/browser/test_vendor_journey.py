"""A vendor with an expiring certificate, a bid turned into a contract, the board approving."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, expect

from app.core import clock
from tests.browser.test_manager_journey import sign_in

pytestmark = pytest.mark.browser


def test_vendor_bid_contract_approval(browser: Browser, live_server, world):
    clock.freeze(datetime(2027, 1, 10, 17, 0, tzinfo=UTC))
    page = browser.new_context().new_page()
    sign_in(page, live_server, world.manager.email)
    page.get_by_role("link", name="Vendors", exact=True).click()
    page.get_by_label("Name").fill("GreenCo Landscaping")
    page.get_by_label("Service category").fill("landscaping")
    page.get_by_role("button", name="Save vendor").click()
    expect(page.get_by_text("GreenCo Landscaping is in the directory.")).to_be_visible()

    page.get_by_label("Kind").select_option(label="General liability")
    page.get_by_label("Carrier").fill("Pacific Mutual")
    page.get_by_label("Policy number").fill("GL-77")
    page.get_by_label("Coverage").fill("2000000")
    page.get_by_label("Expires").fill("2027-02-01")
    page.get_by_role("button", name="Add certificate").click()
    expect(page.get_by_text("Certificate recorded.")).to_be_visible()
    expect(page.get_by_text("(in 22 days)")).to_be_visible()
    page.goto(f"{live_server}/associations/{world.a.id}/")
    expect(page.get_by_text("general liability insurance expires February 1, 2027")).to_be_visible()

    page.goto(f"{live_server}/associations/{world.a.id}/rfps")
    page.get_by_label("Title").fill("Landscaping 2027")
    page.get_by_label("Bids due").fill("2027-01-31")
    page.get_by_role("button", name="Request proposals").click()
    page.get_by_label("Vendor").select_option(label="GreenCo Landscaping")
    page.get_by_label("Price").fill("36000")
    page.get_by_role("button", name="Add bid").click()
    expect(page.get_by_text("Bid added.")).to_be_visible()
    page.get_by_role("link", name="Choose this bid…").click()
    expect(page.get_by_text("Bids are still open until")).to_be_visible()
    page.get_by_role("button", name="Yes, choose this bid").click()
    expect(
        page.get_by_text("Chose the bid of GreenCo Landscaping and drafted the contract")
    ).to_be_visible()
    page.get_by_role("button", name="Submit to the board").click()
    expect(page.get_by_text("Submitted to the board.")).to_be_visible()

    for member in (world.board, world.board2):
        board = browser.new_context().new_page()
        sign_in(board, live_server, member.email)
        board.get_by_role("link", name="1 awaits my vote").click()
        board.get_by_role("link", name="Contract: Landscaping 2027 — GreenCo Landscaping").click()
        board.get_by_role("button", name="Approve").click()
        expect(board.get_by_role("alert").first).to_contain_text("Your vote")
        board.context.close()
    page.reload()
    expect(page.get_by_text("approved, not started", exact=True)).to_be_visible()
    page.context.close()


def test_contract_form_shows_every_error_at_once_keeping_input(
    browser: Browser, live_server, world, app
):
    from app.associations.models import Association
    from app.auth.models import User
    from app.extensions import db
    from app.vendors import directory

    clock.freeze(datetime(2027, 1, 10, 17, 0, tzinfo=UTC))
    with app.app_context():
        directory.create_vendor(
            db.session.get(Association, world.a.id),
            {"name": "Blue Wave Pools", "category": "pool"},
            actor=db.session.get(User, world.manager.id),
        )
        db.session.commit()
    page = browser.new_context().new_page()
    sign_in(page, live_server, world.manager.email)
    page.goto(f"{live_server}/associations/{world.a.id}/contracts/new")
    page.get_by_label("Title").fill("Pool service 2027")
    page.get_by_label("Start", exact=True).fill("2027-05-01")
    page.get_by_label("End", exact=True).fill("2027-04-01")
    page.get_by_label("Amount").fill("-50")
    page.get_by_label("Termination notice (days)").fill("-3")
    page.get_by_role("button", name="Save contract").click()
    expect(page.get_by_text("The end date comes before the start date.")).to_be_visible()
    expect(page.get_by_text("Enter an amount of zero or more.")).to_be_visible()
    expect(page.get_by_text("Number must be between 0 and 3650.")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Pool service 2027")
    expect(page.get_by_label("Amount")).to_have_value("-50")
    expect(page.get_by_label("Termination notice (days)")).to_have_value("-3")
    page.context.close()
