"""Architectural decisions and appeals as subjects of the approval engine."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.approvals.subjects import SubjectKind, register
from app.arc import policies
from app.arc.decisions import decision_words
from app.arc.models import ArcAppeal, ArcRequest
from app.auth import policies as auth_policies
from app.auth.models import Membership
from app.core import formatting
from app.extensions import db


def _owners(unit_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.unit_id == unit_id, Membership.role == "owner"
            )
        )
    )


def committee_ids(association_id: int) -> set[int]:
    """Return the association's architectural committee members."""
    return set(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.association_id == association_id, Membership.role == "arc"
            )
        )
    )


def _evidence(request: ArcRequest) -> dict:
    """The plans and photos and the conversation, as plain values (photos inlined for
    paper, a few at most, so the packet stays short)."""
    import base64

    from app.core import storage

    tz = request.association.time_zone
    photos = []
    for row in request.files:
        if row.content_type != "application/pdf" and len(photos) < 4:
            data = storage.read_photo_for_print(row.stored_name, 800)
            photos.append(f"data:image/jpeg;base64,{base64.b64encode(data).decode()}")
    return {
        "association_id": request.association_id,
        "request_id": request.id,
        "files": [
            {"id": f.id, "filename": f.filename, "content_type": f.content_type}
            for f in request.files
        ],
        "photos": photos,
        "messages": [
            {
                "who": _("Management office") if m.from_office else (m.user.name if m.user else ""),
                "from_office": m.from_office,
                "when": formatting.long_datetime(m.created_at, tz),
                "text": m.message,
            }
            for m in request.messages
        ],
    }


class ArcRequestSubject(SubjectKind):
    """A proposed decision on an architectural request: the committee decides it online
    where the association has one, else the board under the venue rules (contracts')."""

    kind = "arc_request"
    label = "Architectural request"

    def load(self, subject_id: int) -> ArcRequest | None:
        """Return the request."""
        return db.session.get(ArcRequest, subject_id)

    def title(self, subject: ArcRequest) -> str:
        """Return e.g. "Architectural request: Solar panels at unit 12B (denied)"."""
        return _(
            "Architectural request: %(title)s at unit %(unit)s (%(decision)s)",
            title=subject.title,
            unit=subject.unit.label,
            decision=decision_words(subject.proposed),
        )

    def voters(self, subject: ArcRequest) -> set[int] | None:
        """The architectural committee where there is one; else the board."""
        return committee_ids(subject.association_id) or None

    def may_submit(self, user, subject: ArcRequest) -> bool:
        """The manager or a committee member proposes."""
        return policies.can_review(user, subject.association_id)

    def may_vote(self, user, request) -> bool:
        """Board members, or committee members where the committee decides."""
        return auth_policies.is_board(user, request.association_id) or policies.is_arc_member(
            user, request.association_id
        )

    def recused_user_ids(self, subject: ArcRequest) -> set[int]:
        """Nobody decides on their own home."""
        return _owners(subject.unit_id)

    def concerns(self, user, subject: ArcRequest) -> bool:
        """The unit's owners see the outcome."""
        return policies.owns(user, subject)

    def summary(self, subject: ArcRequest) -> list[tuple[str, str]]:
        """The request and the proposed decision."""
        rows = [
            (_("Unit"), f"{subject.unit.label}, {subject.unit.street_address}"),
            (_("Request"), subject.title),
            (_("Description"), subject.description),
            (_("Decide by"), formatting.long_date(subject.decide_by)),
            (_("Proposed decision"), decision_words(subject.proposed)),
            (_("Files"), ", ".join(f.filename for f in subject.files) or _("none")),
        ]
        if subject.proposed_reasons:
            rows.append((_("Reasons"), subject.proposed_reasons))
        if subject.proposed_conditions:
            rows.append((_("Conditions"), subject.proposed_conditions))
        return rows

    evidence_template = "arc/_evidence.html"
    packet_template = "packets/evidence/arc.html"

    def evidence(self, subject: ArcRequest) -> dict:
        """The plans, photos and conversation the deciders weigh."""
        return _evidence(subject)

    def url(self, subject: ArcRequest) -> str:
        """Return the request's page."""
        return url_for("arc.request", aid=subject.association_id, request_id=subject.id)

    def briefs(self, subject_ids: list[int]) -> dict[int, list[str]]:
        """Each request's decide-by date."""
        rows = db.session.execute(
            select(ArcRequest.id, ArcRequest.decide_by).where(ArcRequest.id.in_(subject_ids))
        ).all()
        return {rid: [_("decide by %(date)s", date=formatting.long_date(day))] for rid, day in rows}

    def on_submit(self, subject: ArcRequest, request) -> None:
        """Link the request to its approval."""
        subject.approval_id = request.id

    def on_approved(self, subject: ArcRequest, request) -> None:
        """The proposed decision takes effect and its letter is issued."""
        from app.arc import decisions

        decisions.decide(subject, actor=None)

    def on_rejected(self, subject: ArcRequest, request) -> None:
        """The request stays undecided; the manager proposes again."""
        subject.proposed = None

    def on_withdrawn(self, subject: ArcRequest, request) -> None:
        """The proposal is dropped."""
        subject.proposed = None


class ArcAppealSubject(SubjectKind):
    """A denied owner's appeal: the board reconsiders under the venue rules (budgets')."""

    kind = "arc_appeal"
    label = "Architectural appeal"

    def load(self, subject_id: int) -> ArcAppeal | None:
        """Return the appeal."""
        return db.session.get(ArcAppeal, subject_id)

    def association_id(self, subject: ArcAppeal) -> int:
        """Return the request's association."""
        return subject.request.association_id

    def title(self, subject: ArcAppeal) -> str:
        """Return e.g. "Appeal: Solar panels at unit 12B"."""
        return _(
            "Appeal of an architectural denial: %(title)s at unit %(unit)s",
            title=subject.request.title,
            unit=subject.request.unit.label,
        )

    def may_submit(self, user, subject: ArcAppeal) -> bool:
        """The unit's owners appeal."""
        return policies.owns(user, subject.request)

    def recused_user_ids(self, subject: ArcAppeal) -> set[int]:
        """Nobody decides on their own home."""
        return _owners(subject.request.unit_id)

    def concerns(self, user, subject: ArcAppeal) -> bool:
        """The unit's owners see the outcome."""
        return policies.owns(user, subject.request)

    def summary(self, subject: ArcAppeal) -> list[tuple[str, str]]:
        """The denial and the owner's appeal."""
        request = subject.request
        return [
            (_("Unit"), f"{request.unit.label}, {request.unit.street_address}"),
            (_("Request"), request.title),
            (_("Description"), request.description),
            (_("Reasons for the denial"), request.reasons),
            (_("The owner's appeal"), subject.message),
            (_("Approve to grant the appeal"), _("the request is then approved")),
        ]

    evidence_template = "arc/_evidence.html"
    packet_template = "packets/evidence/arc.html"

    def evidence(self, subject: ArcAppeal) -> dict:
        """The request's plans, photos and conversation."""
        return _evidence(subject.request)

    def url(self, subject: ArcAppeal) -> str:
        """Return the request's page."""
        return url_for(
            "arc.request", aid=subject.request.association_id, request_id=subject.request_id
        )

    def on_submit(self, subject: ArcAppeal, request) -> None:
        """Link the appeal to its approval."""
        subject.approval_id = request.id

    def on_approved(self, subject: ArcAppeal, request) -> None:
        """The appeal is granted: the request is approved."""
        from app.arc import appeals

        appeals.appeal_decided(subject, granted=True)

    def on_rejected(self, subject: ArcAppeal, request) -> None:
        """The denial stands."""
        from app.arc import appeals

        appeals.appeal_decided(subject, granted=False)

    def on_withdrawn(self, subject: ArcAppeal, request) -> None:
        """The appeal is dropped: the denial stands, and the owner may appeal again."""
        subject.request.status = "denied"
        db.session.delete(subject)


register(ArcRequestSubject())
register(ArcAppealSubject())
