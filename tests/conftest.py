"""Shared fixtures: a freshly migrated database for each test.

Every database test runs on SQLite (a file in the test's tmp_path) and, when TEST_DATABASE_URL is
set (e.g. postgresql+psycopg2://postgres@127.0.0.1:5432/test), on PostgreSQL too, because the
bank runs PostgreSQL and SQLite hides some of its rules (string lengths, upsert corner cases).
The PostgreSQL database is emptied before and after each test so tests never see each other's rows.
"""
from __future__ import annotations

import os
from typing import Iterator

import pytest
from sqlalchemy import MetaData

from bot.db import Database, get_engine
from bot.migrate import upgrade
from tests.bank_fixtures import bank, demo_bank_files, frozen_today  # noqa: F401  (shared fixtures)

DATABASES = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def _drop_all_tables(url: str) -> None:
    """Drop every table, including alembic_version and tables of migrations newer than this code."""
    engine = get_engine(url)
    existing = MetaData()
    existing.reflect(bind=engine)
    existing.drop_all(bind=engine)


@pytest.fixture(params=DATABASES)
def database(request, tmp_path) -> Iterator[Database]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'bank.sqlite3'}"
        upgrade(url)
        yield Database(url)
        get_engine(url).dispose()
        return
    url = os.environ["TEST_DATABASE_URL"]
    _drop_all_tables(url)
    upgrade(url)
    yield Database(url)
    _drop_all_tables(url)
