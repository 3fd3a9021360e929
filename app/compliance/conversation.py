"""The conversation on a violation: the owner's answers (a message, cure photos, a request
for a hearing) and the management office's replies, each side told of the other's."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth import policies
from app.auth.models import Membership, User
from app.compliance.models import OwnerResponse, Violation, ViolationStatus
from app.compliance.services import record, store_photos
from app.core import clock, i18n
from app.core.errors import InvalidTransition, NotAllowed, ValidationError
from app.core.outbox import queue_mail
from app.delivery import services as delivery
from app.extensions import db


def add_response(
    violation: Violation,
    *,
    user: User,
    message: str,
    request_hearing: bool,
    photos: list[bytes] = (),
) -> OwnerResponse:
    """Record an owner's answer: a message, cure photos, or a request for a hearing."""
    if violation.unit_id not in policies.owned_unit_ids(user, violation.association_id):
        raise NotAllowed(_("Only the unit's owners answer this violation."))
    if violation.status == ViolationStatus.CLOSED:
        raise InvalidTransition(_("This violation is closed; there is nothing to answer."))
    if request_hearing and not hearing_request_offered(violation):
        raise ValidationError(
            "request_hearing",
            _(
                "The hearing was held or the board has decided on a fine; write to the "
                "office instead."
            ),
        )
    message = (message or "").strip()
    if not message and not photos and not request_hearing:
        raise ValidationError("message", _("Write a message, attach a photo or ask for a hearing."))
    if len(message) > 4000:
        raise ValidationError("message", _("Keep the message under 4,000 characters."))
    response = OwnerResponse(
        user_id=user.id,
        message=message,
        request_hearing=bool(request_hearing),
        created_at=clock.now(),
    )
    violation.responses.append(response)
    db.session.flush()
    store_photos(photos, association_id=violation.association_id, response_id=response.id)
    db.session.expire(response, ["photos"])
    record(
        violation,
        "violation.response",
        _(
            "Answered%(hearing)s: %(message)s",
            hearing=_(" and asked for a hearing") if request_hearing else "",
            message=message[:200],
        ),
        actor=user,
        data={
            "response_id": response.id,
            "request_hearing": request_hearing,
            "photos": len(photos),
        },
    )
    for email, language in db.session.execute(
        select(User.email, User.language)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.association_id == violation.association_id, Membership.role == "manager")
    ):
        with i18n.in_language(language):  # each manager reads it in their own language
            queue_mail(
                email,
                _("Owner response on violation V-%(id)d", id=violation.id),
                _(
                    "%(name)s answered about %(code)s at %(address)s:\n\n%(message)s",
                    name=user.name,
                    code=violation.rule.code,
                    address=violation.unit.street_address,
                    message=message,
                ),
                association_id=violation.association_id,
                topic="compliance.response",
                topic_id=response.id,
            )
    return response


def hearing_request_offered(violation: Violation) -> bool:
    """An owner may ask for a hearing until it is held or a fine is decided."""
    from app.compliance.models import FineStatus

    if violation.status in (ViolationStatus.FINED, ViolationStatus.CURED, ViolationStatus.CLOSED):
        return False
    decided = (FineStatus.APPROVED, FineStatus.REJECTED, FineStatus.PAID, FineStatus.WAIVED)
    if any(f.status in decided for f in violation.fines):
        return False
    return violation.hearing is None or not violation.hearing.held


def hearing_requested_on(violation: Violation) -> date | None:
    """Return the date the owner first asked for a hearing, if they did."""
    for response in violation.responses:
        if response.request_hearing:
            return (
                clock.as_utc(response.created_at)
                .astimezone(clock.zone(violation.association.time_zone))
                .date()
            )
    return None


REPLY_SUBJECT = "violation_reply"
MESSAGE_MAX = 4000


def _reply_url(response_id: int) -> str:
    from flask import url_for

    reply = db.session.get(OwnerResponse, response_id)
    violation = reply.violation
    return url_for("portal.violation", aid=violation.association_id, violation_id=violation.id)


delivery.register(
    delivery.SubjectKind(
        REPLY_SUBJECT,
        title=lambda response_id: _("A reply from the management office"),
        open_url=_reply_url,
    )
)


def reply(violation: Violation, *, message: str, actor: User) -> OwnerResponse:
    """The office answers the owner on the violation: in the portal at once, and by e-mail
    to each owner with an address (it says a reply waits in the portal)."""
    if violation.status == ViolationStatus.CLOSED:
        raise InvalidTransition(_("This violation is closed; reopen it to write to the owner."))
    message = (message or "").strip()
    if not message:
        raise ValidationError("message", _("Write the reply."))
    if len(message) > MESSAGE_MAX:
        raise ValidationError(
            "message", _("Keep the message under %(n)s characters.", n=f"{MESSAGE_MAX:,}")
        )
    response = OwnerResponse(
        user_id=actor.id,
        message=message,
        request_hearing=False,
        from_office=True,
        created_at=clock.now(),
    )
    violation.responses.append(response)
    db.session.flush()
    owners = [m.user_id for m in violation.unit.memberships if m.role == "owner"]
    delivery.deliver(
        REPLY_SUBJECT,
        response.id,
        association_id=violation.association_id,
        to=delivery.recipients(owners),
        general=False,
        email=None,
        mailable=lambda recipient: False,  # a reply is read in the portal, not printed
    )
    association = violation.association
    for owner in delivery.recipients(owners):
        if not owner.email:
            continue
        with i18n.in_language(owner.language):
            _mail_reply(owner, violation, association, message, response)
    record(
        violation,
        "violation.reply",
        _("Replied to the owner: %(message)s", message=message[:200]),
        actor=actor,
        data={"response_id": response.id},
    )
    return response


def _mail_reply(owner, violation: Violation, association, message: str, response) -> None:
    """The e-mail saying a reply waits in the portal (rendered in the owner's language)."""
    queue_mail(
        owner.email,
        _(
            "A reply about %(address)s from %(association)s",
            address=violation.unit.street_address,
            association=association.name,
        ),
        _(
            "Dear %(name)s,\n\nThe management office replied to you about %(rule)s at "
            "%(address)s:\n\n%(message)s\n\nYou can answer in the owner portal.\n\n"
            "%(association)s",
            name=owner.name,
            rule=violation.rule.title,
            address=violation.unit.street_address,
            message=message,
            association=association.name,
        ),
        association_id=violation.association_id,
        topic="compliance.reply",
        topic_id=response.id,
    )


def mark_replies_read(violation: Violation, user: User) -> None:
    """The owner opened the violation: the office's replies on it are read."""
    for response in violation.responses:
        if response.from_office:
            delivery.mark_read(
                REPLY_SUBJECT,
                response.id,
                user.id,
                association_id=violation.association_id,
                via="portal",
            )


def unanswered_condition():
    """SQL: the violation's latest message is an owner's (the office has not answered).

    Read from the messages (far fewer than violations): the ids of the violations whose
    latest message is an owner's, which the database then finds by primary key, instead of
    looking for messages under each of a big association's violations."""
    from sqlalchemy import and_, exists, select
    from sqlalchemy.orm import aliased

    later = aliased(OwnerResponse)
    waiting = select(OwnerResponse.violation_id).where(
        OwnerResponse.from_office.is_(False),
        ~exists().where(
            later.violation_id == OwnerResponse.violation_id, later.id > OwnerResponse.id
        ),
    )
    return Violation.id.in_(waiting) & and_(Violation.status != ViolationStatus.CLOSED)
