"""Publishing a notice to many owners: seconds for N recipients, against a naive baseline.

    .venv/bin/python bench/notices.py [N]          (default 20000; SQLite in a temp file)
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python bench/notices.py

An association with N owners (each on a unit; half chose e-mail, a fifth paper for general
notices as well) receives an individual notice. (a) the naive way: one ORM object per
delivery and per message, flushed one recipient at a time, as a first version would; run on
min(N, 2000) recipients. (b) the product's publication job (``notices.deliver_notice``):
multi-row inserts a thousand recipients at a time, committing its progress; run on the same
min(N, 2000) for the ratio, then on all N. Sending the e-mails afterwards is the job
runner's work and is not timed (their jobs are written, not run). Then the delivery page's
first page and its unread filter are timed at N.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def build(n: int, name: str):
    """Create an association with n owners, fast (multi-row inserts)."""
    from sqlalchemy import insert, select

    from app.associations.models import Association, Unit
    from app.auth.models import Membership, User
    from app.core import clock
    from app.delivery.models import Preference
    from app.extensions import db

    now = clock.now()
    association = Association(
        name=name,
        state="CA",
        compliance_profile="CA",
        time_zone="America/Los_Angeles",
        fiscal_year_start_month=1,
        letterhead_address="1 Main St",
        created_at=now,
    )
    db.session.add(association)
    db.session.flush()
    tag = name.split()[-1]
    db.session.execute(
        insert(User),
        [
            {
                "email": f"o{i}-{tag}@bench.example.com",
                "name": f"Owner {i}",
                "password_hash": "x",
                "language": "es" if i % 7 == 0 else "en",
                "is_admin": False,
                "active": True,
                "created_at": now,
            }
            for i in range(n)
        ],
    )
    user_ids = list(
        db.session.scalars(
            select(User.id).where(User.email.like(f"%-{tag}@bench.example.com")).order_by(User.id)
        )
    )
    db.session.execute(
        insert(Unit),
        [
            {
                "association_id": association.id,
                "label": f"U{i}",
                "street_address": f"{i} Elm St",
                "unit_type": "standard",
                "created_at": now,
            }
            for i in range(n)
        ],
    )
    unit_ids = list(
        db.session.scalars(
            select(Unit.id).where(Unit.association_id == association.id).order_by(Unit.id)
        )
    )
    db.session.execute(
        insert(Membership),
        [
            {
                "user_id": u,
                "association_id": association.id,
                "role": "owner",
                "unit_id": unit,
                "created_at": now,
            }
            for u, unit in zip(user_ids, unit_ids, strict=True)
        ],
    )
    db.session.execute(
        insert(Preference),
        [
            {
                "user_id": u,
                "delivery": "email" if i % 2 else "mail",
                "general_by_mail": i % 5 == 0,
                "secondary_address": "",
                "legal_representative": "",
                "email_consent_at": now if i % 2 else None,
            }
            for i, u in enumerate(user_ids)
        ],
    )
    db.session.commit()
    return association


def naive(association, notice) -> None:
    """One ORM object per delivery and message, flushed per recipient."""
    from app.core import clock
    from app.core.outbox import OutgoingMessage
    from app.delivery import services as delivery
    from app.delivery.models import Delivery
    from app.extensions import db
    from app.notices import publication

    people = delivery.recipients(publication.recipient_ids(notice))
    for person in people:
        now = clock.now()
        for method in delivery.methods_for(person, general=False):
            message_id = None
            if method == "email":
                message = OutgoingMessage(
                    association_id=association.id,
                    to_address=person.email,
                    subject=notice.title,
                    body=notice.text().body,
                    html=notice.text().body_html,
                    headers={},
                    topic="delivery.email",
                    status="queued",
                    attempts=0,
                    last_error="",
                    created_at=now,
                )
                db.session.add(message)
                db.session.flush()
                message_id = message.id
            db.session.add(
                Delivery(
                    association_id=association.id,
                    subject_type="notice",
                    subject_id=notice.id,
                    user_id=person.user_id,
                    method=method,
                    status="sent" if method == "portal" else "queued",
                    sent_at=now if method == "portal" else None,
                    error="",
                    language="en",
                    message_id=message_id,
                    created_at=now,
                )
            )
            db.session.flush()
    db.session.commit()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    small = min(n, 2000)
    url = os.environ.get("DATABASE_URL")
    tmp = tempfile.mkdtemp()
    from app import create_app
    from app.config import normalize_database_url

    app = create_app(
        {
            "APP_ENV": "testing",
            "SECRET_KEY": "bench",
            "MAIL_BACKEND": "memory",
            "SQLALCHEMY_DATABASE_URI": normalize_database_url(url)
            if url
            else f"sqlite:///{tmp}/bench.sqlite3",
            "STORAGE_DIR": tmp,
            "JOBS_MODE": "thread",
            "BASE_URL": "https://hoa.example.com",
        }
    )
    from app.core import jobs
    from app.extensions import db
    from app.notices import publication, writing

    jobs.dispatch = lambda *args, **kwargs: None  # write the jobs, run none of them
    jobs._dispatch_many_redis = lambda *args, **kwargs: None
    with app.app_context():
        db.drop_all()
        db.create_all()
        dialect = db.engine.dialect.name

        def notice_for(association):
            notice = writing.create_notice(
                association,
                title="Water shut-off on Tuesday",
                body="The water is **off**.",
                audience="owners",
                delivery_kind="individual",
                actor=None,
            )
            db.session.commit()
            return notice

        small_a = build(small, "Bench Naive")
        small_b = build(small, "Bench Product")
        started = time.perf_counter()
        naive(small_a, notice_for(small_a))
        naive_seconds = time.perf_counter() - started
        started = time.perf_counter()
        publication.deliver_notice(notice_for(small_b))
        product_small = time.perf_counter() - started

        big = build(n, "Bench Full")
        notice = notice_for(big)
        started = time.perf_counter()
        outcome = publication.deliver_notice(notice)
        product_seconds = time.perf_counter() - started

        from app.core.listing import paginate
        from app.delivery import services as delivery
        from app.delivery.models import Delivery, Read

        started = time.perf_counter()
        for _ in range(10):
            page = paginate(
                delivery.deliveries_query("notice", notice.id),
                scalars=False,
                sortable={"id": Delivery.id},
                tiebreak=Delivery.id,
            )
            unread = paginate(
                delivery.deliveries_query("notice", notice.id).where(Read.id.is_(None)),
                scalars=False,
                sortable={"id": Delivery.id},
                tiebreak=Delivery.id,
            )
        page_ms = (time.perf_counter() - started) / 20 * 1000
        print(f"database: {dialect}")
        print(f"(a) naive, {small} recipients: {naive_seconds:.2f} s")
        print(
            f"(b) product, {small} recipients: {product_small:.2f} s "
            f"(ratio a/b {naive_seconds / product_small:.1f}x)"
        )
        print(
            f"(b) product, {n} recipients: {product_seconds:.2f} s — "
            f"{outcome.portal} portal, {outcome.email} e-mail, {outcome.mail} paper deliveries"
        )
        print(
            f"delivery page ({page.total} deliveries, {unread.total} unread): "
            f"{page_ms:.1f} ms per page"
        )
        db.session.remove()
        db.drop_all()


if __name__ == "__main__":
    main()
