"""Test databases copied from templates built once per run.

A test's database used to be migrated (and, for the demo bank, imported) from scratch: ~0.2 s on
SQLite and ~0.6 s on PostgreSQL per test, most of the unit tier's time. Now each kind of content
("empty": migrated, no rows; "bank": the demo bank imported on its day) is built once and each
test gets a copy of it:

* SQLite: the template file is copied with SQLite's backup API into the test's tmp_path, or
  into memory (`Database.in_memory`) for the tests that ask for `memory_database`.
* PostgreSQL: `CREATE DATABASE <name>_case TEMPLATE <name>_template_<content>` next to the
  database of TEST_DATABASE_URL (its server copies the files: ~30 ms), dropped after the test.
  A role that may not create databases gets the old way: the tables of TEST_DATABASE_URL's
  database dropped, migrated and imported for every test.

Every test still starts from the same rows as before and never sees another test's writes.
"""
from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Callable

from sqlalchemy import MetaData, create_engine, exc, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from bot.clock import clock
from bot.db import Database, get_engine
from bot.importer import import_directory
from bot.migrate import upgrade

CONTENTS = ("empty", "bank")


def drop_all_tables(url: str) -> None:
    """Drop every table, including alembic_version and tables of migrations newer than this code."""
    engine = get_engine(url)
    existing = MetaData()
    existing.reflect(bind=engine)
    existing.drop_all(bind=engine)


class DatabaseTemplates:
    """The templates of one test run; `fill(url, content)` builds one kind of content in a database."""

    def __init__(self, directory: Path, bank_files: Callable[[], Path], bank_day: datetime) -> None:
        self.directory = directory
        self._bank_files = bank_files
        self._bank_day = bank_day
        self._sqlite: dict[str, Path] = {}
        self._postgresql: dict[str, str] = {}
        self._admin = None
        self.postgresql_templates_work = True

    def fill(self, url: str, content: str) -> None:
        upgrade(url)
        if content == "bank":
            with clock.frozen(self._bank_day):
                import_directory(Database(url), self._bank_files())

    # SQLite --------------------------------------------------------------------------------------

    def sqlite_copy(self, content: str, target: Path) -> str:
        """A new SQLite file at `target` holding `content`; its URL."""
        source, copy = sqlite3.connect(self._sqlite_template(content)), sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()
        return f"sqlite:///{target}"

    def _sqlite_template(self, content: str) -> Path:
        if content not in self._sqlite:
            path = self.directory / f"{content}.sqlite3"
            url = f"sqlite:///{path}"
            self.fill(url, content)
            get_engine(url).dispose()  # the last connection closed: the WAL is folded into the file
            self._sqlite[content] = path
        return self._sqlite[content]

    def memory_copy(self, content: str) -> Database:
        """A database in memory holding `content` (`Database.in_memory`), for the tests where no
        SQL is under test."""
        database = Database.in_memory()
        source = sqlite3.connect(self._sqlite_template(content))
        target = database.engine.raw_connection()
        try:
            source.backup(target.dbapi_connection)
        finally:
            source.close()
            target.close()  # back to the pool: the one connection, which holds the copy
        return database

    # PostgreSQL ----------------------------------------------------------------------------------

    def postgresql_copy(self, server_url: str, content: str) -> str:
        """A database on the server of `server_url` holding `content`; its URL (drop it with
        `postgresql_release`)."""
        if self.postgresql_templates_work:
            try:
                return self._copy_of_template(server_url, content)
            except exc.ProgrammingError:  # e.g. permission denied to create database
                self.postgresql_templates_work = False
        drop_all_tables(server_url)
        self.fill(server_url, content)
        return server_url

    def postgresql_release(self, server_url: str, url: str) -> None:
        get_engine(url).dispose()
        if url == server_url:
            drop_all_tables(url)
        else:
            self._execute(server_url, f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def close(self) -> None:
        for name in self._postgresql.values():
            self._execute(None, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if self._admin is not None:
            self._admin.dispose()

    def _copy_of_template(self, server_url: str, content: str) -> str:
        base = make_url(server_url)
        if content not in self._postgresql:
            name = f"{base.database}_template_{content}"
            self._execute(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self._execute(server_url, f'CREATE DATABASE "{name}"')
            url = base.set(database=name).render_as_string(hide_password=False)
            self.fill(url, content)
            get_engine(url).dispose()  # a template may have no connection while it is copied
            self._postgresql[content] = name
        case = f"{base.database}_case"
        self._execute(server_url, f'DROP DATABASE IF EXISTS "{case}" WITH (FORCE)')
        self._execute(server_url, f'CREATE DATABASE "{case}" TEMPLATE "{self._postgresql[content]}"')
        return base.set(database=case).render_as_string(hide_password=False)

    def _execute(self, server_url: str | None, statement: str) -> None:
        if self._admin is None:
            self._admin = create_engine(server_url, future=True, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        with self._admin.connect() as connection:
            connection.execute(text(statement))
