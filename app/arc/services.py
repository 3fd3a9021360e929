"""The architectural review workflow: settings, submit with files, converse, withdraw.

Deciding a request is in ``decisions``, appealing a decision in ``appeals``.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.arc import policies
from app.arc.models import (
    ArcFile,
    ArcMessage,
    ArcRequest,
    ArcSettings,
    ArcStatus,
    status_words,
)
from app.associations.models import Association, Unit
from app.auth.models import User
from app.core import audit, clock, storage
from app.core.errors import Conflict, NotAllowed, NotFound, ValidationError
from app.core.inputs import is_db_id, too_long
from app.core.uploads import JPEG, PDF, PNG, accept, check_size
from app.extensions import db

TITLE_MAX, TEXT_MAX, MESSAGE_MAX = 200, 10_000, 4_000
MAX_FILES = 10


def today(association: Association) -> date:
    """Return today's date in the association's time zone."""
    return clock.today(association.time_zone)


def settings_of(association_id: int) -> ArcSettings:
    """Return the association's review settings (the defaults when it set none)."""
    row = db.session.get(ArcSettings, association_id)
    return row or ArcSettings(association_id=association_id, review_days=45, deemed_approved=False)


def set_settings(
    association: Association, *, review_days=None, deemed_approved=None, actor: User
) -> ArcSettings:
    """Record the association's review period (1–365 days) and its deemed-approval rule."""
    row = db.session.get(ArcSettings, association.id)
    if row is None:
        row = ArcSettings(association_id=association.id, review_days=45, deemed_approved=False)
        db.session.add(row)
    if review_days is not None:
        if isinstance(review_days, str) and review_days.strip().isdigit():
            review_days = int(review_days)
        if (
            not isinstance(review_days, int)
            or isinstance(review_days, bool)
            or not 1 <= review_days <= 365
        ):
            raise ValidationError("arc_review_days", _("Enter a number of days from 1 to 365."))
        row.review_days = review_days
    if deemed_approved is not None:
        if not isinstance(deemed_approved, bool):
            raise ValidationError("arc_deemed_approved", _("Send true or false."))
        row.deemed_approved = deemed_approved
    db.session.flush()
    audit.record(
        "arc.settings",
        actor=actor,
        association_id=association.id,
        subject_type="association",
        subject_id=association.id,
        summary=_(
            "Set the architectural review period to %(days)d days (deemed approved when not "
            "decided in time: %(deemed)s)",
            days=row.review_days,
            deemed=_("yes") if row.deemed_approved else _("no"),
        ),
        data={"review_days": row.review_days, "deemed_approved": row.deemed_approved},
    )
    return row


def clean_text(errors: dict, field: str, value, maximum: int, *, required: bool) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        errors[field] = [_("Send text.")]
    elif required and not text:
        errors[field] = [_("This field is required.")]
    elif too_long(text, maximum):
        errors[field] = [too_long(text, maximum)]
    return text


def submit_request(
    association: Association,
    *,
    unit_id,
    title,
    description,
    files: list[tuple[str, bytes]] = (),
    actor: User,
) -> ArcRequest:
    """Record an owner's request for their unit with its plans and photos."""
    errors: dict[str, list[str]] = {}
    if isinstance(unit_id, str) and unit_id.strip().isdigit():
        unit_id = int(unit_id.strip())
    unit = db.session.get(Unit, int(unit_id)) if is_db_id(unit_id) else None
    if unit is None or unit.association_id != association.id:
        errors["unit_id"] = [_("Choose a unit of this association.")]
    elif not policies.can_submit(actor, association.id, unit.id):
        raise NotAllowed(_("Owners ask for their own units only."))
    title = clean_text(errors, "title", title, TITLE_MAX, required=True)
    description = clean_text(errors, "description", description, TEXT_MAX, required=True)
    if len(files) > MAX_FILES:
        errors["files"] = [_("Send at most %(n)d files.", n=MAX_FILES)]
    if errors:
        raise ValidationError(errors)
    now = clock.now()
    submitted_on = today(association)
    days = settings_of(association.id).review_days
    request = ArcRequest(
        association_id=association.id,
        unit_id=unit.id,
        title=title,
        description=description,
        status=ArcStatus.SUBMITTED.value,
        submitted_by_id=actor.id,
        submitted_at=now,
        submitted_on=submitted_on,
        decide_by=submitted_on + timedelta(days=days),
    )
    db.session.add(request)
    db.session.flush()
    for filename, data in files:
        add_file(request, filename, data, actor=actor)
    audit.record(
        "arc.submitted",
        actor=actor,
        association_id=association.id,
        subject_type="arc_request",
        subject_id=request.id,
        summary=_(
            "Architectural request “%(title)s” for unit %(unit)s", title=title, unit=unit.label
        ),
        data={"unit_id": unit.id, "decide_by": request.decide_by.isoformat()},
    )
    return request


def add_file(request: ArcRequest, filename: str, data: bytes, *, actor: User) -> ArcFile:
    """Check a plan or photo by its content (PDF, JPEG, PNG) and store it."""
    from flask import current_app

    check_size(data, current_app.config.get("MAX_DOCUMENT_BYTES", 25 * 1024 * 1024), _("A file"))
    kind = accept(data, (PDF, JPEG, PNG), what=_("A plan or photo"))
    stored = storage.save_document(data) if kind == PDF else storage.save_photo(data)
    row = ArcFile(
        request_id=request.id,
        filename=(filename or "file")[-200:],
        stored_name=stored.stored_name,
        content_type=kind,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by_id=actor.id,
        uploaded_at=clock.now(),
    )
    request.files.append(row)
    db.session.flush()
    return row


def file_bytes(row: ArcFile) -> bytes:
    """Return a stored plan or photo."""
    if row.content_type == PDF:
        return storage.document_path(row.stored_name).read_bytes()
    return storage.read_photo(row.stored_name)


def get_visible(user: User, request_id: int) -> ArcRequest:
    """Return a request the user may see; 404 otherwise."""
    request = db.session.get(ArcRequest, request_id) if is_db_id(request_id) else None
    if request is None or not policies.can_view(user, request):
        raise NotFound(_("No such architectural request."))
    return request


def visible_query(user: User, association_id: int):
    """Return the requests the user may list: all for staff, their units' for owners."""
    from app.auth import policies as auth_policies

    statement = select(ArcRequest).where(ArcRequest.association_id == association_id)
    if not policies.can_see_all(user, association_id):
        owned = auth_policies.owned_unit_ids(user, association_id)
        statement = statement.where(ArcRequest.unit_id.in_(owned or {-1}))
    return statement


def add_message(request: ArcRequest, *, message, actor: User) -> ArcMessage:
    """Add the office's question or the owner's answer to the conversation."""
    office = policies.can_review(actor, request.association_id)
    if not office and not policies.owns(actor, request):
        raise NotAllowed(_("Only the office, the committee and the unit's owners write here."))
    if request.status != ArcStatus.SUBMITTED:
        raise Conflict(_("This request is decided; the conversation is closed."))
    errors: dict[str, list[str]] = {}
    text = clean_text(errors, "message", message, MESSAGE_MAX, required=True)
    if errors:
        raise ValidationError(errors)
    row = ArcMessage(
        request=request,
        user_id=actor.id,
        from_office=office and not policies.owns(actor, request),
        message=text,
        created_at=clock.now(),
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "arc.message",
        actor=actor,
        association_id=request.association_id,
        subject_type="arc_request",
        subject_id=request.id,
        summary=_("Message on “%(title)s”", title=request.title),
        data={"message_id": row.id, "from_office": row.from_office},
    )
    if row.from_office:
        _tell_owners(
            request, _("A question about your request “%(title)s”", title=request.title), text
        )
    return row


def _tell_owners(request: ArcRequest, subject: str, body: str) -> None:
    from app.core.outbox import queue_mail

    for membership in request.unit.memberships:
        if membership.role == "owner" and membership.user and membership.user.active:
            queue_mail(
                membership.user.email,
                subject,
                body,
                association_id=request.association_id,
                topic="arc",
            )


def withdraw(request: ArcRequest, *, actor: User) -> ArcRequest:
    """Take an undecided request back (the owner or the manager)."""
    from app.auth import policies as auth_policies

    # The owner or the manager (api.md): the committee that reviews it does not take an
    # owner's request back.
    manager = auth_policies.is_manager(actor, request.association_id)
    if not (policies.owns(actor, request) or manager):
        raise NotAllowed(_("Only the unit's owners or the manager withdraw a request."))
    if request.status != ArcStatus.SUBMITTED:
        raise Conflict(
            _(
                "Only an undecided request can be withdrawn; this one is %(s)s.",
                s=status_words(request.status),
            )
        )
    if request.proposed is not None:
        raise Conflict(
            _(
                "A decision on this request is before its reviewing body (approval %(id)d); "
                "the manager withdraws that first.",
                id=request.approval_id or 0,
            )
        )
    request.status = ArcStatus.WITHDRAWN.value
    request.withdrawn_at = clock.now()
    db.session.flush()
    audit.record(
        "arc.withdrawn",
        actor=actor,
        association_id=request.association_id,
        subject_type="arc_request",
        subject_id=request.id,
        summary=_("Withdrew the architectural request “%(title)s”", title=request.title),
    )
    return request
