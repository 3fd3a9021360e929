"""hearings held at meetings (recorded), TX evidence packet, CA emergency consent, the FL
fining committee role and the caps the governing documents raise

Revision ID: b7e13a0c5d21
Revises: e7b2c4d81a10
Create Date: 2026-12-03 13:40:00

"""
from alembic import op
import sqlalchemy as sa

import app.core.types


# revision identifiers, used by Alembic.
revision = 'b7e13a0c5d21'
down_revision = 'e7b2c4d81a10'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMNs (no new constraint): SQLite keeps the tables, so compliance_letters'
    # trigger and the approvals' voters and votes are untouched.
    with op.batch_alter_table('compliance_hearings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('agenda_item_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('held_at', app.core.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('owner_attended', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('summary', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('packet_sent_at', app.core.types.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('approval_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('emergency_reason', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('emergency_called_by', sa.JSON(), nullable=True))

    with op.batch_alter_table('associations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fine_cap_per_violation', sa.Numeric(precision=12, scale=2), nullable=True))
        batch_op.add_column(sa.Column('fine_cap_aggregate', sa.Numeric(precision=12, scale=2), nullable=True))

    # The role 'committee' (FL 720.305(2)(b)). PostgreSQL only: on SQLite a changed CHECK
    # means rebuilding memberships and invitations; there the application refuses.
    if op.get_bind().dialect.name == "postgresql":
        for table in ("memberships", "invitations"):
            op.drop_constraint(op.f(f"ck_{table}_role"), table, type_="check")
            op.create_check_constraint(
                op.f(f"ck_{table}_role"), table, "role IN ('manager', 'board', 'owner', 'committee')"
            )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in ("memberships", "invitations"):
            op.execute(f"DELETE FROM {table} WHERE role = 'committee'")
            op.drop_constraint(op.f(f"ck_{table}_role"), table, type_="check")
            op.create_check_constraint(
                op.f(f"ck_{table}_role"), table, "role IN ('manager', 'board', 'owner')"
            )
    with op.batch_alter_table('associations', schema=None) as batch_op:
        batch_op.drop_column('fine_cap_aggregate')
        batch_op.drop_column('fine_cap_per_violation')

    with op.batch_alter_table('approval_requests', schema=None) as batch_op:
        batch_op.drop_column('emergency_called_by')
        batch_op.drop_column('emergency_reason')

    with op.batch_alter_table('compliance_hearings', schema=None) as batch_op:
        batch_op.drop_column('packet_sent_at')
        batch_op.drop_column('summary')
        batch_op.drop_column('owner_attended')
        batch_op.drop_column('held_at')
        batch_op.drop_column('agenda_item_id')
        batch_op.drop_column('meeting_id')
