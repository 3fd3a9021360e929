"""The manager schedules a board meeting and builds its agenda; on the day, the secretary
runs it on a tablet: attendance and quorum, a motion, each member's vote, adjournment; the
secretary writes the minutes from the record's draft and submits them, the board approves
them, and an owner reads the approved minutes and the report."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, expect

from app.associations.models import Association
from app.core import clock
from app.extensions import db
from tests import factories as f
from tests.browser.test_manager_journey import sign_in

pytestmark = pytest.mark.browser

NOW = datetime(2027, 3, 4, 18, 0, tzinfo=UTC)


def test_schedule_and_run_a_board_meeting_on_a_tablet(browser: Browser, live_server, world, app):
    clock.freeze(NOW)
    with app.app_context():
        secretary = f.UserFactory(name="Sam Secretary")
        f.MembershipFactory(
            user=secretary,
            association=db.session.get(Association, world.a.id),
            role="board",
            office="secretary",
        )
        db.session.commit()
        secretary_email = secretary.email
    desk = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    sign_in(desk, live_server, world.manager.email)
    desk.goto(f"{live_server}/associations/{world.a.id}/meetings")
    expect(desk.get_by_text("No meetings yet")).to_be_visible()
    desk.get_by_role("link", name="Schedule a meeting").click()
    desk.get_by_label("Starts at (local time)").fill("2027-03-06T19:00")
    desk.get_by_label("Place").fill("Clubhouse")
    desk.get_by_role("button", name="Schedule and send the notice").click()
    # Two days is less than Civil Code 4920(a) allows: the error stands beside the field.
    expect(desk.get_by_text("first lawful start is March 8, 2027")).to_be_visible()
    expect(desk.get_by_label("Place")).to_have_value("Clubhouse")
    desk.get_by_label("Starts at (local time)").fill("2027-03-15T19:00")
    desk.get_by_role("button", name="Schedule and send the notice").click()
    expect(desk.get_by_text("The meeting is scheduled and its notice sent.")).to_be_visible()
    desk.get_by_text("Add an agenda item").click()
    desk.get_by_label("Item", exact=True).fill("Pool hours for the summer")
    desk.get_by_role("button", name="Add to the agenda").click()
    expect(desk.get_by_text("Added to the agenda and to its notice.")).to_be_visible()
    meeting_url = desk.url

    desk.wait_for_load_state("networkidle")  # no request straddles the clock's jump
    clock.freeze(NOW + timedelta(days=11, hours=2))  # the meeting's evening
    tablet = browser.new_context(
        viewport={"width": 1024, "height": 768}, is_mobile=True, has_touch=True
    ).new_page()
    tablet.on("dialog", lambda dialog: dialog.accept())
    sign_in(tablet, live_server, secretary_email)
    tablet.goto(meeting_url)
    expect(tablet.get_by_text("No quorum (2 needed)")).to_be_visible()
    for name in ("Bea Board", "Bo Board", "Sam Secretary"):
        row = tablet.locator("li.list-group-item", has_text=name)
        row.get_by_role("button", name="Present").click()
    expect(tablet.get_by_text("Quorum present")).to_be_visible()
    tablet.get_by_label("Motion", exact=True).fill("Open the pool at 7 every day")
    tablet.get_by_label("Agenda item").select_option(label="1. Pool hours for the summer")
    tablet.get_by_label("Moved by").select_option(label="Bea Board")
    tablet.get_by_label("Seconded by").select_option(label="Bo Board")
    tablet.get_by_role("button", name="Record the motion").click()
    expect(tablet.get_by_text("Motion recorded")).to_be_visible()
    for name in ("Bea Board", "Bo Board"):
        tablet.locator("li", has_text=f"{name}: not voted").get_by_role(
            "button", name="Yes"
        ).click()
    expect(tablet.locator(".badge", has_text="carried")).to_be_visible()
    width = tablet.evaluate("document.documentElement.scrollWidth")
    assert width <= 1024  # nothing runs off the tablet's screen
    tablet.get_by_role("button", name="Adjourn").click()
    expect(tablet.get_by_text("The meeting is adjourned.")).to_be_visible()
    expect(tablet.get_by_role("button", name="Record the motion")).to_have_count(0)

    # The minutes: drafted from the record, edited, previewed, saved, submitted.
    tablet.get_by_role("link", name="Write the minutes").click()
    editor = tablet.get_by_label("Minutes (Markdown)")
    expect(editor).to_have_value(re.compile(r"\| Bo Board \| Yes \|"))
    editor.fill(editor.input_value() + "\nThe president thanked the pool volunteers.\n")
    tablet.get_by_role("button", name="Preview").click()
    preview = tablet.locator(".minutes-body")
    expect(preview.get_by_text("The president thanked the pool volunteers.")).to_be_visible()
    expect(preview.locator("table")).to_be_visible()  # the votes, as a table
    tablet.get_by_role("button", name="Save the minutes").click()
    expect(tablet.get_by_text("The minutes are saved as a draft.")).to_be_visible()
    tablet.get_by_role("button", name="Submit the minutes to the board").click()  # confirmed
    expect(tablet.get_by_text("before the board for its online vote")).to_be_visible()
    expect(tablet.get_by_text("pending approval")).to_be_visible()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    sign_in(phone, live_server, world.owner.email)
    phone.goto(meeting_url)
    expect(phone.get_by_text("published once the board approves them")).to_be_visible()
    expect(phone.get_by_text("The president thanked")).to_have_count(0)

    for email in (world.board.email, world.board2.email):
        member = browser.new_context().new_page()
        sign_in(member, live_server, email)
        member.goto(meeting_url)
        member.get_by_role("link", name="The board's decision on them").click()
        expect(member.get_by_text("The minutes as submitted")).to_be_visible()
        member.get_by_role("button", name="Approve").click()
        member.close()

    phone.goto(f"{live_server}/associations/{world.a.id}/meetings")
    phone.get_by_role("link", name="March 15, 2027").click()
    expect(phone.get_by_text("Pool hours for the summer").first).to_be_visible()
    expect(phone.get_by_text("carried").first).to_be_visible()
    expect(phone.get_by_role("button", name="Present")).to_have_count(0)
    # The approved minutes, and the report beside them.
    expect(phone.get_by_text("The president thanked the pool volunteers.")).to_be_visible()
    expect(phone.locator("#minutes .badge", has_text="approved")).to_be_visible()
    expect(phone.get_by_text("DRAFT")).to_have_count(0)
    report = phone.request.get(
        live_server + phone.get_by_role("link", name="Meeting report (PDF)").get_attribute("href")
    )
    assert report.ok and report.headers["content-type"] == "application/pdf"
