"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-30 10:25:17.205652
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agents',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('last_activity_at', sa.BigInteger(), nullable=True),
    sa.Column('max_open', sa.Integer(), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agents'))
    )
    with op.batch_alter_table('agents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agents_role'), ['role'], unique=False)

    op.create_table('dashboard_snapshots',
    sa.Column('scope', sa.String(length=80), nullable=False),
    sa.Column('computed_at', sa.BigInteger(), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('scope', name=op.f('pk_dashboard_snapshots'))
    )
    op.create_table('job_leases',
    sa.Column('job', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=40), nullable=False),
    sa.Column('holder', sa.String(length=200), nullable=False),
    sa.Column('acquired_at', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('job', 'period', name=op.f('pk_job_leases'))
    )
    op.create_table('job_runs',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('job', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.BigInteger(), nullable=False),
    sa.Column('finished_at', sa.BigInteger(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('counts', sa.Text(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('host', sa.String(length=200), nullable=False),
    sa.Column('trigger', sa.String(length=16), nullable=False),
    sa.Column('clock_at', sa.BigInteger(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs'))
    )
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_runs_job_started_at'), ['job', 'started_at'], unique=False)

    op.create_table('meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_meta'))
    )
    op.create_table('sla_policies',
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('priority', sa.String(length=16), nullable=False),
    sa.Column('first_response_minutes', sa.Integer(), nullable=True),
    sa.Column('resolution_minutes', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('kind', 'priority', name=op.f('pk_sla_policies'))
    )
    op.create_table('daily_metrics',
    sa.Column('agent_id', sa.String(length=64), nullable=False),
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('tickets_handled', sa.Integer(), nullable=False),
    sa.Column('tickets_resolved', sa.Integer(), nullable=False),
    sa.Column('resolution_rate_percent', sa.Double(), nullable=True),
    sa.Column('avg_resolution_time_hours', sa.Double(), nullable=True),
    sa.Column('avg_response_time_hours', sa.Double(), nullable=True),
    sa.Column('sla_compliance_rate_percent', sa.Double(), nullable=True),
    sa.Column('performance_score', sa.Double(), nullable=True),
    sa.Column('computed_at', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['agents.id'], name=op.f('fk_daily_metrics_agent_id_agents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('agent_id', 'day', name=op.f('pk_daily_metrics'))
    )
    op.create_table('items',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('priority', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('assignee_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.BigInteger(), nullable=False),
    sa.Column('first_response_at', sa.BigInteger(), nullable=True),
    sa.Column('resolved_at', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['agents.id'], name=op.f('fk_items_assignee_id_agents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_items'))
    )
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.create_index('ix_items_assignee_created', ['assignee_id', 'created_at'], unique=False)
        batch_op.create_index('ix_items_kind_assignee_created', ['kind', 'assignee_id', 'created_at', 'priority', 'resolved_at', 'first_response_at'], unique=False)
        batch_op.create_index('ix_items_status_assignee', ['status', 'assignee_id', 'kind'], unique=False)

    op.create_table('workload_snapshots',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('taken_at', sa.BigInteger(), nullable=False),
    sa.Column('agent_id', sa.String(length=64), nullable=False),
    sa.Column('open_tickets', sa.Integer(), nullable=False),
    sa.Column('open_disputes', sa.Integer(), nullable=False),
    sa.Column('open_orders', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['agents.id'], name=op.f('fk_workload_snapshots_agent_id_agents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workload_snapshots')),
    sa.UniqueConstraint('agent_id', 'taken_at', name=op.f('uq_workload_snapshots_agent_id_taken_at'))
    )
    with op.batch_alter_table('workload_snapshots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workload_snapshots_taken_at'), ['taken_at'], unique=False)

    op.create_table('breach_records',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('item_id', sa.String(length=64), nullable=False),
    sa.Column('target', sa.String(length=16), nullable=False),
    sa.Column('due_at', sa.BigInteger(), nullable=False),
    sa.Column('detected_at', sa.BigInteger(), nullable=False),
    sa.Column('acknowledged_at', sa.BigInteger(), nullable=True),
    sa.Column('acknowledged_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_breach_records_item_id_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_breach_records')),
    sa.UniqueConstraint('item_id', 'target', name=op.f('uq_breach_records_item_id_target'))
    )
    with op.batch_alter_table('breach_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_breach_records_detected_at'), ['detected_at'], unique=False)

    op.create_table('reassignments',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('item_id', sa.String(length=64), nullable=False),
    sa.Column('from_agent_id', sa.String(length=64), nullable=True),
    sa.Column('to_agent_id', sa.String(length=64), nullable=False),
    sa.Column('moved_at', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_reassignments_item_id_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reassignments'))
    )
    with op.batch_alter_table('reassignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reassignments_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reassignments_moved_at'), ['moved_at'], unique=False)

    op.create_table('alerts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('recipient_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('breach_id', sa.Integer(), nullable=True),
    sa.Column('reassignment_id', sa.Integer(), nullable=True),
    sa.Column('item_id', sa.String(length=64), nullable=True),
    sa.Column('dedupe_key', sa.String(length=200), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_at', sa.BigInteger(), nullable=False),
    sa.Column('read_at', sa.BigInteger(), nullable=True),
    sa.Column('acknowledged_at', sa.BigInteger(), nullable=True),
    sa.Column('email_status', sa.String(length=16), nullable=False),
    sa.Column('email_attempts', sa.Integer(), nullable=False),
    sa.Column('email_error', sa.Text(), nullable=True),
    sa.Column('emailed_at', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['breach_id'], ['breach_records.id'], name=op.f('fk_alerts_breach_id_breach_records'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reassignment_id'], ['reassignments.id'], name=op.f('fk_alerts_reassignment_id_reassignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recipient_id'], ['agents.id'], name=op.f('fk_alerts_recipient_id_agents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alerts')),
    sa.UniqueConstraint('breach_id', 'recipient_id', name=op.f('uq_alerts_breach_id_recipient_id')),
    sa.UniqueConstraint('dedupe_key', 'recipient_id', name=op.f('uq_alerts_dedupe_key_recipient_id')),
    sa.UniqueConstraint('reassignment_id', 'recipient_id', name=op.f('uq_alerts_reassignment_id_recipient_id'))
    )
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alerts_email_status'), ['email_status'], unique=False)
        batch_op.create_index(batch_op.f('ix_alerts_recipient_id_created_at'), ['recipient_id', 'created_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alerts_recipient_id_created_at'))
        batch_op.drop_index(batch_op.f('ix_alerts_email_status'))

    op.drop_table('alerts')
    with op.batch_alter_table('reassignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reassignments_moved_at'))
        batch_op.drop_index(batch_op.f('ix_reassignments_item_id'))

    op.drop_table('reassignments')
    with op.batch_alter_table('breach_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_breach_records_detected_at'))

    op.drop_table('breach_records')
    with op.batch_alter_table('workload_snapshots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workload_snapshots_taken_at'))

    op.drop_table('workload_snapshots')
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_index('ix_items_status_assignee')
        batch_op.drop_index('ix_items_kind_assignee_created')
        batch_op.drop_index('ix_items_assignee_created')

    op.drop_table('items')
    op.drop_table('daily_metrics')
    op.drop_table('sla_policies')
    op.drop_table('meta')
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_runs_job_started_at'))

    op.drop_table('job_runs')
    op.drop_table('job_leases')
    op.drop_table('dashboard_snapshots')
    with op.batch_alter_table('agents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agents_role'))

    op.drop_table('agents')
