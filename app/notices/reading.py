"""Reading notices: who may read one, recording a read, the notices a person received and
those unread, the list managers see, and reminders to those who have not read it."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select

from app.associations.models import Association
from app.auth.models import User
from app.core import clock, i18n, outbox
from app.core.errors import Conflict, NotFound
from app.delivery import services as delivery
from app.delivery.links import LinkMaker
from app.delivery.models import Method
from app.extensions import db
from app.notices.models import Notice, NoticeStatus
from app.notices.publication import SUBJECT
from app.notices.writing import _record


def can_read(user: User, notice: Notice) -> bool:
    """Tell whether the user is a recipient of a published notice."""
    return notice.status == NoticeStatus.PUBLISHED and delivery.is_recipient(
        SUBJECT, notice.id, user.id
    )


def read_notice(notice: Notice, user: User, *, via: str = "portal") -> bool:
    """Record that a recipient read the notice; NotFound for anyone else."""
    if not can_read(user, notice):
        raise NotFound(_("No such notice."))
    return delivery.mark_read(
        SUBJECT, notice.id, user.id, association_id=notice.association_id, via=via
    )


def my_notices_query(user: User, association_id: int | None = None):
    """Return a query of the published notices the user received, newest first."""
    from app.delivery.models import Delivery

    received = select(Delivery.subject_id).where(
        Delivery.subject_type == SUBJECT,
        Delivery.user_id == user.id,
        Delivery.method == Method.PORTAL,
    )
    statement = select(Notice).where(
        Notice.id.in_(received), Notice.status == NoticeStatus.PUBLISHED
    )
    if association_id is not None:
        statement = statement.where(Notice.association_id == association_id)
    return statement


def unread_for(user: User, association_id: int, limit: int = 10) -> list[Notice]:
    """Return the user's unread notices in an association, newest first."""
    from app.delivery.models import Read

    read = select(Read.subject_id).where(Read.subject_type == SUBJECT, Read.user_id == user.id)
    return list(
        db.session.scalars(
            my_notices_query(user, association_id)
            .where(Notice.id.not_in(read))
            .order_by(Notice.published_at.desc(), Notice.id.desc())
            .limit(limit)
        )
    )


def remind_unread(notice: Notice, *, actor: User) -> dict[str, int]:
    """E-mail a reminder to the recipients who have not read the notice and take e-mail;
    return how many were reminded and how many have no e-mail to remind them by."""
    if notice.status != NoticeStatus.PUBLISHED:
        raise Conflict(_("A scheduled notice has no readers to remind yet."))
    unread = delivery.unread_recipients(SUBJECT, notice.id)
    people = delivery.recipients(unread)
    association = db.session.get(Association, notice.association_id)
    links = LinkMaker()
    emails = []
    no_email = 0
    for person in people:
        if "email" not in delivery.methods_for(person, general=True):
            no_email += 1
            continue
        with i18n.in_language(person.language):
            emails.append(_reminder_email(notice, person, association, links))
    outbox.queue_many(emails)
    notice.reminded_at = clock.now()
    _record(
        notice,
        "notice.reminded",
        _(
            "Reminded %(n)d recipients who had not read “%(title)s”",
            n=len(emails),
            title=notice.title,
        ),
        actor=actor,
        data={"reminded": len(emails), "without_email": no_email},
    )
    return {"reminded": len(emails), "without_email": no_email}


def _reminder_email(notice: Notice, person, association: Association, links) -> dict:
    """Return one reminder e-mail, in the language being rendered; the notice's text in the
    person's language where it has one."""
    text = notice.text(person.language)
    values = {
        "name": person.name,
        "title": text.title,
        "association": association.name,
        "link": links.read_link(SUBJECT, notice.id, person.user_id),
        "preferences": links.preferences,
    }
    return {
        "to": person.email,
        "subject": _("Reminder: %(title)s", title=text.title),
        "body": render_template("email/notices/reminder.txt", **values),
        "html": render_template("email/notices/reminder.html", **values),
        "headers": links.unsubscribe_header(),
        "association_id": association.id,
        "topic": "notices.reminder",
        "topic_id": notice.id,
    }


def notice_list_query(association_id: int):
    """Return the association's notices for managers and the board."""
    return select(Notice).where(Notice.association_id == association_id)
