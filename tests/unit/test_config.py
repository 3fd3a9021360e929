"""Configuration order and the refusal to run with a default secret."""

import pytest

from app import create_app
from app.config import normalize_database_url


def test_production_refuses_the_default_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_environment_overrides_defaults(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("API_TOKEN_HOURS", "3")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["API_TOKEN_HOURS"] == 3
    assert app.config["MAIL_BACKEND"] == "smtp"
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_postgres_urls_use_psycopg():
    assert normalize_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_database_url("sqlite:///x") == "sqlite:///x"


def test_behind_a_proxy_the_client_address_is_used(monkeypatch):
    from flask import request

    monkeypatch.setenv("APP_ENV", "testing")
    # Eager jobs: no sweeper thread outliving the test on a database without tables.
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "PROXY_FIX": 1, "JOBS_MODE": "eager"})
    app.add_url_rule("/whoami", "whoami", lambda: request.remote_addr)
    response = app.test_client().get(
        "/whoami",
        headers={"X-Forwarded-For": "203.0.113.7"},
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    assert response.get_data(as_text=True) == "203.0.113.7"
