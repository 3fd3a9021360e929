"""Vendor pages: every form keeps what was typed and marks the field in error; the contract
form shows every error at once; nothing is cut silently."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from app.core import clock
from app.extensions import db
from tests.conftest import login


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
            association, {"name": "GreenCo", "category": "landscaping"}, actor=manager
        )
        certificate = vendors.add_certificate(
            vendor,
            {
                "kind": "general_liability",
                "carrier": "Pacific Mutual",
                "policy_number": "GL-1",
                "coverage_amount": "1000000",
                "expires_on": date(2027, 12, 31),
            },
            association=association,
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
            association,
            {"title": "Trees", "category": "landscaping", "due_on": date(2027, 2, 1)},
            actor=manager,
        )
        db.session.commit()
        return {
            "vendor": vendor.id,
            "certificate": certificate.id,
            "contract": contract.id,
            "rfp": rfp.id,
        }


def page(response):
    return response.get_data(as_text=True)


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_new_vendor_with_a_bad_email_keeps_what_was_typed(world, client, app, setup):
    from app.vendors.models import Vendor

    login(client, world.manager)
    response = client.post(
        f"/associations/{world.a.id}/vendors",
        data={"name": "Bad Email Vendor", "category": "pool", "email": "bad@"},
    )
    text = page(response)
    assert response.status_code == 422
    assert "Enter a valid e-mail address, such as name@example.com." in text
    assert 'value="bad@"' in text and 'value="Bad Email Vendor"' in text
    assert 'id="email"' in text and "is-invalid" in text
    with app.app_context():
        assert count(Vendor) == 1


def test_new_vendor_too_long_is_refused_naming_the_field_never_cut(world, client, app, setup):
    from app.vendors.models import Vendor

    login(client, world.manager)
    response = client.post(
        f"/associations/{world.a.id}/vendors",
        data={"name": "N" * 201, "category": "pool", "phone": "5" * 41, "notes": "x" * 20001},
    )
    text = page(response)
    assert response.status_code == 422
    assert "Field cannot be longer than 200 characters." in text
    assert "Field cannot be longer than 40 characters." in text
    assert "Field cannot be longer than 20000 characters." in text
    with app.app_context():
        assert count(Vendor) == 1


def test_vendor_edit_keeps_input_and_marks_the_field(world, client, app, setup):
    from app.vendors.models import Vendor

    login(client, world.manager)
    response = client.post(
        f"/associations/{world.a.id}/vendors/{setup['vendor']}",
        data={"name": "GreenCo Ltd", "category": "landscaping", "email": "ops@@greenco"},
    )
    text = page(response)
    assert response.status_code == 422
    assert 'value="ops@@greenco"' in text and 'value="GreenCo Ltd"' in text
    assert "Enter a valid e-mail address" in text
    with app.app_context():
        assert db.session.get(Vendor, setup["vendor"]).name == "GreenCo"


def test_certificate_form_keeps_input_and_marks_the_field(world, client, setup):
    login(client, world.manager)
    response = client.post(
        f"/associations/{world.a.id}/vendors/{setup['vendor']}",
        data={
            "cert-kind": "auto",
            "cert-carrier": "Acme Auto",
            "cert-policy_number": "P" * 81,
            "cert-coverage_amount": "-5",
            "cert-expires_on": "2027-06-30",
            "cert-submit": "Add certificate",
        },
    )
    text = page(response)
    assert response.status_code == 422
    assert 'value="Acme Auto"' in text and 'value="-5"' in text
    assert "Field cannot be longer than 80 characters." in text
    assert "Enter an amount of zero or more." in text


def test_contract_form_shows_every_error_at_once(world, client, app, setup):
    from app.vendors.models import Contract

    login(client, world.manager)
    response = client.post(
        f"/associations/{world.a.id}/contracts/new",
        data={
            "vendor_id": setup["vendor"],
            "title": "Pool service",
            "start_date": "2027-05-01",
            "end_date": "2027-04-01",
            "amount": "-50",
            "billing": "annual",
            "notice_days": "-3",
        },
    )
    text = page(response)
    assert response.status_code == 422
    assert "Number must be between 0 and 3650." in text
    assert "The end date comes before the start date." in text
    assert "Enter an amount of zero or more." in text
    assert 'value="Pool service"' in text and 'value="-50"' in text and 'value="-3"' in text
    assert 'value="2027-04-01"' in text
    with app.app_context():
        assert count(Contract) == 1


def test_contract_edit_shows_every_error_and_keeps_input(world, client, setup):
    login(client, world.manager)
    response = client.post(
        f"/associations/{world.a.id}/contracts/{setup['contract']}",
        data={
            "vendor_id": setup["vendor"],
            "title": "T" * 201,
            "start_date": "2027-05-01",
            "end_date": "not a date",
            "amount": "abc",
            "billing": "monthly",
            "notice_days": "30",
        },
    )
    text = page(response)
    assert response.status_code == 422
    assert "Field cannot be longer than 200 characters." in text
    assert "Not a valid date value." in text
    assert "Enter an amount such as 1000000." in text
    assert 'value="abc"' in text and 'value="not a date"' in text


def test_rfp_form_keeps_input_and_marks_the_field(world, client, setup):
    login(client, world.manager)
    response = client.post(
        f"/associations/{world.a.id}/rfps",
        data={"title": "Roof repair", "category": "r" * 61, "due_on": ""},
    )
    text = page(response)
    assert response.status_code == 422
    assert 'value="Roof repair"' in text
    assert "Field cannot be longer than 60 characters." in text
    assert "This field is required." in text


def test_bid_form_keeps_input_and_marks_the_field(world, client, setup):
    login(client, world.manager)
    response = client.post(
        f"/associations/{world.a.id}/rfps/{setup['rfp']}",
        data={
            "vendor_id": setup["vendor"],
            "price": "lots",
            "billing": "annual",
            "term_months": "0",
            "notes": "Includes stump grinding",
        },
    )
    text = page(response)
    assert response.status_code == 422
    assert 'value="lots"' in text and "Includes stump grinding" in text
    assert "Enter an amount such as 1000000." in text
    assert "Number must be between 1 and 120." in text


def test_document_form_keeps_the_title_and_marks_the_file(world, client, setup):
    login(client, world.manager)
    response = client.post(
        f"/associations/{world.a.id}/vendors/{setup['vendor']}/documents",
        data={"doc-title": "W-9 2027"},
        content_type="multipart/form-data",
    )
    text = page(response)
    assert response.status_code == 422
    assert 'value="W-9 2027"' in text and "Choose a file to upload." in text


def test_interest_form_keeps_the_note(world, client, app, setup):
    from app.vendors.models import VendorInterest

    login(client, world.board)
    response = client.post(
        f"/associations/{world.a.id}/vendors/{setup['vendor']}/interest",
        data={"interest-note": "n" * 20001},
    )
    assert response.status_code == 422
    assert "Field cannot be longer than 20000 characters." in page(response)
    with app.app_context():
        assert count(VendorInterest) == 0


def test_terminate_form_marks_the_reason(world, client, app, setup):
    from app.approvals import services as approvals
    from app.auth.models import User
    from app.vendors.models import Contract

    with app.app_context():
        contract = db.session.get(Contract, setup["contract"])
        request_ = approvals.open_request(
            "contract", contract, actor=db.session.get(User, world.manager.id)
        )
        for member in (world.board, world.board2):
            approvals.cast_vote(
                request_.id, voter=db.session.get(User, member.id), choice="approve"
            )
        db.session.commit()
        assert db.session.get(Contract, setup["contract"]).status == "approved"
    login(client, world.manager)
    response = client.post(
        f"/associations/{world.a.id}/contracts/{setup['contract']}/terminate", data={"reason": ""}
    )
    assert response.status_code == 422
    assert "This field is required." in page(response)
    with app.app_context():
        assert db.session.get(Contract, setup["contract"]).status == "approved"


def test_requirements_page_labels_formats_and_says_none_set(world, client, setup):
    login(client, world.manager)
    url = f"/associations/{world.a.id}/vendors/requirements"
    text = page(client.get(url))
    assert "no requirements set" in text
    assert 'for="c1-need-general_liability"' in text and 'id="c1-need-general_liability"' in text
    assert 'for="c1-min-general_liability"' in text
    client.post(
        url,
        data={
            "category": "landscaping",
            "need-general_liability": "1",
            "min-general_liability": "1,000,000",
        },
    )
    text = page(client.get(url))
    assert 'value="1,000,000.00"' in text and "at least $1,000,000.00" in text
    vendor = page(client.get(f"/associations/{world.a.id}/vendors/{setup['vendor']}"))
    assert "Insurance meets this association’s requirements for landscaping." in vendor


def test_requirements_form_keeps_input_and_marks_the_amount(world, client, setup):
    login(client, world.manager)
    response = client.post(
        f"/associations/{world.a.id}/vendors/requirements",
        data={
            "category": "landscaping",
            "need-general_liability": "1",
            "min-general_liability": "a million",
            "need-auto": "1",
            "min-auto": "500000",
        },
    )
    text = page(response)
    assert response.status_code == 422
    assert 'value="a million"' in text and 'value="500000"' in text
    assert "Enter an amount such as 1000000." in text and "is-invalid" in text


def test_vendor_without_requirements_is_not_called_compliant(world, client, setup):
    login(client, world.manager)
    text = page(client.get(f"/associations/{world.a.id}/vendors"))
    assert "no requirements set" in text and "meets the requirements" not in text
