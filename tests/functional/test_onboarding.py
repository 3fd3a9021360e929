"""Onboarding: units and owners from a CSV (preview, errors by line, all or nothing,
invitations for new owners), a unit's page and the unit in the API."""

from __future__ import annotations

import io

import pytest

from app.associations.models import Invitation, Unit
from app.auth.models import Membership
from app.extensions import db
from tests.conftest import login

HEADER = (
    "label,street_address,unit_type,allocation_share,owner_names,owner_emails,mailing_address\n"
)


def _file(text: str, name: str = "units.csv", mimetype: str = "text/csv"):
    return (io.BytesIO(text.encode()), name, mimetype)


def _good(world) -> str:
    return HEADER + (
        "21A,21 Cedar Court,townhome,1.5,Bea Board,"
        f"{world.board.email},\n"
        "21B,21 Cedar Court,townhome,,Nina New;Ned New,nina@example.org;ned@example.org,"
        '"PO Box 4\nReno, NV 89501"\n'
    )


def _units(app, world) -> list[str]:
    with app.app_context():
        return sorted(
            db.session.scalars(db.select(Unit.label).where(Unit.association_id == world.a.id))
        )


def test_preview_then_import_with_invitations_for_new_owners(app, client, world):
    login(client, world.manager)
    url = f"/associations/{world.a.id}/units/import"
    page = client.get(url).get_data(as_text=True)
    assert "Download a sample file" in page and "owner_emails" in page
    preview = client.post(url, data={"file": _file(_good(world)), "preview": "1"})
    text = preview.get_data(as_text=True)
    assert "The file adds 2 units" in text and "with 3 owners." in text
    assert "nina@example.org" in text and "Import these units and owners" in text
    assert _units(app, world) == ["12B"]  # a preview writes nothing
    done = client.post(url, data={"csv_text": _good(world), "confirm": "1"})
    assert done.status_code == 302
    flashed = client.get(f"/associations/{world.a.id}/units").get_data(as_text=True)
    assert "Imported 2 units. 1 owners hold their role now; 2 were invited" in flashed
    assert _units(app, world) == ["12B", "21A", "21B"]
    with app.app_context():
        unit_a = db.session.scalar(db.select(Unit).filter_by(label="21A"))
        roles = db.session.scalars(db.select(Membership).filter_by(unit_id=unit_a.id)).all()
        assert [m.user_id for m in roles] == [world.board.id]  # known: the role at once
        unit_b = db.session.scalar(db.select(Unit).filter_by(label="21B"))
        assert unit_b.mailing_address == "PO Box 4\nReno, NV 89501"
        invited = db.session.scalars(db.select(Invitation).filter_by(unit_id=unit_b.id)).all()
        assert sorted(i.sent_email for i in invited) == ["ned@example.org", "nina@example.org"]
        assert not db.session.scalars(db.select(Membership).filter_by(unit_id=unit_b.id)).all()
    sent = [
        m for m in app.extensions["mail_outbox"] if "Invitation to Alpha Grove HOA" in m["Subject"]
    ]
    assert sorted(m["To"] for m in sent) == ["ned@example.org", "nina@example.org"]


def test_errors_by_line_and_nothing_imported(app, client, world):
    login(client, world.manager)
    bad = HEADER + (
        "30,30 Elm Street,,,,,\n"
        "31,,,,,,\n"
        "32,32 Elm Street,,abc,Al,al@,\n"
        "30,30b Elm Street,,,,,\n"
        "12B,12 Oak Lane,,,,,\n"
        f"{'L' * 101},1 Long Road,,,Two Names;Only,one@example.org,\n"
    )
    url = f"/associations/{world.a.id}/units/import"
    page = client.post(url, data={"file": _file(bad), "preview": "1"}).get_data(as_text=True)
    assert "Nothing was imported" in page
    assert "Line 3: street_address: Enter the street address." in page
    assert "Line 4: allocation_share: Enter a number, such as 1.25." in page
    assert "Line 4: owner_emails: Enter a valid e-mail address" in page
    assert "Line 5: label: Unit 30 is on line 2 already." in page
    assert "Line 6: label: Unit 12B already exists." in page
    assert "Line 7: label: Use at most 100 characters (this has 101)." in page
    assert "Line 7: owner_emails: 2 owner names but 1 e-mail addresses" in page
    assert "Import these units and owners" not in page
    # A confirmation whose text was changed after the preview is checked again.
    page = client.post(url, data={"csv_text": bad, "confirm": "1"}).get_data(as_text=True)
    assert "Line 3: street_address" in page
    assert _units(app, world) == ["12B"]


def test_a_file_that_is_not_csv_text(client, world):
    login(client, world.manager)
    url = f"/associations/{world.a.id}/units/import"
    page = client.post(
        url, data={"file": (io.BytesIO(b"\x00\x01PK"), "x.csv", "text/csv"), "preview": "1"}
    ).get_data(as_text=True)
    assert "This is not a text file. Send a CSV file." in page
    page = client.post(url, data={"file": _file("name,address\nx,y\n"), "preview": "1"})
    assert "Line 1: the header must name the columns label, street_address" in page.get_data(
        as_text=True
    )


@pytest.mark.parametrize(("who", "status"), [("board", 403), ("owner", 403), ("outsider", 404)])
def test_only_managers_import(client, world, who, status):
    login(client, world.user(who))
    url = f"/associations/{world.a.id}/units/import"
    assert client.get(url).status_code == status
    assert (
        client.post(url, data={"csv_text": HEADER + "9,9 X St,,,,,\n", "confirm": "1"}).status_code
        == status
    )


def test_the_api_previews_imports_and_refuses_by_line(app, api, world):
    manager = api(world.manager)
    url = f"/api/v1/associations/{world.a.id}/units/import"
    preview = manager.post(url + "?dry_run=true", data={"file": _file(_good(world))})
    assert preview.status_code == 200, preview.get_json()
    body = preview.get_json()
    assert body["units"] == 2 and body["planned"][1]["owners"][0]["email"] == "nina@example.org"
    assert _units(app, world) == ["12B"]
    bad = manager.post(url, data={"file": _file(HEADER + "40,,,,,,\n")})
    assert bad.status_code == 422
    assert bad.get_json()["errors"]["file"] == ["Line 2: street_address: Enter the street address."]
    wrong = manager.post(url, data={"file": _file("x", mimetype="image/png")})
    assert wrong.status_code == 415
    done = manager.post(url, data={"file": _file(_good(world))})
    assert done.status_code == 201
    assert done.get_json() == {"dry_run": False, "units": 2, "owners_added": 1, "invited": 2}
    assert _units(app, world) == ["12B", "21A", "21B"]
    assert api(world.owner).post(url, data={"file": _file(_good(world))}).status_code == 403
    assert api(world.outsider).post(url, data={"file": _file(_good(world))}).status_code == 404
    assert api(world.board).post(url, data={"file": _file(_good(world))}).status_code == 403


def test_the_unit_in_the_api(app, api, world):
    url = f"/api/v1/units/{world.owner_unit.id}"
    staff = api(world.manager).get(url).get_json()
    assert staff["label"] == "12B" and staff["association_id"] == world.a.id
    assert staff["owners"] == [
        {"user_id": world.owner.id, "name": "Olivia Owner", "email": world.owner.email}
    ]
    own = api(world.owner).get(url).get_json()
    assert own["owners"] == [{"user_id": world.owner.id, "name": "Olivia Owner", "email": None}]
    assert api(world.outsider).get(url).status_code == 404
    assert api(world.nobody).get(url).status_code == 404
    assert api(world.manager).get("/api/v1/units/999999").status_code == 404
    assert api(world.manager).get(f"/api/v1/units/{world.b_unit.id}").status_code == 404


def test_another_owner_reads_a_unit_without_its_owners(app, api, world):
    from tests import factories as f

    with app.app_context():
        other = f.UserFactory()
        unit = f.UnitFactory(association=db.session.merge(world.a), label="99")
        f.MembershipFactory(
            user=other, association=db.session.merge(world.a), role="owner", unit=unit
        )
        db.session.commit()
        unit_id = unit.id
    body = api(world.owner).get(f"/api/v1/units/{unit_id}").get_json()
    assert body["label"] == "99" and body["owners"] == []


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager", 200),
        ("board", 200),
        ("admin", 200),
        ("owner", 403),
        ("outsider", 404),
        ("nobody", 404),
    ],
)
def test_the_unit_page(client, world, who, status):
    login(client, world.user(who))
    response = client.get(f"/associations/{world.a.id}/units/{world.owner_unit.id}")
    assert response.status_code == status
    if status == 200:
        page = response.get_data(as_text=True)
        assert "Unit 12B" in page and "Olivia Owner" in page
        assert "No violations on record for this unit." in page
        units = client.get(f"/associations/{world.a.id}/units").get_data(as_text=True)
        assert f'href="/associations/{world.a.id}/units/{world.owner_unit.id}">12B</a>' in units
