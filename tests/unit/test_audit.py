"""The audit log is append-only and its hash chain shows tampering."""

import pytest
from sqlalchemy import select, text

from app.associations import units as unit_services
from app.core import audit
from app.core.audit import AuditEntry
from app.extensions import db


def _make_entries(world):
    for n in range(3):
        unit_services.create_unit(
            world.a, label=f"N{n}", street_address=f"{n} New St", actor=world.manager
        )
    unit_services.create_unit(world.b, label="B9", street_address="9 B St", actor=world.outsider)
    db.session.commit()


def test_each_entry_chains_to_the_previous_one_of_its_association(world):
    _make_entries(world)
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.association_id == world.a.id).order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in entries] == ["unit.created"] * 3
    assert entries[0].prev_hash == audit.GENESIS
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash
    assert entries[0].actor_name == "Mona Manager"
    assert "N0" in entries[0].summary
    count, breaks = audit.verify()
    assert count == 4 and breaks == []


def test_verify_names_the_first_altered_entry(world):
    _make_entries(world)
    second = db.session.scalars(
        select(AuditEntry).where(AuditEntry.association_id == world.a.id).order_by(AuditEntry.id)
    ).all()[1]
    db.session.execute(
        text("UPDATE audit_entries SET summary = 'nothing happened' WHERE id = :id"),
        {"id": second.id},
    )
    db.session.commit()
    _count, breaks = audit.verify()
    assert len(breaks) == 1
    assert breaks[0].entry_id == second.id
    assert breaks[0].association_id == world.a.id
    assert "altered" in breaks[0].reason


def test_verify_notices_a_removed_entry(world, runner):
    _make_entries(world)
    ids = db.session.scalars(
        select(AuditEntry.id).where(AuditEntry.association_id == world.a.id).order_by(AuditEntry.id)
    ).all()
    db.session.execute(text("DELETE FROM audit_entries WHERE id = :id"), {"id": ids[1]})
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"first broken link at entry {ids[2]}" in result.output
    assert "removed" in result.output


def test_cli_says_the_chain_holds(world, runner):
    _make_entries(world)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert "The audit chain holds: 4 entries checked." in result.output


def test_entries_cannot_be_changed_or_deleted_through_the_orm(world):
    _make_entries(world)
    entry = db.session.scalars(select(AuditEntry)).first()
    entry.summary = "rewritten"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    entry = db.session.scalars(select(AuditEntry)).first()
    db.session.delete(entry)
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
