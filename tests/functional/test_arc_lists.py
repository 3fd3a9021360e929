"""Lists of architectural requests: the statements a page runs do not grow with its rows
(each denied request's time to appeal, TX 209.00505(d)(2), read for the whole page)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from app.core import clock
from app.extensions import db
from tests import factories as f
from tests.conftest import login
from tests.queries import counted_queries


def _denied(app, world, count: int, start: int = 0) -> list[int]:
    """Add ``count`` denied requests in Texas association B, each on a unit of its own with
    an owner, a decision letter and that letter's mailed paper copy; return their ids."""
    from app.arc.models import ArcFile, ArcLetter, ArcMessage, ArcRequest
    from app.delivery.models import Delivery

    now = clock.now()
    ids = []
    with app.app_context():
        from app.associations.models import Association

        b = db.session.get(Association, world.b.id)
        for n in range(start, start + count):
            unit = f.UnitFactory(association=b, label=f"D{n:03d}", street_address=f"{n} Mesa Way")
            owner = f.UserFactory(name=f"Owner {n}")
            f.MembershipFactory(user=owner, association=b, role="owner", unit=unit)
            request = ArcRequest(
                association_id=world.b.id,
                unit=unit,
                title=f"Fence {n}",
                description="A cedar fence.",
                status="denied",
                decision="denied",
                reasons="Cedar fences are not allowed.",
                submitted_at=now,
                submitted_on=now.date(),
                decide_by=now.date() + timedelta(days=45),
                decided_at=now,
            )
            request.files.append(
                ArcFile(
                    filename="plan.pdf",
                    stored_name=f"stored-{n}-{world.b.id}",
                    content_type="application/pdf",
                    size=4,
                    sha256="0" * 64,
                    uploaded_at=now,
                )
            )
            request.messages.append(ArcMessage(message="Which cedar?", created_at=now))
            pdf = b"%PDF-1.4 letter"
            request.letters.append(
                ArcLetter(
                    association_id=world.b.id,
                    kind="decision",
                    issued_on=now.date(),
                    issued_at=now,
                    certified=True,
                    pdf=pdf,
                    sha256=hashlib.sha256(pdf).hexdigest(),
                )
            )
            db.session.add(request)
            db.session.flush()
            db.session.add(
                Delivery(
                    association_id=world.b.id,
                    subject_type="arc_letter",
                    subject_id=request.letters[0].id,
                    user_id=owner.id,
                    method="mail",
                    status="mailed",
                    sent_at=now - timedelta(days=n % 5),
                    created_at=now,
                )
            )
            ids.append(request.id)
        db.session.commit()
    return ids


def test_api_list_statements_do_not_grow_with_denied_requests(app, world, api):
    url = f"/api/v1/associations/{world.b.id}/arc-requests?per_page=50"
    caller = api(world.outsider)  # association B's manager
    _denied(app, world, 2)
    caller.get(url)
    with counted_queries(app) as few:
        body = caller.get(url).get_json()
    assert len(body["items"]) == 2
    assert all(item["appeal_by"] for item in body["items"]), body
    _denied(app, world, 8, start=2)
    with counted_queries(app) as many:
        body = caller.get(url).get_json()
    assert len(body["items"]) == 10
    # Each denial's last day to appeal is 30 days after its own letter was mailed.
    today = clock.today(world.b.time_zone)
    for item in body["items"]:
        n = int(item["title"].split()[-1])
        mailed_on = today - timedelta(days=n % 5)
        assert item["appeal_by"] == (mailed_on + timedelta(days=30)).isoformat(), item
        assert item["files"][0]["filename"] == "plan.pdf"
        assert item["messages"][0]["message"] == "Which cedar?"
        assert item["letter_id"] is not None
    assert len(many) == len(few), many


def test_list_page_statements_do_not_grow_with_requests(app, client, world):
    url = f"/associations/{world.b.id}/arc/?per_page=50"
    _denied(app, world, 2)
    login(client, world.outsider)
    client.get(url)
    with counted_queries(app) as few:
        page = client.get(url)
    assert page.status_code == 200 and "D001" in page.get_data(as_text=True)
    _denied(app, world, 8, start=2)
    with counted_queries(app) as many:
        page = client.get(url)
    assert page.status_code == 200 and "D009" in page.get_data(as_text=True)
    assert len(many) == len(few), many


@pytest.mark.parametrize("role", ["owner", "manager"])
def test_request_page_reads_the_appeal_window_once(app, client, world, role):
    """The page shows the appeal form's note from the one window it read."""
    (rid,) = _denied(app, world, 1)
    with app.app_context():
        from app.auth.models import Membership, User

        owner = db.session.scalar(
            db.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.association_id == world.b.id, Membership.role == "owner")
        )
        db.session.expunge(owner)
    login(client, owner if role == "owner" else world.outsider)
    with counted_queries(app) as statements:
        page = client.get(f"/associations/{world.b.id}/arc/{rid}")
    assert page.status_code == 200
    mailed = [s for s in statements if "deliveries" in s and "min(" in s.lower()]
    assert len(mailed) == 1, mailed
    if role == "owner":
        assert "You may ask for a hearing until" in page.get_data(as_text=True)
