"""vendors can be deactivated per association; a request for proposals remembers the contract
its chosen bid became

Revision ID: e7b1c0d4a9f2
Revises: 5c60bdc8f558
Create Date: 2026-12-03 13:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7b1c0d4a9f2'
down_revision = '5c60bdc8f558'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('vendor_links', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    with op.batch_alter_table('rfps', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contract_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_rfps_contract_id_contracts'),
            'contracts',
            ['contract_id'],
            ['id'],
            ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('rfps', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_rfps_contract_id_contracts'), type_='foreignkey')
        batch_op.drop_column('contract_id')
    with op.batch_alter_table('vendor_links', schema=None) as batch_op:
        batch_op.drop_column('active')
