"""Database engine and units of work.

One engine per process and database URL; a fresh `Session` for every unit of work, committed
when the block ends without error and rolled back otherwise. Nothing here is a global session.
"""
from __future__ import annotations

import threading
import warnings
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import create_engine, event, exc, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool, StaticPool

from bot.settings import Settings

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets the action server read while another process (an import) writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """The engine of the bank's database. `hide_parameters`: an error's text (IntegrityError,
    DataError...) and the engine's own log never carry the values bound to a statement, which
    hold phone and ID numbers (the customers table keeps them in full), whoever logs the error."""
    if url.startswith("sqlite"):
        # SQLite keeps NUMERIC as a double. Amounts have two decimals and stay far below 2**53
        # cents, so SQLAlchemy's conversion back to Decimal at scale 2 is exact; sums are done in
        # Python on Decimals, never in SQL. PostgreSQL stores NUMERIC exactly.
        warnings.filterwarnings("ignore", r".*does \*not\* support Decimal objects natively", exc.SAWarning)
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            from pathlib import Path

            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # A pool of open connections (SQLAlchemy 1.4 opens a new one for every unit of work on a
        # SQLite file, with the pragmas below each time: 0.4-0.7 ms, a fifth of a lookup).
        engine = create_engine(
            url, future=True, poolclass=QueuePool, connect_args={"check_same_thread": False, "timeout": 30},
            hide_parameters=True,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    options = {}
    if url.startswith("postgresql"):
        # Batch executemany INSERTs into multi-row statements (1.7x faster).
        options["executemany_mode"] = "values_plus_batch"
    # No ping before every unit of work: on this kind of machine a round trip is 0.3-1 ms, a fifth
    # of a lookup. Connections are renewed after 5 minutes, before any firewall's idle timeout;
    # after a database restart the first unit of work of a process fails (DatabaseUnavailable:
    # nothing written, the user is asked to try again), the pool is renewed, the next one works.
    return create_engine(
        url, future=True, pool_recycle=300, pool_size=10, max_overflow=10, hide_parameters=True, **options
    )


def get_engine(url: str | None = None) -> Engine:
    url = url or Settings.from_env().database_url
    with _lock:
        if url not in _engines:
            _engines[url] = make_engine(url)
        return _engines[url]


def dispose_engines() -> None:
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


class Database:
    """What a service needs to open units of work on one database."""

    def __init__(self, url: str | None = None, *, engine: Engine | None = None) -> None:
        self.url = url or (engine.url.render_as_string(hide_password=False) if engine is not None
                           else Settings.from_env().database_url)
        self.engine = engine if engine is not None else get_engine(self.url)
        self._sessions = sessionmaker(self.engine, future=True, expire_on_commit=False)

    @classmethod
    def in_memory(cls) -> Database:
        """A SQLite database in this process's memory, empty (no tables), gone with the object.

        For tests of services where no SQL is under test: the same services and units of work,
        without a file, its journal or a server. Every unit of work shares its one connection, so
        units of work run one after another: not for tests of concurrent writers, nor for code that
        opens the database by URL (another process, the migrations)."""
        warnings.filterwarnings("ignore", r".*does \*not\* support Decimal objects natively", exc.SAWarning)
        engine = create_engine(
            "sqlite://", future=True, poolclass=StaticPool, connect_args={"check_same_thread": False},
            hide_parameters=True,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return cls(engine=engine)

    def dispose(self) -> None:
        """Close the pooled connections (an in-memory database is gone after this)."""
        self.engine.dispose()

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One transaction: committed if the block succeeds, rolled back if it raises.

        A database that is down, unreachable, timing out or locked raises DatabaseUnavailable:
        nothing of the block was committed, and trying again later is the answer.
        """
        session = self._sessions()
        try:
            yield session
            session.commit()
        except UNAVAILABLE as error:
            _rollback_quietly(session)
            raise DatabaseUnavailable(type(error).__name__) from error
        except BaseException:
            _rollback_quietly(session)
            raise
        finally:
            session.close()


class DatabaseUnavailable(Exception):
    """The bank's database could not be reached or did not answer in time; nothing was written."""


# What a database that is down, restarting, cut off or overloaded raises (as opposed to a bug:
# a constraint violated, a missing column).
UNAVAILABLE = (exc.OperationalError, exc.InterfaceError, exc.DisconnectionError, exc.TimeoutError)


def recreate_database(url, create: bool = True) -> None:
    """PostgreSQL: drop the database `url` names, closing its connections, and create it empty
    (unless `create` is False). For benchmarks and tests that need a database of their own."""
    from sqlalchemy.engine import make_url

    target = make_url(url)
    if not target.drivername.startswith("postgresql") or not target.database:
        raise ValueError(f"not a PostgreSQL database URL: {target!r}")
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT", hide_parameters=True)
    try:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
            if create:
                connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        server.dispose()
    stale = _engines.pop(target.render_as_string(hide_password=False), None)
    if stale is not None:  # its pooled connections were to the dropped database
        stale.dispose()


def _rollback_quietly(session: Session) -> None:
    try:
        session.rollback()
    except exc.SQLAlchemyError:  # the connection is gone: the server has rolled back already
        pass


# ---------------------------------------------------------------------------- write locks
# Check-then-write (a duplicate check, a numbering, an outbox scan) must not interleave with
# another writer. PostgreSQL locks the rows read; SQLite has one database-wide write lock, taken
# here before the reads by a write statement that changes nothing.


def is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def take_write_lock(session: Session) -> None:
    """SQLite: hold the database's write lock until this unit of work ends. No-op elsewhere."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("UPDATE customers SET customer_id = customer_id WHERE 1 = 0"))


def for_update(session: Session, query, *, skip_locked: bool = False):
    """`query` with its rows locked until the unit of work ends (the write lock on SQLite)."""
    if is_postgresql(session):
        return query.with_for_update(skip_locked=skip_locked)
    take_write_lock(session)
    return query


def lock_customer(session: Session, customer_id: str) -> None:
    """Serialise writes about one customer (referrals, visits, tags) until the unit of work ends."""
    from bot.models import Customer  # models do not import this module; keep it that way

    session.execute(for_update(session, select(Customer.customer_id).where(Customer.customer_id == customer_id)))
