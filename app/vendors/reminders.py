"""Reminders to managers about insurance certificates expiring within 30 and 60 days."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app.associations.models import Association
from app.auth.models import Membership, User
from app.core import clock, formatting, i18n, jobs, outbox
from app.extensions import db
from app.vendors.insurance import expiring_certificates
from app.vendors.models import KIND_LABELS, CertificateReminder

THRESHOLDS = (30, 60)

REMINDER_TOPIC = "vendors.certificate_reminder"


@jobs.daily
@jobs.job("vendors.expiry_reminders")
def send_expiry_reminders() -> int:
    """Mail managers about certificates expiring within 30 and 60 days, once per threshold;
    return how many reminders were queued. A reminder counts as sent once its mail is."""
    queued = 0
    for association in db.session.scalars(select(Association)):
        managers = db.session.execute(
            select(User.email, User.language)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.association_id == association.id,
                Membership.role == "manager",
                User.active.is_(True),
            )
        ).all()
        if not managers:
            continue  # nobody to tell yet; the reminder waits for a manager
        for certificate, days in expiring_certificates(association, max(THRESHOLDS)):
            threshold = min(t for t in THRESHOLDS if days <= t)
            exists = db.session.scalar(
                select(CertificateReminder.id).where(
                    CertificateReminder.certificate_id == certificate.id,
                    CertificateReminder.association_id == association.id,
                    CertificateReminder.threshold_days == threshold,
                )
            )
            if exists:
                continue
            reminder = CertificateReminder(
                certificate_id=certificate.id,
                association_id=association.id,
                threshold_days=threshold,
                queued_at=clock.now(),
            )
            db.session.add(reminder)
            db.session.flush()
            for email, language in managers:
                with i18n.in_language(language):
                    subject, body = _reminder_text(certificate, days, association)
                outbox.queue_mail(
                    email,
                    subject,
                    body,
                    association_id=association.id,
                    topic=REMINDER_TOPIC,
                    topic_id=reminder.id,
                )
            queued += 1
        db.session.commit()
    return queued


def _reminder_text(certificate, days: int, association) -> tuple[str, str]:
    """Return a certificate reminder's subject and body, in the language being rendered."""
    vendor = certificate.vendor
    return (
        _(
            "%(vendor)s: %(kind)s insurance expires in %(days)d days",
            vendor=vendor.name,
            kind=KIND_LABELS[certificate.kind],
            days=days,
        ),
        _(
            "The %(kind)s certificate of %(vendor)s (%(carrier)s, policy %(policy)s) "
            "expires on %(date)s. %(association)s needs a current certificate.",
            kind=KIND_LABELS[certificate.kind],
            vendor=vendor.name,
            carrier=certificate.carrier,
            policy=certificate.policy_number,
            date=formatting.long_date(certificate.expires_on),
            association=association.name,
        ),
    )


@outbox.on_outcome(REMINDER_TOPIC)
def _reminder_transmitted(message) -> None:
    """The reminder is sent when the first of its messages is transmitted."""
    reminder = db.session.get(CertificateReminder, message.topic_id)
    if reminder is not None and message.status == outbox.SENT and reminder.sent_at is None:
        reminder.sent_at = message.sent_at
