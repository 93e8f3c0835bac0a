"""notifications: delivered once it reached the person, claimed while a reply or a push is under way

A notification was marked delivered when the action's transaction committed (before the reply
left) or before a push was sent. It is now claimed while on its way and marked delivered after
the channel took the reply or the platform accepted the push (issue #24).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 19:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('push_unsure_since', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('push_unsure_via', sa.String(length=30), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('push_unsure_via')
        batch_op.drop_column('push_unsure_since')
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('claim')
