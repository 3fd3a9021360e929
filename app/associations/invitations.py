"""Adding people to an association without learning about anyone else (D1).

A manager gives a role directly only to people they already see with their e-mail address
(``policies.can_add_directly``: people in an association where they are manager or board;
admins: anyone). Everyone else — an existing person outside those associations, a user id
that matches nobody, a new address — gets an *invitation*, and the answer is the same in
every case: the invitation's id, echoing only what was sent. A job then looks the person up:
a new address gets an account and a single-use link, valid ``INVITATION_DAYS``, to choose a
password and accept; an existing person gets a link to accept; an id that matches nobody gets
nothing. No role exists until the person accepts.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app.associations import memberships
from app.associations.models import Association, Invitation
from app.auth import policies
from app.auth.models import Membership, User, office_words
from app.auth.passwords import hash_password
from app.auth.services import (
    create_user,
    find_user_by_email,
    normalize_email,
    person_errors,
    validate_password,
)
from app.core import audit, clock, formatting, i18n, jobs
from app.core.errors import Conflict, NotAllowed, NotFound, ValidationError
from app.core.links import base_url, external_url
from app.core.outbox import queue_mail
from app.extensions import db

TOPIC = "associations.invitation"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _role_words(role: str, unit_label: str | None, office: str | None) -> str:
    if role == "owner":
        return _("owner of unit %(label)s", label=unit_label or "")
    if role == "board":
        return _("a board member (%(office)s)", office=office_words(office))
    if role == "committee":
        return _("a member of the fining committee")
    if role == "arc":
        return _("a member of the architectural committee")
    return _("a manager")


def add_member(
    association: Association,
    *,
    actor: User,
    role: str,
    unit_id: int | None = None,
    office: str | None = None,
    user_id: int | None = None,
    email: str | None = None,
    name: str | None = None,
) -> Membership | Invitation:
    """Give the role directly to someone the actor knows, else invite (see the module)."""
    unit, office = memberships.check_role(association, role, unit_id, office)
    email = normalize_email(email) if email not in (None, "") else None
    if (user_id is None) == (email is None):
        raise ValidationError("user_id", _("Give either user_id or email."))
    person = None
    if email is not None:
        name = (name or "").strip()
        errors = person_errors(name, email)
        if "name" in errors and not name:
            errors["name"] = [_("Enter the person's name (used if they have no account yet).")]
        if errors:
            raise ValidationError(errors)
        person = find_user_by_email(email)
    else:
        person = db.session.get(User, user_id)
    if person is not None and policies.can_add_directly(actor, person):
        return memberships.add_membership(
            association,
            user=person,
            role=role,
            unit_id=unit.id if unit else None,
            office=office,
            actor=actor,
        )
    return _invite(
        association,
        actor=actor,
        role=role,
        unit=unit,
        office=office,
        sent_user_id=user_id,
        sent_email=email,
        sent_name=name if email else None,
    )


def _invite(
    association: Association,
    *,
    actor: User,
    role: str,
    unit,
    office: str | None,
    sent_user_id: int | None,
    sent_email: str | None,
    sent_name: str | None,
) -> Invitation:
    # The same rows and the same job whoever the person is (or whether they exist at all):
    # the lookup happens in the job, so neither the answer nor its timing tells.
    now = clock.now()
    invitation = Invitation(
        association_id=association.id,
        invited_by_id=actor.id,
        sent_user_id=sent_user_id,
        sent_email=sent_email,
        sent_name=sent_name,
        role=role,
        unit_id=unit.id if unit else None,
        office=office,
        new_account=False,
        created_at=now,
        expires_at=now + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record(
        "invitation.created",
        actor=actor,
        association_id=association.id,
        subject_type="invitation",
        subject_id=invitation.id,
        summary=_(
            "Invited %(to)s to be %(role)s",
            to=invitation.sent_to(),
            role=_role_words(role, unit.label if unit else None, office),
        ),
        data={
            "sent_user_id": sent_user_id,
            "sent_email": sent_email,
            "role": role,
            "unit_id": invitation.unit_id,
            "office": office,
        },
    )
    jobs.enqueue("associations.send_invitation", invitation.id, base_url())
    return invitation


@jobs.job("associations.send_invitation", max_attempts=3)
def send_invitation(invitation_id: int, base: str) -> None:
    """Find whom an invitation reaches; give a new address its account; mail the link."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.token_hash is not None:
        return  # gone, or mailed already
    if invitation.sent_email:
        person = find_user_by_email(invitation.sent_email)
        if person is None:
            person = create_user(
                email=invitation.sent_email,
                name=invitation.sent_name or invitation.sent_email,
                password=None,
                actor=None,
            )
            invitation.new_account = True
    else:
        person = db.session.get(User, invitation.sent_user_id)
    if person is None or not person.active:
        return  # nobody to tell: the inviter is told the same as ever
    with i18n.in_language(person.language):
        _mail_invitation(invitation, person, base)


def _mail_invitation(invitation: Invitation, person: User, base: str) -> None:
    token = secrets.token_urlsafe(32)
    invitation.token_hash, invitation.user_id = _digest(token), person.id
    association = invitation.association
    link = external_url(base, "associations.invitation", token=token)
    role = _role_words(
        invitation.role, invitation.unit.label if invitation.unit else None, invitation.office
    )
    intro = (
        _(
            "An account has been made for you so that you can join %(association)s as %(role)s. "
            "Choose your password and accept here:",
            association=association.name,
            role=role,
        )
        if invitation.new_account
        else _(
            "You are invited to join %(association)s as %(role)s. Accept or decline here:",
            association=association.name,
            role=role,
        )
    )
    body = "\n\n".join(
        [
            _("Hello %(name)s,", name=person.name),
            intro,
            link,
            _(
                "The link works once and expires on %(date)s. If you do not expect this "
                "invitation, ignore this message: nothing changes until you accept.",
                date=formatting.long_date(invitation.expires_at, association.time_zone),
            ),
        ]
    )
    # No association on the message: its managers must not see whom an invitation reached.
    queue_mail(
        person.email,
        _("Invitation to %(association)s", association=association.name),
        body,
        topic=TOPIC,
        topic_id=invitation.id,
        sensitive=True,
    )


def invitation_for(token: str) -> Invitation:
    """Return the open invitation a link is for, or raise (not valid, answered, expired)."""
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == _digest(token))
    )
    if invitation is None or invitation.user_id is None:
        raise NotFound(_("This invitation link is not valid."))
    if invitation.accepted_at is not None or invitation.declined_at is not None:
        raise Conflict(_("This invitation has been answered already."))
    if clock.as_utc(invitation.expires_at) <= clock.now():
        raise Conflict(
            _(
                "This invitation expired on %(date)s. Ask the association's manager for a new one.",
                date=formatting.long_date(invitation.expires_at, invitation.association.time_zone),
            )
        )
    return invitation


def accept(
    token: str, *, user: User | None, password: str | None = None, language: str | None = None
) -> Membership:
    """Accept an invitation: as the signed-in person it was for, or, for an account the
    invitation created, by choosing its password (and keeping ``language``, the one its
    page was read in, as the new account's own). The role begins now."""
    invitation = invitation_for(token)
    person = db.session.get(User, invitation.user_id)
    if user is None:
        if not invitation.new_account or password is None:
            raise NotAllowed(_("Sign in to accept this invitation."))
        validate_password(password)
        person.password_hash = hash_password(password)
        if language:
            person.language = language
    elif user.id != person.id:
        raise NotAllowed(
            _("This invitation is for another account. Sign out and follow the link again.")
        )
    association = invitation.association
    try:
        membership = memberships.add_membership(
            association,
            user=person,
            role=invitation.role,
            unit_id=invitation.unit_id,
            office=invitation.office,
            actor=person,
        )
    except Conflict:  # the role was given meanwhile: accepting changes nothing more
        membership = db.session.scalar(
            select(Membership).where(
                Membership.user_id == person.id,
                Membership.association_id == association.id,
                Membership.role == invitation.role,
            )
        )
    invitation.accepted_at, invitation.membership_id = clock.now(), membership.id
    audit.record(
        "invitation.accepted",
        actor=person,
        association_id=association.id,
        subject_type="invitation",
        subject_id=invitation.id,
        summary=_("%(name)s accepted the invitation", name=person.name),
    )
    return membership


def decline(token: str) -> None:
    """Decline an invitation; it can no longer be accepted."""
    invitation = invitation_for(token)
    invitation.declined_at = clock.now()


def pending_for(association: Association) -> list[Invitation]:
    """Return the invitations not accepted yet and not expired, newest first.

    A declined one stays listed until it expires: the inviter learns from the list only
    what they sent, never whether the person exists or answered no.
    """
    return list(
        db.session.scalars(
            select(Invitation)
            .where(
                Invitation.association_id == association.id,
                Invitation.accepted_at.is_(None),
                Invitation.expires_at > clock.now(),
            )
            .order_by(Invitation.id.desc())
        )
    )
