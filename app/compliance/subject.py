"""Fines as subjects of the approval engine."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from app.approvals.subjects import SubjectKind, register
from app.auth import policies
from app.auth.models import Membership
from app.compliance.models import Fine, FineStatus, ViolationStatus
from app.core import clock, formatting
from app.extensions import db


class FineSubject(SubjectKind):
    """Imposing a fine: the board decides after the hearing; the unit's owners are recused."""

    kind = "fine"
    label = "Fine"

    def load(self, subject_id: int) -> Fine | None:
        """Return the fine."""
        return db.session.get(Fine, subject_id)

    def association_id(self, subject: Fine) -> int:
        """Return the violation's association."""
        return subject.violation.association_id

    def title(self, subject: Fine) -> str:
        """Return e.g. "Fine of $100.00: ARC-1 at unit 12B"."""
        violation = subject.violation
        return _(
            "Fine of %(amount)s: %(code)s at unit %(label)s",
            amount=formatting.money(subject.amount),
            code=violation.rule.code,
            label=violation.unit.label,
        )

    def recused_user_ids(self, subject: Fine) -> set[int]:
        """A board member who owns the fined unit does not vote on it."""
        return set(
            db.session.scalars(
                db.select(Membership.user_id).where(
                    Membership.unit_id == subject.violation.unit_id, Membership.role == "owner"
                )
            )
        )

    def concerns(self, user, subject: Fine) -> bool:
        """The fined unit's owners see the decision."""
        return subject.violation.unit_id in policies.owned_unit_ids(
            user, subject.violation.association_id
        )

    def summary(self, subject: Fine) -> list[tuple[str, str]]:
        """What the board needs in front of it."""
        violation = subject.violation
        rows = [
            (_("Amount"), formatting.money(subject.amount)),
            (_("Rule"), f"{violation.rule.code} — {violation.rule.title}"),
            (_("Unit"), f"{violation.unit.label}, {violation.unit.street_address}"),
            (_("Reason"), subject.reason),
            (_("Cure deadline"), formatting.long_date(violation.cure_by)),
        ]
        if violation.hearing:
            rows.append(
                (
                    _("Hearing"),
                    formatting.long_datetime(
                        violation.hearing.scheduled_at, violation.association.time_zone
                    ),
                )
            )
        if subject.health_safety_finding:
            rows.append((_("Health or safety finding"), _("yes")))
        return rows

    evidence_template = "compliance/_fine_evidence.html"

    def evidence(self, subject: Fine) -> dict:
        """What the board weighs: the findings with their photos, the letters sent, the
        hearing, and the conversation with the owner (their photos included)."""
        from app.compliance.letters import KIND_TITLES

        violation = subject.violation
        aid = violation.association_id
        tz = violation.association.time_zone

        def photo_ids(photos):
            return [p.id for p in photos]

        hearing = violation.hearing
        return {
            "association_id": aid,
            "findings": [
                {
                    "on": formatting.long_date(f.observed_on),
                    "notes": f.notes,
                    "reinspection": f.reinspection,
                    "photos": photo_ids(f.photos),
                }
                for f in violation.findings
            ],
            "letters": [
                {
                    "title": str(KIND_TITLES[le.kind]),
                    "on": formatting.long_date(le.issued_on),
                    "mailed": bool(le.mailed_at),
                    "id": le.id,
                }
                for le in violation.live_letters
            ],
            "hearing": {
                "when": formatting.long_datetime(hearing.scheduled_at, tz),
                "where": hearing.location,
                "held": hearing.held,
                "notes": hearing.notes,
            }
            if hearing
            else None,
            "messages": [
                {
                    "who": _("Management office") if r.from_office else r.user.name,
                    "from_office": r.from_office,
                    "when": formatting.long_datetime(r.created_at, tz),
                    "text": r.message,
                    "hearing_requested": r.request_hearing,
                    "photos": photo_ids(r.photos),
                }
                for r in violation.responses
            ],
        }

    def url(self, subject: Fine) -> str:
        """Return the violation's page."""
        return url_for(
            "compliance.violation",
            aid=subject.violation.association_id,
            violation_id=subject.violation_id,
        )

    def briefs(self, subject_ids: list[int]) -> dict[int, list[str]]:
        """Each fine's amount and, where there is one, its hearing's date."""
        from sqlalchemy.orm import selectinload

        from app.compliance.models import Violation

        fines = db.session.scalars(
            db.select(Fine)
            .where(Fine.id.in_(subject_ids))
            .options(
                selectinload(Fine.violation).selectinload(Violation.hearing),
                selectinload(Fine.violation).selectinload(Violation.association),
            )
        )
        result = {}
        for fine in fines:
            facts = [formatting.money(fine.amount)]
            hearing = fine.violation.hearing
            if hearing is not None:
                facts.append(
                    _(
                        "hearing %(date)s",
                        date=formatting.long_date(
                            hearing.scheduled_at, fine.violation.association.time_zone
                        ),
                    )
                )
            result[fine.id] = facts
        return result

    def on_submit(self, subject: Fine, request) -> None:
        """Link the fine to its request."""
        subject.approval_id = request.id

    def on_approved(self, subject: Fine, request) -> None:
        """The fine stands; the violation is fined."""
        subject.status = FineStatus.APPROVED.value
        subject.decided_at = clock.now()
        subject.violation.status = ViolationStatus.FINED.value

    def on_rejected(self, subject: Fine, request) -> None:
        """No fine."""
        subject.status = FineStatus.REJECTED.value
        subject.decided_at = clock.now()

    def on_withdrawn(self, subject: Fine, request) -> None:
        """The fine is dropped before a decision."""
        subject.status = FineStatus.WITHDRAWN.value
        subject.decided_at = clock.now()


register(FineSubject())
