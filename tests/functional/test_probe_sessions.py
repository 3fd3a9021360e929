"""The security probe of 2026-12-02, D12 and D13: credentials die when they should."""

import re

from sqlalchemy import select

from app.auth.models import RememberToken, UserSession
from app.extensions import db
from tests.conftest import PASSWORD


def _sign_in(app, user, *, remember=False):
    client = app.test_client()
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, **({"remember": "y"} if remember else {})},
    )
    assert response.status_code == 302
    return client


def _cookie(client, name):
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


def _with_cookies(app, **cookies):
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


def _account_status(client):
    return client.get("/account").status_code


def test_d12_remember_tokens_are_random_per_device_and_stored_hashed(world, app):
    first = _cookie(_sign_in(app, world.owner, remember=True), "remember_token")
    second = _cookie(_sign_in(app, world.owner, remember=True), "remember_token")
    assert first and second and first != second
    assert "|" not in first and len(first) >= 40  # not Flask-Login's "<user id>|<digest>"
    with app.app_context():
        stored = db.session.scalars(select(RememberToken.token_hash)).all()
    assert first not in stored and second not in stored and len(stored) == 2


def test_d12_the_remember_cookie_signs_in_until_sign_out(world, app):
    browser = _sign_in(app, world.owner, remember=True)
    token = _cookie(browser, "remember_token")
    assert _account_status(_with_cookies(app, remember_token=token)) == 200
    browser.post("/logout")
    stolen = _with_cookies(app, remember_token=token)
    response = stolen.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_d12_a_password_change_revokes_remember_tokens(world, app):
    browser = _sign_in(app, world.owner, remember=True)
    token = _cookie(browser, "remember_token")
    response = browser.post(
        "/account",
        data={
            "current_password": PASSWORD,
            "new_password": "another-pass-1",
            "confirm": "another-pass-1",
            "submit": "Change password",
        },
    )
    assert response.status_code == 302
    assert _account_status(browser) == 200  # this browser stays signed in
    assert _account_status(_with_cookies(app, remember_token=token)) == 302


def test_d12_d13_a_reset_ends_every_session_remember_token_and_api_token(world, app, api):
    browser = _sign_in(app, world.owner, remember=True)
    token = _cookie(browser, "remember_token")
    session_cookie = _cookie(browser, "session")
    bearer = api(world.owner)
    anonymous = app.test_client()
    anonymous.post("/password/forgot", data={"email": world.owner.email})
    (message,) = [m for m in app.extensions["mail_outbox"] if m["To"] == world.owner.email]
    link = re.search(r"http://localhost(/password/reset/\S+)", message.get_content())[1]
    response = anonymous.post(link, data={"password": "reset-pass-1", "confirm": "reset-pass-1"})
    assert response.status_code == 302
    assert _account_status(browser) == 302
    assert _account_status(_with_cookies(app, session=session_cookie)) == 302
    assert _account_status(_with_cookies(app, remember_token=token)) == 302
    assert bearer.get("/api/v1/me").status_code == 401


def test_d13_a_session_cookie_copied_before_sign_out_stops_working(world, app):
    browser = _sign_in(app, world.owner)
    copied = _cookie(browser, "session")
    assert _account_status(_with_cookies(app, session=copied)) == 200
    browser.post("/logout")
    response = _with_cookies(app, session=copied).get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_d13_a_password_change_ends_other_browsers_and_api_tokens(world, app, api):
    here = _sign_in(app, world.owner)
    elsewhere = _sign_in(app, world.owner)
    bearer = api(world.owner)
    assert bearer.get("/api/v1/me").status_code == 200
    here.post(
        "/account",
        data={
            "current_password": PASSWORD,
            "new_password": "another-pass-1",
            "confirm": "another-pass-1",
            "submit": "Change password",
        },
    )
    assert _account_status(here) == 200
    assert _account_status(elsewhere) == 302
    assert bearer.get("/api/v1/me").status_code == 401


def test_d13_the_account_page_lists_sessions_and_tokens_and_ends_them(world, app, api):
    here = _sign_in(app, world.owner)
    elsewhere = _sign_in(app, world.owner)
    bearer = api(world.owner)
    page = here.get("/account").get_data(as_text=True)
    assert "Where you are signed in" in page and "this browser" in page
    ids = [int(i) for i in re.findall(r"/account/sessions/(\d+)/end", page)]
    assert len(ids) == 2
    (token_id,) = [int(i) for i in re.findall(r"/account/tokens/(\d+)/revoke", page)]
    with app.app_context():
        mine = db.session.scalar(
            select(UserSession.id).where(UserSession.ended_at.is_(None)).order_by(UserSession.id)
        )
    assert here.post(f"/account/sessions/{mine + 1}/end").status_code == 302
    assert _account_status(elsewhere) == 302 and _account_status(here) == 200
    here.post(f"/account/tokens/{token_id}/revoke")
    assert bearer.get("/api/v1/me").status_code == 401
    # Nobody ends another person's session.
    other = _sign_in(app, world.board)
    assert here.post(f"/account/sessions/{mine + 2}/end").status_code == 404
    assert _account_status(other) == 200


def test_d13_sign_out_everywhere_else(world, app):
    here = _sign_in(app, world.owner)
    others = [_sign_in(app, world.owner) for _ in range(2)]
    here.post("/account/sessions/end-others")
    assert _account_status(here) == 200
    assert [_account_status(o) for o in others] == [302, 302]


def test_a_session_ends_after_twelve_idle_hours_unless_kept(world, app):
    from datetime import timedelta

    from app.core import clock

    clock.freeze(clock.now())
    browser = _sign_in(app, world.owner)
    kept = _sign_in(app, world.owner, remember=True)
    clock.advance(timedelta(hours=11))
    assert _account_status(browser) == 200  # used: the idle limit starts again
    clock.advance(timedelta(hours=11))
    assert _account_status(browser) == 200
    clock.advance(timedelta(hours=12, minutes=1))
    assert _account_status(browser) == 302
    assert _account_status(kept) == 200  # "keep me signed in" lasts 30 days
    clock.advance(timedelta(days=31))
    assert _account_status(kept) == 302
