"""indexes matching the big lists' filters and sorts; trigram search on PostgreSQL

Revision ID: f14a5ca1e0b1
Revises: a7c3e9d2b416
Create Date: 2026-12-03 13:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f14a5ca1e0b1'
down_revision = 'a7c3e9d2b416'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    op.create_index(
        'ix_compliance_violations_list',
        'compliance_violations',
        ['association_id', 'opened_on', 'id'],
    )
    op.create_index(
        'ix_compliance_violations_status_list',
        'compliance_violations',
        ['association_id', 'status', 'opened_on', 'id'],
    )
    op.create_index(
        'ix_compliance_letters_waiting',
        'compliance_letters',
        ['association_id', 'batch_id', 'mailed_at'],
    )
    op.create_index(
        'ix_units_label_trgm',
        'units',
        ['label'],
        postgresql_using='gin',
        postgresql_ops={'label': 'gin_trgm_ops'},
    )
    op.create_index(
        'ix_units_street_address_trgm',
        'units',
        ['street_address'],
        postgresql_using='gin',
        postgresql_ops={'street_address': 'gin_trgm_ops'},
    )
    op.create_index(
        'ix_audit_entries_action_list', 'audit_entries', ['association_id', 'action', 'id']
    )
    op.create_index(
        'ix_approval_requests_pending', 'approval_requests', ['status', 'association_id']
    )
    op.create_index(
        'ix_approval_eligible_voters_user', 'approval_eligible_voters', ['user_id', 'request_id']
    )
    op.create_index('ix_approval_votes_voter', 'approval_votes', ['voter_id', 'request_id'])
    op.create_index('ix_users_name', 'users', ['name'])


def downgrade():
    op.drop_index('ix_users_name', table_name='users')
    op.drop_index('ix_approval_votes_voter', table_name='approval_votes')
    op.drop_index('ix_approval_eligible_voters_user', table_name='approval_eligible_voters')
    op.drop_index('ix_approval_requests_pending', table_name='approval_requests')
    op.drop_index('ix_audit_entries_action_list', table_name='audit_entries')
    op.drop_index('ix_units_street_address_trgm', table_name='units')
    op.drop_index('ix_units_label_trgm', table_name='units')
    op.drop_index('ix_compliance_letters_waiting', table_name='compliance_letters')
    op.drop_index('ix_compliance_violations_status_list', table_name='compliance_violations')
    op.drop_index('ix_compliance_violations_list', table_name='compliance_violations')
    # pg_trgm stays: other databases' objects may use it, and it holds no data.
