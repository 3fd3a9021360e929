"""Demo architectural requests: one being reviewed with a question from the office, one
near its deadline, one before the reviewing body, one approved with conditions and one
denied and appealed, each with its plans or photos and its decision letter."""

from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from app.approvals import services as approvals
from app.approvals import venues
from app.approvals.models import ApprovalRequest
from app.arc import appeals, decisions, services
from app.associations import memberships
from app.associations.models import Association, Membership
from app.auth.models import User
from app.core import clock
from app.extensions import db

REQUESTS = [
    # (days ago, title, description, what happens)
    (
        9,
        "Solar panels on the south roof",
        "Twelve black-framed panels flush with the roof, no conduit on the front elevation.",
        "question",
    ),
    (
        41,
        "Replace the front fence",
        "A 4-foot cedar picket fence along the front lot line, stained natural.",
        "open",
    ),
    (
        16,
        "Paint the house Sage Green",
        "Body Sage Green (SW 6178), trim Pure White, front door Naval.",
        "before the body",
    ),
    (
        30,
        "Backyard pergola",
        "A 12 by 14 foot cedar pergola behind the house, 9 feet high.",
        "approved with conditions",
    ),
    (
        25,
        "Metal carport in the driveway",
        "A steel carport over the driveway, 10 by 20 feet.",
        "denied and appealed",
    ),
]


def _plan(title: str) -> bytes:
    image = Image.new("RGB", (480, 320), (235, 240, 232))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 60, 440, 280), outline=(60, 90, 60), width=4)
    draw.text((50, 20), title, fill=(30, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def load_arc_demo(manager: User, board) -> None:
    """Architectural requests in the first two associations; the first has a committee."""
    associations = list(db.session.scalars(select(Association).order_by(Association.id)))[:2]
    for index, association in enumerate(associations):
        owners = db.session.execute(
            select(User, Membership.unit_id)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.association_id == association.id, Membership.role == "owner")
            .order_by(Membership.unit_id, User.id)
        ).all()
        board_ids = set(
            db.session.scalars(
                select(Membership.user_id).where(
                    Membership.association_id == association.id, Membership.role == "board"
                )
            )
        )
        askers = [(u, unit) for u, unit in owners if u.id not in board_ids]
        if index == 0:
            reviewer = askers[-1][0]
            memberships.add_membership(association, user=reviewer, role="arc", actor=manager)
            askers = askers[:-1]
        seen_units: set[int] = set()
        picked = []
        for user, unit_id in askers[3::7]:
            if unit_id not in seen_units:
                seen_units.add(unit_id)
                picked.append((user, unit_id))
        for (owner, unit_id), (days_ago, title, description, fate) in zip(
            picked, REQUESTS, strict=False
        ):
            _one(association, owner, unit_id, days_ago, title, description, fate, manager, board)


def _one(association, owner, unit_id, days_ago, title, description, fate, manager, board):
    now = clock.now()
    clock.freeze(now - timedelta(days=days_ago))
    try:
        request = services.submit_request(
            association,
            unit_id=unit_id,
            title=title,
            description=description,
            files=[(f"{title.lower().replace(' ', '-')}.png", _plan(title))],
            actor=owner,
        )
        if fate == "question":
            services.add_message(
                request,
                message="Could you send the panel model's data sheet and a photo of the roof?",
                actor=manager,
            )
    finally:
        clock.freeze(now)
        clock.unfreeze()
    if fate in ("question", "open"):
        return
    decision = {
        "before the body": ("approved", "", ""),
        "approved with conditions": (
            "approved_with_conditions",
            "",
            "Stain to match the house trim; no higher than 9 feet; built within 6 months.",
        ),
        "denied and appealed": (
            "denied",
            "The guidelines (section 4.2) do not allow metal carports in front of the garage line.",
            "",
        ),
    }[fate]
    approval = decisions.propose_decision(
        request, decision=decision[0], reasons=decision[1], conditions=decision[2], actor=manager
    )
    if fate == "before the body":
        return
    _approve(db.session.get(ApprovalRequest, approval.id), board)
    if fate == "denied and appealed":
        appeals.appeal(
            request,
            message="A carport keeps hail off the car; I would paint it to match the house.",
            actor=owner,
        )


def _approve(request: ApprovalRequest, board) -> None:
    """Online: the deciders vote until the request is decided; at a meeting: the board."""
    if venues.venue_of(request) != venues.ONLINE:
        board.approve(request)
        return
    for voter_id in request.eligible_voter_ids:
        if request.status != "pending":
            break
        approvals.cast_vote(request.id, voter=db.session.get(User, voter_id), choice="approve")
