"""A Russian and a Danish reader's pages: stored codes (an agenda item's kind, a vote, a board
office, the kind of record a decision is about, its threshold, a billing period) show in
words of the reader's language; list counts are translated; an audit entry keeps its English
summary as recorded (it is hashed into the chain) with its action's translated label beside.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader

from app.auth.models import User
from app.core import clock
from app.extensions import db
from tests.functional.test_api_meetings import (  # noqa: F401
    NOW,
    _meeting,
    _present,
    _submit_budget,
    ca,
)
from tests.languages import WORDS, speaking

CA_RULE = (
    "Civil Code 4910(a): the board takes no action on any item of business outside a board meeting."
)
REVIEW = {
    "ru": {
        "President": "Председатель",
        "Treasurer": "Казначей",
        "Unit added": "Помещение добавлено",
        "Action": "Действие",
        "Yes": "Да",
        "Board meeting": "Заседание правления",
        "Open the %(kind)s": "Открыть: %(kind)s",
        "Budget": "Бюджет",
        "majority": "большинство",
        "approved with conditions": "одобрено с условиями",
        "Deficit": "Дефицит",
        "action": "решение",
        "Vote on the motion at the meeting": "Голос по предложению на заседании",
        CA_RULE: (
            "Civil Code 4910(a): правление не принимает решений ни по одному вопросу вне "
            "заседания правления."
        ),
        "Architectural request decided": "Решение по архитектурной заявке принято",
        ("%(num)d result", "%(num)d results"): (
            "%(num)d результат",
            "%(num)d результата",
            "%(num)d результатов",
        ),
    },
    "da": {
        "President": "Formand",
        "Treasurer": "Kasserer",
        "Unit added": "Bolig tilføjet",
        "Action": "Beslutning",
        "Yes": "Ja",
        "Board meeting": "Bestyrelsesmøde",
        "Open the %(kind)s": "Åbn %(kind)s",
        "Budget": "Budget",
        "majority": "flertal",
        "approved with conditions": "godkendt med vilkår",
        "Deficit": "Underskud",
        "action": "beslutning",
        "Vote on the motion at the meeting": "Stemme om forslaget på mødet",
        CA_RULE: (
            "Civil Code 4910(a): bestyrelsen træffer ingen beslutning om noget punkt uden for "
            "et bestyrelsesmøde."
        ),
        "Architectural request decided": "Byggeansøgning afgjort",
        ("%(num)d result", "%(num)d results"): ("%(num)d resultat", "%(num)d resultater"),
    },
}


@pytest.fixture
def reviewed(app, tmp_path):
    """The app offering the tiny catalogs plus the words these pages need."""
    words = {lang: {**WORDS.get(lang, {}), **REVIEW.get(lang, {})} for lang in WORDS}
    with speaking(app, tmp_path / "translations", words) as offered:
        yield offered


def _reads(app, user, language: str) -> None:
    # A signed-in person's own choice wins over the browser's; the page is asked with the
    # same Accept-Language as well.
    with app.app_context():
        db.session.get(User, user.id).language = language
        db.session.commit()


def _page(client, path: str, language: str) -> str:
    response = client.get(path, headers={"Accept-Language": language})
    assert response.status_code == 200, path
    text = response.get_data(as_text=True)
    assert f'<html lang="{language}">' in text
    return text


@pytest.mark.parametrize("language", ["ru", "da"])
def test_the_dashboard_names_board_offices_and_labels_the_recorded_activity(
    language, reviewed, world, app, api, login_as
):
    created = api(world.manager).post(
        f"/api/v1/associations/{world.a.id}/units",
        json={"label": "7A", "street_address": "7 Elm Street"},
    )
    assert created.status_code == 201, created.get_json()
    _reads(app, world.manager, language)
    page = _page(login_as(world.manager), f"/associations/{world.a.id}/", language)
    words = REVIEW[language]
    assert f"— {words['President']}" in page and f"— {words['Treasurer']}" in page
    assert "— president" not in page and "— treasurer" not in page
    # The summary stays as recorded (in English); its action's label is in the reader's
    # language beside it.
    recent = re.search(r"Mona Manager: (.*?)</li>", page)[1]
    assert words["Unit added"] in recent and "7A" in recent
    # The list count below a list is translated (templates/_macros is extracted too).
    units = _page(login_as(world.manager), f"/associations/{world.a.id}/units", language)
    count = "2 результата" if language == "ru" else "2 resultater"  # 12B and 7A
    assert count in units and "2 results" not in units


@pytest.mark.parametrize("language", ["ru", "da"])
def test_the_meeting_page_shows_an_items_kind_and_the_votes_in_words(
    language,
    reviewed,
    ca,  # noqa: F811
    app,
    api,
    login_as,
):
    meeting = _meeting(api, ca)
    client = login_as(ca.secretary)
    base = f"/associations/{ca.a.id}/meetings/{meeting['id']}"
    client.post(
        f"{base}/agenda",
        data={
            "item-title": "Pool hours",
            "item-kind": "action",
            "item-executive_topic": "",
            "item-added_under": "",
        },
    )
    clock.freeze(NOW + timedelta(days=10))
    client = login_as(ca.secretary)
    for person in (ca.board, ca.board2, ca.secretary):
        client.post(f"{base}/attendance", data={"user_id": person.id, "present": "1"})
    item_id = api(ca.manager).get(f"/api/v1/meetings/{meeting['id']}").get_json()["agenda"][0]["id"]
    client.post(
        f"{base}/motions",
        data={
            "text": "Open at 7",
            "agenda_item_id": item_id,
            "moved_by": ca.board.id,
            "seconded_by": ca.board2.id,
        },
    )
    motion_id = (
        api(ca.manager).get(f"/api/v1/meetings/{meeting['id']}").get_json()["motions"][0]["id"]
    )
    client.post(f"{base}/motions/{motion_id}/votes", data={"user_id": ca.board.id, "choice": "yes"})
    _reads(app, ca.secretary, language)
    page = _page(client, base, language)
    words = REVIEW[language]
    assert f">{words['Board meeting']}" in page and ">Board meeting" not in page
    assert f'<span class="badge text-bg-light">{words["Action"]}</span>' in page
    assert '<span class="badge text-bg-light">action</span>' not in page
    assert f"Bea Board: {words['Yes']}" in page and "Bea Board: yes" not in page
    # The meeting's report (PDF) says the item's kind in words too, and its language.
    client.post(f"{base}/adjourn")
    report = client.get(f"{base}/report.pdf", headers={"Accept-Language": language})
    assert report.status_code == 200
    reader = PdfReader(io.BytesIO(report.data))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert f"Pool hours ({words['action']})" in text and "(action)" not in text
    assert reader.trailer["/Root"].get("/Lang") == language


@pytest.mark.parametrize("language", ["ru", "da"])
def test_a_decision_page_names_its_subject_and_threshold_in_the_readers_language(
    language,
    reviewed,
    ca,  # noqa: F811
    app,
    api,
    login_as,
):
    request_id = _submit_budget(api, ca)
    _reads(app, ca.board, language)
    page = _page(login_as(ca.board), f"/associations/{ca.a.id}/approvals/{request_id}", language)
    words = REVIEW[language]
    opener = "Открыть: бюджет" if language == "ru" else "Åbn budget"
    assert opener in page and "Open the budget" not in page
    assert words["majority"] in page and "majority" not in page
    # The check's warnings are kept as written at submission (English here), each with
    # the kind of warning in the reader's words; the manager's budget page says the same.
    deficit = re.search(r'<li data-warning="deficit">(.*?)</li>', page, re.S)[1]
    assert f"<strong>{words['Deficit']}:</strong> The budget shows a deficit" in deficit
    with app.app_context():
        from app.approvals.models import ApprovalRequest

        budget_id = db.session.get(ApprovalRequest, request_id).subject_id
    _reads(app, ca.manager, language)
    budget = _page(login_as(ca.manager), f"/associations/{ca.a.id}/budgets/{budget_id}", language)
    assert f"<strong>{words['Deficit']}:</strong> The budget shows a deficit" in budget


@pytest.mark.parametrize("language", ["ru", "da"])
def test_an_architectural_decision_reads_in_words_not_its_code(
    language, reviewed, world, app, api, login_as
):
    rid = (
        api(world.owner)
        .post(
            f"/api/v1/associations/{world.a.id}/arc-requests",
            json={"unit_id": world.owner_unit.id, "title": "Pergola", "description": "Cedar."},
        )
        .get_json()["id"]
    )
    proposed = api(world.manager).post(
        f"/api/v1/arc-requests/{rid}/decision",
        json={"decision": "approved_with_conditions", "conditions": "Black frames only."},
    )
    approval_id = proposed.get_json()["approval_id"]
    words = REVIEW[language]
    _reads(app, world.board, language)
    page = _page(
        login_as(world.board), f"/associations/{world.a.id}/approvals/{approval_id}", language
    )
    assert words["approved with conditions"] in page
    assert "approved_with_conditions" not in page  # neither in the title nor the summary
    for voter in (world.board, world.board2):
        api(voter).post(f"/api/v1/approvals/{approval_id}/votes", json={"choice": "approve"})
    # The audit log keeps the summary recorded in English, in words, beside its label.
    _reads(app, world.manager, language)
    log = _page(login_as(world.manager), f"/associations/{world.a.id}/audit", language)
    assert words["Architectural request decided"] in log
    assert "“Pergola”: approved with conditions" in log
    assert "approved_with_conditions" not in log


@pytest.mark.parametrize("language", ["ru", "da"])
def test_the_venues_page_names_each_decision_and_its_rule_in_the_readers_language(
    language,
    reviewed,
    ca,  # noqa: F811
    app,
    login_as,
):
    _reads(app, ca.board, language)
    page = _page(login_as(ca.board), f"/associations/{ca.a.id}/approvals/venues", language)
    words = REVIEW[language]
    assert words[CA_RULE] in page and "takes no action" not in page
    assert f"<td>{words['Budget']}" in page and "<td>budget" not in page
    assert "<td>arc request" not in page


@pytest.mark.parametrize(
    ("language", "shown"),
    [("en", "More than 12,345 results"), ("ru", "Более 12\xa0345 результатов"),
     ("da", "Mere end 12.345 resultater")],
)  # fmt: skip
def test_a_list_too_long_to_count_says_so_with_the_number_in_the_readers_form(
    language, shown, app, tmp_path
):
    from types import SimpleNamespace

    from flask import render_template_string
    from flask_babel import force_locale

    words = {lang: dict(WORDS.get(lang, {})) for lang in WORDS}
    words["ru"]["More than %(num)s results"] = "Более %(num)s результатов"
    words["da"]["More than %(num)s results"] = "Mere end %(num)s resultater"
    page = SimpleNamespace(pages=1, total=12345, total_exact=False)
    with (
        speaking(app, tmp_path / "translations", words),
        app.test_request_context("/"),
        force_locale(language),
    ):
        html = render_template_string(
            "{% from '_macros/lists.html' import pagination %}{{ pagination(page) }}",
            page=page,
        )
    assert shown in html


@pytest.mark.parametrize("language", ["ru", "da"])
def test_votes_taken_from_a_motion_say_so_in_the_readers_language(
    language,
    reviewed,
    ca,  # noqa: F811
    app,
    api,
    login_as,
):
    approval_id = _submit_budget(api, ca)
    meeting = _meeting(api, ca)  # in English: the comment is recorded in English
    item = api(ca.secretary).post(
        f"/api/v1/meetings/{meeting['id']}/agenda-items",
        json={"title": "Adopt the 2028 budget", "approval_id": approval_id},
    )
    clock.freeze(NOW + timedelta(days=10))
    _present(api, ca, meeting, ca.board, ca.board2, ca.secretary)
    motion = (
        api(ca.secretary)
        .post(
            f"/api/v1/meetings/{meeting['id']}/motions",
            json={
                "text": "Adopt the 2028 budget",
                "agenda_item_id": item.get_json()["id"],
                "moved_by": ca.board.id,
                "seconded_by": ca.secretary.id,
            },
        )
        .get_json()
    )
    for member in (ca.board, ca.secretary):
        api(ca.secretary).post(
            f"/api/v1/motions/{motion['id']}/votes", json={"user_id": member.id, "choice": "yes"}
        )
    assert api(ca.board).get(f"/api/v1/approvals/{approval_id}").get_json()["status"] == "approved"
    _reads(app, ca.board, language)
    page = _page(login_as(ca.board), f"/associations/{ca.a.id}/approvals/{approval_id}", language)
    words = REVIEW[language]
    assert page.count(words["Vote on the motion at the meeting"]) == 2
    assert "Vote on the motion at the meeting" not in page
