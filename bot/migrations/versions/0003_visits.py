"""visits: structured chat-logged contacts, follow-up tasks, feedback

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 12:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing rows are the bank's imported history: source 'import', no details.
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=10), nullable=False, server_default='import'))
        batch_op.add_column(sa.Column('details', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('request_key', sa.String(length=100), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_interactions_request_key'), ['request_key'])
        batch_op.create_check_constraint(op.f('ck_interactions_source'), "source IN ('import', 'chat')")

    op.create_table('follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.String(length=9), nullable=False),
    sa.Column('staff_id', sa.String(length=20), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_from_interaction_id', sa.Integer(), nullable=True),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('done_reason', sa.String(length=20), nullable=True),
    sa.Column('done_by_interaction_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.customer_id'], name=op.f('fk_follow_ups_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.staff_id'], name=op.f('fk_follow_ups_staff_id_staff')),
    sa.ForeignKeyConstraint(['created_from_interaction_id'], ['interactions.id'], name=op.f('fk_follow_ups_created_from_interaction_id_interactions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['done_by_interaction_id'], ['interactions.id'], name=op.f('fk_follow_ups_done_by_interaction_id_interactions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_ups'))
    )
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_ups_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index('ix_follow_ups_open', ['staff_id', 'done_at', 'due_at'], unique=False)

    op.create_table('feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.String(length=20), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('last_intent', sa.String(length=100), nullable=False),
    sa.Column('channel', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.staff_id'], name=op.f('fk_feedback_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback'))
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_staff_id'), ['staff_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_at'), ['at'], unique=False)


def downgrade() -> None:
    op.drop_table('feedback')
    op.drop_table('follow_ups')
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_interactions_source'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_interactions_request_key'), type_='unique')
        batch_op.drop_column('request_key')
        batch_op.drop_column('details')
        batch_op.drop_column('source')
