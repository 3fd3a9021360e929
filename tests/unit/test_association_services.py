"""Associations, units and memberships through their services."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.associations import memberships, services
from app.associations import units as unit_services
from app.auth.models import Membership
from app.core.audit import AuditEntry
from app.core.errors import Conflict, ValidationError
from app.extensions import db


@pytest.mark.parametrize(
    ("state", "profile", "zone"),
    [
        ("CA", "CA", "America/Los_Angeles"),
        ("tx", "TX", "America/Chicago"),
        ("FL", "FL", "America/New_York"),
        ("NV", "default", "America/Los_Angeles"),
    ],
)
def test_profile_and_time_zone_default_from_the_state(world, state, profile, zone):
    association = services.create_association(
        name=f"Test {state}", state=state, fiscal_year_start_month=7, actor=world.admin
    )
    assert association.compliance_profile == profile
    assert association.state == state.upper()
    assert association.time_zone == zone


def test_create_association_is_audited_in_its_own_chain(world):
    association = services.create_association(
        name="Gamma",
        state="CA",
        fiscal_year_start_month=1,
        actor=world.admin,
        time_zone="America/Los_Angeles",
    )
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.association_id == association.id)
    ).one()
    assert entry.action == "association.created"
    assert entry.actor_id == world.admin.id


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": ""}, "name"),
        ({"state": "ZZ"}, "state"),
        ({"fiscal_year_start_month": 13}, "fiscal_year_start_month"),
        ({"compliance_profile": "NY"}, "compliance_profile"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ],
)
def test_create_association_names_the_bad_field(world, values, field):
    arguments = {"name": "Delta", "state": "CA", "fiscal_year_start_month": 1, **values}
    with pytest.raises(ValidationError) as info:
        services.create_association(actor=world.admin, **arguments)
    assert list(info.value.errors) == [field]


def test_association_names_are_unique(world):
    with pytest.raises(Conflict):
        services.create_association(
            name="Alpha Grove HOA", state="CA", fiscal_year_start_month=1, actor=world.admin
        )


def test_units_have_unique_labels_per_association(world):
    with pytest.raises(Conflict):
        unit_services.create_unit(world.a, label="12B", street_address="x", actor=world.manager)
    # The same label in another association is fine.
    unit = unit_services.create_unit(world.b, label="12B", street_address="x", actor=world.outsider)
    assert unit.unit_type == "standard"


@pytest.mark.parametrize(
    ("raw", "expected"), [("1.5", Decimal("1.5")), (2, Decimal(2)), ("", None), (None, None)]
)
def test_allocation_share_parsing(world, raw, expected):
    unit = unit_services.create_unit(
        world.a, label=f"S{raw}", street_address="1 A St", allocation_share=raw, actor=world.manager
    )
    assert unit.allocation_share == expected


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "NaN", "1.1234567"])
def test_allocation_share_refuses_nonsense(world, raw):
    with pytest.raises(ValidationError) as info:
        unit_services.create_unit(
            world.a, label="S", street_address="1 A St", allocation_share=raw, actor=world.manager
        )
    assert "allocation_share" in info.value.errors


def test_update_unit_records_the_changes(world):
    unit_services.update_unit(
        world.owner_unit,
        label="12C",
        street_address="12 Oak Lane",
        mailing_address="PO Box 1",
        unit_type="Townhome",
        allocation_share=None,
        actor=world.manager,
    )
    assert world.owner_unit.unit_type == "townhome"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "unit.updated")).one()
    assert entry.data["label"] == ["12B", "12C"]


def test_delete_unit_removes_its_owner_links(world):
    unit_services.delete_unit(world.owner_unit, actor=world.manager)
    assert (
        db.session.scalars(select(Membership).where(Membership.user_id == world.owner.id)).all()
        == []
    )


def test_owner_membership_needs_a_unit_of_the_association(world):
    other_unit = world.b_unit
    with pytest.raises(ValidationError) as info:
        memberships.add_membership(world.a, user=world.nobody, role="owner", actor=world.manager)
    assert "unit_id" in info.value.errors
    with pytest.raises(ValidationError):
        memberships.add_membership(
            world.a, user=world.nobody, role="owner", unit_id=other_unit.id, actor=world.manager
        )


def test_board_membership_defaults_to_director_and_checks_the_office(world):
    membership = memberships.add_membership(
        world.a, user=world.owner, role="board", actor=world.manager
    )
    assert membership.office == "director"
    with pytest.raises(ValidationError) as info:
        memberships.add_membership(
            world.a, user=world.nobody, role="board", office="king", actor=world.manager
        )
    assert "office" in info.value.errors
    with pytest.raises(ValidationError):
        memberships.add_membership(
            world.a, user=world.nobody, role="manager", office="president", actor=world.manager
        )


def test_a_person_may_hold_several_roles_but_not_the_same_twice(world):
    memberships.add_membership(world.a, user=world.owner, role="manager", actor=world.admin)
    with pytest.raises(Conflict):
        memberships.add_membership(world.a, user=world.owner, role="manager", actor=world.admin)
    with pytest.raises(Conflict):
        memberships.add_membership(
            world.a, user=world.owner, role="owner", unit_id=world.owner_unit.id, actor=world.admin
        )


def test_add_member_gives_the_role_directly_only_to_people_the_manager_knows(world):
    from app.associations import invitations
    from app.associations.models import Invitation
    from app.auth.models import Membership

    known = invitations.add_member(
        world.a, actor=world.manager, role="manager", user_id=world.owner.id
    )
    assert isinstance(known, Membership) and known.user is world.owner
    outside = invitations.add_member(
        world.a, actor=world.manager, role="manager", user_id=world.outsider.id
    )
    assert isinstance(outside, Invitation) and outside.user_id is None  # looked up by the job
    by_email = invitations.add_member(
        world.a, actor=world.manager, role="manager", email="FRESH@example.com", name="F"
    )
    assert isinstance(by_email, Invitation) and by_email.sent_email == "fresh@example.com"
    with pytest.raises(ValidationError):
        invitations.add_member(world.a, actor=world.manager, role="manager")
