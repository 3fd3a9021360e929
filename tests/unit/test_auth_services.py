"""Accounts, sign-in throttling, tokens and password resets."""

from datetime import UTC, datetime, timedelta

import pytest

from app.auth import services
from app.core import clock
from app.core.errors import Conflict, NotFound, TooManyAttempts, ValidationError
from app.extensions import db
from tests.conftest import PASSWORD


def test_create_user_hashes_with_argon2id_and_records_it(world):
    user = services.create_user(
        email=" New@Example.COM ", name="New Person", password="long-enough", actor=world.admin
    )
    db.session.commit()
    assert user.email == "new@example.com"
    assert user.password_hash.startswith("$argon2id$")
    assert "long-enough" not in user.password_hash


@pytest.mark.parametrize(
    ("email", "name", "password", "field"),
    [
        ("bad", "X", "long-enough", "email"),
        ("a@b.c", "", "long-enough", "name"),
        ("a@b.c", "X", "short", "password"),
    ],
)
def test_create_user_refuses_bad_values(world, email, name, password, field):
    with pytest.raises(ValidationError) as info:
        services.create_user(email=email, name=name, password=password, actor=world.admin)
    assert field in info.value.errors


def test_duplicate_email_is_a_conflict_before_other_errors(world):
    with pytest.raises(Conflict):
        services.create_user(
            email=world.owner.email.upper(), name="", password="x", actor=world.admin
        )


def test_sign_in_accepts_right_credentials(world):
    assert services.authenticate(world.owner.email, PASSWORD, address="10.0.0.1") is world.owner


def _fail(email, address, times):
    for _ in range(times):
        with pytest.raises(ValidationError):
            services.authenticate(email, "wrong", address=address)


def test_d15_five_failures_slow_only_that_account_from_that_address(world):
    clock.freeze(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    _fail(world.owner.email, "10.0.0.1", 4)
    with pytest.raises(TooManyAttempts) as locked:
        services.authenticate(world.owner.email, "wrong", address="10.0.0.1")
    assert str(locked.value) == (
        "Too many failed sign-ins for this account from your network. "
        "Try again in 1 minute (after 12:01 UTC)."
    )
    # The right password from that address waits too, but the same person elsewhere and
    # colleagues behind that address do not.
    with pytest.raises(TooManyAttempts):
        services.authenticate(world.owner.email, PASSWORD, address="10.0.0.1")
    assert services.authenticate(world.owner.email, PASSWORD, address="10.9.9.9") is world.owner
    assert services.authenticate(world.board.email, PASSWORD, address="10.0.0.1") is world.board
    clock.advance(timedelta(minutes=1, seconds=1))
    assert services.authenticate(world.owner.email, PASSWORD, address="10.0.0.1") is world.owner


def test_d15_each_further_lock_lasts_twice_as_long(world):
    clock.freeze(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    waits = []
    for _ in range(4):
        _fail(world.owner.email, "10.0.0.1", 4)
        with pytest.raises(TooManyAttempts) as locked:
            services.authenticate(world.owner.email, "wrong", address="10.0.0.1")
        waits.append(locked.value.retry_after)
        clock.advance(timedelta(seconds=locked.value.retry_after + 1))
    assert waits == [60, 120, 240, 480]


def test_d15_an_address_trying_many_accounts_is_locked(world):
    clock.freeze(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    for n in range(9):
        _fail(f"nobody{n}@example.com", "10.0.0.7", 1)
    with pytest.raises(TooManyAttempts, match="to different accounts from your network"):
        services.authenticate("nobody9@example.com", "x", address="10.0.0.7")
    with pytest.raises(TooManyAttempts):
        services.authenticate(world.owner.email, PASSWORD, address="10.0.0.7")
    assert services.authenticate(world.owner.email, PASSWORD, address="10.0.0.8") is world.owner


def test_d15_guessing_one_account_from_many_addresses_locks_the_account(world):
    clock.freeze(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    for n in range(19):
        _fail(world.owner.email, f"10.1.0.{n}", 1)
    with pytest.raises(TooManyAttempts, match="for this account, from several networks"):
        services.authenticate(world.owner.email, "wrong", address="10.1.0.99")
    with pytest.raises(TooManyAttempts):
        services.authenticate(world.owner.email, PASSWORD, address="10.2.0.1")


def test_d15_five_failures_against_nobody_lock_no_one_else(world):
    """The probe's scenario: five failures for an unknown address from 127.0.0.1 then the
    manager signs in from the same address."""
    clock.freeze(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    _fail("nobody@x.example", "127.0.0.1", 4)
    with pytest.raises(TooManyAttempts):
        services.authenticate("nobody@x.example", "bad", address="127.0.0.1")
    assert services.authenticate(world.manager.email, PASSWORD, address="127.0.0.1")


def test_a_success_resets_the_count(world):
    for _ in range(4):
        with pytest.raises(ValidationError):
            services.authenticate(world.owner.email, "wrong", address="10.0.0.1")
    services.authenticate(world.owner.email, PASSWORD, address="10.0.0.1")
    for _ in range(4):
        with pytest.raises(ValidationError):
            services.authenticate(world.owner.email, "wrong", address="10.0.0.1")


def test_inactive_users_cannot_sign_in(world):
    world.owner.active = False
    with pytest.raises(ValidationError):
        services.authenticate(world.owner.email, PASSWORD, address="10.0.0.1")


def test_api_tokens_expire_and_are_stored_hashed(world, app):
    clock.freeze(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    token, expires = services.issue_api_token(world.owner)
    db.session.commit()
    assert expires == datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # 12 hours
    from app.auth.models import ApiToken

    assert db.session.query(ApiToken).one().token_hash != token
    assert services.user_for_token(token) is world.owner
    clock.advance(timedelta(hours=12))
    assert services.user_for_token(token) is None


def test_reset_link_expires(world):
    clock.freeze(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    token = services.make_reset_token(world.owner)
    clock.advance(timedelta(hours=2, minutes=1))
    with pytest.raises(NotFound, match="expired"):
        services.user_for_reset_token(token)


def test_reset_link_works_once(world):
    token = services.make_reset_token(world.owner)
    services.reset_password(token, "a-brand-new-password")
    db.session.commit()
    assert services.authenticate(world.owner.email, "a-brand-new-password", address="x")
    with pytest.raises(NotFound, match="already been used"):
        services.reset_password(token, "another-password")


def test_reset_link_refuses_a_forged_token(world):
    with pytest.raises(NotFound):
        services.user_for_reset_token("not-a-token")


def test_reset_refuses_a_short_password(world):
    token = services.make_reset_token(world.owner)
    with pytest.raises(ValidationError):
        services.reset_password(token, "short")
