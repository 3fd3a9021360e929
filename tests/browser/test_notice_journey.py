"""A manager writes a notice with the live preview and publishes it; an owner reads it on a
phone; the read rate moves."""

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.test_manager_journey import sign_in

pytestmark = pytest.mark.browser


def test_publish_a_notice_and_an_owner_reads_it_on_a_phone(browser: Browser, live_server, world):
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    sign_in(page, live_server, world.manager.email)
    page.goto(f"{live_server}/associations/{world.a.id}/notices")
    page.get_by_role("link", name="Write a notice").click()
    page.wait_for_url("**/notices/new*")  # loaded: its script drives the live preview
    page.get_by_label("Title", exact=True).fill("Pool opens Saturday")
    page.locator("#body").fill("The pool opens **Saturday** at 9:00.\n\n- Towels provided")
    preview = page.locator("#notice-preview")
    expect(preview.locator("strong")).to_have_text("Saturday")  # the live preview
    expect(preview.locator("li")).to_have_text("Towels provided")
    page.get_by_role("button", name="Review before publishing").click()
    expect(page.get_by_text("It reaches 1 person:")).to_be_visible()
    page.get_by_role("button", name="Publish now").click()
    expect(page.get_by_text("The notice is published")).to_be_visible()
    expect(page.locator("[data-read-rate]")).to_have_text("0%")
    notice_url = page.url

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    ).new_page()
    sign_in(phone, live_server, world.owner.email)
    expect(phone.get_by_text("Unread notices")).to_be_visible()
    phone.get_by_role("link", name="Pool opens Saturday").click()
    expect(phone.get_by_role("heading", name="Pool opens Saturday")).to_be_visible()
    expect(phone.locator(".notice-body strong")).to_have_text("Saturday")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing runs off a phone's screen
    phone.goto(f"{live_server}/associations/{world.a.id}/")
    expect(phone.get_by_text("You have read every notice.")).to_be_visible()

    page.goto(notice_url)
    expect(page.locator("[data-read-rate]")).to_have_text("100%")
