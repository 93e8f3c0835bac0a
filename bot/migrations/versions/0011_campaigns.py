"""campaigns, campaign_targets, campaign_events: marketing campaigns made from a segment (issue #26)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 07:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

CATEGORIES = "('存款', '理财', '基金', '保险', '贷款', '信用卡', '贵金属')"


def upgrade() -> None:
    op.create_table(
        'campaigns',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_no', sa.String(length=20), nullable=False),
        sa.Column('request_key', sa.String(length=100), nullable=False),
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('product_word', sa.String(length=50), nullable=False),
        sa.Column('product_category', sa.String(length=10), nullable=False),
        sa.Column('created_by', sa.String(length=20), nullable=False),
        sa.Column('branch_id', sa.String(length=20), nullable=False),
        sa.Column('deadline', sa.Date(), nullable=False),
        sa.Column('conditions', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint(f"product_category IN {CATEGORIES}", name=op.f('ck_campaigns_product_category')),
        sa.ForeignKeyConstraint(['branch_id'], ['branches.branch_id'], name=op.f('fk_campaigns_branch_id_branches')),
        sa.ForeignKeyConstraint(['created_by'], ['staff.staff_id'], name=op.f('fk_campaigns_created_by_staff')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns')),
        sa.UniqueConstraint('campaign_no', name=op.f('uq_campaigns_campaign_no')),
        sa.UniqueConstraint('request_key', name=op.f('uq_campaigns_request_key')),
    )
    op.create_index(op.f('ix_campaigns_created_by'), 'campaigns', ['created_by'])
    op.create_index(op.f('ix_campaigns_branch_id'), 'campaigns', ['branch_id'])
    op.create_table(
        'campaign_targets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.String(length=9), nullable=False),
        sa.Column('assignee_id', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.String(length=200), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column('contacted_at', sa.DateTime(), nullable=True),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('open', 'contacted', 'interested', 'converted', 'declined')",
                           name=op.f('ck_campaign_targets_status')),
        sa.ForeignKeyConstraint(['assignee_id'], ['staff.staff_id'], name=op.f('fk_campaign_targets_assignee_id_staff')),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_targets_campaign_id_campaigns'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.customer_id'],
                                name=op.f('fk_campaign_targets_customer_id_customers'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_targets')),
        sa.UniqueConstraint('campaign_id', 'customer_id', name='uq_campaign_targets_campaign_customer'),
    )
    op.create_index(op.f('ix_campaign_targets_customer_id'), 'campaign_targets', ['customer_id'])
    op.create_index('ix_campaign_targets_assignee_status', 'campaign_targets', ['assignee_id', 'status'])
    op.create_index('ix_campaign_targets_campaign_assignee', 'campaign_targets', ['campaign_id', 'assignee_id'])
    op.create_table(
        'campaign_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.String(length=20), nullable=True),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('from_status', sa.String(length=20), nullable=True),
        sa.Column('to_status', sa.String(length=20), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.CheckConstraint("kind IN ('created', 'outcome', 'reassigned')", name=op.f('ck_campaign_events_kind')),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.staff_id'], name=op.f('fk_campaign_events_staff_id_staff')),
        sa.ForeignKeyConstraint(['target_id'], ['campaign_targets.id'],
                                name=op.f('fk_campaign_events_target_id_campaign_targets'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_events')),
    )
    op.create_index(op.f('ix_campaign_events_target_id'), 'campaign_events', ['target_id'])


def downgrade() -> None:
    op.drop_table('campaign_events')
    op.drop_table('campaign_targets')
    op.drop_table('campaigns')
