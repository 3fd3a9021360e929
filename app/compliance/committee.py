"""The Florida fining committee as a venue of the approval engine (Florida Statutes
720.305(2)(b)): the members with role ``committee`` confirm or reject a fine by their
majority, voting online from the hearing's date. Registered on import (``app.models``)."""

from __future__ import annotations

from flask_babel import gettext as _

from app.approvals import venues
from app.compliance.fines import committee_ids
from app.compliance.hearings import hearing_day
from app.compliance.models import Fine
from app.compliance.profiles import profile_of
from app.compliance.services import today
from app.core import formatting
from app.extensions import db


class CommitteeVenue(venues.Venue):
    """Fines confirmed by the fining committee at the hearing."""

    name = venues.COMMITTEE

    def online_vote_refusal(self, request, rule) -> str | None:
        """The committee votes online from the hearing's date; before it, a 409."""
        fine = db.session.get(Fine, request.subject_id) if request.subject_type == "fine" else None
        if fine is None or fine.violation.hearing is None:
            return _("%(rule)s The committee decides at the hearing.", rule=rule.rule)
        violation = fine.violation
        day = hearing_day(violation)
        if today(violation.association) < day:
            return _(
                "%(rule)s The committee decides at the hearing: its members vote from its "
                "date. It becomes possible on %(date)s.",
                rule=profile_of(violation.association.compliance_profile).fining_committee_rule
                or rule.rule,
                date=formatting.long_date(day),
            )
        return None

    def eligible_ids(self, association_id: int) -> set[int]:
        """The association's members with role committee."""
        return committee_ids(association_id)


venues.register_venue(CommitteeVenue())
