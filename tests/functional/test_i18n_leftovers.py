"""A Spanish and an Italian reader's pages, left over by the first review: the request for
proposals names its contract's status in words; a time zone reads in words of the reader's
language (its identifier stays the settings form's value); an architectural request's form
that the page does not show, posted anyway, is refused with its rule said on the page (was a
silent 422), and the decision before the reviewing body is named in words.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest

from app.auth.models import User
from app.core import clock
from app.extensions import db
from tests.functional.test_api_arc import _png, _submit
from tests.functional.test_api_arc import arc as arc  # the fixture
from tests.functional.test_api_compliance import violation as violation  # the fixture
from tests.functional.test_api_meetings import _meeting
from tests.functional.test_api_meetings import ca as ca  # the fixture
from tests.languages import WORDS, speaking

APPEAL_NOT_DENIED = "Only a denied request can be appealed; this one is %(s)s."
DECISION_BEFORE = "A decision (%(d)s) is before the reviewing body."
FINE_DECIDED = "Board decision on a fine of %(amount)s: %(status)s."
SUBMITTED = "Your request is submitted. A decision is due by %(date)s."
TIMES_IN = "Times are in %(zone)s. A time already past publishes at once."
LEFTOVERS = {
    "es": {
        "waiting for the board": "en espera de la junta",
        "The chosen bid became the contract": "La oferta elegida se convirtió en el contrato",
        APPEAL_NOT_DENIED: "Solo se puede apelar una solicitud denegada; esta está %(s)s.",
        "under review": "en revisión",
        "Only the unit's owners appeal.": "Solo los propietarios de la unidad apelan.",
        DECISION_BEFORE: "Una decisión (%(d)s) está ante el órgano revisor.",
        "approved with conditions": "aprobada con condiciones",
        TIMES_IN: "Las horas están en %(zone)s. Una hora ya pasada se publica de inmediato.",
        "Board meeting": "Reunión de la junta directiva",
        "Appeal to the board: %(status)s.": "Apelación ante la junta: %(status)s.",
        "President": "Presidente",
        "Treasurer": "Tesorero",
        "Secretary": "Secretario",
        "%(kind)s on %(date)s": "%(kind)s el %(date)s",
        FINE_DECIDED: "Decisión de la junta sobre una multa de %(amount)s: %(status)s.",
        "approved": "aprobada",
        "compliance profile": "perfil de cumplimiento",
        "California (Civil Code 5850, 5855)": "California (Código Civil 5850, 5855)",
        SUBMITTED: (
            "Su solicitud se ha presentado. La decisión debe tomarse a más tardar el %(date)s."
        ),
    },
    "it": {
        "waiting for the board": "in attesa del consiglio",
        "The chosen bid became the contract": "L'offerta scelta è diventata il contratto",
        APPEAL_NOT_DENIED: (
            "Si può presentare ricorso solo contro una richiesta respinta; questa è %(s)s."
        ),
        "under review": "in esame",
        "Only the unit's owners appeal.": (
            "Solo i proprietari dell'unità possono presentare ricorso."
        ),
        DECISION_BEFORE: "Una decisione (%(d)s) è all'esame dell'organo di esame.",
        "approved with conditions": "approvata con condizioni",
        TIMES_IN: "Gli orari sono in %(zone)s. Un orario già passato pubblica subito.",
        "Board meeting": "Riunione del consiglio",
        "Appeal to the board: %(status)s.": "Ricorso al consiglio: %(status)s.",
        "President": "Presidente",
        "Treasurer": "Tesoriere",
        "Secretary": "Segretario",
        "%(kind)s on %(date)s": "%(kind)s del %(date)s",
        FINE_DECIDED: (
            "Decisione del consiglio di amministrazione su una sanzione di %(amount)s: %(status)s."
        ),
        "approved": "approvata",
        "compliance profile": "profilo di conformità",
        "California (Civil Code 5850, 5855)": "California (Codice civile 5850, 5855)",
        SUBMITTED: (
            "La Sua richiesta è stata presentata. È prevista una decisione entro il %(date)s."
        ),
    },
}
# A meeting on March 14, 2027 (ten days after tests.functional.test_api_meetings.NOW).
MEETING_ON = {
    "es": "Reunión de la junta directiva el 14 de marzo de 2027",
    "it": "Riunione del consiglio del 14 marzo 2027",
}
# CLDR's words for America/Los_Angeles (Babel), as the pages print them.
PACIFIC = {"es": "hora del Pacífico (Los Ángeles)", "it": "Ora del Pacifico USA (Los Angeles)"}


@pytest.fixture
def leftovers(app, tmp_path):
    words = {lang: {**WORDS.get(lang, {}), **LEFTOVERS.get(lang, {})} for lang in WORDS}
    with speaking(app, tmp_path / "translations", words) as offered:
        yield offered


def _reads(app, user, language: str) -> None:
    with app.app_context():
        db.session.get(User, user.id).language = language
        db.session.commit()


def _page(client, path: str, language: str, status: int = 200) -> str:
    response = client.get(path, headers={"Accept-Language": language})
    assert response.status_code == status, path
    text = response.get_data(as_text=True)
    assert f'<html lang="{language}">' in text
    return text


def _alerts(page: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m)).strip()
        for m in re.findall(r'<div class="alert alert-danger[^"]*"[^>]*>(.*?)</div>', page, re.S)
    ]


@pytest.mark.parametrize("language", ["es", "it"])
def test_the_rfp_page_names_its_contracts_status_in_words(
    language, leftovers, world, app, login_as
):
    from app.associations.models import Association
    from app.vendors import bids, contracts
    from app.vendors import services as vendors
    from app.vendors.models import Bid, Contract

    clock.freeze(datetime(2027, 1, 10, 17, 0, tzinfo=UTC))
    with app.app_context():
        association = db.session.get(Association, world.a.id)
        manager = db.session.get(User, world.manager.id)
        vendor = vendors.create_vendor(
            association, {"name": "GreenCo", "category": "landscaping"}, actor=manager
        )
        rfp = bids.create_rfp(
            association, {"title": "Trees", "due_on": date(2027, 2, 1)}, actor=manager
        )
        bid = bids.add_bid(
            rfp, {"vendor_id": vendor.id, "price": "5000", "term_months": 12}, actor=manager
        )
        contract = bids.award_bid(db.session.get(Bid, bid.id), actor=manager)
        contracts.submit_contract(contract, actor=manager)
        db.session.commit()
        rfp_id, contract_id = rfp.id, contract.id
        assert db.session.get(Contract, contract_id).status == "pending_approval"
    _reads(app, world.manager, language)
    page = _page(login_as(world.manager), f"/associations/{world.a.id}/rfps/{rfp_id}", language)
    words = LEFTOVERS[language]
    assert words["The chosen bid became the contract"] in page
    assert f"Trees</a> ({words['waiting for the board']})." in page
    assert "pending approval" not in page and "pending_approval" not in page


@pytest.mark.parametrize("language", ["es", "it"])
def test_a_time_zone_reads_in_words_and_stays_the_forms_value(
    language, leftovers, world, app, login_as
):
    _reads(app, world.manager, language)
    client = login_as(world.manager)
    dashboard = _page(client, f"/associations/{world.a.id}/", language)
    assert f"· {PACIFIC[language]}</p>" in dashboard
    assert "America/Los_Angeles" not in dashboard and "Los Angeles</p>" not in dashboard
    settings = _page(client, f"/associations/{world.a.id}/edit", language)
    chosen = re.search(r'<option selected value="America/Los_Angeles">([^<]*)</option>', settings)
    assert chosen is not None and chosen[1] == PACIFIC[language]
    assert ">America/Los Angeles<" not in settings and ">America/Chicago<" not in settings
    notice = _page(client, f"/associations/{world.a.id}/notices/new", language)
    times_in = LEFTOVERS[language][TIMES_IN].replace("%(zone)s", PACIFIC[language])
    assert times_in in notice.replace("&#39;", "'")
    assert "America/Los_Angeles" not in notice


@pytest.mark.parametrize("language", ["es", "it"])
def test_the_dashboard_names_the_compliance_profile_in_words(
    language, leftovers, world, app, login_as
):
    _reads(app, world.manager, language)
    dashboard = _page(login_as(world.manager), f"/associations/{world.a.id}/", language)
    words = LEFTOVERS[language]
    assert f"{words['compliance profile']} {words['California (Civil Code 5850, 5855)']}" in (
        dashboard
    )
    assert f"{words['compliance profile']} CA" not in dashboard


@pytest.mark.parametrize("language", ["es", "it"])
def test_a_form_the_arc_page_does_not_show_is_refused_with_its_rule(
    language,
    leftovers,
    arc,
    api,
    app,
    login_as,
):
    rid = _submit(api, arc.owner, arc).get_json()["id"]
    url = f"/associations/{arc.a.id}/arc/{rid}"
    words = LEFTOVERS[language]
    # The owner's request is under review: no appeal form is shown; an empty one posted all
    # the same is refused because the request is not denied (not for its empty message).
    _reads(app, arc.owner, language)
    client = login_as(arc.owner)
    empty = client.post(
        url, data={"action": "appeal", "a-message": ""}, headers={"Accept-Language": language}
    )
    assert empty.status_code == 409
    page = empty.get_data(as_text=True)
    not_denied = words[APPEAL_NOT_DENIED].replace("%(s)s", words["under review"])
    assert not_denied in " ".join(_alerts(page)).replace("&#39;", "'")
    assert "submitted" not in " ".join(_alerts(page))
    # The manager may not appeal at all: the rule says whose appeal it is.
    _reads(app, arc.manager, language)
    client = login_as(arc.manager)
    manager = client.post(
        url, data={"action": "appeal", "a-message": ""}, headers={"Accept-Language": language}
    )
    assert manager.status_code == 403
    alerts = " ".join(_alerts(manager.get_data(as_text=True))).replace("&#39;", "'")
    assert words["Only the unit's owners appeal."] in alerts
    assert api(arc.owner).get(f"/api/v1/arc-requests/{rid}").get_json()["appeal"] is None


@pytest.mark.parametrize("language", ["es", "it"])
def test_the_decision_before_the_reviewing_body_is_named_in_words(
    language,
    leftovers,
    arc,
    api,
    app,
    login_as,
):
    rid = _submit(api, arc.owner, arc).get_json()["id"]
    url = f"/associations/{arc.a.id}/arc/{rid}"
    proposed = login_as(arc.manager).post(
        url,
        data={
            "action": "decision",
            "d-decision": "approved_with_conditions",
            "d-conditions": "Dark frames only.",
            "d-reasons": "",
        },
    )
    assert proposed.status_code == 302, proposed.get_data(as_text=True)
    _reads(app, arc.owner, language)
    page = _page(login_as(arc.owner), url, language)
    words = LEFTOVERS[language]
    before = words[DECISION_BEFORE].replace("%(d)s", words["approved with conditions"])
    assert before in page.replace("&#39;", "'")
    assert "approved_with_conditions" not in page


@pytest.mark.parametrize("language", ["es", "it"])
def test_a_meetings_notice_reads_in_the_owners_language(
    language,
    leftovers,
    ca,
    api,
    app,
    login_as,
):
    # The manager schedules it in English; the notice the law requires is written in every
    # language the application speaks, and an owner reads it in theirs.
    meeting = _meeting(api, ca)
    _reads(app, ca.owner, language)
    client = login_as(ca.owner)
    mine = _page(client, f"/associations/{ca.a.id}/notices", language)
    assert MEETING_ON[language] in mine
    assert "Board meeting on" not in mine
    notice = api(ca.manager).get(f"/api/v1/meetings/{meeting['id']}").get_json()["notice_id"]
    page = _page(client, f"/associations/{ca.a.id}/notices/{notice}", language)
    assert MEETING_ON[language] in page and "Board meeting on" not in page
    # English stays the notice's own text for an English reader.
    _reads(app, ca.owner, "en")
    english = client.get(f"/associations/{ca.a.id}/notices").get_data(as_text=True)
    assert "Board meeting on March 14, 2027" in english


@pytest.mark.parametrize("language", ["es", "it"])
def test_the_owners_violation_page_names_the_boards_fine_decision_in_words(
    language,
    leftovers,
    world,
    violation,
    app,
    login_as,
):
    from app.compliance.models import Fine

    with app.app_context():
        db.session.add(
            Fine(
                violation_id=violation["id"],
                amount=75,
                reason="Lawn not mowed",
                status="approved",
                proposed_at=clock.now(),
                decided_at=clock.now(),
            )
        )
        db.session.commit()
    _reads(app, world.owner, language)
    page = _page(
        login_as(world.owner),
        f"/associations/{world.a.id}/my/violations/{violation['id']}",
        language,
    )
    amount = {"es": "75,00\xa0US$", "it": "75,00\xa0USD"}[language]
    decided = LEFTOVERS[language][FINE_DECIDED] % {
        "amount": amount,
        "status": LEFTOVERS[language]["approved"],
    }
    assert decided in page
    assert ": approved." not in page


@pytest.mark.parametrize("language", ["es", "it"])
def test_a_submitted_arc_request_says_its_decision_date_in_the_readers_form(
    language,
    leftovers,
    arc,
    app,
    login_as,
):
    from babel.dates import format_date

    _reads(app, arc.owner, language)
    client = login_as(arc.owner)
    response = client.post(
        f"/associations/{arc.a.id}/arc/new",
        data={
            "unit_id": str(arc.owner_unit.id),
            "title": "Pergola",
            "description": "Cedar, 3 by 4 metres.",
            "files": [(io.BytesIO(_png()), "plan.png")],
        },
        content_type="multipart/form-data",
        headers={"Accept-Language": language},
        follow_redirects=True,
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    decide_by = clock.today("America/Los_Angeles") + timedelta(days=45)
    said = LEFTOVERS[language][SUBMITTED] % {
        "date": format_date(decide_by, "long", locale=language)
    }
    assert said in page.replace("&#39;", "'")
    assert decide_by.isoformat() not in page


@pytest.mark.parametrize("language", ["es", "it"])
def test_the_minutes_drafted_in_the_readers_language_name_the_offices_in_it(
    language,
    leftovers,
    ca,
    api,
    app,
):
    from tests.functional.test_api_minutes import _held

    meeting, _motion = _held(api, ca)
    _reads(app, ca.secretary, language)
    body = api(ca.secretary).get(f"/api/v1/meetings/{meeting['id']}/minutes/draft").get_json()
    words = LEFTOVERS[language]
    for name, office in (("Bea Board", "President"), ("Bo Board", "Treasurer")):
        assert f"{name} ({words[office].lower()})" in body["body"]
    assert "(president)" not in body["body"] and "(treasurer)" not in body["body"]


@pytest.mark.parametrize("language", ["es", "it"])
def test_an_appeals_status_is_named_in_words_on_the_request_page(
    language, leftovers, world, app, login_as
):
    from app.arc.models import ArcAppeal, ArcRequest
    from tests.functional.test_arc_lists import _denied

    (request_id,) = _denied(app, world, 1)
    with app.app_context():
        request = db.session.get(ArcRequest, request_id)
        owner = request.unit.memberships[0].user_id
        db.session.add(
            ArcAppeal(request=request, user_id=owner, message="Please.", created_at=clock.now())
        )
        request.status = "appealed"
        db.session.commit()
    _reads(app, world.outsider, language)  # association B's manager
    page = _page(login_as(world.outsider), f"/associations/{world.b.id}/arc/{request_id}", language)
    words = LEFTOVERS[language]
    said = words["Appeal to the board: %(status)s."] % {"status": words["waiting for the board"]}
    assert said in page
    assert ": pending." not in page
