"""An issued letter is kept as issued: the stored bytes are what every download returns."""

import hashlib
import io
from datetime import timedelta

from pypdf import PdfReader

from app.core import clock
from app.extensions import db
from tests.conftest import login
from tests.functional.test_compliance_pages import setup  # noqa: F401 - the fixture


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_downloads_keep_the_issued_bytes_after_owner_rule_and_template_change(
    world,
    client,
    api,
    app,
    setup,  # noqa: F811
):
    from app.associations.models import Association
    from app.auth.models import User
    from app.compliance import wording
    from app.compliance.letter_models import Letter
    from app.compliance.models import Rule

    with app.app_context():
        letter = db.session.get(Letter, setup["letter"])
        issued, issued_sha = letter.pdf, letter.sha256
        assert issued_sha == hashlib.sha256(issued).hexdigest()
        # Everything the letter was rendered from changes after it was issued.
        owner = db.session.get(User, world.owner.id)
        owner.name = "Renamed Owner"
        rule = db.session.get(Rule, setup["rule"])
        rule.title = "Renamed rule title"
        wording.save_template(
            db.session.get(Association, world.a.id),
            "courtesy",
            "<p>Completely new wording for {{ owner_names }}.</p>",
            actor=db.session.get(User, world.manager.id),
        )
        db.session.commit()
    clock.advance(timedelta(days=3))  # and a later day

    page_url = f"/associations/{world.a.id}/compliance/letters/{setup['letter']}.pdf"
    downloads = []
    for user in (world.manager, world.owner):
        login(client, user)
        response = client.get(page_url)
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        downloads.append(response.data)
    response = api(world.manager).get(f"/api/v1/letters/{setup['letter']}/pdf")
    assert response.status_code == 200
    downloads.append(response.data)
    for data in downloads:
        assert data == issued
        assert hashlib.sha256(data).hexdigest() == issued_sha
    text = _text(downloads[0])
    assert "Olivia Owner" in text and "Trash containers" in text
    assert "Renamed" not in text and "Completely new wording" not in text
    body = api(world.manager).get(f"/api/v1/violations/{setup['violation']}").get_json()
    assert [le["sha256"] for le in body["letters"]] == [issued_sha]
