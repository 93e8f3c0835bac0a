"""bank data tables

Revision ID: 0001
Revises: 
Create Date: 2026-11-29 10:55:37.839526
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('staff_id', sa.String(length=20), nullable=False),
    sa.Column('customer_id', sa.String(length=9), nullable=False),
    sa.Column('shown', sa.String(length=30), nullable=False),
    sa.Column('channel', sa.String(length=30), nullable=False),
    sa.Column('detail', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_staff_id'), ['staff_id'], unique=False)

    op.create_table('branches',
    sa.Column('branch_id', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('county', sa.String(length=100), nullable=False),
    sa.CheckConstraint("kind IN ('self_operated', 'agency')", name=op.f('ck_branches_kind')),
    sa.PrimaryKeyConstraint('branch_id', name=op.f('pk_branches'))
    )
    op.create_table('products',
    sa.Column('product_code', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('category', sa.String(length=10), nullable=False),
    sa.Column('risk_rating', sa.String(length=2), nullable=False),
    sa.Column('min_amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('term_days', sa.Integer(), nullable=True),
    sa.Column('channels', sa.String(length=50), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=True),
    sa.Column('max_age', sa.Integer(), nullable=True),
    sa.Column('on_sale', sa.Boolean(), nullable=False),
    sa.CheckConstraint("category IN ('存款', '理财', '基金', '保险', '贷款', '信用卡', '贵金属')", name=op.f('ck_products_category')),
    sa.CheckConstraint("risk_rating IN ('R1', 'R2', 'R3', 'R4', 'R5')", name=op.f('ck_products_risk_rating')),
    sa.PrimaryKeyConstraint('product_code', name=op.f('pk_products'))
    )
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_products_category'), ['category'], unique=False)

    op.create_table('staff',
    sa.Column('staff_id', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('branch_id', sa.String(length=20), nullable=False),
    sa.Column('chat_id', sa.String(length=100), nullable=True),
    sa.CheckConstraint("role IN ('teller', 'lobby_manager', 'customer_manager', 'wealth_manager', 'branch_head')", name=op.f('ck_staff_role')),
    sa.ForeignKeyConstraint(['branch_id'], ['branches.branch_id'], name=op.f('fk_staff_branch_id_branches')),
    sa.PrimaryKeyConstraint('staff_id', name=op.f('pk_staff')),
    sa.UniqueConstraint('chat_id', name=op.f('uq_staff_chat_id'))
    )
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_branch_id'), ['branch_id'], unique=False)

    op.create_table('customers',
    sa.Column('customer_id', sa.String(length=9), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('gender', sa.String(length=1), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('phone', sa.String(length=11), nullable=True),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('branch_id', sa.String(length=20), nullable=False),
    sa.Column('manager_id', sa.String(length=20), nullable=True),
    sa.Column('risk_level', sa.String(length=2), nullable=True),
    sa.Column('risk_assessed_on', sa.Date(), nullable=True),
    sa.Column('occupation', sa.String(length=100), nullable=False),
    sa.CheckConstraint("gender IN ('M', 'F')", name=op.f('ck_customers_gender')),
    sa.CheckConstraint("risk_level IS NULL OR risk_level IN ('C1', 'C2', 'C3', 'C4', 'C5')", name=op.f('ck_customers_risk_level')),
    sa.ForeignKeyConstraint(['branch_id'], ['branches.branch_id'], name=op.f('fk_customers_branch_id_branches')),
    sa.ForeignKeyConstraint(['manager_id'], ['staff.staff_id'], name=op.f('fk_customers_manager_id_staff')),
    sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_customers')),
    sa.UniqueConstraint('id_number', name=op.f('uq_customers_id_number'))
    )
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customers_branch_id'), ['branch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customers_manager_id'), ['manager_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customers_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_customers_phone'), ['phone'], unique=False)

    op.create_table('staff_coverage',
    sa.Column('staff_id', sa.String(length=20), nullable=False),
    sa.Column('branch_id', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['branches.branch_id'], name=op.f('fk_staff_coverage_branch_id_branches')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.staff_id'], name=op.f('fk_staff_coverage_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('staff_id', 'branch_id', name=op.f('pk_staff_coverage'))
    )
    op.create_table('customer_tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.String(length=9), nullable=False),
    sa.Column('tag', sa.String(length=50), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('created_by', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['staff.staff_id'], name=op.f('fk_customer_tags_created_by_staff')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.customer_id'], name=op.f('fk_customer_tags_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_tags')),
    sa.UniqueConstraint('customer_id', 'tag', name='uq_customer_tags_customer_tag')
    )
    with op.batch_alter_table('customer_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_tags_customer_id'), ['customer_id'], unique=False)

    op.create_table('holdings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.String(length=9), nullable=False),
    sa.Column('product_code', sa.String(length=30), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('maturity_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.customer_id'], name=op.f('fk_holdings_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_code'], ['products.product_code'], name=op.f('fk_holdings_product_code_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holdings')),
    sa.UniqueConstraint('customer_id', 'product_code', 'start_date', name='uq_holdings_position')
    )
    with op.batch_alter_table('holdings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_holdings_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_holdings_maturity_date'), ['maturity_date'], unique=False)

    op.create_table('interactions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.String(length=9), nullable=False),
    sa.Column('staff_id', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('happened_at', sa.DateTime(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("channel IN ('上门', '电话', '到店', '微信')", name=op.f('ck_interactions_channel')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.customer_id'], name=op.f('fk_interactions_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.staff_id'], name=op.f('fk_interactions_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interactions')),
    sa.UniqueConstraint('customer_id', 'staff_id', 'happened_at', name='uq_interactions_contact')
    )
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.create_index('ix_interactions_customer_time', ['customer_id', 'happened_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.drop_index('ix_interactions_customer_time')

    op.drop_table('interactions')
    with op.batch_alter_table('holdings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_holdings_maturity_date'))
        batch_op.drop_index(batch_op.f('ix_holdings_customer_id'))

    op.drop_table('holdings')
    with op.batch_alter_table('customer_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_tags_customer_id'))

    op.drop_table('customer_tags')
    op.drop_table('staff_coverage')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customers_phone'))
        batch_op.drop_index(batch_op.f('ix_customers_name'))
        batch_op.drop_index(batch_op.f('ix_customers_manager_id'))
        batch_op.drop_index(batch_op.f('ix_customers_branch_id'))

    op.drop_table('customers')
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_branch_id'))

    op.drop_table('staff')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_products_category'))

    op.drop_table('products')
    op.drop_table('branches')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_staff_id'))
        batch_op.drop_index(batch_op.f('ix_audit_log_customer_id'))
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))

    op.drop_table('audit_log')
