"""The application bar fits a 1366 px desktop and a 390 px phone, with a long association
name and the administration menu: nothing overflows sideways, the user menu stays on the
bar, and on the phone the association's name stays in sight."""

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from tests.browser.test_manager_journey import sign_in

pytestmark = pytest.mark.browser

LONG_NAME = (
    "The Residences at Whispering Pines Ridge Community Association of Greater Sacramento "
    "County, Phase Two"
)


@pytest.fixture
def long_named(app, world):
    from tests import factories as f

    with app.app_context():
        association = f.AssociationFactory(name=LONG_NAME)
        f.MembershipFactory(
            user=db.session.merge(world.manager), association=association, role="manager"
        )
        db.session.commit()
        return association.id


@pytest.mark.parametrize(("width", "height"), [(1366, 900), (390, 844)])
@pytest.mark.parametrize("who", ["admin", "manager"])
def test_the_bar_fits_with_a_long_name_and_the_admin_menu(
    browser, live_server, world, long_named, width, height, who
):
    context = browser.new_context(viewport={"width": width, "height": height})
    page: Page = context.new_page()
    try:
        _check_the_bar(page, live_server, world, long_named, width, who)
    finally:
        context.close()


def _check_the_bar(page: Page, live_server, world, long_named, width, who):
    sign_in(page, live_server, world.user(who).email)
    page.wait_for_url(lambda url: "/login" not in url)
    for path in (f"/associations/{long_named}/", f"/associations/{long_named}/units"):
        page.goto(live_server + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} is {overflow}px wider than the {width}px window"
        user_menu = page.locator("#user-menu")
        expect(user_menu).to_be_visible()
        box = user_menu.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        switcher = page.locator("#assoc-switcher")
        expect(switcher).to_be_visible()
        expect(switcher).to_contain_text("The Residences at")
        assert switcher.get_attribute("title") == LONG_NAME
        bar = page.locator("nav.app-navbar").bounding_box()
        assert bar["height"] < 80, "the bar wrapped onto a second line"
        if who == "admin" and width >= 992:
            expect(page.locator("#admin-menu")).to_be_visible()
    if width < 768:
        # A list on the phone is a column of cards, each value labelled with its column.
        page.goto(f"{live_server}/associations/{world.a.id}/units")
        cell = page.get_by_role("cell", name="12 Oak Lane")
        assert cell.get_attribute("data-label") == "Street address"
        page.get_by_role("button", name="Menu").click()
        expect(page.locator("#sections").get_by_role("link", name="Units")).to_be_visible()
