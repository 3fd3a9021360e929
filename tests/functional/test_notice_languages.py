"""Notices in several languages: a manager writes versions per language, each recipient
receives theirs (portal, e-mail, paper), the manager sees which languages have no version,
and the deliveries page shows read rates by language."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import select

from app.delivery.models import Delivery
from app.extensions import db
from tests import factories as f
from tests.notice_helpers import mail_to, prefer

RU_TITLE = "Уведомление о собрании"
RU_BODY = "Срок для устранения нарушения — 30 дней. Слушание в правлении."
ES_TITLE = "Cierre de la piscina"
ES_BODY = "La piscina cierra el viernes."


def _second_owner(app, world, language: str, email: str | None = None):
    with app.app_context():
        unit = f.UnitFactory(association=db.session.merge(world.a), label="14C")
        person = f.UserFactory(name="Sergio Segundo", language=language)
        f.MembershipFactory(
            user=person, association=db.session.merge(world.a), role="owner", unit=unit
        )
        db.session.commit()
        return person.id, person.email


def _post(api, world, **extra):
    return api(world.manager).post(
        f"/api/v1/associations/{world.a.id}/notices",
        json={
            "title": "Pool closing",
            "body": "The pool closes on Friday.",
            "audience": "owners",
            **extra,
        },
    )


def test_each_recipient_gets_the_version_in_their_language(world, app, api, login_as):
    second_id, second_email = _second_owner(app, world, "es")
    prefer(app, world.owner, delivery="email")
    with app.app_context():
        from app.auth.models import User

        prefer(app, db.session.get(User, second_id), delivery="email")
    response = _post(api, world, translations={"es": {"title": ES_TITLE, "body": ES_BODY}})
    assert response.status_code == 201
    body = response.get_json()
    assert body["languages"] == ["en", "es"] and body["language"] == "en"
    (english,) = mail_to(app, world.owner.email)
    (spanish,) = mail_to(app, second_email)
    assert english["Subject"].startswith("Pool closing")
    assert spanish["Subject"].startswith(ES_TITLE)
    assert ES_BODY in spanish.get_body(("plain",)).get_content()
    with app.app_context():
        languages = dict(
            db.session.execute(
                select(Delivery.user_id, Delivery.language).where(Delivery.method == "portal")
            ).all()
        )
    assert languages == {world.owner.id: "en", second_id: "es"}
    notice_id = body["id"]
    staff_page = login_as(world.manager).get(f"/associations/{world.a.id}/notices/{notice_id}")
    assert "Written in: English, Español." in staff_page.get_data(as_text=True)
    # The portal shows each their own version.
    page = login_as(world.owner).get(f"/associations/{world.a.id}/notices/{notice_id}")
    assert "Pool closing" in page.get_data(as_text=True)
    mine = api(world.owner).get("/api/v1/me/notices").get_json()["items"]
    assert mine[0]["title"] == "Pool closing"
    from types import SimpleNamespace

    spanish_page = login_as(SimpleNamespace(email=second_email)).get(
        f"/associations/{world.a.id}/notices/{notice_id}"
    )
    assert ES_TITLE in spanish_page.get_data(as_text=True)
    theirs = api(SimpleNamespace(email=second_email)).get("/api/v1/me/notices").get_json()
    assert theirs["items"][0]["title"] == ES_TITLE


def test_the_deliveries_page_shows_read_rates_by_language(world, app, api, login_as):
    _second_owner(app, world, "es")
    notice_id = _post(api, world).get_json()["id"]
    login_as(world.owner).get(f"/associations/{world.a.id}/notices/{notice_id}")  # reads it
    for role in ("manager", "board"):
        page = login_as(world.user(role)).get(
            f"/associations/{world.a.id}/notices/{notice_id}/deliveries"
        )
        text = " ".join(page.get_data(as_text=True).split())
        assert page.status_code == 200
        assert "by the recipient's language" in text.replace("&#39;", "'")
        assert (
            '<th scope="row">English</th><td class="text-end">1</td><td class="text-end">1</td>'
            '<td class="text-end">100%</td> <td>their own language</td>'
        ) in text
        assert (
            '<th scope="row">Español</th><td class="text-end">1</td><td class="text-end">0</td>'
            '<td class="text-end">0%</td>'
        ) in text  # without a Spanish version:
        assert "<td>the notice's own text</td>" in text
    for role in ("owner", "outsider"):
        response = login_as(world.user(role)).get(
            f"/associations/{world.a.id}/notices/{notice_id}/deliveries"
        )
        assert response.status_code in (403, 404)


def test_the_form_takes_versions_and_the_review_names_missing_languages(world, app, login_as):
    _second_owner(app, world, "es")
    with app.app_context():
        f.MembershipFactory(
            user=f.UserFactory(name="Roman Russkiy", language="ru"),
            association=db.session.merge(world.a),
            role="owner",
            unit=f.UnitFactory(association=db.session.merge(world.a), label="15D"),
        )
        db.session.commit()
    client = login_as(world.manager)
    form = client.get(f"/associations/{world.a.id}/notices/new").get_data(as_text=True)
    assert "Versions in other languages (optional)" in form
    assert 'name="title_es"' in form and 'name="title_en"' not in form  # en is its own text
    data = {
        "title": "Pool closing",
        "body": "The pool closes on Friday.",
        "audience": "owners",
        "delivery": "general",
        "when": "now",
        "title_es": ES_TITLE,
        "body_es": ES_BODY,
        "review": "1",
    }
    review = client.post(f"/associations/{world.a.id}/notices/new", data=data)
    text = " ".join(review.get_data(as_text=True).split())
    assert ES_TITLE in text and ES_BODY in text
    assert "Español: 1 person" in text
    assert "Русский: 1 person — <span" in text and "no version in this language yet" in text
    assert "English: 1 person — " not in text
    assert f'name="title_es" value="{ES_TITLE}"' in text
    publish = {**{k: v for k, v in data.items() if k != "review"}, "publish": "1"}
    response = client.post(f"/associations/{world.a.id}/notices/new", data=publish)
    assert response.status_code == 302
    with app.app_context():
        from app.notices.models import NoticeText

        texts = {t.language: t.title for t in db.session.scalars(select(NoticeText))}
    assert texts == {"en": "Pool closing", "es": ES_TITLE}


def test_a_version_without_its_text_is_refused_beside_its_field(world, login_as):
    client = login_as(world.manager)
    response = client.post(
        f"/associations/{world.a.id}/notices/new",
        data={
            "title": "Pool closing",
            "body": "The pool closes on Friday.",
            "audience": "owners",
            "delivery": "general",
            "when": "now",
            "title_it": "Chiusura della piscina",
            "body_it": "",
            "publish": "1",
        },
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Chiusura della piscina"' in text  # kept
    body_field = text.split('name="body_it"')[1][:600]
    assert "Write the notice." in body_field


def test_the_api_refuses_bad_versions_naming_them(world, api):
    response = _post(
        api,
        world,
        translations={
            "en": {"title": "x", "body": "y"},
            "xx": {"title": "x", "body": "y"},
            "es": {"title": "", "body": "Texto"},
            "it": "nope",
        },
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {
        "translations.en",
        "translations.xx",
        "translations.es.title",
        "translations.it",
    }
    assert _post(api, world, translations=["es"]).status_code == 422
    assert _post(api, world, translations={"da": {"title": "", "body": ""}}).get_json()[
        "languages"
    ] == ["en"]  # left blank: no version


def test_printed_copies_carry_each_recipient_version_in_cyrillic(world, app, api):
    """A Russian-reading owner's paper copy is in Russian, set in the installed DejaVu."""
    second_id, _email = _second_owner(app, world, "ru")
    response = _post(
        api,
        world,
        delivery="individual",  # paper for those who made no choice
        translations={"ru": {"title": RU_TITLE, "body": RU_BODY}},
    )
    assert response.status_code == 201
    with app.app_context():
        from app.notices.publication import print_copies

        rows = db.session.scalars(
            select(Delivery).where(Delivery.method == "mail").order_by(Delivery.user_id)
        ).all()
        assert {r.user_id: r.language for r in rows} == {world.owner.id: "en", second_id: "ru"}
        pdf = print_copies(rows)
    reader = PdfReader(io.BytesIO(pdf))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    russian = next(p for p in pages if "Sergio Segundo" in p)
    english = next(p for p in pages if world.owner.name in p)
    assert RU_TITLE in russian and RU_BODY in russian and "Pool closing" not in russian
    assert "Pool closing" in english and RU_TITLE not in english
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("DejaVu" in name for name in fonts), fonts
