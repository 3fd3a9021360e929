"""Publishing notices: who an audience reaches, the background job that publishes a notice
when due and records one delivery per recipient and method through ``app.delivery``, the
printed copies of its paper deliveries, and notices registered as a delivery subject.

A notice to 20,000 owners takes seconds, with its progress on the notice. A notice due later
is a job due later: the job runner's scheduler publishes it within a minute of its time,
without cron."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select

from app.associations.models import Association, Unit
from app.auth.models import Membership, User
from app.core import clock, formatting, i18n, jobs
from app.delivery import services as delivery
from app.delivery.links import LinkMaker
from app.extensions import db
from app.notices.models import Audience, DeliveryKind, Notice, NoticeStatus
from app.notices.writing import _record, get_notice

SUBJECT = "notice"


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
