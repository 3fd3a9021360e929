"""Demo notices, documents and delivery preferences: a believable year of communication."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select, update

from app.associations.models import Association
from app.auth.models import Membership, User
from app.core import clock
from app.delivery import services as delivery
from app.delivery.models import Delivery, Read
from app.extensions import db
from app.notices import publication, writing
from app.notices.models import Notice

NOTICES = [
    (
        150,
        "Annual meeting and board election",
        "The annual meeting of the members is on **Saturday, April 18** at 10:00 in the "
        "clubhouse.\n\n- Election of two directors\n- The reserve study\n- Open forum\n\n"
        "Ballots arrive by mail four weeks before.",
        "general",
        0.62,
    ),
    (
        95,
        "Pool resurfacing: the pool is closed for three weeks",
        "The pool closes on **May 4** for resurfacing and reopens by **May 25**. The spa stays "
        "open. Thank you for your patience.",
        "general",
        0.48,
    ),
    (
        40,
        "Change to the parking rules",
        "The board adopted a change to rule **P-2** (guest parking). Guest vehicles may now "
        "stay up to 72 hours with a pass from the office.\n\nThe full rule is in *Documents*.",
        "individual",
        0.71,
    ),
    (
        8,
        "Street sweeping on Thursday",
        "Please move vehicles off the street on **Thursday from 7:00 to 11:00** so the "
        "sweeper can pass.",
        "general",
        0.35,
    ),
]

DOCUMENTS = [
    ("Declaration of covenants, conditions and restrictions", "ccrs", "owners"),
    ("Bylaws", "bylaws", "owners"),
    ("Rules and regulations", "rules", "owners"),
    ("Collection and fine policy", "policy", "owners"),
    ("Certificate of insurance (master policy)", "insurance", "owners"),
    ("Reserve study (board working copy)", "financial", "board"),
]


def _pdf(title: str, association: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<h1>{title}</h1><p>{association}</p><p>Demo document.</p>").write_pdf()


def load_notice_demo(manager: User, seed: int = 11) -> None:
    """Contact settings, preferences, documents and notices with reads for each association."""
    rng = random.Random(seed)
    from app.documents.services import upload_document

    for association in db.session.scalars(select(Association).order_by(Association.id)):
        # How owners reach the office is set with the association (associations/demo.py).
        owners = list(
            db.session.scalars(
                select(User)
                .join(Membership, Membership.user_id == User.id)
                .where(Membership.association_id == association.id, Membership.role == "owner")
                .distinct()
                .order_by(User.id)
            )
        )
        for owner in owners:
            roll = rng.random()
            if roll < 0.45:
                delivery.set_preferences(owner, delivery="email", confirm=True)
            elif roll < 0.6:
                delivery.set_preferences(owner, delivery="both", general_by_mail=True)
        for title, category, visibility in DOCUMENTS:
            upload_document(
                association,
                title=title,
                category=category,
                visibility=visibility,
                data=_pdf(title, association.name),
                filename=f"{category}.pdf",
                actor=manager,
            )
        for days_ago, title, body, kind, read_share in NOTICES:
            notice = writing.create_notice(
                association,
                title=title,
                body=body,
                audience="owners",
                delivery_kind=kind,
                actor=manager,
            )
            publication.deliver_notice(notice)
            published = clock.now() - timedelta(days=days_ago)
            notice = db.session.get(Notice, notice.id)
            notice.published_at = published
            notice.created_at = published
            db.session.execute(
                update(Delivery)
                .where(Delivery.subject_type == "notice", Delivery.subject_id == notice.id)
                .values(created_at=published)
            )
            db.session.execute(
                update(Delivery)
                .where(
                    Delivery.subject_type == "notice",
                    Delivery.subject_id == notice.id,
                    Delivery.method == "portal",
                )
                .values(sent_at=published)
            )
            readers = [o for o in owners if rng.random() < read_share]
            db.session.add_all(
                Read(
                    association_id=association.id,
                    subject_type="notice",
                    subject_id=notice.id,
                    user_id=o.id,
                    read_at=published + timedelta(hours=rng.randint(1, 96)),
                    via=rng.choice(["portal", "link"]),
                )
                for o in readers
            )
        writing.create_notice(
            association,
            title="Landscaping contract renewal: open board meeting",
            body="The board will consider renewing the landscaping contract at its next open "
            "meeting. Owners may comment in the open forum.",
            audience="all",
            publish_at=clock.now() + timedelta(days=3),
            actor=manager,
        )
