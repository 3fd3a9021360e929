"""factory_boy factories for the models."""

from __future__ import annotations

import factory
from factory.alchemy import SQLAlchemyModelFactory

from app.associations.models import Association, Unit
from app.auth.models import Membership, User
from app.auth.passwords import hash_password
from app.extensions import db
from tests.conftest import PASSWORD


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class UserFactory(Base):
    class Meta:
        model = User

    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.com")
    password_hash = factory.LazyFunction(lambda: hash_password(PASSWORD))
    language = "en"
    is_admin = False
    active = True


class AssociationFactory(Base):
    class Meta:
        model = Association

    name = factory.Sequence(lambda n: f"Association {n}")
    state = "CA"
    fiscal_year_start_month = 1
    compliance_profile = factory.LazyAttribute(
        lambda o: o.state if o.state in {"CA", "TX", "FL"} else "default"
    )
    letterhead_address = "1 Main Street\nSpringfield, CA 90000"
    time_zone = "America/Los_Angeles"


class UnitFactory(Base):
    class Meta:
        model = Unit

    association = factory.SubFactory(AssociationFactory)
    label = factory.Sequence(lambda n: f"U{n}")
    street_address = factory.Sequence(lambda n: f"{n} Elm Street")
    unit_type = "standard"


class MembershipFactory(Base):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    association = factory.SubFactory(AssociationFactory)
    role = "owner"
    unit = None
    office = None
