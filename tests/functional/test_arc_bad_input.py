"""Architectural review refuses bad input and the wrong person with the right status: the
API with problem details, the pages with the form shown again (what was typed kept, the error
beside its field) under the error's status, and nothing recorded."""

from __future__ import annotations

import io

from tests.conftest import login
from tests.functional.test_api_arc import _png, _submit
from tests.functional.test_api_arc import arc as arc  # the fixture


def _status_of(app, request_id: int) -> str:
    with app.app_context():
        from app.arc.models import ArcRequest
        from app.extensions import db

        return db.session.get(ArcRequest, request_id).status


def test_the_committee_does_not_withdraw_an_owners_request(arc, api, app, client):
    """Withdrawing is the owner's or the manager's (api.md); the committee reviews."""
    rid = _submit(api, arc.owner, arc).get_json()["id"]
    refused = api(arc.arc).post(f"/api/v1/arc-requests/{rid}/withdraw")
    assert refused.status_code == 403, refused.get_json()
    assert "owners or the manager" in refused.get_json()["detail"]
    login(client, arc.arc)
    page = client.post(f"/associations/{arc.a.id}/arc/{rid}", data={"action": "withdraw"})
    assert page.status_code == 403
    assert _status_of(app, rid) == "submitted"
    assert api(arc.manager).post(f"/api/v1/arc-requests/{rid}/withdraw").status_code == 200
    assert _status_of(app, rid) == "withdrawn"


def test_the_list_refuses_an_unknown_status(arc, api):
    _submit(api, arc.owner, arc)
    url = f"/api/v1/associations/{arc.a.id}/arc-requests"
    refused = api(arc.manager).get(f"{url}?status=maybe")
    assert refused.status_code == 422
    assert "submitted" in refused.get_json()["errors"]["status"][0]
    assert api(arc.manager).get(f"{url}?status=submitted").get_json()["total"] == 1


def test_a_refused_upload_records_nothing(arc, api):
    url = f"/api/v1/associations/{arc.a.id}/arc-requests"
    form = {
        "unit_id": str(arc.owner_unit.id),
        "title": "Fence",
        "description": "A cedar fence.",
        "files": [(io.BytesIO(_png()), "good.png"), (io.BytesIO(b"not an image"), "bad.png")],
    }
    refused = api(arc.owner).post(url, data=form, content_type="multipart/form-data")
    assert refused.status_code == 415
    assert api(arc.manager).get(url).get_json()["total"] == 0


def test_only_the_manager_posts_the_review_settings(arc, client):
    url = f"/associations/{arc.a.id}/arc/"
    for who in (arc.owner, arc.board, arc.arc):
        login(client, who)
        assert client.post(url, data={"review_days": "5"}).status_code == 403
    login(client, arc.manager)
    page = client.get(url).get_data(as_text=True)
    assert "within 45 days" in page


def test_refused_settings_keep_what_was_typed_with_422(arc, client):
    login(client, arc.manager)
    url = f"/associations/{arc.a.id}/arc/"
    page = client.post(url, data={"review_days": "400"})
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert 'value="400"' in text and "is-invalid" in text
    assert "within 45 days" in text  # not saved


def test_a_refused_new_request_is_422_with_the_title_kept(arc, client):
    login(client, arc.owner)
    url = f"/associations/{arc.a.id}/arc/new"
    page = client.post(
        url, data={"unit_id": str(arc.owner_unit.id), "title": "Fence", "description": ""}
    )
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert 'value="Fence"' in text and "is-invalid" in text
    page = client.post(
        url,
        data={
            "unit_id": str(arc.owner_unit.id),
            "title": "Fence",
            "description": "Cedar.",
            "files": [(io.BytesIO(b"not an image"), "bad.png")],
        },
        content_type="multipart/form-data",
    )
    assert page.status_code == 415 and 'value="Fence"' in page.get_data(as_text=True)


def test_request_page_refusals_carry_their_status(arc, api, app, client):
    rid = _submit(api, arc.owner, arc).get_json()["id"]
    url = f"/associations/{arc.a.id}/arc/{rid}"
    login(client, arc.owner)
    empty = client.post(url, data={"action": "message", "m-message": ""})
    assert empty.status_code == 422 and "is-invalid" in empty.get_data(as_text=True)
    login(client, arc.board)
    board = client.post(url, data={"action": "message", "m-message": "Looks fine."})
    assert board.status_code == 403
    assert "Only the office, the committee and the unit" in board.get_data(as_text=True)
    appeal = client.post(url, data={"action": "appeal", "a-message": "Please."})
    assert appeal.status_code == 403
    login(client, arc.manager)
    early = client.post(url, data={"action": "appeal", "a-message": "Please."})
    assert early.status_code == 403
    body = api(arc.owner).get(f"/api/v1/arc-requests/{rid}").get_json()
    assert body["messages"] == [] and body["appeal"] is None
    login(client, arc.owner)
    not_denied = client.post(url, data={"action": "appeal", "a-message": "Please."})
    assert not_denied.status_code == 409
    assert "Only a denied request can be appealed" in not_denied.get_data(as_text=True)
