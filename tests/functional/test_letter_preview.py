"""Letter preview: the letter issuing would produce, watermarked PREVIEW, and nothing changes."""

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.extensions import db
from tests.conftest import login
from tests.functional.test_api_compliance import violation  # noqa: F401  (the fixture)


def _text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _counts(app):
    from app.compliance.letter_models import Letter

    with app.app_context():
        return (
            db.session.scalar(select(func.count(Letter.id))),
            db.session.scalar(select(func.count(AuditEntry.id))),
        )


def test_the_api_previews_without_changing_anything(world, api, app, violation):  # noqa: F811
    manager = api(world.manager)
    before = _counts(app)
    url = f"/api/v1/violations/{violation['id']}/letters/preview"
    response = manager.get(f"{url}?kind=violation")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _text(response.data)
    assert "PREVIEW" in text and "not issued" in text
    assert "Notice of violation" in text or "NOTICE OF VIOLATION" in text.upper()
    assert "LND-2" in text and world.owner_unit.street_address.split(",")[0] in text
    assert _counts(app) == before
    body = manager.get(f"/api/v1/violations/{violation['id']}").get_json()
    assert body["letters"] == [] and body["status"] == "open" and body["cure_by"] is None


def test_the_preview_refuses_what_issuing_refuses(world, api, violation):  # noqa: F811
    manager = api(world.manager)
    url = f"/api/v1/violations/{violation['id']}/letters/preview"
    fine = manager.get(f"{url}?kind=fine")
    assert fine.status_code == 409 and fine.get_json()["detail"]
    bad = manager.get(f"{url}?kind=sonnet")
    assert bad.status_code == 422 and "kind" in bad.get_json()["errors"]
    missing = manager.get(url)
    assert missing.status_code == 422


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("manager", 200), ("board", 403), ("owner", 403), ("outsider", 404)],
)
def test_only_those_who_issue_letters_preview_them(world, api, violation, role, status):  # noqa: F811
    response = api(getattr(world, role)).get(
        f"/api/v1/violations/{violation['id']}/letters/preview?kind=courtesy"
    )
    assert response.status_code == status


def test_the_page_offers_a_preview_and_confirms_naming_owner_and_unit(
    world,
    client,
    app,
    violation,  # noqa: F811
):
    login(client, world.manager)
    page = f"/associations/{world.a.id}/compliance/violations/{violation['id']}"
    html = client.get(page).get_data(as_text=True)
    assert f"{page}/letters/violation/preview" in html
    assert "Preview: Notice of violation" in html
    assert f"for unit {world.owner_unit.label}?" in html
    assert world.owner.name in html.split("data-confirm")[1]
    assert "next mailing batch" in html
    before = _counts(app)
    preview = client.get(f"{page}/letters/violation/preview")
    assert preview.status_code == 200 and "PREVIEW" in _text(preview.data)
    assert _counts(app) == before
