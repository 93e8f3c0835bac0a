"""suggestions: the recommendation model's counts and the compliance trail of suggestions

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 12:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('recommendation_models',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('model_date', sa.Date(), nullable=False),
    sa.Column('trained_at', sa.DateTime(), nullable=False),
    sa.Column('customers', sa.Integer(), nullable=False),
    sa.Column('holdings', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation_models'))
    )

    op.create_table('recommendation_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('model_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('product_code', sa.String(length=30), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['model_id'], ['recommendation_models.id'], name=op.f('fk_recommendation_counts_model_id_recommendation_models'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation_counts'))
    )
    with op.batch_alter_table('recommendation_counts', schema=None) as batch_op:
        batch_op.create_index('ix_recommendation_counts_model', ['model_id', 'kind'], unique=False)

    op.create_table('suggestion_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('staff_id', sa.String(length=20), nullable=False),
    sa.Column('customer_id', sa.String(length=9), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('product_code', sa.String(length=30), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('allowed', sa.Boolean(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('channel', sa.String(length=30), nullable=False),
    sa.Column('model_date', sa.Date(), nullable=True),
    sa.CheckConstraint("kind IN ('suggestion', 'purchase_check')", name=op.f('ck_suggestion_log_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestion_log'))
    )
    with op.batch_alter_table('suggestion_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suggestion_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_suggestion_log_staff_id'), ['staff_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_suggestion_log_customer_id'), ['customer_id'], unique=False)


def downgrade() -> None:
    op.drop_table('suggestion_log')
    op.drop_table('recommendation_counts')
    op.drop_table('recommendation_models')
