"""Letters in the owner's language, the English rendering kept beside them, wording per
language and translated rules."""

import hashlib
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.auth.models import User
from app.compliance.letter_models import Letter
from app.extensions import db
from tests.arc_helpers import approved_request
from tests.conftest import login
from tests.functional.test_api_compliance import violation  # noqa: F401  (the fixture)

WORDS = {  # a word of the shipped wording and the month of March 2027's dates
    "es": ("Estimado(a)", "marzo"),
    "it": ("Gentile", "marzo"),
    "da": ("Kære", "marts"),
    "ru": ("Уважаемый", "марта"),
}


def _text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _owner_reads(app, world, language):
    with app.app_context():
        db.session.get(User, world.owner.id).language = language
        db.session.commit()


@pytest.mark.parametrize("language", ["es", "it", "da", "ru"])
def test_a_letter_goes_out_in_the_owners_language_with_the_english_kept(
    world,
    api,
    app,
    violation,  # noqa: F811
    language,
):
    _owner_reads(app, world, language)
    manager = api(world.manager)
    issued = manager.post(
        f"/api/v1/violations/{violation['id']}/letters", json={"kind": "violation"}
    ).get_json()
    assert issued["language"] == language and issued["sha256_en"]
    pdf = manager.get(f"/api/v1/letters/{issued['id']}/pdf").data
    english = manager.get(f"/api/v1/letters/{issued['id']}/pdf?lang=en").data
    assert hashlib.sha256(pdf).hexdigest() == issued["sha256"]
    assert hashlib.sha256(english).hexdigest() == issued["sha256_en"] != issued["sha256"]
    greeting, month = WORDS[language]
    text = _text(pdf)
    assert greeting in text and month in text
    assert "Dear Olivia Owner" not in text
    # The statute (CA, Civil Code § 5855) is translated and followed by the English original.
    assert "5855" in text and "Under Civil Code § 5855 you may attend" in text
    english_text = _text(english)
    assert "Dear Olivia Owner" in english_text and "March" in english_text
    assert "The original English text" not in english_text
    bad = manager.get(f"/api/v1/letters/{issued['id']}/pdf?lang=fr")
    assert bad.status_code == 422
    with app.app_context():
        letter = db.session.get(Letter, issued["id"])
        assert letter.language == language and letter.pdf_en == english


def test_an_english_owner_gets_one_rendering(world, api, violation):  # noqa: F811
    manager = api(world.manager)
    issued = manager.post(
        f"/api/v1/violations/{violation['id']}/letters", json={"kind": "violation"}
    ).get_json()
    assert issued["language"] == "en" and issued["sha256_en"] is None
    same = manager.get(f"/api/v1/letters/{issued['id']}/pdf?lang=en").data
    assert hashlib.sha256(same).hexdigest() == issued["sha256"]


def test_wording_per_language_and_the_flag_before_issuing(
    world,
    api,
    app,
    client,
    violation,  # noqa: F811
):
    _owner_reads(app, world, "es")
    manager = api(world.manager)
    url = f"/api/v1/associations/{world.a.id}/letter-templates/violation"
    shipped = manager.get(f"{url}?language=es").get_json()
    assert shipped["source"] == "shipped" and "Estimado(a)" in shipped["body"]
    own_english = manager.put(url, json={"body": "<p>Hello {{ owner_names }}</p>"})
    assert own_english.status_code == 200 and own_english.get_json()["source"] == "own"
    login(client, world.manager)
    page = client.get(f"/associations/{world.a.id}/compliance/violations/{violation['id']}")
    html = page.get_data(as_text=True)
    assert "Letters to these owners are written in Español." in html
    assert "exists in English only" in html
    saved = manager.put(f"{url}?language=es", json={"body": "<p>Hola {{ owner_names }}</p>"})
    assert saved.status_code == 200 and saved.get_json()["language"] == "es"
    bad = manager.put(f"{url}?language=fr", json={"body": "<p>x</p>"})
    assert bad.status_code == 422
    issued = manager.post(
        f"/api/v1/violations/{violation['id']}/letters", json={"kind": "violation"}
    ).get_json()
    text = _text(manager.get(f"/api/v1/letters/{issued['id']}/pdf").data)
    assert "Hola Olivia Owner" in text
    english = _text(manager.get(f"/api/v1/letters/{issued['id']}/pdf?lang=en").data)
    assert "Hello Olivia Owner" in english
    grid = client.get(f"/associations/{world.a.id}/compliance/templates").get_data(as_text=True)
    assert "Español · 1" in grid and "your wording" in grid


def test_rules_carry_translations_into_letters(world, api, app, violation):  # noqa: F811
    _owner_reads(app, world, "it")
    manager = api(world.manager)
    rule = manager.post(
        f"/api/v1/associations/{world.a.id}/rules",
        json={
            "code": "PET-1",
            "title": "Pets on a leash",
            "description": "Pets are kept on a leash in the common area.",
            "cure_days": 7,
            "fine_amount": "25",
            "translations": {
                "it": {
                    "title": "Animali al guinzaglio",
                    "description": "Gli animali sono tenuti al guinzaglio nelle aree comuni.",
                }
            },
        },
    )
    assert rule.status_code == 201, rule.get_json()
    assert rule.get_json()["translations"]["it"]["title"] == "Animali al guinzaglio"
    bad = manager.post(
        f"/api/v1/associations/{world.a.id}/rules",
        json={
            "code": "PET-2",
            "title": "x",
            "description": "y",
            "cure_days": 7,
            "fine_amount": "25",
            "translations": {"it": {"title": "t" * 201, "description": ""}},
        },
    )
    assert bad.status_code == 422 and "title_it" in bad.get_json()["errors"]
    with app.app_context():
        from app.compliance.models import Rule

        stored = db.session.scalars(select(Rule).where(Rule.code == "PET-1")).one()
        assert stored.text_in("it")[0] == "Animali al guinzaglio"
        assert stored.text_in("da")[0] == "Pets on a leash"


def test_an_architectural_decision_letter_in_spanish_keeps_its_english(world, api, app):
    _owner_reads(app, world, "es")
    url = approved_request(api, world)["letter_url"]
    spanish = api(world.owner).get(url).data
    english = api(world.owner).get(url + "?lang=en").data
    assert "Decisión arquitectónica" in _text(spanish)
    assert "Architectural decision" in _text(english)
    assert "Decisión arquitectónica" not in _text(english)
    with app.app_context():
        from app.arc.models import ArcLetter

        letter = db.session.scalars(select(ArcLetter)).one()
        assert letter.language == "es"
        assert letter.sha256 == hashlib.sha256(spanish).hexdigest()
        assert letter.sha256_en == hashlib.sha256(english).hexdigest()
