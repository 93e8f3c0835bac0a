"""The migrations build exactly the schema the models describe (tables, columns, indexes, keys)."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.models import Base


def test_migrations_and_models_agree(database):
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
