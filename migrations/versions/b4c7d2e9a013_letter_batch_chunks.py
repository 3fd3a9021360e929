"""mailing batches built in chunks: the build token on the batch, the chunks table

Revision ID: b4c7d2e9a013
Revises: c31e7a5b9d20
Create Date: 2026-12-04 01:30:00

"""
import sqlalchemy as sa
from alembic import op

import app.core.types

# revision identifiers, used by Alembic.
revision = 'b4c7d2e9a013'
down_revision = 'c31e7a5b9d20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('compliance_letter_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('build', sa.String(length=32), nullable=True))
    op.create_table(
        'compliance_letter_batch_chunks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=False),
        sa.Column('build', sa.String(length=32), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('subject_type', sa.String(length=40), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=True),
        sa.Column('first_id', sa.Integer(), nullable=False),
        sa.Column('last_id', sa.Integer(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('file', sa.String(length=120), nullable=True),
        sa.Column('done_at', app.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['batch_id'],
            ['compliance_letter_batches.id'],
            name=op.f('fk_compliance_letter_batch_chunks_batch_id_compliance_letter_batches'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_compliance_letter_batch_chunks')),
    )
    op.create_index(
        'ix_compliance_letter_batch_chunks_order',
        'compliance_letter_batch_chunks',
        ['batch_id', 'build', 'position'],
    )


def downgrade():
    op.drop_index(
        'ix_compliance_letter_batch_chunks_order', table_name='compliance_letter_batch_chunks'
    )
    op.drop_table('compliance_letter_batch_chunks')
    with op.batch_alter_table('compliance_letter_batches', schema=None) as batch_op:
        batch_op.drop_column('build')
