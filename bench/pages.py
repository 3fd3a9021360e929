"""The pages of a 20,000-unit association against a Flask hello-world (issue 14).

    .venv/bin/python bench/pages.py                  SQLite and PostgreSQL, full size
    .venv/bin/python bench/pages.py --db sqlite      one database only
    .venv/bin/python bench/pages.py --small          CI smoke: ~10 rows per list, SQLite, 1 s a page
    .venv/bin/python bench/pages.py --rebuild        build the datasets again

The dataset is built once per database and size through the product's migrations and demo
(`flask db upgrade` + `load_demo`), then bulk inserts that keep to every check constraint:
about 50,000 units in 17 associations (one of 20,000), an owner per unit, 200,000 violations
across the stages with their letters (placeholder PDF bytes), 500,000 audit entries in valid
per-association hash chains (interleaved in time, as a real log is), a historical mailing
batch per association, pending fines awaiting the board president's vote, and a notice
published to the big association's 20,000 owners through the product's publication job
(timed: that is the "20,000 owners in under a minute" figure). SQLite files are cached under
instance/bench/; PostgreSQL uses $BENCH_PG_URL (default: the database test_wt8, and
test_wt8_small for the small build), marked as built by instance/bench/*.json.

The app and a Flask hello-world are served by gunicorn with identical settings (the repo's
gunicorn.conf.py, 4 workers) and loaded alternately with wrk (-t2 -c8; a Python load
generator when wrk is missing): hello-world, then the page, for every page. Ratio = the
page's requests/s ÷ the hello-world run just before it. Statements per request are counted
in-process (a before_cursor_execute listener) on the small and on the full dataset.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = ROOT / "instance" / "bench"
USER_AGENT = "hoa-bench/1"
BUILD_VERSION = 5  # 5: letter numbers, letter-batch chunks
PASSWORD = "demo-pass-2026"

SIZES = {
    # units of the big association, number and units of the others, violations per unit,
    # audit entries, pending fines
    "full": {
        "big": 20_000,
        "others": 15,
        "other_units": 2_000,
        "vpu": 4,
        "audit": 500_000,
        "pending": 40,
    },
    "small": {"big": 12, "others": 2, "other_units": 4, "vpu": 1, "audit": 60, "pending": 3},
}
STREETS = [
    "Maple",
    "Oak",
    "Cedar",
    "Elm",
    "Pine",
    "Birch",
    "Willow",
    "Aspen",
    "Spruce",
    "Juniper",
    "Hawthorn",
    "Laurel",
    "Magnolia",
    "Poplar",
    "Sycamore",
    "Chestnut",
    "Alder",
    "Cypress",
    "Hemlock",
    "Redwood",
]
STAGES = [
    ("open", 45),
    ("noticed", 20),
    ("hearing_scheduled", 5),
    ("fined", 5),
    ("cured", 5),
    ("closed", 20),
]
PDF = b"%PDF-1.4\n% bench placeholder letter\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --- building ----------------------------------------------------------------------------


def make_app(url: str, storage: str):
    from app import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "STORAGE_DIR": storage,
            "MAIL_BACKEND": "memory",
            "SECRET_KEY": "bench",
            # The demo's mail runs in the building process (no thread racing the bulk
            # inserts and the sequence reset).
            "JOBS_MODE": "eager",
            "BASE_URL": "https://hoa.example.com",
        }
    )


def _ids(table) -> int:
    from sqlalchemy import func, select

    from app.extensions import db

    return (db.session.scalar(select(func.max(table.c.id))) or 0) + 1


def _insert(model, rows, chunk=5000):
    from app.extensions import db

    table = model.__table__
    keys = set().union(*(row.keys() for row in rows)) if rows else set()
    rows = [row if len(row) == len(keys) else {**dict.fromkeys(keys), **row} for row in rows]
    for start in range(0, len(rows), chunk):
        db.session.execute(table.insert(), rows[start : start + chunk])


def build(url: str, size: str, storage: str) -> dict:
    """Build the dataset into an empty database; return what the measurement needs."""
    os.environ.setdefault("APP_ENV", "development")
    from flask_migrate import upgrade
    from sqlalchemy import select, text

    from app.approvals.models import ApprovalRequest, EligibleVoter, Vote
    from app.associations.models import Association, Unit
    from app.auth.models import Membership, User
    from app.compliance.letter_models import Letter, LetterBatch
    from app.compliance.models import Fine, Rule, Violation
    from app.core import audit, clock, jobs
    from app.core.audit import GENESIS, AuditEntry
    from app.delivery.models import Preference
    from app.demo import load_demo
    from app.extensions import db

    spec = SIZES[size]
    rng = random.Random(14)
    app = make_app(url, storage)
    started = time.perf_counter()
    with app.app_context(), app.test_request_context():
        db.session.remove()
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade(directory=str(ROOT / "migrations"))
        load_demo()
        db.session.commit()
        clock.unfreeze()
        now = clock.now()
        manager = db.session.scalar(select(User).where(User.email == "manager@example.com"))
        password_hash = manager.password_hash
        actions = [code for code, _label in audit.known_actions()] or ["unit.created"]

        # Associations: the big one first, then the others.
        associations = []
        for index in range(spec["others"] + 1):
            association = Association(
                name="Big Oaks HOA" if index == 0 else f"Bench Grove {index} HOA",
                state="TX",
                compliance_profile="TX",
                time_zone="America/Chicago",
                fiscal_year_start_month=1,
                letterhead_address=f"{index + 1} Main Street",
                created_at=now,
            )
            association.board_decisions = dict.fromkeys(
                ("budget", "contract", "fine", "minutes"), "online"
            )
            db.session.add(association)
            associations.append(association)
        db.session.flush()
        unit_id, user_id, member_id = (
            _ids(Unit.__table__),
            _ids(User.__table__),
            _ids(Membership.__table__),
        )
        rule_id, violation_id = _ids(Rule.__table__), _ids(Violation.__table__)
        letter_id, batch_id = _ids(Letter.__table__), _ids(LetterBatch.__table__)
        fine_id = _ids(Fine.__table__)
        units, users, members, prefs, rules, violations, letters, batches, fines = (
            [] for _ in range(9)
        )
        board_of: dict[int, list[int]] = {}
        president = owner = None
        weights = []
        for index, association in enumerate(associations):
            aid = association.id
            count = spec["big"] if index == 0 else spec["other_units"]
            weights.append(count)
            members.append(
                {
                    "id": member_id,
                    "user_id": manager.id,
                    "association_id": aid,
                    "role": "manager",
                    "created_at": now,
                }
            )
            member_id += 1
            board_of[aid] = []
            for office in ("president", "vice_president", "treasurer", "secretary", "director"):
                users.append(
                    {
                        "id": user_id,
                        "email": f"{office}-{aid}@bench.example.com",
                        "name": f"{office.replace('_', ' ').title()} {aid}",
                        "password_hash": password_hash,
                        "language": "en",
                        "is_admin": False,
                        "active": True,
                        "created_at": now,
                    }
                )
                members.append(
                    {
                        "id": member_id,
                        "user_id": user_id,
                        "association_id": aid,
                        "role": "board",
                        "office": office,
                        "created_at": now,
                    }
                )
                board_of[aid].append(user_id)
                if index == 0 and office == "president":
                    president = f"{office}-{aid}@bench.example.com"
                user_id += 1
                member_id += 1
            own_rules = []
            for number, title in enumerate(
                ["Trash containers", "Parking", "Landscaping", "Exterior paint", "Noise", "Pets"],
                start=1,
            ):
                rules.append(
                    {
                        "id": rule_id,
                        "association_id": aid,
                        "code": f"R-{number}",
                        "title": title,
                        "description": f"{title} rule.",
                        "ccr_section": "",
                        "cure_days": 14,
                        "fine_amount": 50,
                        "active": True,
                        "translations": {},
                    }
                )
                own_rules.append(rule_id)
                rule_id += 1
            batches.append(
                {
                    "id": batch_id,
                    "association_id": aid,
                    "number": 1,
                    "status": "mailed",
                    "letter_count": 0,
                    "progress": 0,
                    "error": "",
                    "created_by_id": manager.id,
                    "created_at": now - timedelta(days=30),
                    "finished_at": now - timedelta(days=30),
                    "mailed_at": now - timedelta(days=29),
                }
            )
            mailed_batch = batch_id
            batch_id += 1
            for n in range(count):
                street = STREETS[(n * 7 + index) % len(STREETS)]
                units.append(
                    {
                        "id": unit_id,
                        "association_id": aid,
                        "label": f"{n + 1:05d}",
                        "street_address": f"{100 + n} {street} Street",
                        "unit_type": "standard",
                        "created_at": now,
                    }
                )
                email = f"owner{n + 1}-{aid}@bench.example.com"
                users.append(
                    {
                        "id": user_id,
                        "email": email,
                        "name": f"Owner {n + 1} of {aid}",
                        "password_hash": password_hash,
                        "language": "es" if n % 9 == 0 else "en",
                        "is_admin": False,
                        "active": True,
                        "created_at": now,
                    }
                )
                if index == 0 and owner is None:
                    owner = email
                members.append(
                    {
                        "id": member_id,
                        "user_id": user_id,
                        "association_id": aid,
                        "role": "owner",
                        "unit_id": unit_id,
                        "created_at": now,
                    }
                )
                if index == 0:
                    prefs.append(
                        {
                            "user_id": user_id,
                            "delivery": "email" if n % 2 else "mail",
                            "general_by_mail": n % 5 == 0,
                            "secondary_address": "",
                            "legal_representative": "",
                            "email_consent_at": now if n % 2 else None,
                        }
                    )
                for _ in range(spec["vpu"]):
                    status = rng.choices([s for s, _w in STAGES], [w for _s, w in STAGES])[0]
                    opened = date(2025, 1, 1) + timedelta(days=rng.randrange(700))
                    violations.append(
                        {
                            "id": violation_id,
                            "association_id": aid,
                            "unit_id": unit_id,
                            "rule_id": rng.choice(own_rules),
                            "status": status,
                            "opened_on": opened,
                            "is_repeat": False,
                            "cure_by": None if status == "open" else opened + timedelta(days=14),
                            "cured_on": opened + timedelta(days=10) if status == "cured" else None,
                            "cure_notes": "",
                            "closure_notes": "",
                            "closed_at": now if status == "closed" else None,
                        }
                    )
                    kinds = {"open": [], "noticed": ["courtesy", "violation"]}.get(
                        status, ["courtesy", "violation", "hearing"]
                    )
                    if status == "fined":
                        fines.append(
                            {
                                "id": fine_id,
                                "violation_id": violation_id,
                                "amount": 50,
                                "reason": "Not cured",
                                "health_safety_finding": False,
                                "status": "approved",
                                "proposed_at": now,
                                "decided_at": now,
                            }
                        )
                        fine_id += 1
                    for kind in kinds:
                        letters.append(
                            {
                                "id": letter_id,
                                "association_id": aid,
                                "violation_id": violation_id,
                                "kind": kind,
                                "issued_on": opened,
                                "issued_at": now,
                                "issued_by_id": manager.id,
                                "recipient": f"Owner {n + 1}\n{100 + n} {street} Street",
                                "pdf": PDF,
                                "sha256": hashlib.sha256(PDF).hexdigest(),
                                "page_count": 1,
                                "batch_id": mailed_batch,
                                "mailed_at": now - timedelta(days=29),
                                "language": "en",
                                "void_reason": "",
                            }
                        )
                        letter_id += 1
                    violation_id += 1
                unit_id += 1
                user_id += 1
                member_id += 1
        for model, rows in (
            (User, users),
            (Unit, units),
            (Membership, members),
            (Preference, prefs),
            (Rule, rules),
            (LetterBatch, batches),
            (Violation, violations),
            (Letter, letters),
            (Fine, fines),
        ):
            _insert(model, rows)
        # Letters take their numbers from the one space of every letter
        # (app/core/letter_numbers.py): the bulk-inserted ones take theirs here.
        db.session.execute(
            text(
                "INSERT INTO letter_numbers (id, kind) SELECT id, 'violation' "
                "FROM compliance_letters WHERE id NOT IN (SELECT id FROM letter_numbers)"
            )
        )
        if db.engine.dialect.name == "postgresql":
            db.session.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('letter_numbers', 'id'), "
                    "(SELECT max(id) FROM letter_numbers))"
                )
            )
        db.session.commit()
        counts = {"units": len(units), "violations": len(violations), "letters": len(letters)}
        del units, members, prefs, letters

        # Pending fines awaiting the big association's board (two of five voted, not the
        # president).
        big = associations[0].id
        open_big = [v for v in violations if v["association_id"] == big][: spec["pending"]]
        request_id = _ids(ApprovalRequest.__table__)
        vote_id = _ids(Vote.__table__)
        requests, voters, votes, pending = [], [], [], []
        for violation in open_big:
            pending.append(
                {
                    "id": fine_id,
                    "violation_id": violation["id"],
                    "amount": 75,
                    "reason": "Not cured after the hearing",
                    "health_safety_finding": False,
                    "status": "pending_approval",
                    "approval_id": request_id,
                    "proposed_at": now,
                }
            )
            requests.append(
                {
                    "id": request_id,
                    "association_id": big,
                    "subject_type": "fine",
                    "subject_id": fine_id,
                    "title": f"Fine of $75.00 (violation {violation['id']})",
                    "status": "pending",
                    "required": 3,
                    "threshold_label": "majority of the board",
                    "submitted_by_id": manager.id,
                    "submitted_at": now,
                    "venue": "online",
                    "emergency": False,
                }
            )
            for voter in board_of[big]:
                voters.append({"request_id": request_id, "user_id": voter})
            for voter in board_of[big][1:3]:
                votes.append(
                    {
                        "id": vote_id,
                        "request_id": request_id,
                        "voter_id": voter,
                        "choice": "approve",
                        "comment": "",
                        "cast_at": now,
                    }
                )
                vote_id += 1
            request_id += 1
            fine_id += 1
        _insert(ApprovalRequest, requests)
        _insert(Fine, pending)
        _insert(EligibleVoter, voters)
        _insert(Vote, votes)
        db.session.commit()
        del violations

        # The audit log: entries interleaved across the associations by size, each chain
        # valid (the hash of AuditEntry.compute_hash, chained per association).
        entry_id = _ids(AuditEntry.__table__)
        last = {a.id: GENESIS for a in associations}
        ids = [a.id for a in associations]
        start = now - timedelta(seconds=spec["audit"] * 2)
        rows = []
        for n in range(spec["audit"]):
            aid = rng.choices(ids, weights)[0] if n >= len(ids) else ids[n]
            created = start + timedelta(seconds=2 * n)
            row = {
                "association_id": aid,
                "actor_id": manager.id,
                "actor_name": manager.name,
                "action": actions[n % len(actions)],
                "subject_type": "violation",
                "subject_id": n + 1,
                "summary": f"Bench entry {n} for unit {n % 997:05d}",
                "data": {},
                "created_at": created,
            }
            payload = json.dumps(
                {"prev": last[aid], **{**row, "created_at": audit._stable_time(created)}},
                sort_keys=True,
                separators=(",", ":"),
                default=str,
            )
            digest = hashlib.sha256(payload.encode()).hexdigest()
            rows.append({**row, "id": entry_id, "prev_hash": last[aid], "hash": digest})
            last[aid] = digest
            entry_id += 1
            if len(rows) == 10_000:
                _insert(AuditEntry, rows)
                db.session.commit()
                rows = []
        _insert(AuditEntry, rows)
        db.session.commit()
        counts["audit"] = spec["audit"]

        if db.engine.dialect.name == "postgresql":
            for table in db.metadata.sorted_tables:
                if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement:
                    db.session.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"(SELECT COALESCE(MAX(id), 1) FROM {table.name}))"
                        )
                    )
            db.session.commit()

        # A notice to the big association's owners, published by the product's job.
        from app.notices.publication import deliver_notice
        from app.notices.writing import create_notice

        dispatch, jobs.dispatch = jobs.dispatch, lambda *args, **kwargs: None
        many, jobs._dispatch_many_redis = jobs._dispatch_many_redis, lambda *a, **k: None
        try:
            association = db.session.get(Association, big)
            notice = create_notice(
                association,
                title="Water shut-off on Tuesday",
                body="The water is **off** from 9 to 12.",
                audience="owners",
                delivery_kind="individual",
                actor=None,
            )
            db.session.commit()
            publish_started = time.perf_counter()
            outcome = deliver_notice(notice)
            publish_seconds = time.perf_counter() - publish_started
            notice_id = notice.id
        finally:
            jobs.dispatch, jobs._dispatch_many_redis = dispatch, many
        # Sending the 10,000 e-mails is the job runner's work, not measured here: they count
        # as sent, so that the served app's sweepers have nothing to run during the load.
        finish_jobs()
        if size == "small":
            _entries, broken = audit.verify()
            assert not broken, broken
        db.session.remove()
    if url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
    info = {
        "version": BUILD_VERSION,
        "url": url,
        "big": big,
        "notice": notice_id,
        "president": president,
        "owner": owner,
        "counts": counts,
        "publish_seconds": round(publish_seconds, 2),
        "publish_deliveries": outcome.portal + outcome.email + outcome.mail,
        "build_seconds": round(time.perf_counter() - started, 1),
    }
    return info


def finish_jobs() -> None:
    """Mark every waiting job done and every queued e-mail sent (in the app context)."""
    from sqlalchemy import update

    from app.core import clock
    from app.core.jobs import Job
    from app.core.outbox import OutgoingMessage
    from app.extensions import db

    now = clock.now()
    db.session.execute(
        update(Job)
        .where(Job.status.in_(["queued", "running"]))
        .values(status="done", finished_at=now, lease_until=None)
    )
    db.session.execute(
        update(OutgoingMessage)
        .where(OutgoingMessage.status == "queued")
        .values(status="sent", sent_at=now)
    )
    db.session.commit()


def dataset(db_kind: str, size: str, rebuild: bool) -> dict:
    """Return the cached dataset's description, building it when missing or stale."""
    CACHE.mkdir(parents=True, exist_ok=True)
    marker = CACHE / f"pages-{size}-{db_kind}.json"
    if db_kind == "sqlite":
        url = f"sqlite:///{CACHE / f'pages-{size}.sqlite3'}"
    else:
        base = os.environ.get(
            "BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test_wt8"
        )
        url = base if size == "full" else f"{base}_small"
        _create_pg(url)
    if not rebuild and marker.exists():
        info = json.loads(marker.read_text())
        if info.get("version") == BUILD_VERSION and info.get("url") == url and _alive(url):
            return info
    print(f"building the {size} dataset on {db_kind} …", flush=True)
    info = build(url, size, str(CACHE / "storage"))
    marker.write_text(json.dumps(info, indent=1))
    print(
        f"  built in {info['build_seconds']} s: {info['counts']}; notice to "
        f"{info['publish_deliveries']} deliveries published in {info['publish_seconds']} s",
        flush=True,
    )
    return info


def _create_pg(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0].replace("+psycopg", "") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def _alive(url: str) -> bool:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return bool(connection.execute(text("SELECT count(*) FROM units")).scalar())
    except Exception:
        return False
    finally:
        engine.dispose()


# --- what is measured ---------------------------------------------------------------------


def pages(info: dict, size: str) -> list[tuple[str, str, str]]:
    """(name, who, path) of every page measured."""
    a, n = info["big"], info["notice"]
    deep = "?page=3000" if size == "full" else "?page=2&per_page=5"
    before_deep = "?page=2999" if size == "full" else "?page=1&per_page=5"
    v = f"/associations/{a}/compliance/violations"
    return [
        ("violations", "manager", v),
        ("violations ?status=noticed", "manager", f"{v}?status=noticed"),
        ("violations ?q=maple", "manager", f"{v}?q=maple"),
        ("violations ?sort=unit", "manager", f"{v}?sort=unit&dir=asc"),
        (f"violations {deep}", "manager", f"{v}{deep}"),
        # The same page reached by the Next link of the page before it (keyset: a cursor).
        (f"violations {deep} by Next", "manager", f"{NEXT}{v}{before_deep}"),
        ("violations ?per_page=200", "manager", f"{v}?per_page=200"),
        ("dashboard (manager)", "manager", f"/associations/{a}/"),
        ("units", "manager", f"/associations/{a}/units"),
        ("audit log", "manager", f"/associations/{a}/audit"),
        ("owner home", "owner", f"/associations/{a}/"),
        ("awaits my vote", "president", "/approvals/awaiting"),
        ("notices", "manager", f"/associations/{a}/notices"),
        ("deliveries", "manager", f"/associations/{a}/notices/{n}/deliveries"),
        ("API violations", "api", f"/api/v1/associations/{a}/violations"),
        ("API units", "api", f"/api/v1/associations/{a}/units"),
    ]


NEXT = "next-of:"


def resolve(path: str, get) -> str:
    """The path itself, or for ``next-of:PATH`` the Next link of PATH's page (``get(path)``
    returns a page's HTML)."""
    if not path.startswith(NEXT):
        return path
    page = get(path.removeprefix(NEXT))
    link = re.search(r'<a class="page-link" href="([^"]*)">Next<', page)
    assert link and "after=" in link.group(1), path
    return link.group(1).replace("&amp;", "&")


def who_email(info: dict, who: str) -> str:
    return {
        "manager": "manager@example.com",
        "api": "manager@example.com",
        "owner": info["owner"],
        "president": info["president"],
    }[who]


def count_statements(info: dict, size: str) -> dict[str, tuple[int, int]]:
    """Statements per request and status, in-process, for every page."""
    from tests.queries import counted_queries

    app = make_app(info["url"], str(CACHE / "storage"))
    app.config.update(WTF_CSRF_ENABLED=False, TESTING=True)
    clients = {}
    result = {}
    for name, who, path in pages(info, size):
        if who not in clients:
            client = app.test_client()
            headers = {}
            if who == "api":
                token = client.post(
                    "/api/v1/auth/token",
                    json={"email": who_email(info, who), "password": PASSWORD},
                ).json["token"]
                headers = {"Authorization": f"Bearer {token}"}
            else:
                response = client.post(
                    "/login", data={"email": who_email(info, who), "password": PASSWORD}
                )
                assert response.status_code == 302, (who, response.status_code)
            clients[who] = (client, headers)
        client, headers = clients[who]
        path = resolve(
            path, lambda p, c=client, h=headers: c.get(p, headers=h).get_data(as_text=True)
        )
        client.get(path, headers=headers)
        with counted_queries(app) as statements:
            status = client.get(path, headers=headers).status_code
        result[name] = (len(statements), status)
    return result


# --- serving and loading ------------------------------------------------------------------

HELLO = """
from flask import Flask

app = Flask("hello")
app.config["JOBS_MODE"] = "off"


@app.get("/")
def hello():
    return "Hello, world!"
"""


def serve(module: str, port: int, env: dict, pythonpath: str) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "-c",
        "gunicorn.conf.py",
        "--workers",
        "4",
        "--bind",
        f"127.0.0.1:{port}",
        "--pythonpath",
        pythonpath,
        "--log-level",
        "warning",
        module,
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=1)
            return process
        except urllib.error.HTTPError:
            return process
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{module} did not start on {port}")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def sign_in(port: int, who: str, email: str) -> dict[str, str]:
    """Return the headers that carry a signed-in session (or an API token)."""
    base = f"http://127.0.0.1:{port}"
    if who == "api":
        request = urllib.request.Request(
            f"{base}/api/v1/auth/token",
            data=json.dumps({"email": email, "password": PASSWORD}).encode(),
            headers={"Content-Type": "application/json"},
        )
        token = json.loads(urllib.request.urlopen(request).read())["token"]
        return {"Authorization": f"Bearer {token}"}
    from http.cookiejar import CookieJar

    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    # Flask-Login's strong session protection ties the session to the browser's
    # User-Agent: the load generator must send the one the session was signed in with, or
    # every page is a redirect to the sign-in page.
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(f"{base}/login").read().decode()
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": csrf})
    opener.open(f"{base}/login", data=data.encode())
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return {"Cookie": cookie, "User-Agent": USER_AGENT}


def check_page(port: int, path: str, headers: dict[str, str]) -> int:
    """Return the page's status without following a redirect: a page that answers with a
    redirect (to the sign-in page, say) is not the page measured, and the run stops."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(
                f"{path} answered {response.status} {response.getheader('Location') or ''}: "
                "not the page to measure"
            )
        return response.status
    finally:
        connection.close()


LUA = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %f %f %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95),
    summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.timeout))
end
"""


def load(url: str, headers: dict[str, str], seconds: float) -> dict:
    """requests/s, p50 and p95 (ms) and errors at concurrency 8."""
    if shutil.which("wrk"):
        script = Path(tempfile.gettempdir()) / "hoa-bench-pages.lua"
        script.write_text(LUA)
        command = ["wrk", "-t2", "-c8", f"-d{max(1, round(seconds))}s", "-s", str(script)]
        for key, value in headers.items():
            command += ["-H", f"{key}: {value}"]
        out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
        line = next(x for x in out.splitlines() if x.startswith("BENCH "))
        requests, duration, p50, p95, errors = line.split()[1:]
        return {
            "rps": int(requests) / (int(duration) / 1e6),
            "p50": float(p50) / 1000,
            "p95": float(p95) / 1000,
            "errors": int(errors),
        }
    return _load_python(url, headers, seconds)


def _load_python(url: str, headers: dict[str, str], seconds: float) -> dict:
    """The fallback load generator: 8 threads, one request at a time each."""
    import http.client

    parts = urllib.parse.urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[float] = []
    errors = [0]
    end = time.perf_counter() + seconds

    def worker():
        while time.perf_counter() < end:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status >= 300:  # a redirect is not the page either
                    errors[0] += 1
            except OSError:
                errors[0] += 1
            latencies.append(time.perf_counter() - started)
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    q = statistics.quantiles(latencies, n=20) if len(latencies) > 1 else latencies * 19
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p95": q[18] * 1000,
        "errors": errors[0],
    }


def measure(
    db_kind: str, info: dict, size: str, seconds: float, hello_seconds: float, only: str = ""
):
    # BENCH_PORT: another free pair (port, port + 1000) when a second run shares the machine.
    port = int(os.environ.get("BENCH_PORT") or (5008 if db_kind == "sqlite" else 5108))
    hello_port = port + 1000
    hello_dir = Path(tempfile.mkdtemp(prefix="hoa-hello-"))
    (hello_dir / "bench_hello.py").write_text(HELLO)
    env = {
        **os.environ,
        "APP_ENV": "production",
        "SECRET_KEY": "bench-" + "x" * 40,
        "DATABASE_URL": info["url"],
        "MAIL_BACKEND": "log",
        "STORAGE_DIR": str(CACHE / "storage"),
        "BASE_URL": "https://hoa.example.com",
    }
    env.pop("REDIS_URL", None)
    app = serve("wsgi:app", port, env, str(ROOT))
    hello = serve("bench_hello:app", hello_port, env, str(hello_dir))
    rows = []
    try:
        headers = {
            who: sign_in(port, who, who_email(info, who))
            for who in ("manager", "owner", "president", "api")
        }
        base = f"http://127.0.0.1:{port}"
        h = None
        for name, who, path in pages(info, size):
            if only not in name:
                continue
            path = resolve(
                path,
                lambda p, h=headers[who]: (
                    urllib.request.urlopen(urllib.request.Request(f"{base}{p}", headers=h))
                    .read()
                    .decode()
                ),
            )
            check_page(port, path, headers[who])
            for _ in range(4 if size == "full" else 1):  # warm the workers
                request = urllib.request.Request(f"{base}{path}", headers=headers[who])
                urllib.request.urlopen(request).read()
            if h is None or size == "full":
                h = load(f"http://127.0.0.1:{hello_port}/", {}, hello_seconds)
            r = load(f"{base}{path}", headers[who], seconds)
            rows.append((name, r, h))
            errors = f"  ERRORS {r['errors']}" if r["errors"] else ""
            print(
                f"  {name:32} {r['rps']:8.1f} req/s  ratio {r['rps'] / h['rps']:6.3f}  "
                f"p50 {r['p50']:7.1f} ms  p95 {r['p95']:7.1f} ms  "
                f"(hello {h['rps']:.0f} req/s){errors}",
                flush=True,
            )
    finally:
        stop(app)
        stop(hello)
        shutil.rmtree(hello_dir, ignore_errors=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", action="store_true", help="CI smoke: small data, SQLite")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default=None)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--seconds", type=float, default=None, help="per page (default 6)")
    parser.add_argument("--only", default="", help="measure only the pages whose name has this")
    options = parser.parse_args()
    os.environ.setdefault("APP_ENV", "development")
    kinds = {"sqlite": ["sqlite"], "postgresql": ["postgresql"], "both": ["sqlite", "postgresql"]}[
        options.db or ("sqlite" if options.small else "both")
    ]
    seconds = options.seconds or (1 if options.small else 6)
    hello_seconds = 1 if options.small else 3
    for kind in kinds:
        small = dataset(kind, "small", options.rebuild)
        full = small if options.small else dataset(kind, "full", options.rebuild)
        few = count_statements(small, "small")
        many = few if options.small else count_statements(full, "full")
        size = "small" if options.small else "full"
        print(
            f"\n{kind}: {full['counts']}; {os.cpu_count()} cores; wrk -t2 -c8, "
            f"gunicorn -w 4; {seconds:g} s a page after {hello_seconds:g} s of hello-world"
        )
        rows = measure(kind, full, size, seconds, hello_seconds, options.only)
        few = {k: v for k, v in few.items() if options.only in k}
        many = {k: v for k, v in many.items() if options.only in k}
        print("\n| page | req/s | ratio | p50 ms | p95 ms | statements small/full | status |")
        print("|---|---:|---:|---:|---:|---|---|")
        for (name, r, h), (_small_name, few_row), (_n, many_row) in zip(
            rows, few.items(), many.items(), strict=True
        ):
            print(
                f"| {name} | {r['rps']:.1f} | {r['rps'] / h['rps']:.3f} | {r['p50']:.0f} | "
                f"{r['p95']:.0f} | {few_row[0]} / {many_row[0]} | {many_row[1]} |"
            )
            assert many_row[1] == 200 and few_row[1] == 200, (name, few_row, many_row)
        print(
            f"notice to {full['publish_deliveries']} owners' deliveries published by the job "
            f"in {full['publish_seconds']} s",
            flush=True,
        )


if __name__ == "__main__":
    main()
