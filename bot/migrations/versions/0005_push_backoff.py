"""notifications: pushes that failed wait longer before each new attempt

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 12:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('push_attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('push_after', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('push_after')
        batch_op.drop_column('push_attempts')
