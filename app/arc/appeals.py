"""Appeals of a denial: the owner asks the board to reconsider, within the time the law
gives (TX Property Code 209.00505(d)(2): on or before the 30th day after the notice of the
denial was mailed), and the board's answer comes in its own letter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.arc import policies
from app.arc.models import ArcAppeal, ArcLetter, ArcRequest, ArcStatus, Decision
from app.arc.profiles import arc_profile
from app.arc.services import MESSAGE_MAX, clean_text, today
from app.auth.models import User
from app.core import audit, clock
from app.core.errors import Conflict, NotAllowed, ValidationError
from app.delivery.models import Delivery, Status
from app.extensions import db


@dataclass(frozen=True)
class Window:
    """How long a denied owner may appeal: ``last_day`` None while the time has not begun
    (the notice is not mailed yet) or where the law sets no time."""

    days: int | None
    mailed_on: date | None
    last_day: date | None
    rule: str

    def closed(self, day: date) -> bool:
        return self.last_day is not None and day > self.last_day


def _denial_letter(request: ArcRequest) -> ArcLetter | None:
    denials = [le for le in request.letters if le.kind == "decision"]
    return denials[-1] if denials else None


def window(request: ArcRequest) -> Window:
    """Return the time the owner has to appeal the denial of ``request``."""
    association = request.association
    profile = arc_profile(association.compliance_profile)
    if profile.appeal_days is None:
        return Window(None, None, None, "")
    letter = _denial_letter(request)
    mailed_at = None
    if letter is not None and letter.id is not None:
        mailed_at = db.session.execute(
            select(func.min(Delivery.sent_at)).where(
                Delivery.subject_type == "arc_letter",
                Delivery.subject_id == letter.id,
                Delivery.status == Status.MAILED,
            )
        ).scalar_one_or_none()
    if mailed_at is None:
        return Window(profile.appeal_days, None, None, profile.appeal_rule)
    mailed_on = mailed_at.astimezone(clock.zone(association.time_zone)).date()
    return Window(
        profile.appeal_days,
        mailed_on,
        mailed_on + timedelta(days=profile.appeal_days),
        profile.appeal_rule,
    )


def appeal(request: ArcRequest, *, message, actor: User) -> ArcAppeal:
    """A denied owner asks the board to reconsider: a board request under the venue rules."""
    from app.approvals import services as approvals

    if not policies.owns(actor, request):
        raise NotAllowed(_("Only the unit's owners appeal."))
    if request.status != ArcStatus.DENIED:
        raise Conflict(
            _("Only a denied request can be appealed; this one is %(s)s.", s=request.status)
        )
    if request.appeal is not None:
        raise Conflict(_("This denial was appealed already."))
    time = window(request)
    if time.closed(today(request.association)):
        raise Conflict(
            _(
                "%(rule)s The notice of the denial was mailed on %(mailed)s, so the last day "
                "to ask for a hearing was %(last)s.",
                rule=time.rule,
                mailed=time.mailed_on.isoformat(),
                last=time.last_day.isoformat(),
            )
        )
    errors: dict[str, list[str]] = {}
    text = clean_text(errors, "message", message, MESSAGE_MAX, required=True)
    if errors:
        raise ValidationError(errors)
    row = ArcAppeal(request=request, user_id=actor.id, message=text, created_at=clock.now())
    db.session.add(row)
    request.status = ArcStatus.APPEALED.value
    db.session.flush()
    approval = approvals.open_request("arc_appeal", row, actor=actor)
    audit.record(
        "arc.appealed",
        actor=actor,
        association_id=request.association_id,
        subject_type="arc_request",
        subject_id=request.id,
        summary=_("The owner appealed the denial of “%(title)s”", title=request.title),
        data={"approval_id": approval.id},
    )
    return row


def can_appeal(user: User | None, request: ArcRequest) -> bool:
    """The unit's owner appeals a denial, once, while the law's time for it runs."""
    return policies.can_appeal(user, request) and not window(request).closed(
        today(request.association)
    )


def appeal_decided(row: ArcAppeal, *, granted: bool) -> None:
    """The board granted the appeal (the request is approved) or upheld the denial."""
    from app.arc import letters

    request = row.request
    row.status = "granted" if granted else "refused"
    row.decided_at = clock.now()
    request.status = ArcStatus.APPROVED.value if granted else ArcStatus.DENIED.value
    if granted:
        request.decision = Decision.APPROVED.value
    db.session.flush()
    letters.issue(request, "appeal")
