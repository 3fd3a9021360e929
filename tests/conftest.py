"""Fixtures: the app on SQLite (default) or PostgreSQL (TEST_DATABASE_URL), a clean database
per test, factories, per-role users and sign-in helpers for pages and the API."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from flask import has_app_context
from sqlalchemy import text

from app import create_app
from app.core import clock
from app.extensions import db

PASSWORD = "correct-horse-battery"


def _database_url(tmp_path_factory) -> str:
    """SQLite under this run's (this worker's) temporary folder, or TEST_DATABASE_URL.

    Under pytest-xdist each worker has a database of its own: on PostgreSQL the database
    TEST_DATABASE_URL names with the worker's id after it (test -> test_gw0, test_gw1),
    created on first use.
    """
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        from app.config import normalize_database_url

        url = normalize_database_url(url)
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        return _database_of_worker(url, worker) if worker else url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


def _database_of_worker(url: str, worker: str) -> str:
    """Return `url` with the database `<name>_<worker>`, made afresh on PostgreSQL.

    Dropped first WITH (FORCE): a connection an earlier, interrupted run left behind
    (idle in a transaction, holding locks) would otherwise make this run's first TRUNCATE
    wait for it forever.
    """
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    base = make_url(url)
    if base.get_backend_name() != "postgresql":
        raise pytest.UsageError(f"Parallel runs support SQLite and PostgreSQL, not {base}")
    name = f"{base.database}_{worker}"
    engine = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _engine_options(url: str) -> dict:
    """On PostgreSQL a statement waits at most a minute for a lock, then fails.

    A test whose connection is left in a transaction (a thread still serving a request)
    then fails with the statement that waited, instead of hanging the run.
    """
    if url.startswith("postgresql"):
        return {"connect_args": {"options": "-c lock_timeout=60000"}}
    return {}


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The application, configured for tests, with an empty schema."""
    url = _database_url(tmp_path_factory)
    application = create_app(
        {
            "APP_ENV": "testing",
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(url),
            "WTF_CSRF_ENABLED": False,
            "MAIL_BACKEND": "memory",
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 8,
            "ARGON2_PARALLELISM": 1,
            "STORAGE_DIR": str(tmp_path_factory.mktemp("storage")),
            "JOBS_MODE": "eager",
            # English only, whatever catalogs this machine has compiled; the languages
            # tests offer more with the `languages` fixture (tests/languages.py).
            "LANGUAGES": ["en"],
        }
    )
    with application.app_context():
        _drop_everything()
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def _drop_everything() -> None:
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _wipe() -> None:
    db.session.remove()
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - our names


@pytest.fixture(autouse=True)
def _clean(app):
    """Each test starts with an empty database, the real clock and an empty outbox.

    Page and API tests hold no application context of their own, so that every request
    gets a fresh one (its own database session and `g`), as in production; they open
    `app.app_context()` only to look at the database. Service tests get one from
    tests/unit/conftest.py.
    """
    yield
    with app.app_context():
        _wipe()
    clock.unfreeze()
    app.extensions["mail_outbox"] = []


@pytest.fixture
def client(app):
    """A test client for pages and the API."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


@dataclass
class World:
    """Two associations and one user per role; `outsider` manages only association B."""

    a: object
    b: object
    b_unit: object
    admin: object
    manager: object
    board: object
    board2: object
    owner: object
    owner_unit: object
    outsider: object
    nobody: object

    def user(self, role: str):
        """Return the user for a role name used in parametrized tests."""
        return getattr(self, role)


@pytest.fixture
def world(app):
    """Association A (manager, two board members, an owner) and B (its own manager).

    In a service test the objects stay attached to the test's session; in a page or API
    test they are built in a context of their own and keep their loaded values.
    """
    if has_app_context():
        return _build_world()
    with app.app_context():
        db.session().expire_on_commit = False
        return _build_world()


def _build_world() -> World:
    from tests import factories as f

    admin = f.UserFactory(name="Ada Admin", is_admin=True)
    a = f.AssociationFactory(name="Alpha Grove HOA", state="CA")
    # The tests of the online engine (budgets, contracts, fines) run in A; California puts
    # those decisions at a board meeting (Civil Code 4910(a)), which tests/functional/
    # test_api_meetings.py covers in an association of its own. The service refuses this
    # setting (set_board_decisions); the fixture writes it directly.
    a.board_decisions = dict.fromkeys(("budget", "contract", "fine", "minutes"), "online")
    b = f.AssociationFactory(name="Beta Hills HOA", state="TX")
    manager = f.UserFactory(name="Mona Manager")
    f.MembershipFactory(user=manager, association=a, role="manager")
    board = f.UserFactory(name="Bea Board")
    f.MembershipFactory(user=board, association=a, role="board", office="president")
    board2 = f.UserFactory(name="Bo Board")
    f.MembershipFactory(user=board2, association=a, role="board", office="treasurer")
    owner_unit = f.UnitFactory(association=a, label="12B", street_address="12 Oak Lane")
    b_unit = f.UnitFactory(association=b, label="1", street_address="1 Beta Road")
    owner = f.UserFactory(name="Olivia Owner")
    f.MembershipFactory(user=owner, association=a, role="owner", unit=owner_unit)
    outsider = f.UserFactory(name="Otto Outsider")
    f.MembershipFactory(user=outsider, association=b, role="manager")
    nobody = f.UserFactory(name="Nora Nobody")
    db.session.commit()
    return World(a, b, b_unit, admin, manager, board, board2, owner, owner_unit, outsider, nobody)


def login(client, user, password: str = PASSWORD):
    """Sign a user in through the login page (signing out whoever was signed in)."""
    client.post("/logout")
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


@pytest.fixture
def login_as(client):
    """Sign the test client in as a user."""

    def _login(user):
        login(client, user)
        return client

    return _login


class ApiClient:
    """The test client with a bearer token for one user."""

    def __init__(self, client, token: str | None):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def __getattr__(self, method):
        call = getattr(self.client, method)

        def _request(url, **kwargs):
            headers = {**self.headers, **kwargs.pop("headers", {})}
            return call(url, headers=headers, **kwargs)

        return _request


@pytest.fixture
def api(client):
    """Return an API client for a user (None: no token)."""

    def _api(user=None):
        if user is None:
            return ApiClient(client, None)
        response = client.post(
            "/api/v1/auth/token", json={"email": user.email, "password": PASSWORD}
        )
        assert response.status_code == 201, response.get_json()
        return ApiClient(client, response.get_json()["token"])

    return _api


@pytest.fixture
def languages(app, tmp_path):
    """The app offering Spanish, Italian, Danish and Russian (tiny test catalogs)."""
    from tests.languages import speaking

    with speaking(app, tmp_path / "translations") as offered:
        yield offered
