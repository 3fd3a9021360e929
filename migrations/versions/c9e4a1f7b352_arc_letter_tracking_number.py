"""an architectural decision letter keeps its certified-mail tracking number

Revision ID: c9e4a1f7b352
Revises: b4c7d2e9a013
Create Date: 2026-12-06 21:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c9e4a1f7b352'
down_revision = 'b4c7d2e9a013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('arc_letters') as batch_op:
        batch_op.add_column(sa.Column('tracking_number', sa.String(length=60), nullable=True))


def downgrade():
    with op.batch_alter_table('arc_letters') as batch_op:
        batch_op.drop_column('tracking_number')
