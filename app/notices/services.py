"""Writing, scheduling and publishing notices; reads and reminders.

Publication records one delivery per recipient and method through ``app.delivery``, in a
background job (a notice to 20,000 owners takes seconds, with its progress on the notice).
A notice due later is a job due later: the job runner's scheduler publishes it within a
minute of its time, without cron.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import case, func, select

from app.associations.models import Association, Unit
from app.auth.models import Membership, User
from app.core import audit, clock, formatting, i18n, jobs, outbox
from app.core.errors import Conflict, NotFound, ValidationError
from app.core.markdown import to_html
from app.core.parsing import as_id
from app.delivery import services as delivery
from app.delivery.links import LinkMaker
from app.delivery.models import LANGUAGES, Method
from app.extensions import db
from app.notices.models import (
    Audience,
    DeliveryKind,
    Notice,
    NoticeStatus,
    NoticeText,
    NoticeUnit,
)

SUBJECT = "notice"
BODY_MAX_BYTES = 100 * 1024  # a notice's Markdown body
TITLE_MAX = 200


def _record(notice: Notice, action: str, summary: str, *, actor: User | None, data=None) -> None:
    audit.record(
        action,
        actor=actor,
        association_id=notice.association_id,
        subject_type="notice",
        subject_id=notice.id,
        summary=summary,
        data=data,
    )


def check_body(body) -> str:
    """Return a notice body that is text of at most 100 KB; else raise naming ``body``."""
    if not isinstance(body, str) or not body.strip():
        raise ValidationError("body", _("Write the notice."))
    size = len(body.encode("utf-8"))
    if size > BODY_MAX_BYTES:
        raise ValidationError(
            "body",
            _(
                "A notice may be at most 100 KB of text (this one is %(kb)d KB). Put long "
                "documents in Documents and link to them.",
                kb=(size + 1023) // 1024,
            ),
        )
    return body


def _clean_units(association: Association, unit_ids) -> list[int]:
    if unit_ids is None:
        raise ValidationError("unit_ids", _("Choose the units whose owners receive it."))
    if not isinstance(unit_ids, list | tuple):
        raise ValidationError("unit_ids", _("Give a list of unit ids."))
    ids = []
    for value in unit_ids:
        unit_id = as_id(value) if not isinstance(value, str) or value.strip().isdigit() else None
        if unit_id is None:
            raise ValidationError("unit_ids", _("Unit ids are whole numbers."))
        ids.append(unit_id)
    ids = sorted(set(ids))
    if not ids:
        raise ValidationError("unit_ids", _("Choose the units whose owners receive it."))
    found = set(
        db.session.scalars(
            select(Unit.id).where(Unit.association_id == association.id, Unit.id.in_(ids))
        )
    )
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise ValidationError(
            "unit_ids",
            _(
                "These are not units of %(name)s: %(ids)s.",
                name=association.name,
                ids=", ".join(str(i) for i in unknown),
            ),
        )
    return ids


def check_notice(
    association: Association,
    *,
    title,
    body,
    audience,
    unit_ids=None,
    publish_at=None,
    delivery_kind=None,
    translations=None,
) -> dict:
    """Return a notice's cleaned values, or raise ValidationError naming every bad field."""
    errors: dict[str, list[str]] = {}
    versions = _check_translations(association, translations, errors)
    if audience not in {a.value for a in Audience}:
        errors["audience"] = [_("Choose owners, board, all or units.")]
    delivery_kind = delivery_kind or DeliveryKind.GENERAL.value
    if delivery_kind not in {d.value for d in DeliveryKind}:
        errors["delivery"] = [_("Choose general or individual.")]
    if publish_at is not None and (
        not isinstance(publish_at, datetime) or publish_at.tzinfo is None
    ):
        errors["publish_at"] = [
            _("Give a date and time with its offset, such as 2027-03-04T09:00:00-08:00.")
        ]
    title = title.strip() if isinstance(title, str) else ""
    if not title:
        errors["title"] = [_("Give the notice a title.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [
            _("Use at most %(max)d characters (this has %(n)d).", max=TITLE_MAX, n=len(title))
        ]
    try:
        body = check_body(body)
    except ValidationError as error:
        errors.update(error.errors)
    units: list[int] = []
    if audience == Audience.UNITS:
        try:
            units = _clean_units(association, unit_ids)
        except ValidationError as error:
            errors.update(error.errors)
    if errors:
        raise ValidationError(errors)
    later = publish_at is not None and clock.as_utc(publish_at) > clock.now()
    return {
        "title": title,
        "body": body,
        "translations": versions,
        "audience": audience,
        "unit_ids": units,
        "publish_at": clock.as_utc(publish_at) if later else None,
        "delivery_kind": delivery_kind,
    }


def _check_translations(association, translations, errors: dict) -> dict[str, tuple[str, str]]:
    """Return the versions in other languages, {language: (title, body)}, each checked like
    the notice's own text; a language left blank is no version. Errors go into ``errors``
    under ``translations.<language>.title`` / ``.body``."""
    if translations in (None, {}):
        return {}
    if not isinstance(translations, dict):
        errors["translations"] = [_("Give the versions as {language: {title, body}}.")]
        return {}
    own = getattr(association, "default_language", None) or "en"
    versions: dict[str, tuple[str, str]] = {}
    for language, version in translations.items():
        where = f"translations.{language}"
        if language not in LANGUAGES or language == own:
            errors[where] = [
                _(
                    "Give versions in %(languages)s only (the notice's own text is in %(own)s).",
                    languages=", ".join(code for code in LANGUAGES if code != own),
                    own=own,
                )
            ]
            continue
        if isinstance(version, tuple) and len(version) == 2:
            version = {"title": version[0], "body": version[1]}  # checked already
        if not isinstance(version, dict):
            errors[where] = [_("Give the version as {title, body}.")]
            continue
        title, body = version.get("title"), version.get("body")
        title = title.strip() if isinstance(title, str) else ""
        blank_body = not isinstance(body, str) or not body.strip()
        if not title and blank_body:
            continue
        if not title:
            errors[f"{where}.title"] = [_("Give this version a title.")]
        elif len(title) > TITLE_MAX:
            errors[f"{where}.title"] = [
                _("Use at most %(max)d characters (this has %(n)d).", max=TITLE_MAX, n=len(title))
            ]
        try:
            body = check_body(body)
        except ValidationError as error:
            errors[f"{where}.body"] = error.errors["body"]
        if f"{where}.title" not in errors and f"{where}.body" not in errors:
            versions[language] = (title, body)
    return versions


def recipient_languages(
    association: Association, ids: list[int], versions
) -> list[tuple[str, int, bool]]:
    """Return the recipients' languages, how many read each, and whether the notice has a
    version in it (else they receive the notice's own text): the manager sees what is missing."""
    from collections import Counter

    own = getattr(association, "default_language", None) or "en"
    counts = Counter(r.language for r in delivery.recipients(ids))
    return [
        (language, n, language == own or language in versions)
        for language, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def create_notice(
    association: Association,
    *,
    title,
    body,
    audience,
    unit_ids=None,
    publish_at=None,
    delivery_kind=None,
    translations=None,
    actor: User | None,
    meeting_id: int | None = None,
) -> Notice:
    """Write a notice, with versions in other languages if given: publish it now, or
    schedule it (a moment in the past is now)."""
    values = check_notice(
        association,
        title=title,
        body=body,
        audience=audience,
        unit_ids=unit_ids,
        publish_at=publish_at,
        delivery_kind=delivery_kind,
        translations=translations,
    )
    now = clock.now()
    later = values["publish_at"] is not None
    language = getattr(association, "default_language", None) or "en"
    notice = Notice(
        association_id=association.id,
        audience=values["audience"],
        delivery=values["delivery_kind"],
        status=NoticeStatus.SCHEDULED.value if later else NoticeStatus.PUBLISHED.value,
        publish_at=values["publish_at"],
        published_at=None if later else now,
        default_language=language,
        meeting_id=meeting_id,
        recipient_total=0,
        delivered_count=0,
        created_by_id=actor.id if actor else None,
        created_at=now,
    )
    notice.texts.append(
        NoticeText(
            language=language,
            title=values["title"],
            body=values["body"],
            body_html=to_html(values["body"]),
        )
    )
    for other, (other_title, other_body) in sorted(values["translations"].items()):
        notice.texts.append(
            NoticeText(
                language=other,
                title=other_title,
                body=other_body,
                body_html=to_html(other_body),
            )
        )
    for unit_id in values["unit_ids"]:
        notice.units.append(NoticeUnit(unit_id=unit_id))
    db.session.add(notice)
    db.session.flush()
    if later:
        jobs.enqueue_at("notices.publish", notice.publish_at, notice.id)
        summary = _(
            "Scheduled the notice “%(title)s” for %(when)s",
            title=values["title"],
            when=formatting.long_datetime(notice.publish_at, association.time_zone),
        )
    else:
        jobs.enqueue("notices.publish", notice.id)
        summary = _("Published the notice “%(title)s”", title=values["title"])
    _record(
        notice,
        "notice.scheduled" if later else "notice.published",
        summary,
        actor=actor,
        data={
            "audience": values["audience"],
            "delivery": values["delivery_kind"],
            "unit_ids": values["unit_ids"],
            "languages": [language, *sorted(values["translations"])],
        },
    )
    return notice


def revise_body(notice: Notice, body: str, *, actor: User | None) -> Notice:
    """Replace a notice's body in its own language (a meeting's agenda grew); recipients
    read the new text in the portal."""
    body = check_body(body)
    text = notice.text()
    if text.body == body:
        return notice
    text.body, text.body_html = body, to_html(body)
    db.session.flush()
    _record(
        notice,
        "notice.revised",
        _("Revised the notice “%(title)s”", title=text.title),
        actor=actor,
    )
    return notice


def get_notice(notice_id: int) -> Notice:
    """Return a notice or raise NotFound."""
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        raise NotFound(_("No such notice."))
    return notice


# --- publication ----------------------------------------------------------------------------


def recipient_ids(notice: Notice) -> list[int]:
    """Return the users who receive the notice now."""
    return audience_ids(notice.association_id, notice.audience, [u.unit_id for u in notice.units])


def audience_ids(association_id: int, audience: str, unit_ids: list[int]) -> list[int]:
    """Return the users an audience reaches now: owners and/or board members, or the owners
    of the chosen units."""
    roles = {
        Audience.OWNERS: ["owner"],
        Audience.BOARD: ["board"],
        Audience.ALL: ["owner", "board"],
        Audience.UNITS: ["owner"],
    }[Audience(audience)]
    statement = select(Membership.user_id).where(
        Membership.association_id == association_id, Membership.role.in_(roles)
    )
    if audience == Audience.UNITS:
        statement = statement.where(Membership.unit_id.in_(unit_ids))
    return sorted(set(db.session.scalars(statement.distinct())))


def _mailing_addresses(association_id: int, user_ids: list[int]) -> dict[int, list[str]]:
    """Return, per owner among ``user_ids``, the address on the books (Civil Code 4041(c):
    the unit's mailing address, else the property address)."""
    rows = db.session.execute(
        select(Membership.user_id, Unit.street_address, Unit.mailing_address)
        .join(Unit, Unit.id == Membership.unit_id)
        .where(Membership.association_id == association_id, Membership.role == "owner")
        .order_by(Unit.label)
    )
    wanted = set(user_ids)
    found: dict[int, list[str]] = {}
    for user_id, street, mailing in rows:
        if user_id in wanted and user_id not in found:
            text = mailing or street.replace(", ", "\n", 1)
            found[user_id] = [line for line in text.splitlines() if line.strip()]
    return found


@jobs.job("notices.publish", max_attempts=5, backoff=(15, 60, 300, 900))
def publish_job(notice_id: int) -> None:
    """Publish a notice that is due and record its deliveries; safe to run again (it
    delivers only to those not reached yet)."""
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        return
    if notice.status == NoticeStatus.SCHEDULED:
        if clock.as_utc(notice.publish_at) > clock.now():
            return  # moved later; its job for the new time comes then
        notice.status, notice.published_at = NoticeStatus.PUBLISHED.value, clock.now()
        _record(
            notice,
            "notice.published",
            _("Published the scheduled notice “%(title)s”", title=notice.title),
            actor=None,
        )
        db.session.commit()
    if notice.deliveries_done_at is not None:
        return
    deliver_notice(notice)


def deliver_notice(notice: Notice) -> delivery.Outcome:
    """Record every recipient's deliveries, a thousand at a time, committing progress."""
    ids = recipient_ids(notice)
    people = delivery.recipients(ids)
    notice.recipient_total = len(people)
    db.session.commit()
    association = db.session.get(Association, notice.association_id)
    addresses = _mailing_addresses(association.id, ids)
    links = LinkMaker()
    general = notice.delivery == DeliveryKind.GENERAL
    texts = {t.language: t for t in notice.texts}
    notice_id = notice.id

    def language(recipient: delivery.Recipient) -> str:
        return recipient.language if recipient.language in texts else notice.default_language

    def email(recipient: delivery.Recipient) -> delivery.Email:
        text = texts[language(recipient)]
        values = {
            "name": recipient.name,
            "title": text.title,
            "body": text.body,
            "body_html": text.body_html,
            "association": association.name,
            "link": links.read_link(SUBJECT, notice_id, recipient.user_id),
            "preferences": links.preferences,
            "published": formatting.long_date(notice.published_at, association.time_zone),
            "contact": _contact_line(association),
        }
        return delivery.Email(
            subject=_(
                "%(title)s — %(association)s", title=text.title, association=association.name
            ),
            text=render_template("email/notices/notice.txt", **values),
            html=render_template("email/notices/notice.html", **values),
            headers=links.unsubscribe_header(),
        )

    def progress(done: int) -> None:
        db.session.execute(
            db.update(Notice).where(Notice.id == notice_id).values(delivered_count=done)
        )
        db.session.commit()

    outcome = delivery.deliver(
        SUBJECT,
        notice_id,
        association_id=association.id,
        to=people,
        general=general,
        email=email,
        language=language,
        mailable=lambda r: r.user_id in addresses,
        progress=progress,
    )
    notice = db.session.get(Notice, notice_id)
    notice.delivered_count = len(people)
    notice.deliveries_done_at = clock.now()
    db.session.commit()
    return outcome


def _contact_line(association: Association) -> str:
    parts = [
        getattr(association, "office_phone", "") or "",
        getattr(association, "office_email", "") or "",
    ]
    return " · ".join(p for p in parts if p)


# --- printed copies -------------------------------------------------------------------------


def print_copies(rows) -> bytes:
    """Lay out printed copies of one notice, one sheet per mail delivery, for the same #10
    window envelope as letters."""
    from app.core.pdf import render_pdf

    first = rows[0]
    notice = db.session.get(Notice, first.subject_id)
    association = db.session.get(Association, notice.association_id)
    user_ids = [row.user_id for row in rows]
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all())
    addresses = _mailing_addresses(association.id, user_ids)
    portal = getattr(association, "portal_url", "") or ""
    contact = _contact_line(association)
    sheets = []
    for row in rows:
        text = notice.text(row.language)
        reference = f"N-{notice.id}-{row.id}"
        # Each sheet's own words and date in the language of the text it carries.
        with i18n.in_language(text.language) as language:
            at_portal = (" " + _("at %(url)s", url=portal)) if portal else ""
            sheets.append(
                {
                    "language": language,
                    "recipient_lines": [
                        names.get(row.user_id, ""),
                        *addresses.get(row.user_id, []),
                    ],
                    "title": text.title,
                    "body_html": text.body_html,
                    "reference": reference,
                    "published": formatting.long_date(notice.published_at, association.time_zone),
                    "ref_line": _(
                        "Notice from %(name)s · Reference %(ref)s",
                        name=association.name,
                        ref=reference,
                    ),
                    "legal": _(
                        "This notice is also in your owner portal%(portal)s. To receive notices "
                        "by e-mail instead of paper, or both, change your preferences there or "
                        "write to the management office%(contact)s.",
                        portal=at_portal,
                        contact=(", " + contact) if contact else "",
                    ),
                }
            )
    from markupsafe import Markup

    for sheet in sheets:
        sheet["body_html"] = Markup(sheet["body_html"])  # noqa: S704 - sanitized by nh3
    return render_pdf(
        "pdf/notices/copy.html",
        stylesheet="letter.css",
        sheets=sheets,
        letterhead=association.letterhead_address or association.name,
        association_name=association.name,
    )


# --- reading --------------------------------------------------------------------------------


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


# --- reminders ------------------------------------------------------------------------------


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


# --- the communications page ----------------------------------------------------------------


def read_rates(association: Association, *, months: int = 12) -> dict:
    """Return read rates by month of publication, by method and by language, and the owners
    the association does not reach."""
    from app.delivery.models import Delivery, Read

    since = clock.now() - timedelta(days=31 * months)
    published = select(Notice.id).where(
        Notice.association_id == association.id,
        Notice.status == NoticeStatus.PUBLISHED,
        Notice.published_at >= since,
    )
    read_join = (
        (Read.subject_type == Delivery.subject_type)
        & (Read.subject_id == Delivery.subject_id)
        & (Read.user_id == Delivery.user_id)
    )
    # By the recipient's own language (not the text they were sent), so that a notice
    # written only in English shows whether Spanish speakers read it.
    base = (
        select(Delivery.method, User.language, Delivery.subject_id, Read.id.is_not(None))
        .join(User, User.id == Delivery.user_id)
        .outerjoin(Read, read_join)
        .where(Delivery.subject_type == SUBJECT, Delivery.subject_id.in_(published))
    )
    by_method: dict[str, list[int]] = {}
    by_language: dict[str, list[int]] = {}
    by_notice: dict[int, list[int]] = {}
    for method, language, subject_id, was_read in db.session.execute(base):
        by_method.setdefault(method, [0, 0])
        by_method[method][0] += 1
        by_method[method][1] += int(bool(was_read))
        if method == Method.PORTAL:
            by_language.setdefault(language, [0, 0])
            by_language[language][0] += 1
            by_language[language][1] += int(bool(was_read))
            by_notice.setdefault(subject_id, [0, 0])
            by_notice[subject_id][0] += 1
            by_notice[subject_id][1] += int(bool(was_read))
    by_month: dict[str, list[int]] = {}
    for notice_id, published_at in db.session.execute(
        select(Notice.id, Notice.published_at).where(Notice.id.in_(published))
    ):
        local = clock.as_utc(published_at).astimezone(clock.zone(association.time_zone))
        key = f"{local:%Y-%m}"
        sent, read = by_notice.get(notice_id, [0, 0])
        by_month.setdefault(key, [0, 0])
        by_month[key][0] += sent
        by_month[key][1] += read
    owners = sorted(
        set(
            db.session.scalars(
                select(Membership.user_id).where(
                    Membership.association_id == association.id, Membership.role == "owner"
                )
            )
        )
    )
    return {
        "by_month": dict(sorted(by_month.items())),
        "by_method": by_method,
        "by_language": by_language,
        "unreached": delivery.unreached(association.id, owners),
        "owner_count": len(owners),
    }


def read_by_language(notice: Notice) -> list[dict]:
    """Return, per recipient language, how many received the notice in the portal, how many
    read it, and how many of them received a version in their own language."""
    from app.delivery.models import Delivery, Read

    read_join = (
        (Read.subject_type == Delivery.subject_type)
        & (Read.subject_id == Delivery.subject_id)
        & (Read.user_id == Delivery.user_id)
    )
    # Counted by the database (20,000 owners' deliveries: one grouped row per language).
    rows = db.session.execute(
        select(
            User.language,
            func.count(Delivery.id),
            func.count(Read.id),
            func.sum(case((Delivery.language == User.language, 1), else_=0)),
        )
        .join(User, User.id == Delivery.user_id)
        .outerjoin(Read, read_join)
        .where(
            Delivery.subject_type == SUBJECT,
            Delivery.subject_id == notice.id,
            Delivery.method == Method.PORTAL,
        )
        .group_by(User.language)
    )
    found = {
        own: {"language": own, "sent": sent, "read": read, "in_own": int(in_own or 0)}
        for own, sent, read, in_own in rows
    }
    return sorted(found.values(), key=lambda e: (-e["sent"], e["language"]))


def notice_list_query(association_id: int):
    """Return the association's notices for managers and the board."""
    return select(Notice).where(Notice.association_id == association_id)


def _open_url(notice_id: int) -> str:
    from flask import url_for

    notice = get_notice(notice_id)
    return url_for("notices.show", aid=notice.association_id, notice_id=notice_id)


delivery.register(
    delivery.SubjectKind(
        SUBJECT,
        title=lambda notice_id: get_notice(notice_id).title,
        open_url=_open_url,
        print_copies=print_copies,
    )
)
