"""A manager signs in, creates a unit and finds it in the list."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_manager_creates_a_unit_and_sees_it_in_the_list(page: Page, live_server, world):
    sign_in(page, live_server, world.manager.email)
    expect(page.get_by_role("heading", name="Alpha Grove HOA")).to_be_visible()
    page.get_by_role("link", name="Units", exact=True).click()
    page.get_by_role("link", name="New unit").click()
    page.get_by_label("Label").fill("21C")
    page.get_by_label("Street address").fill("21 Cypress Court")
    page.get_by_label("Unit type").fill("townhome")
    page.get_by_role("button", name="Save unit").click()
    expect(page.get_by_text("Added unit 21C.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="21 Cypress Court")
    expect(row).to_contain_text("townhome")
    page.get_by_label("Search").fill("cypress")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 result", exact=True)).to_be_visible()


def test_owner_cannot_reach_the_unit_roster(page: Page, live_server, world):
    sign_in(page, live_server, world.owner.email)
    expect(page.get_by_text("12 Oak Lane")).to_be_visible()
    expect(page.get_by_role("link", name="Units", exact=True)).to_have_count(0)
    response = page.goto(f"{live_server}/associations/{world.a.id}/units")
    assert response.status == 403
    expect(page.get_by_role("heading", name=re.compile("do not have access"))).to_be_visible()
