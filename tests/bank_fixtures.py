"""A demo bank loaded into the test database, with the clock frozen on the day it was built for.

The showcase records of tools.demo_data (王建国 ×3, 李秀英, 陈美玲, staff zhangli, suntao, majun…)
are what the tests talk about.
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import func, select

from bot.access import StaffMember
from bot.clock import clock
from bot.customers.service import CustomerService
from bot.db import Database
from bot.models import Branch
from tools.demo_data import write_demo_bank

TODAY = date(2026, 11, 30)
DEMO_CUSTOMERS = 300


def write_bank_files(directory: Path) -> Path:
    """The demo bank's CSV files in `directory` (written once: the same seed and day give the same
    bytes)."""
    if not (directory / ".complete").exists():
        write_demo_bank(directory, DEMO_CUSTOMERS, seed=11, today=TODAY)
        (directory / ".complete").touch()
    return directory


@pytest.fixture(scope="session")
def demo_bank_files(database_templates) -> Path:
    return write_bank_files(database_templates.directory / "demo-bank")


@pytest.fixture
def frozen_today():
    with clock.frozen(datetime(TODAY.year, TODAY.month, TODAY.day, 10, 0)):
        yield TODAY


@pytest.fixture
def bank(database, frozen_today, monkeypatch):
    """The database, holding the demo bank (the `database` fixture copies it from a template when a
    test asks for `bank`); DATABASE_URL points at it for the actions."""
    with database.unit_of_work() as session:
        assert session.execute(select(func.count()).select_from(Branch)).scalar_one() > 0, "no demo bank"
    monkeypatch.setenv("DATABASE_URL", database.url)
    monkeypatch.setattr(_current_bank_holder, "bank", database)
    return database


@pytest.fixture
def memory_bank(database_templates, frozen_today, monkeypatch) -> Iterator[Database]:
    """The demo bank in memory (`Database.in_memory`), for tests of services where no SQL is under
    test: one run, no file, no PostgreSQL. The actions cannot reach it (they open the database of
    DATABASE_URL): tests of actions and of SQL rules (locks, constraints, races, dialects) take
    `bank`, which runs on SQLite and PostgreSQL."""
    database = database_templates.memory_copy("bank")
    monkeypatch.setattr(_current_bank_holder, "bank", database)
    yield database
    database.dispose()


class _current_bank_holder:  # noqa: N801 - a namespace monkeypatch resets after each test
    bank: Database | None = None


def as_staff(chat_id: str) -> StaffMember:
    """The member of the running test's demo bank behind `chat_id`, as a turn resolves her before
    calling a service (actions/respond.py). Fails for a chat id of nobody: services are never
    called for a stranger."""
    bank = _current_bank_holder.bank
    assert bank is not None, "as_staff needs the bank fixture"
    staff = CustomerService(bank).who_is(chat_id)
    assert staff is not None, f"{chat_id} is not staff of the demo bank"
    return staff
