"""indexes for a million customers: the daily list's reads, no index the unique keys repeat

The customer_id indexes of holdings and customer_tags repeat the first column of their unique
keys, which lookups by customer_id use; each cost every imported row another index entry (a
million customers' import is bounded by the database's writing). holdings' becomes
(customer_id, maturity_date): a manager's maturities without reading every holding; nothing
looks holdings up by maturity date alone, so that index goes. The daily
list also reads a manager's customers (on PostgreSQL from the index alone, which carries the
columns it needs) and their recent contacts by staff_id and time.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 00:00:00
"""
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_holdings_customer_id', table_name='holdings')
    op.drop_index('ix_holdings_maturity_date', table_name='holdings')
    op.create_index('ix_holdings_customer_maturity', 'holdings', ['customer_id', 'maturity_date'], unique=False)
    op.drop_index('ix_customer_tags_customer_id', table_name='customer_tags')
    op.drop_index('ix_customers_manager_id', table_name='customers')
    op.create_index(
        'ix_customers_manager', 'customers', ['manager_id'], unique=False,
        postgresql_include=['customer_id', 'name', 'branch_id', 'birth_date'],
    )
    op.create_index('ix_interactions_staff_time', 'interactions', ['staff_id', 'happened_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_interactions_staff_time', table_name='interactions')
    op.drop_index('ix_customers_manager', table_name='customers')
    op.create_index('ix_customers_manager_id', 'customers', ['manager_id'], unique=False)
    op.create_index('ix_customer_tags_customer_id', 'customer_tags', ['customer_id'], unique=False)
    op.drop_index('ix_holdings_customer_maturity', table_name='holdings')
    op.create_index('ix_holdings_maturity_date', 'holdings', ['maturity_date'], unique=False)
    op.create_index('ix_holdings_customer_id', 'holdings', ['customer_id'], unique=False)
