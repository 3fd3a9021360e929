"""Architectural requests for tests that need one decided through the API."""

from __future__ import annotations


def approved_request(api, world, title: str = "Pergola") -> dict:
    """The owner asks, the manager proposes approval, both directors approve; return the
    request as the owner reads it (with its letter)."""
    rid = (
        api(world.owner)
        .post(
            f"/api/v1/associations/{world.a.id}/arc-requests",
            json={"unit_id": world.owner_unit.id, "title": title, "description": "Cedar."},
        )
        .get_json()["id"]
    )
    approval_id = (
        api(world.manager)
        .post(f"/api/v1/arc-requests/{rid}/decision", json={"decision": "approved"})
        .get_json()["approval_id"]
    )
    for voter in (world.board, world.board2):
        api(voter).post(f"/api/v1/approvals/{approval_id}/votes", json={"choice": "approve"})
    return api(world.owner).get(f"/api/v1/arc-requests/{rid}").get_json()
