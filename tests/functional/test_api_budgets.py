"""The Approvals and Budgets sections of the API, for every role."""

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

ROLES = ["admin", "manager", "board", "owner", "outsider", "nobody"]
LINES = [
    {
        "account_code": "4000",
        "name": "Assessments",
        "fund": "operating",
        "kind": "income",
        "amount": "30000.00",
    },
    {
        "account_code": "5100",
        "name": "Landscaping",
        "fund": "operating",
        "kind": "expense",
        "amount": 12000,
        "prior_year_amount": "11000.00",
    },
    {
        "account_code": "6000",
        "name": "Reserve contribution",
        "fund": "reserve",
        "kind": "expense",
        "amount": "6000.00",
    },
]


@pytest.fixture
def budget_id(world, api):
    manager = api(world.manager)
    response = manager.post(
        f"/api/v1/associations/{world.a.id}/budgets", json={"fiscal_year": 2027}
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "draft" and body["version"] == 1 and body["fiscal_year"] == 2027
    for line in LINES:
        assert manager.post(f"/api/v1/budgets/{body['id']}/lines", json=line).status_code == 201
    return body["id"]


def _approve(api, world, budget_id):
    approval_id = (
        api(world.manager).post(f"/api/v1/budgets/{budget_id}/submit").get_json()["approval_id"]
    )
    for member in (world.board, world.board2):
        api(member).post(f"/api/v1/approvals/{approval_id}/votes", json={"choice": "approve"})
    return approval_id


def test_budget_totals_and_assessment(world, api, budget_id):
    body = api(world.manager).get(f"/api/v1/budgets/{budget_id}").get_json()
    assert body["totals"] == {
        "income": "30000.00",
        "expense": "18000.00",
        "reserve_contribution": "6000.00",
        "net": "12000.00",
    }
    # One unit (12B) carries all 18,000: 1,500.00 a month.
    assessment = body["assessment"]
    assert assessment["monthly_per_unit"] == "1500.00"
    assert assessment["annual_per_unit"] == "18000.00"
    assert assessment["by_unit_type"] == {"standard": {"annual": "18000.00", "monthly": "1500.00"}}
    assert assessment["by_unit"] == [
        {
            "unit_id": world.owner_unit.id,
            "label": "12B",
            "unit_type": "standard",
            "annual": "18000.00",
            "monthly": "1500.00",
        }
    ]
    assert [line["amount"] for line in body["lines"]] == ["30000.00", "12000.00", "6000.00"]
    assert body["lines"][1]["prior_year_amount"] == "11000.00"


def test_cost_centres_and_unit_type_amounts(world, api):
    manager = api(world.manager)
    aid = world.a.id
    for label, unit_type in (("T1", "townhome"), ("T2", "townhome"), ("S1", "single-family")):
        manager.post(
            f"/api/v1/associations/{aid}/units",
            json={"label": label, "street_address": f"{label} Road", "unit_type": unit_type},
        )
    centres = manager.get(f"/api/v1/associations/{aid}/cost-centers").get_json()["items"]
    assert [(c["name"], c["unit_types"]) for c in centres] == [("General", None)]
    response = manager.post(
        f"/api/v1/associations/{aid}/cost-centers",
        json={"name": "Townhomes", "unit_types": ["townhome"]},
    )
    assert response.status_code == 201
    roofs = response.get_json()
    assert roofs["unit_types"] == ["townhome"]
    budget = manager.post(
        f"/api/v1/associations/{aid}/budgets", json={"fiscal_year": 2028}
    ).get_json()
    manager.post(
        f"/api/v1/budgets/{budget['id']}/lines",
        json={"name": "Common", "fund": "operating", "kind": "expense", "amount": "4800"},
    )
    manager.post(
        f"/api/v1/budgets/{budget['id']}/lines",
        json={
            "name": "Roofs",
            "fund": "reserve",
            "kind": "expense",
            "amount": "2400",
            "cost_center_id": roofs["id"],
        },
    )
    body = manager.get(f"/api/v1/budgets/{budget['id']}").get_json()
    # 4 units share 4800 → 100/month; 2 townhomes share 2400 → 100/month more.
    assert body["assessment"]["by_unit_type"] == {
        "single-family": {"annual": "1200.00", "monthly": "100.00"},
        "standard": {"annual": "1200.00", "monthly": "100.00"},
        "townhome": {"annual": "2400.00", "monthly": "200.00"},
    }
    assert body["assessment"]["monthly_per_unit"] is None
    # A centre with lines but no unit makes submit a 409.
    marina = manager.post(
        f"/api/v1/associations/{aid}/cost-centers",
        json={"name": "Marina", "unit_types": ["houseboat"]},
    ).get_json()
    manager.post(
        f"/api/v1/budgets/{budget['id']}/lines",
        json={
            "name": "Docks",
            "fund": "operating",
            "kind": "expense",
            "amount": "10",
            "cost_center_id": marina["id"],
        },
    )
    response = manager.post(f"/api/v1/budgets/{budget['id']}/submit")
    assert response.status_code == 409 and "Marina" in response.get_json()["detail"]


def test_units_of_a_type_paying_different_amounts_give_nulls(world, api):
    manager = api(world.manager)
    aid = world.a.id
    manager.post(
        f"/api/v1/associations/{aid}/units",
        json={"label": "W", "street_address": "W Road", "allocation_share": "3"},
    )
    units = manager.get(f"/api/v1/associations/{aid}/units").get_json()["items"]
    assert len(units) == 2  # 12B has no share: shares do not apply, so equal amounts
    budget = manager.post(
        f"/api/v1/associations/{aid}/budgets", json={"fiscal_year": 2029}
    ).get_json()
    manager.post(
        f"/api/v1/budgets/{budget['id']}/lines",
        json={"name": "C", "fund": "operating", "kind": "expense", "amount": "2400"},
    )
    body = manager.get(f"/api/v1/budgets/{budget['id']}").get_json()
    assert body["assessment"]["monthly_per_unit"] == "100.00"


@pytest.mark.parametrize("role", ROLES)
def test_create_budget_by_role(world, api, role):
    response = api(world.user(role)).post(
        f"/api/v1/associations/{world.a.id}/budgets", json={"fiscal_year": 2030}
    )
    expected = {
        "admin": 201,
        "manager": 201,
        "board": 403,
        "owner": 403,
        "outsider": 404,
        "nobody": 404,
    }[role]
    assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_reading_a_draft_by_role(world, api, budget_id, role):
    response = api(world.user(role)).get(f"/api/v1/budgets/{budget_id}")
    expected = {
        "admin": 200,
        "manager": 200,
        "board": 200,
        "owner": 404,
        "outsider": 404,
        "nobody": 404,
    }[role]
    assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_adding_a_line_by_role(world, api, budget_id, role):
    line = {**LINES[1], "account_code": "5150", "name": "Tree care"}
    response = api(world.user(role)).post(f"/api/v1/budgets/{budget_id}/lines", json=line)
    expected = {
        "admin": 201,
        "manager": 201,
        "board": 403,
        "owner": 404,
        "outsider": 404,
        "nobody": 404,
    }[role]
    assert response.status_code == expected


def test_line_values_are_422_naming_fields(world, api, budget_id):
    response = api(world.manager).post(
        f"/api/v1/budgets/{budget_id}/lines",
        json={"name": "", "fund": "savings", "kind": "income", "amount": "-1"},
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"name", "fund", "amount"}


def test_locked_budget_is_409_before_value_errors(world, api, budget_id):
    manager = api(world.manager)
    response = manager.post(f"/api/v1/budgets/{budget_id}/submit")
    assert response.status_code == 200
    assert response.get_json()["status"] == "pending_approval"
    response = manager.post(f"/api/v1/budgets/{budget_id}/lines", json={"amount": "bad"})
    assert response.status_code == 409
    assert "locked" in response.get_json()["detail"]
    assert manager.post(f"/api/v1/budgets/{budget_id}/submit").status_code == 409


def test_full_approval_flow_and_owner_visibility(world, api, budget_id):
    owner = api(world.owner)
    approval_id = (
        api(world.manager).post(f"/api/v1/budgets/{budget_id}/submit").get_json()["approval_id"]
    )
    pending = (
        api(world.board)
        .get(f"/api/v1/associations/{world.a.id}/approvals?status=pending")
        .get_json()
    )
    assert pending["items"] == [
        {
            "id": approval_id,
            "subject_type": "budget",
            "subject_id": budget_id,
            "title": "Budget for fiscal year 2027 (version 1)",
            "status": "pending",
            "approvals": 0,
            "rejections": 0,
            "abstentions": 0,
            "required": 2,
            "submitted_at": pending["items"][0]["submitted_at"],
            "decided_at": None,
        }
    ]
    assert owner.get(f"/api/v1/approvals/{approval_id}").status_code == 404
    assert owner.get(f"/api/v1/associations/{world.a.id}/approvals").get_json()["total"] == 0
    response = api(world.board).post(
        f"/api/v1/approvals/{approval_id}/votes",
        json={"choice": "approve", "comment": "Reasonable"},
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "pending" and body["approvals"] == 1
    assert sorted(body["eligible_voter_ids"]) == sorted([world.board.id, world.board2.id])
    assert body["votes"][0]["voter_id"] == world.board.id
    assert body["votes"][0]["comment"] == "Reasonable"
    response = api(world.board2).post(
        f"/api/v1/approvals/{approval_id}/votes", json={"choice": "approve"}
    )
    body = response.get_json()
    assert body["status"] == "approved" and body["decided_at"]
    budget = owner.get(f"/api/v1/budgets/{budget_id}")
    assert budget.status_code == 200 and budget.get_json()["status"] == "approved"
    assert owner.get(f"/api/v1/approvals/{approval_id}").status_code == 200
    listed = owner.get(f"/api/v1/associations/{world.a.id}/budgets").get_json()
    assert [b["id"] for b in listed["items"]] == [budget_id]
    # Decided: further votes are 409; an approved budget cannot change.
    response = api(world.board).post(
        f"/api/v1/approvals/{approval_id}/votes", json={"choice": "reject"}
    )
    assert response.status_code == 409
    assert (
        api(world.manager).post(f"/api/v1/budgets/{budget_id}/lines", json=LINES[0]).status_code
        == 409
    )


@pytest.mark.parametrize("role", ROLES)
def test_voting_by_role(world, api, budget_id, role):
    approval_id = (
        api(world.manager).post(f"/api/v1/budgets/{budget_id}/submit").get_json()["approval_id"]
    )
    response = api(world.user(role)).post(
        f"/api/v1/approvals/{approval_id}/votes", json={"choice": "abstain"}
    )
    expected = {
        "admin": 403,
        "manager": 403,
        "board": 201,
        "owner": 404,
        "outsider": 404,
        "nobody": 404,
    }[role]
    assert response.status_code == expected


def test_recused_or_late_members_get_403(world, api, app, budget_id):
    approval_id = (
        api(world.manager).post(f"/api/v1/budgets/{budget_id}/submit").get_json()["approval_id"]
    )
    api(world.manager).post(
        f"/api/v1/associations/{world.a.id}/members",
        json={"user_id": world.owner.id, "role": "board"},
    )
    response = api(world.owner).post(
        f"/api/v1/approvals/{approval_id}/votes", json={"choice": "approve"}
    )
    assert response.status_code == 403


def test_invalid_choice_is_422_but_decided_is_409_first(world, api, budget_id):
    approval_id = (
        api(world.manager).post(f"/api/v1/budgets/{budget_id}/submit").get_json()["approval_id"]
    )
    response = api(world.board).post(
        f"/api/v1/approvals/{approval_id}/votes", json={"choice": "perhaps"}
    )
    assert response.status_code == 422 and "choice" in response.get_json()["errors"]
    api(world.board).post(f"/api/v1/approvals/{approval_id}/votes", json={"choice": "reject"})
    response = api(world.board).post(
        f"/api/v1/approvals/{approval_id}/votes", json={"choice": "perhaps"}
    )
    assert response.status_code == 409


def test_rejected_then_revised(world, api, budget_id):
    approval_id = (
        api(world.manager).post(f"/api/v1/budgets/{budget_id}/submit").get_json()["approval_id"]
    )
    body = (
        api(world.board)
        .post(
            f"/api/v1/approvals/{approval_id}/votes",
            json={"choice": "reject", "comment": "Too high"},
        )
        .get_json()
    )
    assert body["status"] == "rejected"
    assert api(world.manager).get(f"/api/v1/budgets/{budget_id}").get_json()["status"] == "rejected"
    assert api(world.owner).get(f"/api/v1/budgets/{budget_id}").status_code == 404
    response = api(world.manager).post(f"/api/v1/budgets/{budget_id}/revise")
    assert response.status_code == 201
    revision = response.get_json()
    assert revision["status"] == "draft" and revision["version"] == 2
    assert [ln["name"] for ln in revision["lines"]] == [ln["name"] for ln in LINES]
    assert api(world.manager).post(f"/api/v1/budgets/{budget_id}/revise").status_code == 409


def test_withdraw(world, api, budget_id):
    approval_id = (
        api(world.manager).post(f"/api/v1/budgets/{budget_id}/submit").get_json()["approval_id"]
    )
    assert api(world.board).post(f"/api/v1/approvals/{approval_id}/withdraw").status_code == 403
    response = api(world.manager).post(f"/api/v1/approvals/{approval_id}/withdraw")
    assert response.status_code == 200 and response.get_json()["status"] == "withdrawn"
    assert api(world.manager).get(f"/api/v1/budgets/{budget_id}").get_json()["status"] == "draft"
    assert api(world.manager).post(f"/api/v1/approvals/{approval_id}/withdraw").status_code == 409


def test_two_thirds_threshold_for_budgets(world, api, app, budget_id):
    # Five eligible members: a majority is 3, two thirds is 4.
    from app.associations.models import Association
    from app.extensions import db
    from tests import factories as f

    with app.app_context():
        db.session().expire_on_commit = False
        association = db.session.get(Association, world.a.id)
        extra = [f.UserFactory(name=f"Board {n}") for n in range(3)]
        for user in extra:
            f.MembershipFactory(user=user, association=association, role="board", office="director")
        db.session.commit()
    response = api(world.manager).put(
        f"/api/v1/associations/{world.a.id}/approval-thresholds/budget",
        json={"numerator": 2, "denominator": 3},
    )
    assert response.status_code == 200
    assert response.get_json() == {"numerator": 2, "denominator": 3}
    approval_id = (
        api(world.manager).post(f"/api/v1/budgets/{budget_id}/submit").get_json()["approval_id"]
    )
    body = api(world.board).get(f"/api/v1/approvals/{approval_id}").get_json()
    assert body["required"] == 4 and body["threshold"] == "2/3"
    assert len(body["eligible_voter_ids"]) == 5
    for member in [world.board, world.board2, extra[0]]:
        vote = api(member).post(
            f"/api/v1/approvals/{approval_id}/votes", json={"choice": "approve"}
        )
        assert vote.status_code in (200, 201)
    # Three approvals are a majority of five, but not two thirds.
    assert (
        api(world.board).get(f"/api/v1/approvals/{approval_id}").get_json()["status"] == "pending"
    )
    api(extra[1]).post(f"/api/v1/approvals/{approval_id}/votes", json={"choice": "approve"})
    assert (
        api(world.board).get(f"/api/v1/approvals/{approval_id}").get_json()["status"] == "approved"
    )
    assert api(world.manager).get(f"/api/v1/budgets/{budget_id}").get_json()["status"] == "approved"


def test_minutes_are_a_subject_kind_and_unknown_kinds_are_refused(world, api):
    response = api(world.manager).put(
        f"/api/v1/associations/{world.a.id}/approval-thresholds/agenda",
        json={"numerator": 2, "denominator": 3},
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "subject_type": ["Choose one of: arc_appeal, arc_request, budget, contract, fine, minutes."]
    }
    response = api(world.manager).get(
        f"/api/v1/associations/{world.a.id}/approvals?subject_type=minutes"
    )
    assert response.status_code == 200 and response.get_json()["items"] == []


def test_budget_pdf_holds_totals_and_assessment(world, api, budget_id):
    _approve(api, world, budget_id)
    response = api(world.owner).get(f"/api/v1/budgets/{budget_id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    for words in (
        "Budget for fiscal year 2027",
        "Alpha Grove HOA",
        "$30,000.00",
        "$18,000.00",
        "$6,000.00",
        "$12,000.00",
        "$1,500.00",
        "Landscaping",
        "$11,000.00",
        "Approval record",
        "Bea Board",
        "approve",
        "Expenses by category",
    ):
        assert words in text, words


def test_csv_lines_import_over_the_api(world, api, budget_id):
    manager = api(world.manager)
    data = {
        "file": (
            io.BytesIO(b"name,fund,kind,amount\nPool,operating,expense,1200\n"),
            "lines.csv",
            "text/csv",
        ),
        "mode": "append",
    }
    response = manager.post(
        f"/api/v1/budgets/{budget_id}/lines/import", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 201 and response.get_json() == {"imported": 1}
    bad = {
        "file": (
            io.BytesIO(b"name,fund,kind,amount\nPool,operating,expense,x\n"),
            "lines.csv",
            "text/csv",
        ),
        "mode": "append",
    }
    response = manager.post(
        f"/api/v1/budgets/{budget_id}/lines/import", data=bad, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert response.get_json()["errors"]["file"][0].startswith("Line 2: amount")
    image = {"file": (io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00"), "x.png", "image/png")}
    response = manager.post(
        f"/api/v1/budgets/{budget_id}/lines/import", data=image, content_type="multipart/form-data"
    )
    assert response.status_code == 415


def test_actuals_and_variance(world, api, budget_id):
    _approve(api, world, budget_id)
    manager = api(world.manager)
    data = {
        "file": (
            io.BytesIO(b"account_code,month,amount\n5100,2027-01,1100\n5100,2027-02,900\n"),
            "actuals.csv",
            "text/csv",
        )
    }
    response = manager.post(
        f"/api/v1/budgets/{budget_id}/actuals", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 201
    body = manager.get(f"/api/v1/budgets/{budget_id}/variance").get_json()
    row = next(r for r in body["rows"] if r["account_code"] == "5100")
    assert row["budget_ytd"] == "2000.00" and row["actual_ytd"] == "2000.00"
    assert Decimal(row["variance"]) == 0
    assert api(world.owner).get(f"/api/v1/budgets/{budget_id}/variance").status_code == 403
    pdf = manager.get(f"/api/v1/budgets/{budget_id}/variance.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Budget vs actual" in text and "February 2027" in text and "$2,000.00" in text
