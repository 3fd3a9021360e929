"""A request refused part-way leaves no file on disk that no row points at: the files an
upload wrote are removed when its transaction rolls back (app/core/storage.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from app.core.errors import Conflict
from tests.notice_helpers import pdf_bytes


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
    return buffer.getvalue()


def _stored(app) -> list[str]:
    """Every file under the test app's STORAGE_DIR."""
    root = Path(app.config["STORAGE_DIR"])
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_an_arc_request_with_a_good_plan_then_a_bad_file_leaves_no_file(world, api, app):
    url = f"/api/v1/associations/{world.a.id}/arc-requests"
    form = {
        "unit_id": str(world.owner_unit.id),
        "title": "Fence",
        "description": "A cedar fence.",
        "files": [
            (io.BytesIO(pdf_bytes()), "plan.pdf"),
            (io.BytesIO(_png()), "photo.png"),
            (io.BytesIO(b"GIF89a not really"), "x.png"),
        ],
    }
    before = _stored(app)
    response = api(world.owner).post(url, data=form, content_type="multipart/form-data")
    assert response.status_code == 415, response.get_json()
    assert _stored(app) == before
    assert api(world.manager).get(url).get_json()["total"] == 0
    # The same files without the bad one are kept, each one named by its row.
    form["files"] = [(io.BytesIO(pdf_bytes()), "plan.pdf"), (io.BytesIO(_png()), "photo.png")]
    response = api(world.owner).post(url, data=form, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    assert len(_stored(app)) == len(before) + 2


@pytest.fixture
def inspection(world, api):
    """An open inspection of association A and a rule to find against."""
    manager = api(world.manager)
    rule = manager.post(
        f"/api/v1/associations/{world.a.id}/rules",
        json={
            "code": "LND-2",
            "title": "Lawn care",
            "description": "Lawns are kept mowed.",
            "cure_days": 10,
            "fine_amount": 75,
        },
    )
    assert rule.status_code == 201, rule.get_json()
    found = manager.post(
        f"/api/v1/associations/{world.a.id}/inspections", json={"scheduled_for": "2027-03-01"}
    )
    assert found.status_code == 201, found.get_json()
    return {"id": found.get_json()["id"], "rule_id": rule.get_json()["id"]}


def test_a_finding_whose_second_photo_is_refused_leaves_no_photo(world, api, app, inspection):
    manager = api(world.manager)
    url = f"/api/v1/inspections/{inspection['id']}/findings"
    data = {
        "unit_id": str(world.owner_unit.id),
        "rule_id": str(inspection["rule_id"]),
        "notes": "Grass 30 cm",
        "photos": [(io.BytesIO(_png()), "lawn.png"), (io.BytesIO(b"%PDF-1.4 no"), "lawn.jpg")],
    }
    before = _stored(app)
    response = manager.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 415, response.get_json()
    assert _stored(app) == before
    violations = manager.get(f"/api/v1/associations/{world.a.id}/violations").get_json()
    assert violations["total"] == 0


def test_a_document_version_refused_after_its_file_was_written_leaves_no_file(
    world, api, app, monkeypatch
):
    from app.documents import services as documents

    url = f"/api/v1/associations/{world.a.id}/documents"

    def upload(**fields):
        form = {"title": "CC&Rs", "category": "ccrs", "visibility": "owners", **fields}
        form["file"] = (io.BytesIO(pdf_bytes()), "ccrs.pdf")
        return api(world.manager).post(url, data=form, content_type="multipart/form-data")

    first = upload()
    assert first.status_code == 201
    before = _stored(app)

    def refused(*args, **kwargs):
        raise Conflict("Refused after the file was stored.")

    # A refusal after the PDF is on disk (here from the audit entry that follows it).
    monkeypatch.setattr(documents.audit, "record", refused)
    response = upload(replaces_id=str(first.get_json()["id"]))
    assert response.status_code == 409
    monkeypatch.undo()
    assert _stored(app) == before
    listed = api(world.manager).get(url).get_json()["items"]
    assert [(d["id"], d["version"]) for d in listed] == [(first.get_json()["id"], 1)]
