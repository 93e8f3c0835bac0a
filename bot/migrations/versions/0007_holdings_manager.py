"""holdings.manager_id: a manager's maturities of the week without reading each customer's holdings

The daily list of a manager with 5,500 customers looked into the holdings of every one of them
(5,500 index probes, 31-37 ms on a million customers) to find the few hundred maturing within
the week. Each holding now carries a copy of its customer's manager, kept by the import (the
only writer of customers' managers and of holdings), and (manager_id, maturity_date) finds them
in one index range. It replaces (customer_id, maturity_date): lookups by customer use
uq_holdings_position.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 03:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('holdings', sa.Column('manager_id', sa.String(length=20), nullable=True))
    op.execute(
        'UPDATE holdings SET manager_id = '
        '(SELECT customers.manager_id FROM customers WHERE customers.customer_id = holdings.customer_id)'
    )
    op.drop_index('ix_holdings_customer_maturity', table_name='holdings')
    op.create_index(
        'ix_holdings_manager_maturity', 'holdings', ['manager_id', 'maturity_date'], unique=False,
        postgresql_include=['customer_id', 'product_code', 'amount'],
    )


def downgrade() -> None:
    op.drop_index('ix_holdings_manager_maturity', table_name='holdings')
    op.create_index('ix_holdings_customer_maturity', 'holdings', ['customer_id', 'maturity_date'], unique=False)
    with op.batch_alter_table('holdings') as batch_op:
        batch_op.drop_column('manager_id')
