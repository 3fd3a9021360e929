"""Languages: which ones are offered, how a page, an API answer and an e-mail choose theirs,
and the switcher at the foot of every page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from babel.dates import format_date
from sqlalchemy import select

from app import create_app
from app.auth.models import User
from app.core import clock
from app.core.audit import AuditEntry
from app.extensions import db
from tests.languages import INVITATION, WORDS, write_catalogs
from tests.notice_helpers import mail_to, prefer

OTHERS = ["es", "it", "da", "ru"]
CHOOSE = "Choose en, es, it, da or ru."
TOKEN = "Send a valid API token: Authorization: Bearer <token>."


def _lang(page: str) -> str:
    return re.search(r'<html lang="([a-z]+)">', page)[1]


def _language_of(app, user) -> str:
    with app.app_context():
        return db.session.get(User, user.id).language


# --- which languages are offered -------------------------------------------------------------


def test_offered_languages_are_english_and_the_complete_compiled_catalogs(tmp_path):
    directory = tmp_path / "translations"
    write_catalogs(directory)
    write_catalogs(directory, {"de": {"Language": "Sprache", "Sign in": ""}})  # incomplete
    from app.core.catalogs import compile_catalogs

    problems = compile_catalogs(directory)
    assert problems["de"] == ["untranslated: 'Sign in'"]
    assert not (directory / "de" / "LC_MESSAGES" / "messages.mo").exists()
    app = create_app(
        {
            "APP_ENV": "testing",
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "db.sqlite3"),
            "BABEL_TRANSLATION_DIRECTORIES": str(directory),
            "JOBS_MODE": "eager",  # no sweeper thread outliving the test
        }
    )
    assert app.config["LANGUAGES"] == ["en", "da", "es", "it", "ru"]


def test_without_compiled_catalogs_only_english_and_no_switcher(tmp_path, client):
    app = create_app(
        {
            "APP_ENV": "testing",
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "db.sqlite3"),
            "BABEL_TRANSLATION_DIRECTORIES": str(tmp_path / "none"),
            "JOBS_MODE": "eager",  # no sweeper thread outliving the test
        }
    )
    assert app.config["LANGUAGES"] == ["en"]
    page = client.get("/login", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert _lang(page) == "en" and "language-switcher" not in page


# --- a page's language -----------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", *OTHERS])
def test_accept_language_chooses_the_page_language_and_date_form(
    language, languages, world, app, api, client
):
    response = api(world.manager).post(
        f"/api/v1/associations/{world.a.id}/members",
        json={
            "role": "owner",
            "unit_id": world.owner_unit.id,
            "email": "new@example.com",
            "name": "Nuevo",
        },
    )
    assert response.status_code == 202
    (message,) = mail_to(app, "new@example.com")
    link = re.search(r"http://localhost(/associations/invitations/\S+)", message.get_content())[1]
    page = client.get(link, headers={"Accept-Language": f"{language},en;q=0.5"})
    text = page.get_data(as_text=True)
    assert _lang(text) == language
    with app.app_context():
        from app.associations.models import Invitation

        invitation = db.session.scalars(select(Invitation)).one()
        expires = clock.as_utc(invitation.expires_at).astimezone(clock.zone(world.a.time_zone))
    day = expires.date()
    if language == "en":  # English keeps the house form
        date, words = (
            f"{day:%B} {day.day}, {day.year}",
            {INVITATION: INVITATION, "Language": "Language"},
        )
    else:
        date, words = format_date(day, "long", locale=language), WORDS[language]
    assert words[INVITATION] % {"date": date} in text.replace("&#39;", "'")
    assert f">{words['Language']}<" in text  # the switcher's label
    # The new account keeps the language its invitation was read in.
    client.post(
        link,
        data={"password": "a-new-pass-1", "confirm": "a-new-pass-1"},
        headers={"Accept-Language": language},
    )
    with app.app_context():
        person = db.session.scalar(select(User).where(User.email == "new@example.com"))
        assert person.language == language


@pytest.mark.parametrize(
    ("header", "expected"),
    [(None, "en"), ("fr", "en"), ("fr, ru;q=0.5", "ru"), ("da-DK", "da"), ("en-US, es", "en")],
)
def test_accept_language_falls_back_to_english(header, expected, languages, client):
    headers = {"Accept-Language": header} if header else {}
    assert _lang(client.get("/login", headers=headers).get_data(as_text=True)) == expected


def test_the_cookie_beats_the_browser_and_the_person_beats_the_cookie(
    languages, world, app, client, login_as
):
    client.set_cookie("lang", "it")
    page = client.get("/login", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert _lang(page) == "it" and "Accedi" in page
    client.set_cookie("lang", "xx")  # not offered: ignored
    assert _lang(client.get("/login", headers={"Accept-Language": "ru"}).get_data(True)) == "ru"
    prefer(app, world.owner, language="da")
    login_as(world.owner)
    client.set_cookie("lang", "it")
    page = client.get("/account", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert _lang(page) == "da" and "Din konto" in page


def test_a_chosen_language_not_offered_yet_falls_back(world, app, client, login_as):
    prefer(app, world.owner, language="ru")  # allowed: it is served once its catalog is
    page = login_as(world.owner).get("/account").get_data(as_text=True)
    assert _lang(page) == "en" and "Your account" in page


# --- the switcher ----------------------------------------------------------------------------


def test_every_page_has_the_switcher_with_each_language_in_its_own_name(
    languages, world, client, login_as
):
    for page in (client.get("/login"), login_as(world.manager).get(f"/associations/{world.a.id}/")):
        text = page.get_data(as_text=True)
        assert 'action="/language"' in text and 'name="csrf_token"' in text
        for name in ("English", "Español", "Italiano", "Dansk", "Русский"):
            assert f">{name}</button>" in text


def test_switching_signed_out_sets_the_cookie_and_goes_back(languages, client):
    response = client.post("/language", data={"language": "es", "next": "/login?x=1"})
    assert response.status_code == 302 and response.headers["Location"] == "/login?x=1"
    cookie = client.get_cookie("lang")
    assert cookie.value == "es" and cookie.http_only
    page = client.get("/login", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert _lang(page) == "es" and "Iniciar sesión" in page


@pytest.mark.parametrize("role", ["manager", "board", "owner", "outsider", "nobody"])
def test_switching_signed_in_saves_the_preference_and_audits_it(
    role, languages, world, app, login_as
):
    user = world.user(role)
    client = login_as(user)
    response = client.post("/language", data={"language": "ru", "next": "/account"})
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert _language_of(app, user) == "ru"
    page = client.get("/account").get_data(as_text=True)
    assert _lang(page) == "ru" and "Ваша учётная запись" in page
    with app.app_context():
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "user.preferences")
        ).one()
        assert entry.actor_id == user.id and entry.data["changes"]["language"] == ["en", "ru"]


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil", ""])
def test_switching_never_leaves_the_site(target, languages, client):
    response = client.post("/language", data={"language": "it", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get_cookie("lang").value == "it"


@pytest.mark.parametrize("value", ["xx", "", "fr", "es\x00"])
def test_switching_to_a_language_not_offered_is_refused(value, languages, world, app, login_as):
    client = login_as(world.owner)
    response = client.post("/language", data={"language": value, "next": "/account"})
    assert response.status_code == 422
    assert "Choose one of: en, da, es, it, ru." in response.get_data(as_text=True)
    assert _language_of(app, world.owner) == "en" and client.get_cookie("lang") is None


def test_switching_needs_the_csrf_token(languages, app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/language", data={"language": "es"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400 and client.get_cookie("lang") is None


# --- the API's problem details -----------------------------------------------------------------


def test_api_problems_follow_the_token_person_else_the_browser(languages, world, api):
    owner = api(world.owner)
    bad = {"language": "klingon"}
    english = owner.put("/api/v1/me/preferences", json=bad)
    assert english.status_code == 422 and english.get_json()["detail"] == CHOOSE
    # The person's language (English) wins over the browser's ...
    italian = owner.put("/api/v1/me/preferences", json=bad, headers={"Accept-Language": "it"})
    assert italian.get_json()["detail"] == CHOOSE
    # ... which decides when there is no person.
    anonymous = api().get("/api/v1/me/preferences", headers={"Accept-Language": "it"})
    assert anonymous.status_code == 401
    assert anonymous.get_json()["detail"] == WORDS["it"][TOKEN]
    assert owner.put("/api/v1/me/preferences", json={"language": "ru"}).status_code == 200
    russian = owner.put("/api/v1/me/preferences", json=bad, headers={"Accept-Language": "it"})
    body = russian.get_json()
    assert body["detail"] == WORDS["ru"][CHOOSE]
    assert set(body["errors"]) == {"language"} and body["status"] == 422  # names unchanged
    assert (
        api(world.manager)
        .put("/api/v1/me/preferences", json=bad, headers={"Accept-Language": "da"})
        .get_json()["detail"]
        == CHOOSE
    )  # the manager's own language: English


def test_api_ignores_the_cookie(languages, world, api, client):
    client.set_cookie("lang", "es")
    response = api(world.owner).put("/api/v1/me/preferences", json={"language": "klingon"})
    assert response.get_json()["detail"] == CHOOSE


# --- e-mails -----------------------------------------------------------------------------------


def test_a_password_link_goes_out_in_the_person_language(languages, world, app, client):
    prefer(app, world.owner, language="es")
    client.post("/password/forgot", data={"email": world.owner.email})
    (message,) = mail_to(app, world.owner.email)
    assert message["Subject"] == "Restablezca su contraseña de HOA Manager"
    assert message.get_content().startswith(f"Hola, {world.owner.name}:")


def test_mail_in_a_language_not_offered_is_english(world, app, client):
    prefer(app, world.owner, language="ru")
    client.post("/password/forgot", data={"email": world.owner.email})
    (message,) = mail_to(app, world.owner.email)
    assert message["Subject"] == "Reset your HOA Manager password"


def test_a_notice_reaches_each_owner_in_their_language(languages, world, app, api):
    from tests import factories as f

    with app.app_context():
        second = f.UserFactory(name="Sergio Segundo", language="es")
        f.MembershipFactory(
            user=second,
            association=db.session.merge(world.a),
            role="owner",
            unit=db.session.merge(world.owner_unit),
        )
        db.session.commit()
        second_email = second.email
        prefer(app, second, delivery="email")
    prefer(app, world.owner, delivery="email")
    response = api(world.manager).post(
        f"/api/v1/associations/{world.a.id}/notices",
        json={"title": "Pool closing", "body": "The pool closes on Friday.", "audience": "owners"},
    )
    assert response.status_code == 201
    today = clock.now().astimezone(clock.zone(world.a.time_zone)).date()
    (english,) = mail_to(app, world.owner.email)
    assert f"published a notice on {today:%B} {today.day}, {today.year}:" in (
        english.get_body(("plain",)).get_content()
    )
    (spanish,) = mail_to(app, second_email)
    text = spanish.get_body(("plain",)).get_content()
    assert text.startswith("Estimado/a Sergio Segundo:")
    assert f"publicó un aviso el {format_date(today, 'long', locale='es')}:" in text
    assert "The pool closes on Friday." in text  # the notice's only text, in English


def test_reset_link_mail_is_english_when_the_page_was_not(languages, world, app, client):
    # The page asking was Russian; the person's own language (English) decides the mail.
    client.post(
        "/password/forgot", data={"email": world.owner.email}, headers={"Accept-Language": "ru"}
    )
    (message,) = mail_to(app, world.owner.email)
    assert message["Subject"] == "Reset your HOA Manager password"


def test_invitation_expiry_in_a_russian_mail(languages, world, app, api):
    prefer(app, world.nobody, language="ru")
    api(world.manager).post(
        f"/api/v1/associations/{world.a.id}/members",
        json={"role": "owner", "unit_id": world.owner_unit.id, "user_id": world.nobody.id},
    )
    (message,) = mail_to(app, world.nobody.email)
    body = message.get_content()
    assert body.startswith(f"Здравствуйте, {world.nobody.name}!")
    expires = (clock.now() + timedelta(days=app.config["INVITATION_DAYS"])).astimezone(
        clock.zone(world.a.time_zone)
    )
    assert (
        format_date(expires.date(), "long", locale="ru") in body
        or format_date((expires - timedelta(days=1)).date(), "long", locale="ru") in body
    )


@pytest.mark.parametrize(
    ("language", "footer"),
    [("en", "Page 1 of 1"), ("es", "Página 1 de 1"), ("ru", "Страница 1 из 1")],
)
def test_report_pages_are_numbered_in_the_reader_language(language, footer, languages, app):
    import io

    from flask_babel import force_locale
    from pypdf import PdfReader

    from app.core.pdf import render_pdf

    with app.test_request_context("/"), force_locale(language):
        pdf = render_pdf(
            "pdf/_partials/letterhead.html",
            association={"name": "ТСЖ «Альфа»", "letterhead": ""},
            generated_on="4 марта 2027 г.",
        )
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert footer in text and "ТСЖ «Альфа»" in text


def test_the_preferences_page_keeps_the_language_on_the_browser(languages, world, app, login_as):
    client = login_as(world.owner)
    response = client.post(
        "/account/preferences",
        data={"language": "it", "delivery": "mail", "secondary_address": ""},
    )
    assert response.status_code == 302 and client.get_cookie("lang").value == "it"
    client.post("/logout")
    assert "Accedi" in client.get("/login").get_data(as_text=True)


def test_the_preferences_page_says_when_pages_are_not_in_the_chosen_language_yet(
    world, app, login_as
):
    prefer(app, world.owner, language="da")
    page = login_as(world.owner).get("/account/preferences").get_data(as_text=True)
    assert "The pages and e-mails themselves are in English until their translation" in page


def test_pages_tell_caches_they_vary_by_language(client, api):
    vary = client.get("/login").headers["Vary"]
    assert "Accept-Language" in vary and "Cookie" in vary
    assert "Accept-Language" in api().get("/api/v1/me/preferences").headers["Vary"]
