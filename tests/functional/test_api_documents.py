"""The Documents section of api.md, for every role and a member of another association."""

from __future__ import annotations

import io

import pytest

from tests import pdfs
from tests.notice_helpers import pdf_bytes


def _upload(api, user, aid, *, data=None, **fields):
    form = {"title": "CC&Rs", "category": "ccrs", "visibility": "owners", **fields}
    form["file"] = (io.BytesIO(data if data is not None else pdf_bytes()), "ccrs.pdf")
    return api(user).post(
        f"/api/v1/associations/{aid}/documents", data=form, content_type="multipart/form-data"
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 201), ("manager", 201), ("board", 403), ("owner", 403), ("outsider", 404)],
)
def test_who_uploads(world, api, role, status):
    assert _upload(api, world.user(role), world.a.id).status_code == status


def test_versions_and_visibility(world, api):
    first = _upload(api, world.manager, world.a.id).get_json()
    assert first["version"] == 1 and first["category"] == "ccrs"
    second = _upload(api, world.manager, world.a.id, replaces_id=str(first["id"])).get_json()
    assert second["version"] == 2 and second["replaces_id"] == first["id"]
    again = _upload(api, world.manager, world.a.id, replaces_id=str(first["id"]))
    assert again.status_code == 409
    board_only = _upload(
        api,
        world.manager,
        world.a.id,
        title="Reserve study",
        category="financial",
        visibility="board",
    ).get_json()
    url = f"/api/v1/associations/{world.a.id}/documents"
    owner_titles = [d["id"] for d in api(world.owner).get(url).get_json()["items"]]
    assert owner_titles == [second["id"]]
    board_ids = sorted(d["id"] for d in api(world.board).get(url).get_json()["items"])
    assert board_ids == sorted([second["id"], board_only["id"]])
    assert api(world.outsider).get(url).status_code == 404
    for role, document, status in (
        ("owner", second, 200),
        ("owner", first, 404),  # owners see the current version only
        ("owner", board_only, 404),
        ("board", board_only, 200),
        ("board", first, 200),
        ("outsider", second, 404),
        ("nobody", second, 404),
    ):
        response = api(world.user(role)).get(f"/api/v1/documents/{document['id']}/file")
        assert response.status_code == status, (role, document["title"])
        if status == 200:
            assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF-")
        response.close()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (pdfs.javascript_pdf(), "JavaScript"),
        (pdfs.launch_pdf(), "launch action"),
        (pdfs.embedded_file_pdf(), "embedded file"),
        (b"%PDF-1.7 not really", "not a complete PDF"),
        (b"\x89PNG\r\n\x1a\n", "must be a PDF"),
    ],
)
def test_a_file_that_is_not_a_clean_pdf_is_a_415_with_the_reason(world, api, data, reason):
    response = _upload(api, world.manager, world.a.id, data=data)
    assert response.status_code == 415
    assert reason in response.get_json()["detail"]
    assert (
        api(world.manager).get(f"/api/v1/associations/{world.a.id}/documents").get_json()["total"]
        == 0
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"category": "recipes"}, "category"),
        ({"visibility": "public"}, "visibility"),
        ({"title": ""}, "title"),
        ({"replaces_id": "999999"}, "replaces_id"),
    ],
)
def test_bad_fields_are_a_422_naming_them(world, api, fields, field):
    response = _upload(api, world.manager, world.a.id, **fields)
    assert response.status_code == 422 and field in response.get_json()["errors"]


def test_another_associations_document_cannot_be_replaced(world, api):
    theirs = _upload(api, world.outsider, world.b.id).get_json()
    response = _upload(api, world.manager, world.a.id, replaces_id=str(theirs["id"]))
    assert response.status_code == 422 and "replaces_id" in response.get_json()["errors"]
