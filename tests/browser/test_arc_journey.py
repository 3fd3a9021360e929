"""An owner asks for approval of solar panels, the office asks a question, the committee
denies the request, and the owner reads the decision letter and appeals — in Chromium."""

import io

import pytest
from PIL import Image
from playwright.sync_api import Browser, expect
from pypdf import PdfReader

from app.extensions import db
from tests import factories as f
from tests.browser.test_manager_journey import sign_in

pytestmark = pytest.mark.browser


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "navy").save(buffer, "PNG")
    return buffer.getvalue()


def _as(page, base: str, email: str) -> None:
    page.context.clear_cookies()
    sign_in(page, base, email)


def test_request_to_decision_letter(browser: Browser, live_server, world, app):
    with app.app_context():
        member = f.UserFactory(name="Ari Arc")
        from app.associations.models import Association

        association = db.session.get(Association, world.a.id)
        f.MembershipFactory(user=member, association=association, role="arc")
        db.session.commit()
        member_email = member.email
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    base = f"{live_server}/associations/{world.a.id}/arc/"

    _as(page, live_server, world.owner.email)
    page.goto(base)
    page.get_by_role("link", name="New request").click()
    page.get_by_label("What do you want to change?").fill("Solar panels")
    page.get_by_label("Description").fill("Twelve black panels on the south roof.")
    page.get_by_label("Plans and photos (PDF, JPEG or PNG)").set_input_files(
        [{"name": "roof.png", "mimeType": "image/png", "buffer": _png()}]
    )
    page.get_by_role("button", name="Submit the request").click()
    expect(page.get_by_text("Your request is submitted.")).to_be_visible()
    expect(page.get_by_text("Decision due by")).to_be_visible()
    expect(page.get_by_role("link", name="roof.png")).to_be_visible()
    request_url = page.url

    _as(page, live_server, world.manager.email)
    page.goto(request_url)
    page.get_by_label("Message").fill("Are the panels visible from the street?")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Message sent.")).to_be_visible()

    _as(page, live_server, world.owner.email)
    page.goto(request_url)
    expect(page.get_by_text("Are the panels visible from the street?")).to_be_visible()
    page.get_by_label("Message").fill("Yes, from Oak Lane.")
    page.get_by_role("button", name="Send", exact=True).click()

    _as(page, live_server, world.manager.email)
    page.goto(request_url)
    page.get_by_label("Decision").select_option("denied")
    page.get_by_role("button", name="Send to the reviewing body").click()
    expect(page.get_by_text("4765(a)(4)").first).to_be_visible()  # reasons are required
    page.get_by_label("Reasons").fill("Panels facing the street are not allowed (CC&R 7.2).")
    page.get_by_role("button", name="Send to the reviewing body").click()
    expect(page.get_by_text("is before the reviewing body").first).to_be_visible()

    _as(page, live_server, member_email)
    page.goto(request_url)
    page.get_by_role("link", name="See the vote").click()
    page.get_by_role("button", name="Approve").click()

    _as(page, live_server, world.owner.email)
    page.goto(request_url)
    expect(page.get_by_text("Panels facing the street are not allowed (CC&R 7.2).")).to_be_visible()
    letter = page.get_by_role("link", name="Decision letter of")
    response = page.context.request.get(live_server + letter.get_attribute("href"))
    text = " ".join(PdfReader(io.BytesIO(response.body())).pages[0].extract_text().split())
    assert "Panels facing the street are not allowed" in text
    assert "reconsideration" in text and "open meeting" in text and "Olivia Owner" in text
    page.get_by_label("Why should the board reconsider?").fill("They face the back yard.")
    page.get_by_role("button", name="Appeal to the board").click()
    expect(page.get_by_text("Your appeal is before the board.")).to_be_visible()
