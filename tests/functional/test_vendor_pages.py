"""Vendor, contract and bid pages by role, and their forms."""

from datetime import UTC, date, datetime

import pytest

from app.core import clock
from app.extensions import db
from tests.conftest import login
from tests.pdfs import plain_pdf

ROLES = ["admin", "manager", "board", "owner", "outsider", "nobody"]


@pytest.fixture
def setup(world, app):
    from app.associations.models import Association
    from app.auth.models import User
    from app.vendors import bids, contracts
    from app.vendors import services as vendors

    clock.freeze(datetime(2027, 1, 10, 17, 0, tzinfo=UTC))
    with app.app_context():
        association = db.session.get(Association, world.a.id)
        manager = db.session.get(User, world.manager.id)
        vendor = vendors.create_vendor(
            association,
            {"name": "GreenCo", "category": "landscaping", "tax_id_last4": "9876"},
            actor=manager,
        )
        contract = contracts.create_contract(
            association,
            {
                "vendor_id": vendor.id,
                "title": "Mowing",
                "start_date": date(2027, 2, 1),
                "end_date": date(2027, 12, 31),
                "amount": "1000",
                "billing": "monthly",
                "notice_days": 30,
            },
            actor=manager,
        )
        rfp = bids.create_rfp(
            association, {"title": "Trees", "due_on": date(2027, 2, 1)}, actor=manager
        )
        db.session.commit()
        return {"vendor": vendor.id, "contract": contract.id, "rfp": rfp.id}


MATRIX = {
    "/associations/{a}/vendors": [200, 200, 200, 403, 404, 404],
    "/associations/{a}/vendors/{vendor}": [200, 200, 200, 403, 404, 404],
    "/associations/{a}/vendors/requirements": [200, 200, 200, 403, 404, 404],
    "/associations/{a}/contracts": [200, 200, 200, 403, 404, 404],
    "/associations/{a}/contracts/new": [200, 200, 403, 403, 404, 404],
    "/associations/{a}/contracts/{contract}": [200, 200, 200, 403, 404, 404],
    "/associations/{a}/rfps": [200, 200, 200, 403, 404, 404],
    "/associations/{a}/rfps/{rfp}": [200, 200, 200, 403, 404, 404],
}


@pytest.mark.parametrize("path", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_vendor_pages_by_role(world, client, setup, role, path):
    login(client, world.user(role))
    url = path.format(a=world.a.id, **setup)
    assert client.get(url).status_code == MATRIX[path][ROLES.index(role)]


def test_board_reads_without_editing(world, client, setup):
    login(client, world.board)
    text = client.get(f"/associations/{world.a.id}/vendors/{setup['vendor']}").get_data(
        as_text=True
    )
    assert "GreenCo" in text and "Add certificate" not in text and "Save vendor" not in text
    assert "Declare interest" in text
    text = client.get(f"/associations/{world.a.id}/contracts/{setup['contract']}").get_data(
        as_text=True
    )
    assert "Submit to the board" not in text


def test_contract_form_names_the_bad_date(world, client, setup):
    login(client, world.manager)
    response = client.post(
        f"/associations/{world.a.id}/contracts/new",
        data={
            "vendor_id": setup["vendor"],
            "title": "Pool",
            "start_date": "2027-05-01",
            "end_date": "2027-04-01",
            "amount": "100",
            "billing": "annual",
            "notice_days": "30",
        },
    )
    assert "The end date comes before the start date." in response.get_data(as_text=True)


def test_requirements_page_makes_vendors_non_compliant(world, client, setup):
    login(client, world.manager)
    client.post(
        f"/associations/{world.a.id}/vendors/requirements",
        data={
            "category": "landscaping",
            "need-general_liability": "1",
            "min-general_liability": "1000000",
        },
    )
    text = client.get(f"/associations/{world.a.id}/vendors").get_data(as_text=True)
    assert "not compliant" in text and "No General liability certificate on file." in text


def test_manager_uploads_a_vendor_document(world, client, setup):
    import io

    login(client, world.manager)
    url = f"/associations/{world.a.id}/vendors/{setup['vendor']}"
    response = client.post(
        url + "/documents",
        data={"doc-title": "Licence", "doc-file": (io.BytesIO(plain_pdf()), "licence.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "Document added." in text and "Licence" in text
    response = client.post(
        url + "/documents",
        data={"doc-title": "Bad", "doc-file": (io.BytesIO(b"GIF89a"), "x.gif")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "A vendor document must be a PDF, JPEG or PNG file." in response.get_data(as_text=True)
