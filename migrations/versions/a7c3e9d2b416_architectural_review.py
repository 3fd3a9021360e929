"""architectural review: requests, files, messages, letters, appeals, settings; the arc role

Revision ID: a7c3e9d2b416
Revises: 3b7d2f90c4e1
Create Date: 2026-12-03 14:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.core.types

UTCDateTime = lambda: app.core.types.UTCDateTime(timezone=True)  # noqa: E731

# revision identifiers, used by Alembic.
revision = 'a7c3e9d2b416'
down_revision = '3b7d2f90c4e1'
branch_labels = None
depends_on = None

# PostgreSQL got 'committee' in b7e13a0c5d21; SQLite's check still had the first three, so
# here it takes both new roles at once.
ROLES_BEFORE = "role IN ('manager', 'board', 'owner', 'committee')"
SQLITE_ROLES_BEFORE = "role IN ('manager', 'board', 'owner')"
ROLES_AFTER = "role IN ('manager', 'board', 'owner', 'committee', 'arc')"
STATUSES = (
    "status IN ('submitted', 'approved', 'approved_with_conditions', 'denied', 'appealed', "
    "'withdrawn')"
)
DECISIONS = "('approved', 'approved_with_conditions', 'denied')"
KINDS_BEFORE = "subject_type IN ('budget', 'contract', 'fine', 'minutes')"
KINDS_AFTER = (
    "subject_type IN ('budget', 'contract', 'fine', 'minutes', 'arc_request', 'arc_appeal')"
)


# SQLite kept 'minutes' in its subject_type checks (c9a1e5d7f309 changed PostgreSQL only).
SQLITE_KINDS_BEFORE = "subject_type IN ('budget', 'contract', 'fine', 'minutes')"
SQLITE_KINDS_AFTER = (
    "subject_type IN ('budget', 'contract', 'fine', 'minutes', 'arc_request', 'arc_appeal')"
)
CHECKS = (
    ("memberships", SQLITE_ROLES_BEFORE, ROLES_AFTER),
    ("invitations", SQLITE_ROLES_BEFORE, ROLES_AFTER),
    ("approval_requests", SQLITE_KINDS_BEFORE, SQLITE_KINDS_AFTER),
    ("approval_thresholds", SQLITE_KINDS_BEFORE, SQLITE_KINDS_AFTER),
)


def _rewrite_sqlite_checks(pairs):
    """Change CHECK constraints in place on SQLite, as its documentation allows for changes
    that leave the stored rows valid (here: more values accepted; on downgrade, after the
    rows using them are gone). Rebuilding these tables instead would drop them, cascading to
    their votes, voters and invitations' links."""
    bind = op.get_bind()
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    for table, old, new in pairs:
        bind.exec_driver_sql(
            "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = ?",
            (old, new, table),
        )
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade():
    op.create_table(
        'arc_settings',
        sa.Column('association_id', sa.Integer(), nullable=False),
        sa.Column('review_days', sa.Integer(), nullable=False),
        sa.Column('deemed_approved', sa.Boolean(), nullable=False),
        sa.CheckConstraint('review_days BETWEEN 1 AND 365', name=op.f('ck_arc_settings_review_days')),
        sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_arc_settings_association_id_associations'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('association_id', name=op.f('pk_arc_settings')),
    )
    op.create_table(
        'arc_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('association_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=30), nullable=False),
        sa.Column('submitted_by_id', sa.Integer(), nullable=True),
        sa.Column('submitted_at', UTCDateTime(), nullable=False),
        sa.Column('submitted_on', sa.Date(), nullable=False),
        sa.Column('decide_by', sa.Date(), nullable=False),
        sa.Column('proposed', sa.String(length=30), nullable=True),
        sa.Column('proposed_reasons', sa.Text(), nullable=False),
        sa.Column('proposed_conditions', sa.Text(), nullable=False),
        sa.Column('approval_id', sa.Integer(), nullable=True),
        sa.Column('decision', sa.String(length=30), nullable=True),
        sa.Column('reasons', sa.Text(), nullable=False),
        sa.Column('conditions', sa.Text(), nullable=False),
        sa.Column('decided_at', UTCDateTime(), nullable=True),
        sa.Column('deemed', sa.Boolean(), nullable=False),
        sa.Column('withdrawn_at', UTCDateTime(), nullable=True),
        sa.CheckConstraint(STATUSES, name=op.f('ck_arc_requests_status')),
        sa.CheckConstraint(f"decision IS NULL OR decision IN {DECISIONS}", name=op.f('ck_arc_requests_decision')),
        sa.CheckConstraint(f"proposed IS NULL OR proposed IN {DECISIONS}", name=op.f('ck_arc_requests_proposed')),
        sa.CheckConstraint("(status IN ('submitted', 'withdrawn')) = (decision IS NULL)", name=op.f('ck_arc_requests_decided')),
        sa.ForeignKeyConstraint(['approval_id'], ['approval_requests.id'], name=op.f('fk_arc_requests_approval_id_approval_requests'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_arc_requests_association_id_associations'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_arc_requests_submitted_by_id_users')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_arc_requests_unit_id_units'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_arc_requests')),
    )
    op.create_index(op.f('ix_arc_requests_association_id'), 'arc_requests', ['association_id'])
    op.create_index(op.f('ix_arc_requests_unit_id'), 'arc_requests', ['unit_id'])
    op.create_index(op.f('ix_arc_requests_decide_by'), 'arc_requests', ['decide_by'])
    op.create_table(
        'arc_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('stored_name', sa.String(length=80), nullable=False),
        sa.Column('content_type', sa.String(length=20), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint("content_type IN ('application/pdf', 'image/jpeg', 'image/png')", name=op.f('ck_arc_files_content_type')),
        sa.ForeignKeyConstraint(['request_id'], ['arc_requests.id'], name=op.f('fk_arc_files_request_id_arc_requests'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_arc_files_uploaded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_arc_files')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_arc_files_stored_name')),
    )
    op.create_index(op.f('ix_arc_files_request_id'), 'arc_files', ['request_id'])
    op.create_table(
        'arc_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('from_office', sa.Boolean(), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['request_id'], ['arc_requests.id'], name=op.f('fk_arc_messages_request_id_arc_requests'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_arc_messages_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_arc_messages')),
    )
    op.create_index(op.f('ix_arc_messages_request_id'), 'arc_messages', ['request_id'])
    op.create_table(
        'arc_letters',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('association_id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('issued_on', sa.Date(), nullable=False),
        sa.Column('issued_at', UTCDateTime(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('certified', sa.Boolean(), nullable=False),
        sa.Column('pdf', sa.LargeBinary(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.CheckConstraint("kind IN ('decision', 'appeal')", name=op.f('ck_arc_letters_kind')),
        sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_arc_letters_association_id_associations'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['request_id'], ['arc_requests.id'], name=op.f('fk_arc_letters_request_id_arc_requests'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_arc_letters')),
    )
    op.create_index(op.f('ix_arc_letters_association_id'), 'arc_letters', ['association_id'])
    op.create_index(op.f('ix_arc_letters_request_id'), 'arc_letters', ['request_id'])
    op.create_table(
        'arc_appeals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('approval_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('decided_at', UTCDateTime(), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'granted', 'refused')", name=op.f('ck_arc_appeals_status')),
        sa.ForeignKeyConstraint(['approval_id'], ['approval_requests.id'], name=op.f('fk_arc_appeals_approval_id_approval_requests'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['request_id'], ['arc_requests.id'], name=op.f('fk_arc_appeals_request_id_arc_requests'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_arc_appeals_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_arc_appeals')),
        sa.UniqueConstraint('request_id', name=op.f('uq_arc_appeals_request_id')),
    )
    # The arc role and the two approval kinds.
    if op.get_bind().dialect.name == "sqlite":
        _rewrite_sqlite_checks(CHECKS)
    elif op.get_bind().dialect.name == "postgresql":
        for table in ("memberships", "invitations"):
            op.drop_constraint(op.f(f"ck_{table}_role"), table, type_="check")
            op.create_check_constraint(op.f(f"ck_{table}_role"), table, ROLES_AFTER)
        for table in ("approval_requests", "approval_thresholds"):
            op.drop_constraint(op.f(f"ck_{table}_subject_type"), table, type_="check")
            op.create_check_constraint(op.f(f"ck_{table}_subject_type"), table, KINDS_AFTER)


def downgrade():
    op.execute("DELETE FROM memberships WHERE role = 'arc'")
    op.execute("DELETE FROM invitations WHERE role = 'arc'")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite's check goes back to the first three roles (see above).
        op.execute("DELETE FROM memberships WHERE role = 'committee'")
        op.execute("DELETE FROM invitations WHERE role = 'committee'")
    op.execute("DELETE FROM approval_requests WHERE subject_type LIKE 'arc_%'")
    op.execute("DELETE FROM approval_thresholds WHERE subject_type LIKE 'arc_%'")
    if op.get_bind().dialect.name == "sqlite":
        _rewrite_sqlite_checks([(table, new, old) for table, old, new in CHECKS])
    elif op.get_bind().dialect.name == "postgresql":
        for table in ("approval_requests", "approval_thresholds"):
            op.drop_constraint(op.f(f"ck_{table}_subject_type"), table, type_="check")
            op.create_check_constraint(op.f(f"ck_{table}_subject_type"), table, KINDS_BEFORE)
        for table in ("memberships", "invitations"):
            op.drop_constraint(op.f(f"ck_{table}_role"), table, type_="check")
            op.create_check_constraint(op.f(f"ck_{table}_role"), table, ROLES_BEFORE)
    op.drop_table('arc_appeals')
    op.drop_index(op.f('ix_arc_letters_request_id'), table_name='arc_letters')
    op.drop_index(op.f('ix_arc_letters_association_id'), table_name='arc_letters')
    op.drop_table('arc_letters')
    op.drop_index(op.f('ix_arc_messages_request_id'), table_name='arc_messages')
    op.drop_table('arc_messages')
    op.drop_index(op.f('ix_arc_files_request_id'), table_name='arc_files')
    op.drop_table('arc_files')
    op.drop_index(op.f('ix_arc_requests_decide_by'), table_name='arc_requests')
    op.drop_index(op.f('ix_arc_requests_unit_id'), table_name='arc_requests')
    op.drop_index(op.f('ix_arc_requests_association_id'), table_name='arc_requests')
    op.drop_table('arc_requests')
    op.drop_table('arc_settings')
