"""The CLI commands."""

from sqlalchemy import func, select

from app.associations.models import Association, Unit
from app.auth.models import Membership, User
from app.extensions import db


def test_create_admin(runner):
    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "Boss@Example.com",
            "--password",
            "long-enough-pw",
            "--name",
            "The Boss",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Created administrator The Boss <boss@example.com>." in result.output
    user = db.session.scalars(select(User)).one()
    assert user.is_admin and user.email == "boss@example.com"


def test_create_admin_explains_bad_input(runner):
    result = runner.invoke(
        args=["create-admin", "--email", "a@example.com", "--password", "x", "--name", "A"]
    )
    assert result.exit_code != 0
    assert "password: Use at least 8 characters." in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_demo_loads_two_realistic_associations_once(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "manager@example.com" in result.output and "demo-pass-2026" in result.output
    associations = db.session.scalars(select(Association).order_by(Association.name)).all()
    assert [a.name for a in associations] == ["Cedar Ridge Commons", "Willow Creek Townhomes"]
    units = db.session.scalar(select(func.count(Unit.id)))
    assert 100 <= units <= 140
    for association in associations:
        board = db.session.scalars(
            select(Membership).where(
                Membership.association_id == association.id, Membership.role == "board"
            )
        ).all()
        assert 3 <= len(board) <= 5
        assert {m.office for m in board} >= {"president", "treasurer", "secretary"}
        unowned = db.session.scalar(
            select(func.count(Unit.id)).where(
                Unit.association_id == association.id,
                ~Unit.id.in_(select(Membership.unit_id).where(Membership.unit_id.is_not(None))),
            )
        )
        assert unowned == 0
    # Architectural review in every state: open, before the body, decided with letters.
    from app.arc.models import ArcLetter, ArcRequest
    from app.compliance.letter_models import Letter

    statuses = set(db.session.scalars(select(ArcRequest.status)))
    assert statuses == {"submitted", "approved_with_conditions", "appealed"}
    assert db.session.scalar(select(func.count(ArcLetter.id))) == 4
    # Owners read their letters in their own languages, not all in English.
    assert len(set(db.session.scalars(select(Letter.language)))) >= 3
    again = runner.invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0 and "not loaded" in again.output
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
