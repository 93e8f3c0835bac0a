"""referrals, their history, the notification outbox and referral credit

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 09:00:00
"""
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

CATEGORIES = "('存款', '理财', '基金', '保险', '贷款', '信用卡', '贵金属')"
STATUSES = "('new', 'accepted', 'contacted', 'converted', 'lost', 'cancelled')"

# Default credit: (category, min_amount, max_amount or None, points). min inclusive, max exclusive.
DEFAULT_CREDIT_RULES = (
    ('存款', 0, 200000, 2), ('存款', 200000, 1000000, 5), ('存款', 1000000, None, 10),
    ('理财', 0, 100000, 3), ('理财', 100000, 500000, 6), ('理财', 500000, None, 12),
    ('基金', 0, 50000, 3), ('基金', 50000, 200000, 6), ('基金', 200000, None, 10),
    ('保险', 0, 10000, 5), ('保险', 10000, 50000, 10), ('保险', 50000, None, 20),
    ('贷款', 0, 100000, 5), ('贷款', 100000, 500000, 10), ('贷款', 500000, None, 15),
    ('信用卡', 0, None, 3),
    ('贵金属', 0, 50000, 2), ('贵金属', 50000, None, 5),
)


def upgrade() -> None:
    op.create_table('referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_no', sa.String(length=20), nullable=False),
    sa.Column('request_key', sa.String(length=100), nullable=False),
    sa.Column('customer_id', sa.String(length=9), nullable=False),
    sa.Column('product_word', sa.String(length=50), nullable=False),
    sa.Column('product_category', sa.String(length=10), nullable=False),
    sa.Column('referrer_id', sa.String(length=20), nullable=False),
    sa.Column('referrer_branch_id', sa.String(length=20), nullable=False),
    sa.Column('receiver_id', sa.String(length=20), nullable=False),
    sa.Column('routed_by', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('sla_due_at', sa.DateTime(), nullable=False),
    sa.Column('contacted_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.Column('escalated_at', sa.DateTime(), nullable=True),
    sa.Column('converted_product_word', sa.String(length=50), nullable=True),
    sa.Column('converted_category', sa.String(length=10), nullable=True),
    sa.Column('converted_amount', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.CheckConstraint(f"status IN {STATUSES}", name=op.f('ck_referrals_status')),
    sa.CheckConstraint(f"product_category IN {CATEGORIES}", name=op.f('ck_referrals_product_category')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.customer_id'], name=op.f('fk_referrals_customer_id_customers')),
    sa.ForeignKeyConstraint(['referrer_id'], ['staff.staff_id'], name=op.f('fk_referrals_referrer_id_staff')),
    sa.ForeignKeyConstraint(['referrer_branch_id'], ['branches.branch_id'], name=op.f('fk_referrals_referrer_branch_id_branches')),
    sa.ForeignKeyConstraint(['receiver_id'], ['staff.staff_id'], name=op.f('fk_referrals_receiver_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals')),
    sa.UniqueConstraint('referral_no', name=op.f('uq_referrals_referral_no')),
    sa.UniqueConstraint('request_key', name=op.f('uq_referrals_request_key'))
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referrals_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_referrer_id'), ['referrer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_referrer_branch_id'), ['referrer_branch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_receiver_id'), ['receiver_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_created_at'), ['created_at'], unique=False)

    op.create_table('referral_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.String(length=20), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_referral_events_referral_id_referrals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.staff_id'], name=op.f('fk_referral_events_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_events'))
    )
    with op.batch_alter_table('referral_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_events_referral_id'), ['referral_id'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=True),
    sa.Column('dedupe_key', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('delivered_at', sa.DateTime(), nullable=True),
    sa.Column('delivered_via', sa.String(length=30), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.staff_id'], name=op.f('fk_notifications_staff_id_staff')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_notifications_referral_id_referrals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_notifications_dedupe_key'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_referral_id'), ['referral_id'], unique=False)
        batch_op.create_index('ix_notifications_pending', ['staff_id', 'delivered_at'], unique=False)

    credit_rules = op.create_table('credit_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=10), nullable=False),
    sa.Column('min_amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('max_amount', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.CheckConstraint(f"category IN {CATEGORIES}", name=op.f('ck_credit_rules_category')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_rules'))
    )
    with op.batch_alter_table('credit_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_rules_category'), ['category'], unique=False)

    op.create_table('credit_ledger',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.String(length=20), nullable=False),
    sa.Column('branch_id', sa.String(length=20), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=10), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_credit_ledger_referral_id_referrals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.staff_id'], name=op.f('fk_credit_ledger_staff_id_staff')),
    sa.ForeignKeyConstraint(['branch_id'], ['branches.branch_id'], name=op.f('fk_credit_ledger_branch_id_branches')),
    sa.ForeignKeyConstraint(['rule_id'], ['credit_rules.id'], name=op.f('fk_credit_ledger_rule_id_credit_rules')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_ledger')),
    sa.UniqueConstraint('referral_id', name=op.f('uq_credit_ledger_referral_id'))
    )
    with op.batch_alter_table('credit_ledger', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_ledger_staff_id'), ['staff_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_credit_ledger_branch_id'), ['branch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_credit_ledger_created_at'), ['created_at'], unique=False)

    op.bulk_insert(credit_rules, [
        dict(category=category, min_amount=Decimal(low), max_amount=None if high is None else Decimal(high),
             points=points, valid_from=date(2000, 1, 1), valid_to=None)
        for category, low, high, points in DEFAULT_CREDIT_RULES
    ])


def downgrade() -> None:
    op.drop_table('credit_ledger')
    op.drop_table('credit_rules')
    op.drop_table('notifications')
    op.drop_table('referral_events')
    op.drop_table('referrals')
