"""Units of work when PostgreSQL drops its connections (a restart, a failover, a network cut)."""
import os

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.pool import NullPool

from bot.db import Database, DatabaseUnavailable
from bot.models import Branch


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL (TEST_DATABASE_URL)")
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_after_the_server_drops_every_connection_at_most_one_unit_of_work_fails(database: Database):
    with database.unit_of_work() as session:
        session.add(Branch(branch_id="B900", name="测试支行", kind="self_operated", county="测试县"))
    # Every other connection to the database is cut, as by a restart of the server: the pooled
    # ones of the bot's engine included.
    killer = create_engine(database.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with killer.connect() as connection:
        cut = connection.execute(
            text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                 "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        ).scalar_one()
    killer.dispose()
    assert cut >= 1
    outcomes = []
    for _attempt in range(3):
        try:
            with database.unit_of_work() as session:
                outcomes.append(session.execute(select(Branch.name).where(Branch.branch_id == "B900")).scalar_one())
        except DatabaseUnavailable:
            outcomes.append("unavailable")
    assert outcomes.count("unavailable") <= 1
    assert outcomes[-2:] == ["测试支行", "测试支行"]


def test_a_database_in_memory_keeps_what_a_unit_of_work_commits_and_nothing_it_rolls_back():
    from bot.models import Base

    first, second = Database.in_memory(), Database.in_memory()
    try:
        Base.metadata.create_all(first.engine)
        with first.unit_of_work() as session:
            session.add(Branch(branch_id="B900", name="测试支行", kind="self_operated", county="测试县"))
        with pytest.raises(RuntimeError):
            with first.unit_of_work() as session:
                session.add(Branch(branch_id="B901", name="回滚支行", kind="self_operated", county="测试县"))
                session.flush()
                raise RuntimeError("the block fails after writing")
        with first.unit_of_work() as session:
            assert session.execute(select(Branch.branch_id)).scalars().all() == ["B900"]
        with pytest.raises(DatabaseUnavailable):  # another database in memory is another database
            with second.unit_of_work() as session:
                session.execute(select(Branch.branch_id)).all()
    finally:
        first.dispose()
        second.dispose()
