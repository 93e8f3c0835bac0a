"""saved_segments: the segments (客群) staff keep under a name, "保存为名单:…" (issue #26)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 06:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'saved_segments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.String(length=20), nullable=False),
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('conditions', sa.JSON(), nullable=False),
        sa.Column('made_on', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.staff_id'], name=op.f('fk_saved_segments_staff_id_staff'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_segments')),
        sa.UniqueConstraint('staff_id', 'name', name='uq_saved_segments_staff_name'),
    )


def downgrade() -> None:
    op.drop_table('saved_segments')
