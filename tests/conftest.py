"""Shared fixtures: a database of its own for each test.

Every database test runs on SQLite (a file in the test's tmp_path) and, when TEST_DATABASE_URL is
set (e.g. postgresql+psycopg2://postgres@127.0.0.1:5432/test), on PostgreSQL too, because the
bank runs PostgreSQL and SQLite hides some of its rules (string lengths, upsert corner cases).
The database is a copy of a template built once per run (tests/database_templates.py): migrated
and empty, or holding the demo bank when the test asks for `bank`. No test sees another's rows.
"""
from __future__ import annotations

import os
from datetime import datetime
from typing import Iterator

import pytest

from bot.db import Database, get_engine
from tests.bank_fixtures import TODAY, bank, demo_bank_files, frozen_today, memory_bank, write_bank_files  # noqa: F401  (shared fixtures)
from tests.database_templates import DatabaseTemplates

DATABASES = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(scope="session")
def database_templates(tmp_path_factory) -> Iterator[DatabaseTemplates]:
    directory = tmp_path_factory.mktemp("database-templates")
    templates = DatabaseTemplates(directory, lambda: write_bank_files(directory / "demo-bank"),
                                  datetime(TODAY.year, TODAY.month, TODAY.day, 10, 0))
    yield templates
    templates.close()


@pytest.fixture(params=DATABASES)
def database(request, tmp_path, database_templates) -> Iterator[Database]:
    content = "bank" if "bank" in request.fixturenames else "empty"
    if request.param == "sqlite":
        url = database_templates.sqlite_copy(content, tmp_path / "bank.sqlite3")
        yield Database(url)
        get_engine(url).dispose()
        return
    server_url = os.environ["TEST_DATABASE_URL"]
    url = database_templates.postgresql_copy(server_url, content)
    yield Database(url)
    database_templates.postgresql_release(server_url, url)
