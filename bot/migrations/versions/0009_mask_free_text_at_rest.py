"""free text written before masking: phones and ID numbers masked where they are stored

The Masked column types (bot/models.py) mask what is written since issue #24 and what is read;
rows written before kept full numbers on disk (in backups too). This rewrites every such column
once, through the same masking (bot.privacy), in batches by primary key. Only rows that change
are updated; running it again changes nothing. Not reversible: the full numbers are gone.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 06:20:00
"""
import sqlalchemy as sa
from alembic import op

from bot.privacy import mask_identifiers_in_text

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

BATCH = 2000
# table -> (text columns, JSON columns), all keyed by an integer `id`.
MASKED_COLUMNS = {
    'customer_tags': (('tag',), ()),
    'interactions': (('summary',), ('details',)),
    'audit_log': (('detail',), ()),
    'referrals': (('product_word', 'note', 'converted_product_word'), ()),
    'referral_events': (('note',), ()),
    'notifications': (('text',), ()),
    'follow_ups': (('note',), ()),
    'feedback': (('text',), ()),
    'suggestion_log': ((), ('reasons', 'rules')),
}


def _masked(value):
    if isinstance(value, str):
        return mask_identifiers_in_text(value) if value else value
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value


def upgrade() -> None:
    bind = op.get_bind()
    existing = set(sa.inspect(bind).get_table_names())
    for name, (texts, documents) in MASKED_COLUMNS.items():
        if name not in existing:
            continue
        columns = [sa.column(c, sa.Text) for c in texts] + [sa.column(c, sa.JSON) for c in documents]
        table = sa.table(name, sa.column('id', sa.Integer), *columns)
        last = 0
        while True:
            rows = bind.execute(
                sa.select(table).where(table.c.id > last).order_by(table.c.id).limit(BATCH)
            ).mappings().all()
            if not rows:
                break
            last = rows[-1]['id']
            for row in rows:
                changed = {c.name: _masked(row[c.name]) for c in columns if _masked(row[c.name]) != row[c.name]}
                if changed:
                    bind.execute(table.update().where(table.c.id == row['id']).values(**changed))


def downgrade() -> None:
    pass  # the full numbers are not kept anywhere to put back
