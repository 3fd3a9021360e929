"""The annual request (California Civil Code 4041): once a year the association asks every
owner for their preferred delivery method, a secondary address, a legal representative and
whether each home is owner-occupied, rented, vacant or undeveloped; it must say that giving
an e-mail address is optional (4041(b)(2)(A)) and give a simple way to change the method
(4041(b)(2)(B)). Answers go into the books at once (4041(b)(1) wants them there at least
30 days before the annual budget report of 5300)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.associations.models import Association, Unit
from app.auth import policies
from app.auth.models import User
from app.core import audit, clock
from app.core.errors import Conflict, NotFound, ValidationError
from app.delivery import services as delivery
from app.extensions import db
from app.notices import writing
from app.notices.models import AnnualAnswer, AnnualRequest

OCCUPANCY = {
    "owner_occupied": "Lived in by the owner",
    "rented": "Rented out",
    "vacant": "Built but vacant",
    "undeveloped": "Undeveloped land",
}
CITATION = "California Civil Code 4041"


def current_year(association: Association) -> int:
    """Return the calendar year now in the association's time zone."""
    return clock.today(association.time_zone).year


def request_of(association: Association, year: int | None = None) -> AnnualRequest | None:
    """Return the association's request for a year (this year by default)."""
    return db.session.scalar(
        select(AnnualRequest).where(
            AnnualRequest.association_id == association.id,
            AnnualRequest.year == (year or current_year(association)),
        )
    )


def _body(association: Association) -> str:
    from app.core.links import base_url, external_url

    link = external_url(base_url(), "notices.annual_answer", aid=association.id)
    return _(
        "Once a year we ask every owner how the association should send you notices "
        "(%(citation)s). Please answer for %(year)d:\n\n"
        "- **How you want notices:** by mail, by e-mail, or both.\n"
        "- **A second address** for copies, if you want one (mail or e-mail).\n"
        "- **Someone to contact** if you are away for a long time (a legal representative "
        "or a person with power of attorney), if any.\n"
        "- **Each home:** lived in by you, rented out, built but vacant, or undeveloped "
        "land.\n\n"
        "**You do not have to give us an e-mail address.** If you give none, notices come "
        "by mail to your address on file.\n\n"
        "[Answer here](%(link)s). You can change how you receive notices at any time on "
        "your preferences page, or by writing to the management office.",
        citation=CITATION,
        year=current_year(association),
        link=link,
    )


def launch(association: Association, *, actor: User) -> AnnualRequest:
    """Send this year's request to every owner (once a year), as an individual notice."""
    year = current_year(association)
    if request_of(association, year) is not None:
        raise Conflict(
            _(
                "This year's request (%(citation)s) was already sent; the next one can go "
                "out from January 1, %(next)d.",
                citation=CITATION,
                next=year + 1,
            )
        )
    notice = writing.create_notice(
        association,
        title=_("How should we send you notices? (annual request, %(year)d)", year=year),
        body=_body(association),
        audience="owners",
        delivery_kind="individual",
        actor=actor,
    )
    request = AnnualRequest(
        association_id=association.id,
        year=year,
        notice_id=notice.id,
        launched_by_id=actor.id,
        launched_at=clock.now(),
    )
    db.session.add(request)
    db.session.flush()
    audit.record(
        "annual_request.launched",
        actor=actor,
        association_id=association.id,
        subject_type="annual_request",
        subject_id=request.id,
        summary=_("Sent the %(year)d annual request (%(citation)s)", year=year, citation=CITATION),
    )
    return request


def answered_count(request: AnnualRequest) -> int:
    """Return how many owners answered."""
    return (
        db.session.scalar(
            select(func.count(func.distinct(AnnualAnswer.user_id))).where(
                AnnualAnswer.request_id == request.id
            )
        )
        or 0
    )


def answers_of(request: AnnualRequest, user: User) -> dict[int, str]:
    """Return the owner's answers so far: unit id → occupancy."""
    return dict(
        db.session.execute(
            select(AnnualAnswer.unit_id, AnnualAnswer.occupancy).where(
                AnnualAnswer.request_id == request.id, AnnualAnswer.user_id == user.id
            )
        ).all()
    )


def owned_units(user: User, association: Association) -> list[Unit]:
    """Return the units the user owns in the association."""
    ids = policies.owned_unit_ids(user, association.id)
    return list(db.session.scalars(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.label)))


def answer(
    association: Association,
    user: User,
    *,
    delivery_choice: str,
    general_by_mail: bool,
    secondary_address: str,
    legal_representative: str,
    occupancy: dict[int, str],
) -> None:
    """Record an owner's answer: their preferences, and each home's occupancy."""
    request = request_of(association)
    units = owned_units(user, association)
    if request is None or not units:
        raise NotFound(_("There is no open request for you."))
    errors = {}
    for unit in units:
        if occupancy.get(unit.id) not in OCCUPANCY:
            errors[f"occupancy_{unit.id}"] = [
                _("Say how unit %(label)s is used.", label=unit.label)
            ]
    if errors:
        raise ValidationError(errors)
    delivery.set_preferences(
        user,
        delivery=delivery_choice,
        general_by_mail=general_by_mail,
        secondary_address=secondary_address,
        legal_representative=legal_representative,
        confirm=True,
    )
    existing = {
        a.unit_id: a
        for a in db.session.scalars(
            select(AnnualAnswer).where(
                AnnualAnswer.request_id == request.id, AnnualAnswer.user_id == user.id
            )
        )
    }
    now = clock.now()
    for unit in units:
        row = existing.get(unit.id) or AnnualAnswer(
            request_id=request.id, user_id=user.id, unit_id=unit.id
        )
        row.occupancy, row.answered_at = occupancy[unit.id], now
        db.session.add(row)
    db.session.flush()
    audit.record(
        "annual_request.answered",
        actor=user,
        association_id=association.id,
        subject_type="annual_request",
        subject_id=request.id,
        summary=_(
            "%(name)s answered the %(year)d annual request", name=user.name, year=request.year
        ),
        data={"occupancy": {str(k): v for k, v in occupancy.items()}},
    )
