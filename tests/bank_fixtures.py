"""A demo bank loaded into the test database, with the clock frozen on the day it was built for.

The showcase records of tools.demo_data (王建国 ×3, 李秀英, 陈美玲, staff zhangli, suntao, majun…)
are what the tests talk about.
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from bot.clock import clock
from bot.importer import import_directory
from tools.demo_data import write_demo_bank

TODAY = date(2026, 11, 30)
DEMO_CUSTOMERS = 300


@pytest.fixture(scope="session")
def demo_bank_files(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("demo-bank")
    write_demo_bank(directory, DEMO_CUSTOMERS, seed=11, today=TODAY)
    return directory


@pytest.fixture
def frozen_today():
    with clock.frozen(datetime(TODAY.year, TODAY.month, TODAY.day, 10, 0)):
        yield TODAY


@pytest.fixture
def bank(database, demo_bank_files, frozen_today, monkeypatch):
    """The database, loaded with the demo bank; DATABASE_URL points at it for the actions."""
    import_directory(database, demo_bank_files)
    monkeypatch.setenv("DATABASE_URL", database.url)
    return database
