"""budgets keep the warnings of the check before submission

Revision ID: e7b2c4d81a10
Revises: ef862b1f1530
Create Date: 2026-12-03 13:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7b2c4d81a10'
down_revision = 'ef862b1f1530'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('budgets', sa.Column('submission_warnings', sa.JSON(), nullable=True))


def downgrade():
    # A plain DROP COLUMN (SQLite 3.35+): rebuilding budgets in batch mode would drop the table,
    # and with foreign keys on that would cascade to its lines.
    op.drop_column('budgets', 'submission_warnings')
