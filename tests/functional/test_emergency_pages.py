"""The CA emergency consent on the pages: offered on the request's page to the manager and
the board where the profile has the rule, the form keeps what was typed and names the
statute next to the field, and the declaration opens the request to online consent."""

from __future__ import annotations

import pytest

from app.approvals.models import ApprovalRequest
from app.extensions import db
from tests.functional.test_api_consent import _submit_budget, _world


@pytest.fixture
def ca(app, world):
    return _world(app, world)


def _pages(ca, api, login_as, who="manager"):
    approval_id = _submit_budget(api, ca)
    client = login_as(ca.user(who))
    return approval_id, client, f"/associations/{ca.a.id}/approvals/{approval_id}"


@pytest.mark.parametrize("who", ["manager", "board"])
def test_the_request_page_offers_it_and_the_form_declares_it(ca, api, login_as, app, who):
    approval_id, client, url = _pages(ca, api, login_as, who)
    page = client.get(url).get_data(as_text=True)
    assert "Emergency: decide by written consent" in page
    form = client.get(url + "/emergency")
    text = form.get_data(as_text=True)
    assert form.status_code == 200 and "Civil Code 4910(b)(2), 4923" in text
    assert ca.board.name in text and "(President)" in text
    done = client.post(
        url + "/emergency",
        data={"reason": "A storm tore off the roof of building C.", "called_by": [ca.board.id]},
    )
    assert done.status_code == 302 and done.location.endswith(url)
    with app.app_context():
        row = db.session.get(ApprovalRequest, approval_id)
        assert row.emergency and row.emergency_called_by == [ca.board.id]
    after = client.get(url).get_data(as_text=True)
    assert "Emergency: decide by written consent" not in after


def test_bad_input_keeps_what_was_typed_and_names_the_rule(ca, api, login_as, app):
    approval_id, client, url = _pages(ca, api, login_as)
    response = client.post(
        url + "/emergency", data={"reason": "Burst water main", "called_by": [ca.board2.id]}
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Civil Code 4923" in text and "Burst water main" in text
    assert f'value="{ca.board2.id}" checked' in text or "checked" in text
    missing = client.post(url + "/emergency", data={"reason": "", "called_by": [ca.board.id]})
    assert missing.status_code == 422 and "Civil Code 4923: say which" in missing.get_data(
        as_text=True
    )
    with app.app_context():
        assert not db.session.get(ApprovalRequest, approval_id).emergency


@pytest.mark.parametrize(("who", "status"), [("owner", 404), ("outsider", 404)])
def test_others_cannot_open_it(ca, api, login_as, who, status):
    approval_id = _submit_budget(api, ca)
    client = login_as(ca.user(who))
    url = f"/associations/{ca.a.id}/approvals/{approval_id}/emergency"
    assert client.get(url).status_code == status


def test_not_offered_without_the_rule(app, world, api, login_as):
    texas = _world(app, world, profile="TX")
    approval_id = _submit_budget(api, texas)
    client = login_as(texas.manager)
    url = f"/associations/{texas.a.id}/approvals/{approval_id}"
    assert "Emergency: decide by written consent" not in client.get(url).get_data(as_text=True)
    page = client.get(url + "/emergency").get_data(as_text=True)
    assert "cannot be decided by emergency consent now" in page
