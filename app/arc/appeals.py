"""Appeals of a denial: the owner asks the board to reconsider, within the time the law
gives (TX Property Code 209.00505(d)(2): on or before the 30th day after the notice of the
denial was mailed), and the board's answer comes in its own letter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.arc import policies
from app.arc.models import ArcAppeal, ArcLetter, ArcRequest, ArcStatus, Decision, status_words
from app.arc.profiles import arc_profile
from app.arc.services import MESSAGE_MAX, clean_text, today
from app.auth.models import User
from app.core import audit, clock, formatting
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


def windows(requests: Sequence[ArcRequest]) -> dict[int, Window]:
    """Return the time to appeal of each request, by request id, reading when the notices
    of the denials were mailed in one statement for them all (a list of requests runs the
    same statements for 2 rows as for 50)."""
    letters = {}
    for request in requests:
        if arc_profile(request.association.compliance_profile).appeal_days is None:
            continue  # no time set by the law: nothing to read
        letter = _denial_letter(request)
        if letter is not None and letter.id is not None:
            letters[request.id] = letter.id
    mailed: dict[int, datetime] = {}
    if letters:
        rows = db.session.execute(
            select(Delivery.subject_id, func.min(Delivery.sent_at))
            .where(
                Delivery.subject_type == "arc_letter",
                Delivery.subject_id.in_(set(letters.values())),
                Delivery.status == Status.MAILED,
            )
            .group_by(Delivery.subject_id)
        )
        mailed = {subject_id: sent_at for subject_id, sent_at in rows if sent_at is not None}
    found = {}
    for request in requests:
        mailed_at = mailed.get(letters.get(request.id))
        found[request.id] = _window(request.association, mailed_at)
    return found


def _window(association, mailed_at: datetime | None) -> Window:
    profile = arc_profile(association.compliance_profile)
    if profile.appeal_days is None:
        return Window(None, None, None, "")
    if mailed_at is None:
        return Window(profile.appeal_days, None, None, profile.appeal_rule)
    mailed_on = mailed_at.astimezone(clock.zone(association.time_zone)).date()
    return Window(
        profile.appeal_days,
        mailed_on,
        mailed_on + timedelta(days=profile.appeal_days),
        profile.appeal_rule,
    )


def window(request: ArcRequest) -> Window:
    """Return the time the owner has to appeal the denial of ``request``."""
    return windows([request])[request.id]


def appeal(request: ArcRequest, *, message, actor: User) -> ArcAppeal:
    """A denied owner asks the board to reconsider: a board request under the venue rules."""
    from app.approvals import services as approvals

    if not policies.owns(actor, request):
        raise NotAllowed(_("Only the unit's owners appeal."))
    if request.status != ArcStatus.DENIED:
        raise Conflict(
            _(
                "Only a denied request can be appealed; this one is %(s)s.",
                s=status_words(request.status),
            )
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
                mailed=formatting.long_date(time.mailed_on),
                last=formatting.long_date(time.last_day),
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


def can_appeal(user: User | None, request: ArcRequest, time: Window | None = None) -> bool:
    """The unit's owner appeals a denial, once, while the law's time for it runs (``time``:
    the request's window, when the caller read it already)."""
    if not policies.can_appeal(user, request):
        return False
    time = time if time is not None else window(request)
    return not time.closed(today(request.association))


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
