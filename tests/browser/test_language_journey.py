"""An owner switches the language at the foot of the page: signed out on the sign-in page
(the browser remembers it), then signed in (their preference follows)."""

import pytest
from playwright.sync_api import Page, expect

from app.auth.models import User
from app.extensions import db
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_an_owner_switches_language(page: Page, live_server, world, languages, app):
    page.goto(f"{live_server}/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    switcher = page.locator("form.language-switcher")
    expect(switcher.get_by_role("button", name="Español")).to_be_visible()
    switcher.get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="Iniciar sesión")).to_be_visible()
    page.reload()  # the cookie keeps it
    expect(page.get_by_role("heading", name="Iniciar sesión")).to_be_visible()

    page.locator("#email").fill(world.owner.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form [type=submit]").first.click()  # the sign-in button, in Spanish
    page.wait_for_url(lambda url: "/login" not in url)
    # Signed in, the owner's own language (English) decides; they switch to Russian.
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("form.language-switcher").get_by_role("button", name="Русский").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(
        page.locator("form.language-switcher").get_by_role("button", name="Русский")
    ).to_have_attribute("aria-current", "true")
    page.goto(f"{live_server}/account")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", name="Ваша учётная запись")).to_be_visible()
    with app.app_context():
        assert db.session.get(User, world.owner.id).language == "ru"
