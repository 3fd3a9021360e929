"""Every API list answers byte for byte what marshmallow's dump of the same rows gives
(app/api/dumping.py: the lists' precompiled dumper), for every role and another
association's members, with the same totals and pages (issue 14)."""

from __future__ import annotations

from datetime import UTC, datetime

import marshmallow as ma
import pytest

from app.api import dumping
from app.core import clock
from tests.functional.test_api_compliance import violation  # noqa: F401 - fixture

ROLES = ["admin", "manager", "board", "owner", "outsider", "nobody"]


def _marshmallow(monkeypatch) -> None:
    """Dump every response with marshmallow itself, as before the precompiled dumper."""
    monkeypatch.setattr(
        dumping.FastDumpSchema,
        "dump",
        lambda self, obj, *, many=None: ma.Schema.dump(self, obj, many=many),
    )
    monkeypatch.setattr(
        dumping, "dump", lambda schema, obj, *, many=None: ma.Schema.dump(schema, obj, many=many)
    )


def _both(monkeypatch, get) -> tuple:
    """Return (fast response, marshmallow response) of one request."""
    fast = get()
    with monkeypatch.context() as patch:
        _marshmallow(patch)
        slow = get()
    return fast, slow


def _list_routes(app) -> list[str]:
    """The URL rules of every GET operation whose 200 response is a list envelope."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or "GET" not in rule.methods:
            continue
        view = app.view_functions[rule.endpoint]
        method = getattr(getattr(view, "view_class", None), "get", None)
        responses = getattr(method, "_apidoc", {}).get("response", {}).get("responses", {})
        for doc in responses.get(200, []):
            schema = doc.get("schema")
            schema = schema if isinstance(schema, type) else type(schema)
            if isinstance(schema, type) and issubclass(schema, dumping.FastDumpSchema):
                found.append(rule.rule)
    return sorted(found)


def test_every_list_envelope_is_dumped_by_the_precompiled_dumper(app):
    routes = _list_routes(app)
    assert "/api/v1/associations/<int:aid>/violations" in routes
    assert "/api/v1/associations/<int:aid>/units" in routes
    assert len(routes) >= 20, routes


def test_every_list_matches_marshmallow_on_the_demo_data(app, client, monkeypatch):
    """The demo's two associations (void letters, replies, hearings, fines, notices, vendors,
    meetings …) through every list, as each of the demo's people and with a second page."""
    from app.associations.models import Association
    from app.demo import DEMO_PASSWORD, load_demo
    from app.extensions import db
    from app.notices.models import Notice
    from app.vendors.models import Vendor

    with app.app_context():
        app.config["MAIL_BACKEND"] = "memory"
        logins = load_demo()
        db.session.commit()
        ids = {
            "aid": [a.id for a in db.session.scalars(db.select(Association))],
            "notice_id": [n.id for n in db.session.scalars(db.select(Notice))],
            "vendor_id": [v.id for v in db.session.scalars(db.select(Vendor))][:3],
        }
    tokens = {}
    for who, email in logins:
        response = client.post(
            "/api/v1/auth/token", json={"email": email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 201, (who, response.get_json())
        tokens[who] = {"Authorization": f"Bearer {response.get_json()['token']}"}
    seen = {"ok": 0, "refused": 0, "rows": 0}
    for rule in _list_routes(app):
        params = [p for p in ids if f"<int:{p}>" in rule]
        values = ids[params[0]] if params else [None]
        for value in values:
            path = rule.replace(f"<int:{params[0]}>", str(value)) if params else rule
            for who, headers in tokens.items():
                for query in ("", "?per_page=2&page=2"):
                    fast, slow = _both(
                        monkeypatch,
                        lambda url=path + query, headers=headers: client.get(url, headers=headers),
                    )
                    assert fast.status_code == slow.status_code, (path, who)
                    assert fast.data == slow.data, (path + query, who)
                    assert fast.headers == slow.headers, (path + query, who)
                    if fast.status_code == 200:
                        seen["ok"] += 1
                        seen["rows"] += len(fast.get_json()["items"])
                    else:
                        seen["refused"] += 1
    assert seen["ok"] > 100 and seen["refused"] > 20 and seen["rows"] > 300, seen


def _full_violation(world, api, vid: int) -> None:
    """Give the violation every relation its list item shows: a voided courtesy letter, the
    violation, hearing and fine letters, the owner's response and the office's reply, a held
    hearing and an approved fine."""
    manager = api(world.manager)
    letters = f"/api/v1/violations/{vid}/letters"
    courtesy = manager.post(letters, json={"kind": "courtesy"}).get_json()
    voided = manager.post(f"/api/v1/letters/{courtesy['id']}/void", json={"reason": "Sent twice"})
    assert voided.status_code == 200, voided.get_json()
    assert manager.post(letters, json={"kind": "violation"}).status_code == 201
    response = api(world.owner).post(
        f"/api/v1/violations/{vid}/responses",
        json={"message": "Mowed it — ¿sí? Привет", "request_hearing": True},
    )
    assert response.status_code == 201
    reply = manager.post(f"/api/v1/violations/{vid}/replies", json={"message": "Thank you"})
    assert reply.status_code == 201, reply.get_json()
    hearing = manager.post(
        f"/api/v1/violations/{vid}/hearing",
        json={"scheduled_at": "2027-03-20T18:00:00-07:00", "location": "Clubhouse"},
    )
    assert hearing.status_code == 201, hearing.get_json()
    clock.freeze(datetime(2027, 3, 21, 3, 0, tzinfo=UTC))
    manager = api(world.manager)
    recorded = manager.post(
        f"/api/v1/violations/{vid}/hearing/record",
        json={"owner_attended": True, "summary": "The owner promised to mow."},
    )
    assert recorded.status_code == 200, recorded.get_json()
    fine = manager.post(f"/api/v1/violations/{vid}/fines", json={"amount": 75, "reason": "Lawn"})
    assert fine.status_code == 201, fine.get_json()
    for member in (world.board, world.board2):
        vote = api(member).post(
            f"/api/v1/approvals/{fine.get_json()['approval_id']}/votes", json={"choice": "approve"}
        )
        assert vote.status_code == 201
    assert manager.post(letters, json={"kind": "fine"}).status_code == 201


def test_the_violations_list_with_every_relation_equals_the_schema_dump(
    app,
    world,
    api,
    violation,  # noqa: F811
    monkeypatch,
):
    from flask import g

    from app.api.compliance_schemas import ViolationSchema
    from app.auth.models import User
    from app.compliance.models import Violation
    from app.extensions import db

    _full_violation(world, api, violation["id"])
    url = f"/api/v1/associations/{world.a.id}/violations"
    body = api(world.manager).get(url).get_json()
    item = body["items"][0]
    assert [le["void"] for le in item["letters"]] == [True, False, False, False]
    assert item["hearing"]["held"] is True and item["fines"][0]["status"] == "approved"
    assert [r["from_office"] for r in item["responses"]] == [False, True]
    assert body["total"] == 1 and body["total_exact"] is True and body["page"] == 1
    with app.test_request_context():
        g.api_user = db.session.get(User, world.manager.id)
        rows = db.session.scalars(db.select(Violation).order_by(Violation.id.desc())).all()
        assert body["items"] == ViolationSchema(many=True).dump(rows)
    for role in ROLES:
        client = api(world.user(role))
        fast, slow = _both(monkeypatch, lambda client=client: client.get(url))
        assert (fast.status_code, fast.data) == (slow.status_code, slow.data), role
        assert fast.status_code == {"owner": 403, "outsider": 404, "nobody": 404}.get(role, 200)
    # The owner's own list hides the voided letter, as the schema does.
    mine = api(world.owner).get("/api/v1/me/violations").get_json()
    assert [le["void"] for le in mine["items"][0]["letters"]] == [False, False, False]


@pytest.mark.parametrize("query", ["", "?per_page=1", "?per_page=1&page=2", "?q=12"])
def test_the_units_list_pages_and_totals_stay(world, api, monkeypatch, query):
    url = f"/api/v1/associations/{world.a.id}/units{query}"
    manager = api(world.manager)
    fast, slow = _both(monkeypatch, lambda: manager.get(url))
    assert fast.status_code == 200 and fast.data == slow.data
    body = fast.get_json()
    assert body["total"] >= 1 and body["total_exact"] is True
    for role in ROLES:
        client = api(world.user(role))
        fast, slow = _both(monkeypatch, lambda client=client: client.get(url))
        assert (fast.status_code, fast.data) == (slow.status_code, slow.data), role
