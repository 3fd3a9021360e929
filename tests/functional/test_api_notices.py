"""The Notices section of api.md, for every role and a member of another association."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.core import clock, jobs
from app.delivery.models import Delivery, Read
from app.extensions import db
from app.notices.models import Notice
from tests import factories as f
from tests.notice_helpers import mail_to, prefer

BODY = "Pool opens **Saturday**.\n\n<script>alert(1)</script> [x](javascript:alert(1))"


def _owner_of_new_unit(app, world, name, label, email=None):
    """Add a unit to association A with an owner; return (unit id, user id)."""
    from app.associations.models import Association

    with app.app_context():
        association = db.session.get(Association, world.a.id)
        unit = f.UnitFactory(association=association, label=label)
        person = f.UserFactory(name=name, **({"email": email} if email else {}))
        f.MembershipFactory(user=person, association=association, role="owner", unit=unit)
        db.session.commit()
        return unit.id, person.id


def _post(api, user, aid, **body):
    payload = {"title": "Pool opening", "body": BODY, "audience": "owners", **body}
    return api(user).post(f"/api/v1/associations/{aid}/notices", json=payload)


def test_manager_publishes_and_every_owner_gets_a_portal_delivery(world, api, app):
    response = _post(api, world.manager, world.a.id)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["status"] == "published" and data["published_at"]
    assert data["recipients"] == 1 and data["read_count"] == 0
    assert data["delivery"] == "general" and data["meeting_id"] is None
    html = data["body_html"]
    assert "<strong>Saturday</strong>" in html
    assert "<script" not in html and 'href="javascript' not in html
    with app.app_context():
        rows = db.session.scalars(select(Delivery)).all()
        assert [(r.user_id, r.method, r.status) for r in rows] == [
            (world.owner.id, "portal", "sent")
        ]
        assert rows[0].sent_at is not None


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin", 201),
        ("manager", 201),
        ("board", 403),
        ("owner", 403),
        ("outsider", 404),
        ("nobody", 404),
    ],
)
def test_who_may_publish(world, api, role, status):
    assert _post(api, world.user(role), world.a.id).status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("manager", 200), ("board", 200), ("owner", 403), ("outsider", 404)],
)
def test_who_lists_notices(world, api, role, status):
    _post(api, world.manager, world.a.id)
    response = api(world.user(role)).get(f"/api/v1/associations/{world.a.id}/notices")
    assert response.status_code == status
    if status == 200:
        (item,) = response.get_json()["items"]
        assert item["recipients"] == 1 and item["read_count"] == 0


def test_audiences_reach_their_people(world, api):
    board = _post(api, world.manager, world.a.id, audience="board").get_json()
    everyone = _post(api, world.manager, world.a.id, audience="all").get_json()
    assert board["recipients"] == 2 and everyone["recipients"] == 3
    owner = api(world.owner)
    assert owner.get(f"/api/v1/associations/{world.a.id}/notices/{board['id']}").status_code == 404
    assert (
        owner.get(f"/api/v1/associations/{world.a.id}/notices/{everyone['id']}").status_code == 200
    )
    assert owner.post(f"/api/v1/notices/{board['id']}/read").status_code == 404
    board_api = api(world.board)
    assert board_api.post(f"/api/v1/notices/{board['id']}/read").status_code == 200


def test_chosen_units_reach_only_their_owners(world, app, api):
    unit_id, neighbour_id = _owner_of_new_unit(app, world, "Ned Neighbour", "14C")
    notice = _post(api, world.manager, world.a.id, audience="units", unit_ids=[unit_id]).get_json()
    assert notice["recipients"] == 1 and notice["unit_ids"] == [unit_id]
    with app.app_context():
        assert db.session.scalars(select(Delivery.user_id)).all() == [neighbour_id]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"audience": "tenants"}, "audience"),
        ({"delivery": "pigeon"}, "delivery"),
        ({"publish_at": "next tuesday"}, "publish_at"),
        ({"publish_at": "2027-03-04T09:00:00"}, "publish_at"),
        ({"audience": "units"}, "unit_ids"),
        ({"audience": "units", "unit_ids": ["x"]}, "unit_ids"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"body": "x" * (100 * 1024 + 1)}, "body"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_changes_nothing(world, api, app, body, field):
    response = _post(api, world.manager, world.a.id, **body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]
    with app.app_context():
        assert db.session.scalars(select(Notice)).all() == []


def test_units_of_another_association_are_refused(world, api, app):
    response = _post(api, world.manager, world.a.id, audience="units", unit_ids=[world.b_unit.id])
    assert response.status_code == 422
    assert str(world.b_unit.id) in response.get_json()["errors"]["unit_ids"][0]


def test_a_body_of_exactly_100_kb_is_accepted(world, api):
    assert _post(api, world.manager, world.a.id, body="x" * (100 * 1024)).status_code == 201


def test_a_publish_at_in_the_past_publishes_now(world, api):
    past = (datetime.now(UTC) - timedelta(days=2)).isoformat()
    data = _post(api, world.manager, world.a.id, publish_at=past).get_json()
    assert data["status"] == "published" and data["recipients"] == 1


def test_a_scheduled_notice_publishes_when_its_time_comes(world, api, app):
    clock.freeze(datetime(2027, 3, 1, 16, 0, tzinfo=UTC))
    data = _post(api, world.manager, world.a.id, publish_at="2027-03-01T09:30:00-08:00").get_json()
    assert data["status"] == "scheduled" and data["published_at"] is None
    assert data["recipients"] == 0
    owner = api(world.owner)
    assert owner.get("/api/v1/me/notices").get_json()["items"] == []
    assert owner.post(f"/api/v1/notices/{data['id']}/read").status_code == 404
    with app.app_context():
        assert jobs.run_due(app) == 0  # not yet due
        clock.freeze(datetime(2027, 3, 1, 17, 30, 5, tzinfo=UTC))
        assert jobs.run_due(app) == 1
        notice = db.session.get(Notice, data["id"])
        assert notice.status == "published"
        assert notice.published_at == datetime(2027, 3, 1, 17, 30, 5, tzinfo=UTC)
    (item,) = owner.get("/api/v1/me/notices").get_json()["items"]
    assert item["id"] == data["id"] and item["read"] is False


def test_individual_delivery_follows_each_preference(world, api, app):
    prefer(app, world.owner, delivery="both")
    prefer(app, world.board, delivery="email")
    data = _post(api, world.manager, world.a.id, audience="all", delivery="individual").get_json()
    response = api(world.board).get(f"/api/v1/notices/{data['id']}/deliveries")
    assert response.status_code == 200
    rows = {(d["user_id"], d["method"]): d for d in response.get_json()["items"]}
    assert set(rows) == {
        (world.owner.id, "portal"),
        (world.owner.id, "email"),
        (world.owner.id, "mail"),
        (world.board.id, "portal"),
        (world.board.id, "email"),
        (world.board2.id, "portal"),  # no choice and no address on the books: portal only
    }
    assert rows[(world.owner.id, "email")]["status"] == "sent"
    assert rows[(world.owner.id, "email")]["sent_at"]
    assert rows[(world.owner.id, "mail")]["status"] == "queued"
    assert rows[(world.owner.id, "mail")]["sent_at"] is None


def test_general_delivery_mails_only_those_who_asked(world, api, app):
    prefer(app, world.owner, delivery="mail", general_by_mail=False)
    data = _post(api, world.manager, world.a.id).get_json()
    methods = [
        d["method"]
        for d in api(world.manager)
        .get(f"/api/v1/notices/{data['id']}/deliveries")
        .get_json()["items"]
    ]
    assert methods == ["portal"]
    prefer(app, world.owner, general_by_mail=True)
    data = _post(api, world.manager, world.a.id).get_json()
    methods = sorted(
        d["method"]
        for d in api(world.manager)
        .get(f"/api/v1/notices/{data['id']}/deliveries")
        .get_json()["items"]
    )
    assert methods == ["mail", "portal"]


def test_the_email_is_multipart_personal_and_counts_as_read(world, api, app, client):
    prefer(app, world.owner, delivery="email")
    _unit_id, other_id = _owner_of_new_unit(app, world, "Oscar Other", "15", "oscar@example.com")
    with app.app_context():
        from app.auth.models import User

        other = db.session.get(User, other_id)
        db.session.expunge(other)
    prefer(app, other, delivery="email")
    data = _post(api, world.manager, world.a.id).get_json()
    (message,) = mail_to(app, world.owner.email)
    assert message.is_multipart()
    assert message.get_body(("plain",)).get_content().count("Pool opens **Saturday**") == 1
    html = message.get_body(("html",)).get_content()
    assert "<strong>Saturday</strong>" in html and "<script" not in html
    assert "/account/preferences" in message["List-Unsubscribe"]
    assert "oscar@example.com" not in message.as_string()
    assert message["To"] == world.owner.email
    link = next(
        line for line in message.get_body(("plain",)).get_content().splitlines() if "/r/" in line
    )
    path = "/r/" + link.split("/r/")[1].split()[0]
    response = client.get(path)  # not signed in: the read counts, then sign in to see it
    assert response.status_code == 302
    with app.app_context():
        (read,) = db.session.scalars(select(Read)).all()
        assert (read.user_id, read.via) == (world.owner.id, "link")
    assert client.get(path[:-3] + "abc").status_code == 404  # a forged link
    items = api(world.manager).get(f"/api/v1/notices/{data['id']}/deliveries").get_json()["items"]
    assert all(d["read_at"] for d in items if d["user_id"] == world.owner.id)
    assert not any(d["read_at"] for d in items if d["user_id"] == other_id)


def test_a_failed_email_shows_failed_with_its_error(world, api, app, monkeypatch):
    prefer(app, world.owner, delivery="email")
    from app.core import mail

    def refuse(message):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(mail, "transmit", refuse)
    data = _post(api, world.manager, world.a.id).get_json()
    with app.app_context():
        from app.core.jobs import Job

        for _attempt in range(6):
            row = db.session.scalars(select(Job).where(Job.name == "core.send_mail")).one()
            if row.status != "queued":
                break
            row.run_after = clock.now()
            db.session.commit()
            jobs.run_due(app)
    response = api(world.manager).get(
        f"/api/v1/notices/{data['id']}/deliveries?method=email&status=failed"
    )
    (item,) = response.get_json()["items"]
    assert item["status"] == "failed" and "mail server down" in item["error"]


def test_me_notices_and_read(world, api, app):
    data = _post(api, world.manager, world.a.id).get_json()
    owner = api(world.owner)
    (item,) = owner.get("/api/v1/me/notices").get_json()["items"]
    assert item["read"] is False and item["association_id"] == world.a.id
    assert owner.get("/api/v1/me/notices").get_json()["items"][0]["read"] is False  # listing
    assert owner.post(f"/api/v1/notices/{data['id']}/read").status_code == 200
    assert owner.post(f"/api/v1/notices/{data['id']}/read").status_code == 200  # once
    assert owner.get("/api/v1/me/notices").get_json()["items"][0]["read"] is True
    detail = api(world.manager).get(f"/api/v1/associations/{world.a.id}/notices/{data['id']}")
    assert detail.get_json()["read_count"] == 1
    for role in ("outsider", "nobody", "manager"):
        assert api(world.user(role)).post(f"/api/v1/notices/{data['id']}/read").status_code == 404
    assert api(world.outsider).get("/api/v1/me/notices").get_json()["items"] == []
    assert owner.post("/api/v1/notices/999999/read").status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [("manager", 200), ("board", 200), ("owner", 403), ("outsider", 404), ("nobody", 404)],
)
def test_who_sees_deliveries(world, api, role, status):
    data = _post(api, world.manager, world.a.id).get_json()
    assert (
        api(world.user(role)).get(f"/api/v1/notices/{data['id']}/deliveries").status_code == status
    )


@pytest.mark.parametrize(
    ("role", "status"), [("manager", 200), ("board", 200), ("owner", 200), ("outsider", 404)]
)
def test_who_reads_one_notice(world, api, role, status):
    data = _post(api, world.manager, world.a.id).get_json()
    url = f"/api/v1/associations/{world.a.id}/notices/{data['id']}"
    assert api(world.user(role)).get(url).status_code == status


def test_reminder_goes_to_unread_recipients_who_take_email(world, api, app):
    prefer(app, world.owner, delivery="email")
    data = _post(api, world.manager, world.a.id, audience="all").get_json()
    api(world.board).post(f"/api/v1/notices/{data['id']}/read")
    app.extensions["mail_outbox"] = []
    assert api(world.board).post(f"/api/v1/notices/{data['id']}/reminders").status_code == 403
    response = api(world.manager).post(f"/api/v1/notices/{data['id']}/reminders")
    assert response.get_json() == {"reminded": 1, "without_email": 1}
    (message,) = app.extensions["mail_outbox"]
    assert message["To"] == world.owner.email and message["Subject"].startswith("Reminder:")


def test_preferences(world, api, app):
    owner = api(world.owner)
    assert owner.get("/api/v1/me/preferences").get_json() == {
        "language": "en",
        "delivery": "mail",
        "general_by_mail": False,
        "secondary_address": "",
        "legal_representative": "",
        "confirmed_at": None,
    }
    response = owner.put(
        "/api/v1/me/preferences",
        json={"language": "es", "delivery": "both", "secondary_address": "PO Box 9"},
    )
    assert response.status_code == 200
    data = response.get_json()
    assert data["language"] == "es" and data["delivery"] == "both" and data["confirmed_at"]
    for body, field in (
        ({"language": "fr"}, "language"),
        ({"delivery": "fax"}, "delivery"),
        ({"general_by_mail": "sometimes"}, "general_by_mail"),
        ({"secondary_address": "x" * 501}, "secondary_address"),
    ):
        response = owner.put("/api/v1/me/preferences", json=body)
        assert response.status_code == 422 and field in response.get_json()["errors"], body
    assert owner.get("/api/v1/me/preferences").get_json()["delivery"] == "both"
    with app.app_context():
        from app.delivery.models import Preference

        assert db.session.get(Preference, world.owner.id).email_consent_at is not None


def test_mailing_batch_takes_printed_notices(world, api, app):
    prefer(app, world.owner, delivery="mail")
    data = _post(api, world.manager, world.a.id, delivery="individual").get_json()
    batch = api(world.manager).post(f"/api/v1/associations/{world.a.id}/letter-batches")
    assert batch.status_code == 202
    batch_id = batch.get_json()["id"]
    detail = api(world.manager).get(f"/api/v1/letter-batches/{batch_id}").get_json()
    assert detail["notice_count"] == 1 and detail["letter_count"] == 0
    assert detail["status"] == "done" and detail["pdf_url"]
    pdf = api(world.manager).get(detail["pdf_url"])
    from tests.pdfs import pdf_text

    text = pdf_text(pdf.data)
    pdf.close()
    assert "Pool opening" in text and "Olivia Owner" in text and "12 Oak Lane" in text
    confirm = api(world.manager).post(f"/api/v1/letter-batches/{batch_id}/confirm", json={})
    assert confirm.status_code == 200
    (mail_row,) = [
        d
        for d in api(world.manager)
        .get(f"/api/v1/notices/{data['id']}/deliveries?method=mail")
        .get_json()["items"]
    ]
    assert mail_row["status"] == "mailed" and mail_row["sent_at"]


def test_annual_request_once_a_year(world, api, app):
    response = api(world.manager).post(f"/api/v1/associations/{world.a.id}/annual-requests")
    assert response.status_code == 201
    notice_id = response.get_json()["notice_id"]
    again = api(world.manager).post(f"/api/v1/associations/{world.a.id}/annual-requests")
    assert again.status_code == 409 and "4041" in again.get_json()["detail"]
    assert (
        api(world.owner).post(f"/api/v1/associations/{world.a.id}/annual-requests").status_code
        == 403
    )
    notice = (
        api(world.owner).get(f"/api/v1/associations/{world.a.id}/notices/{notice_id}").get_json()
    )
    assert notice["delivery"] == "individual"
    assert "You do not have to give us an e-mail address" in notice["body_html"]


def test_the_list_counts_recipients_and_readers_for_the_whole_page_at_once(world, api, app):
    from tests.queries import counted_queries

    def listed():
        with counted_queries(app) as statements:
            response = api(world.manager).get(f"/api/v1/associations/{world.a.id}/notices")
        assert response.status_code == 200
        return response.json["items"], len(statements)

    for number in range(2):
        assert _post(api, world.manager, world.a.id, title=f"Notice {number}").status_code == 201
    few_items, few = listed()
    for number in range(2, 8):
        assert _post(api, world.manager, world.a.id, title=f"Notice {number}").status_code == 201
    many_items, many = listed()
    assert (len(few_items), len(many_items)) == (2, 8)
    assert many == few
    # the counts themselves: every notice reached the association's owners, none read yet
    assert {(item["recipients"], item["read_count"]) for item in many_items} == {
        (few_items[0]["recipients"], 0)
    }
    assert few_items[0]["recipients"] > 0
