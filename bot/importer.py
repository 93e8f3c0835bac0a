"""Load the bank's CSV exports into the database (`python -m bot import DIR`).

One concept over 500 lines: the import of the bank's CSV files, from reading and checking each
row to writing it in batches, kept in one module so that the transaction boundary and the
all-or-nothing rule are in one place.

The bank hands us a directory of UTF-8 CSV files, any subset of branches.csv, staff.csv,
customers.csv, products.csv, holdings.csv and interactions.csv. They are loaded in that order,
because each file refers to rows of the files before it (or rows already in the database).

Rules that matter to the bank:

* All or nothing: one import is one unit of work. If any row is wrong nothing of the import is
  written, so the bot never serves half of an export. Up to `MAX_ERRORS` problems are collected
  (file, line, field, what is wrong) so the data team can fix several at once.
* Idempotent: rows are upserted on their natural key, so importing the same export twice (or a
  corrected one) updates rows and never duplicates them. When a key appears twice in one file the
  last row wins, as it would across two imports.
* Large exports stream: rows are read and validated one by one in the reading thread, and
  written in batches of `BATCH_SIZE` by a writing thread (`_BatchWriter`), so the database works
  while Python parses; memory stays flat (about 130 MB for 100,000 customers or a million).
* References to other files and uniqueness are checked against the database inside the same
  transaction, so earlier files of this import count as well. SQLite: one query per batch, then
  the write. PostgreSQL: the write itself (COPY into a staging table, then INSERT ... SELECT ...
  ON CONFLICT) under a savepoint, its foreign keys and unique constraints doing the checking; a
  batch they refuse is rolled back to the savepoint and checked row by row for the messages.
* A row the export repeats unchanged is not rewritten (a nightly full export is mostly that).
* Each holding carries a copy of its customer's manager (Holding.manager_id, for the daily
  list): written with the holding, and moved when a customers file gives a customer another
  manager. The import is the only writer of both; nothing else may change a customer's manager.
* Amounts are `Decimal` (never float); contact times are bank local time, stored as naive UTC.
"""
from __future__ import annotations

import csv
import io
import queue
import threading
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from pathlib import Path
from typing import Any, Callable, Iterable

from sqlalchemy import Table, any_, bindparam, delete, select, text, tuple_, update
from sqlalchemy import column as sql_column
from sqlalchemy import table as sql_table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session
from tqdm import tqdm

from bot.clock import clock, to_storage
from bot.db import Database
from bot.migrate import upgrade
from bot.models import (
    BRANCH_KINDS,
    CONTACT_CHANNELS,
    PRODUCT_CATEGORIES,
    PRODUCT_RISKS,
    RISK_LEVELS,
    STAFF_ROLES,
    Branch,
    Customer,
    CustomerTag,
    Holding,
    Interaction,
    Product,
    Staff,
    StaffCoverage,
)
from bot.privacy import mask_identifiers_in_text
from bot.vocabulary.identifiers import ID_NUMBER_RE, is_valid_customer_id, is_valid_id_number, is_valid_phone

BATCH_SIZE = 10_000
MAX_ERRORS = 20
# Numeric(18, 2): at most 16 digits before the decimal point.
_MAX_AMOUNT = Decimal("1e16")
_CENT = Decimal("0.01")
# Staff type lists in Excel with either semicolon.
_LIST_SEPARATORS = str.maketrans({"；": ";"})


@dataclass(frozen=True)
class RowError:
    """One problem in the export: where it is (file, line with the header as line 1, column) and what.

    Line 0 means the directory as a whole (no file to import)."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file} 第 {self.line} 行 {self.field}: {self.message}"


class ImportFailed(Exception):
    """The import was rolled back, nothing was written; `errors` lists what to fix."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = list(errors)
        super().__init__("导入失败,未写入任何数据:\n" + "\n".join(str(error) for error in self.errors))


@dataclass(frozen=True)
class ImportReport:
    """Rows imported (inserted or updated) per file, in import order; files not present are absent."""

    rows: dict[str, int]

    def __str__(self) -> str:
        return ", ".join(f"{file} {count} 行" for file, count in self.rows.items())


# ---------------------------------------------------------------------------- one row


class _Row:
    """One CSV row being validated: each getter returns the typed value, or records a `RowError`
    and returns None, so every wrong field of the row is reported, not only the first."""

    def __init__(self, file: str, line: int, table: Table, values: dict[str, str]) -> None:
        self.file = file
        self.line = line
        self.table = table
        self.values = values
        self.errors: list[RowError] = []

    def fail(self, field: str, message: str) -> None:
        self.errors.append(RowError(self.file, self.line, field, message))

    def raw(self, field: str, required: bool) -> str | None:
        value = self.values.get(field, "")
        if value:
            return value
        if required:
            self.fail(field, "不能为空")
        return None

    def text(self, field: str, required: bool = True) -> str | None:
        """A string, no longer than its database column."""
        value = self.raw(field, required)
        limit = getattr(self.table.c[field].type, "length", None)
        if value is not None and limit and len(value) > limit:
            self.fail(field, f"长度 {len(value)} 超过上限 {limit} 个字符")
            return None
        return value

    def choice(self, field: str, options: Iterable[str], required: bool = True) -> str | None:
        value = self.raw(field, required)
        if value is not None and value not in options:
            self.fail(field, f"取值 {value!r} 无效,应为 {'、'.join(options)} 之一")
            return None
        return value

    def checked(self, field: str, valid: Callable[[str], bool], expected: str, required: bool = True) -> str | None:
        """An identifier in a fixed format. Its value is not repeated in the message: phone and ID
        numbers are personal data, and the line and column are enough to find it."""
        value = self.raw(field, required)
        if value is not None and not valid(value):
            self.fail(field, f"格式不对,应为{expected}")
            return None
        return value

    def id_number(self, field: str) -> str | None:
        """A resident ID number (upper-case X): wrong shape and mistyped digit are told apart."""
        value = self.raw(field, False)
        if value is None:
            return None
        value = value.upper()
        if not ID_NUMBER_RE.fullmatch(value):
            self.fail(field, "格式不对,应为 18 位身份证号(前 17 位数字,最后一位数字或 X)")
            return None
        if not is_valid_id_number(value):
            self.fail(field, "校验位不对,可能有数字录错")
            return None
        return value

    def date(self, field: str, required: bool = True) -> date | None:
        value = self.raw(field, required)
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(field, f"日期 {value!r} 无效,应为 YYYY-MM-DD,例如 2024-03-15")
            return None

    def moment(self, field: str) -> datetime | None:
        value = self.raw(field, True)
        if value is None:
            return None
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            self.fail(field, f"时间 {value!r} 无效,应为 YYYY-MM-DD HH:MM[:SS](银行本地时间)")
            return None

    def amount(self, field: str) -> Decimal | None:
        """Yuan with at most 2 decimals, as `Decimal`: never through float, so no cent is lost."""
        value = self.raw(field, True)
        if value is None:
            return None
        try:
            amount = Decimal(value)
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            self.fail(field, f"金额 {value!r} 无效,应为以元为单位的数字,例如 50000 或 1234.56(不要千分位逗号和单位)")
            return None
        if amount < 0 or amount >= _MAX_AMOUNT or amount != amount.quantize(_CENT):
            self.fail(field, f"金额 {value!r} 无效,应为不小于 0、最多两位小数的元")
            return None
        return amount

    def integer(self, field: str, required: bool = True) -> int | None:
        value = self.raw(field, required)
        if value is None:
            return None
        if not value.isascii() or not value.isdigit() or len(value) > 9:
            self.fail(field, f"{value!r} 应为不小于 0 的整数")
            return None
        return int(value)

    def boolean(self, field: str) -> bool | None:
        value = self.raw(field, True)
        if value is None:
            return None
        if value.lower() not in ("true", "false"):
            self.fail(field, f"{value!r} 应为 true 或 false")
            return None
        return value.lower() == "true"

    def members(self, field: str, limit: int) -> list[str]:
        """A ';'-separated list, without blanks or repeats, each at most `limit` characters."""
        items: list[str] = []
        for item in (self.values.get(field, "") or "").translate(_LIST_SEPARATORS).split(";"):
            item = item.strip()
            if not item or item in items:
                continue
            if len(item) > limit:
                self.fail(field, f"{item!r} 长度超过上限 {limit} 个字符")
                continue
            items.append(item)
        return items


@dataclass
class _Parsed:
    """A valid row: its line, the values of the file's table, and its list column if it has one
    (a customer's tags, the branches a staff member covers; None when the column is absent)."""

    line: int
    values: dict[str, Any]
    members: list[str] | None = None


@dataclass(frozen=True)
class _Reference:
    """A field naming a row of another table, which must exist in the file before or the database."""

    field: str
    target: InstrumentedAttribute
    label: str
    # A small table (branches, staff, products): the keys found are remembered for the rest of the
    # file instead of asked again for every batch. Nothing an import does removes them.
    small: bool = False


# ---------------------------------------------------------------------------- files


class _Loader:
    """How one file is validated and written. Subclasses describe their columns and references."""

    file: str
    table: Table
    columns: tuple[str, ...]
    optional: tuple[str, ...] = ()
    key: tuple[str, ...]
    references: tuple[_Reference, ...] = ()
    # A column unique in the table besides the key (e.g. a customer's ID number): (field, column).
    unique: tuple[str, InstrumentedAttribute] | None = None
    # Columns set when a row is first inserted and kept as they are when it is updated.
    insert_only: tuple[str, ...] = ()

    def __init__(self, session: Session, header: list[str], now: datetime) -> None:
        self.session = session
        self.header = header
        self.now = now
        self.known: dict[str, set[str]] = {reference.field: set() for reference in self.references if reference.small}

    def parse(self, row: _Row) -> _Parsed | None:
        raise NotImplementedError

    @classmethod
    def written_tables(cls) -> tuple[str, ...]:
        return (cls.table.name,)

    def check(self, batch: list[_Parsed]) -> list[RowError]:
        """References and uniqueness of one batch, by one query per referenced table."""
        errors = []
        for reference in self.references:
            wanted = {item.values[reference.field] for item in batch if item.values.get(reference.field)}
            known = self.known.get(reference.field, set())
            found = known | _existing(self.session, reference.target, wanted - known)
            if reference.small:
                known |= found
            errors += [
                RowError(self.file, item.line, reference.field, f"{reference.label} {value} 不存在(导入文件和数据库中都没有)")
                for item in batch
                if (value := item.values.get(reference.field)) and value not in found
            ]
        if self.unique:
            errors += self._check_unique(batch, *self.unique)
        return errors

    def _check_unique(self, batch: list[_Parsed], field: str, column: InstrumentedAttribute) -> list[RowError]:
        key_column = self.table.c[self.key[0]]
        owners: dict[str, str] = {}
        wanted = [item.values[field] for item in batch if item.values.get(field)]
        if wanted:
            owners = dict(self.session.execute(select(column, key_column).where(_among(self.session, column, set(wanted)))).all())
        errors = []
        for item in batch:
            value, key = item.values.get(field), item.values[self.key[0]]
            if not value:
                continue
            owner = owners.setdefault(value, key)
            if owner != key:
                errors.append(RowError(self.file, item.line, field, f"与 {owner} 重复,不能两人共用"))
        return errors

    def write(self, batch: list[_Parsed]) -> None:
        _write_rows(self.session, self.table, [item.values for item in batch], self.key, self.insert_only)


class _Branches(_Loader):
    file = "branches.csv"
    table = Branch.__table__
    columns = ("branch_id", "name", "kind", "county")
    key = ("branch_id",)

    def parse(self, row: _Row) -> _Parsed | None:
        values = {
            "branch_id": row.text("branch_id"),
            "name": row.text("name"),
            "kind": row.choice("kind", BRANCH_KINDS),
            "county": row.text("county", required=False) or "",
        }
        return None if row.errors else _Parsed(row.line, values)


class _Staff(_Loader):
    file = "staff.csv"
    table = Staff.__table__
    columns = ("staff_id", "name", "role", "branch_id", "chat_id")
    optional = ("covers",)
    key = ("staff_id",)
    references = (_Reference("branch_id", Branch.branch_id, "网点", small=True),)
    unique = ("chat_id", Staff.chat_id)

    @classmethod
    def written_tables(cls) -> tuple[str, ...]:
        return (cls.table.name, StaffCoverage.__table__.name)

    def parse(self, row: _Row) -> _Parsed | None:
        values = {
            "staff_id": row.text("staff_id"),
            "name": row.text("name"),
            "role": row.choice("role", STAFF_ROLES),
            "branch_id": row.text("branch_id"),
            "chat_id": row.text("chat_id", required=False),
        }
        covers = row.members("covers", Branch.__table__.c.branch_id.type.length) if "covers" in self.header else None
        return None if row.errors else _Parsed(row.line, values, covers)

    def check(self, batch: list[_Parsed]) -> list[RowError]:
        errors = super().check(batch)
        found = _existing(self.session, Branch.branch_id, {b for item in batch for b in item.members or ()})
        for item in batch:
            missing = [branch for branch in item.members or () if branch not in found]
            if missing:
                errors.append(RowError(self.file, item.line, "covers", f"网点 {'、'.join(missing)} 不存在(导入文件和数据库中都没有)"))
        return errors

    def write(self, batch: list[_Parsed]) -> None:
        """Upsert the people; where the file has a covers column it replaces what they cover."""
        super().write(batch)
        if "covers" not in self.header:
            return
        self.session.execute(
            delete(StaffCoverage).where(StaffCoverage.staff_id.in_([item.values["staff_id"] for item in batch]))
        )
        coverage = [
            {"staff_id": item.values["staff_id"], "branch_id": branch} for item in batch for branch in item.members or ()
        ]
        if coverage:
            _write_rows(self.session, StaffCoverage.__table__, coverage, ("staff_id", "branch_id"), update=False)


class _Customers(_Loader):
    file = "customers.csv"
    table = Customer.__table__
    columns = (
        "customer_id", "name", "gender", "birth_date", "phone", "id_number", "branch_id",
        "risk_level", "risk_assessed_on", "tags", "occupation",
    )
    optional = ("manager_id",)
    key = ("customer_id",)
    references = (
        _Reference("branch_id", Branch.branch_id, "网点", small=True),
        _Reference("manager_id", Staff.staff_id, "员工", small=True),
    )
    unique = ("id_number", Customer.id_number)

    @classmethod
    def written_tables(cls) -> tuple[str, ...]:
        return (cls.table.name, CustomerTag.__table__.name)

    def parse(self, row: _Row) -> _Parsed | None:
        values = {
            "customer_id": row.checked("customer_id", is_valid_customer_id, " C 加 8 位数字,例如 C00012345"),
            "name": row.text("name"),
            "gender": row.choice("gender", ("M", "F")),
            "birth_date": row.date("birth_date", required=False),
            "phone": row.checked("phone", is_valid_phone, " 11 位手机号", required=False),
            "id_number": row.id_number("id_number"),
            "branch_id": row.text("branch_id"),
            "risk_level": row.choice("risk_level", RISK_LEVELS, required=False),
            "risk_assessed_on": row.date("risk_assessed_on", required=False),
            "occupation": row.text("occupation", required=False) or "",
        }
        if "manager_id" in self.header:
            values["manager_id"] = row.text("manager_id", required=False)
        _check_id_matches(row, values)
        tags = row.members("tags", CustomerTag.__table__.c.tag.type.length)
        return None if row.errors else _Parsed(row.line, values, tags)

    def write(self, batch: list[_Parsed]) -> None:
        """Upsert the customers and replace their imported tags; tags staff added in chat stay."""
        super().write(batch)
        self.session.execute(
            delete(CustomerTag).where(
                CustomerTag.customer_id.in_([item.values["customer_id"] for item in batch]),
                CustomerTag.source == "import",
            )
        )
        tags = [
            {"customer_id": item.values["customer_id"], "tag": mask_identifiers_in_text(tag), "source": "import",
             "created_at": self.now}
            for item in batch
            for tag in item.members or ()
        ]
        # A tag staff already gave the customer stays theirs.
        _write_rows(self.session, CustomerTag.__table__, tags, ("customer_id", "tag"), update=False)
        if "manager_id" in self.header:
            _copy_managers_to_holdings(self.session, {item.values["customer_id"] for item in batch})


def _copy_managers_to_holdings(session: Session, customer_ids: set[str]) -> None:
    """A customer given another manager takes their holdings' copy along (Holding.manager_id)."""
    holdings, customers = Holding.__table__, Customer.__table__
    manager = select(customers.c.manager_id).where(customers.c.customer_id == holdings.c.customer_id).scalar_subquery()
    session.execute(
        update(holdings)
        .where(_among(session, holdings.c.customer_id, customer_ids), holdings.c.manager_id.is_distinct_from(manager))
        .values(manager_id=manager)
    )


def _check_id_matches(row: _Row, values: dict[str, Any]) -> None:
    """The ID number encodes birth date and gender; a mismatch means a shifted or mixed-up column."""
    id_number, birth_date, gender = values["id_number"], values["birth_date"], values["gender"]
    if not id_number:
        return
    if birth_date and birth_date.strftime("%Y%m%d") != id_number[6:14]:
        row.fail("birth_date", f"{birth_date} 与身份证号中的出生日期不一致")
    if gender and gender != ("M" if int(id_number[16]) % 2 else "F"):
        row.fail("gender", f"{gender} 与身份证号第 17 位表示的性别不一致(奇数为男)")


class _Products(_Loader):
    file = "products.csv"
    table = Product.__table__
    columns = (
        "product_code", "name", "category", "risk_rating", "min_amount", "term_days",
        "channels", "min_age", "max_age", "on_sale",
    )
    key = ("product_code",)

    def parse(self, row: _Row) -> _Parsed | None:
        channels = row.members("channels", Product.__table__.c.channels.type.length)
        for channel in channels:
            if channel not in BRANCH_KINDS:
                row.fail("channels", f"渠道 {channel!r} 无效,应为 {'、'.join(BRANCH_KINDS)},多个用 ; 分隔")
        if not channels:
            row.fail("channels", "不能为空,应为 self_operated、agency,多个用 ; 分隔")
        values = {
            "product_code": row.text("product_code"),
            "name": row.text("name"),
            "category": row.choice("category", PRODUCT_CATEGORIES),
            "risk_rating": row.choice("risk_rating", PRODUCT_RISKS),
            "min_amount": row.amount("min_amount"),
            "term_days": row.integer("term_days", required=False),
            "channels": ";".join(channels),
            "min_age": row.integer("min_age", required=False),
            "max_age": row.integer("max_age", required=False),
            "on_sale": row.boolean("on_sale"),
        }
        if values["min_age"] is not None and values["max_age"] is not None and values["min_age"] > values["max_age"]:
            row.fail("max_age", f"最高年龄 {values['max_age']} 小于最低年龄 {values['min_age']}")
        return None if row.errors else _Parsed(row.line, values)


class _Holdings(_Loader):
    file = "holdings.csv"
    table = Holding.__table__
    columns = ("customer_id", "product_code", "amount", "start_date")
    optional = ("maturity_date",)
    key = ("customer_id", "product_code", "start_date")
    references = (
        _Reference("customer_id", Customer.customer_id, "客户"),
        _Reference("product_code", Product.product_code, "产品", small=True),
    )

    def parse(self, row: _Row) -> _Parsed | None:
        values = {
            "customer_id": row.checked("customer_id", is_valid_customer_id, " C 加 8 位数字,例如 C00012345"),
            "product_code": row.text("product_code"),
            "amount": row.amount("amount"),
            "start_date": row.date("start_date"),
        }
        if "maturity_date" in self.header:
            values["maturity_date"] = row.date("maturity_date", required=False)
            if values["start_date"] and values["maturity_date"] and values["maturity_date"] < values["start_date"]:
                row.fail("maturity_date", f"到期日 {values['maturity_date']} 早于起始日 {values['start_date']}")
        return None if row.errors else _Parsed(row.line, values)

    def write(self, batch: list[_Parsed]) -> None:
        """Upsert the holdings, each with its customer's manager (Holding.manager_id)."""
        wanted = {item.values["customer_id"] for item in batch}
        managers = dict(
            self.session.execute(
                select(Customer.customer_id, Customer.manager_id).where(_among(self.session, Customer.customer_id, wanted))
            ).all()
        )
        rows = [{**item.values, "manager_id": managers.get(item.values["customer_id"])} for item in batch]
        _write_rows(self.session, self.table, rows, self.key, self.insert_only)


class _Interactions(_Loader):
    file = "interactions.csv"
    table = Interaction.__table__
    columns = ("customer_id", "staff_id", "channel", "happened_at", "summary")
    key = ("customer_id", "staff_id", "happened_at")
    references = (
        _Reference("customer_id", Customer.customer_id, "客户"),
        _Reference("staff_id", Staff.staff_id, "员工", small=True),
    )
    insert_only = ("created_at",)

    def parse(self, row: _Row) -> _Parsed | None:
        happened_at = row.moment("happened_at")
        values = {
            "customer_id": row.checked("customer_id", is_valid_customer_id, " C 加 8 位数字,例如 C00012345"),
            "staff_id": row.text("staff_id"),
            "channel": row.choice("channel", CONTACT_CHANNELS),
            # Written in the bank's local time; stored as naive UTC like every other time.
            "happened_at": to_storage(happened_at) if happened_at else None,
            # Masked here: COPY (PostgreSQL) bypasses the column's masking (bot.models.MaskedText).
            "summary": mask_identifiers_in_text(row.raw("summary", False) or ""),
            "created_at": self.now,
        }
        return None if row.errors else _Parsed(row.line, values)


LOADERS: tuple[type[_Loader], ...] = (_Branches, _Staff, _Customers, _Products, _Holdings, _Interactions)
FILES: tuple[str, ...] = tuple(loader.file for loader in LOADERS)


# ---------------------------------------------------------------------------- database helpers


def _insert_for(session: Session) -> Callable[[Table], Any]:
    """The dialect's INSERT, which has ON CONFLICT (both SQLite and PostgreSQL spell it the same)."""
    dialect = session.bind.dialect.name
    if dialect == "postgresql":
        return postgresql.insert
    if dialect == "sqlite":
        return sqlite.insert
    raise NotImplementedError(f"导入只支持 SQLite 和 PostgreSQL,不支持 {dialect}")


def _write_rows(
    session: Session,
    table: Table,
    rows: list[dict[str, Any]],
    key: tuple[str, ...],
    insert_only: tuple[str, ...] = (),
    update: bool = True,
) -> None:
    """Insert the rows; a row whose key is already there is updated (`update`) or left as it is.

    On PostgreSQL the rows go in by COPY into a staging table and one INSERT ... SELECT: with it
    100,000 customers loaded in 52 s instead of 98 s (psycopg2's multi-row INSERTs spent a third
    of the time formatting values in Python).
    """
    if not rows:
        return
    insert = _insert_for(session)
    columns = list(rows[0])
    if session.bind.dialect.name == "postgresql":
        stage = _copy_to_stage(session, table, columns, rows)
        statement = insert(table).from_select(columns, select(*(stage.c[name] for name in columns)))
    else:
        statement = insert(table)
    changes = {name: statement.excluded[name] for name in columns if name not in key and name not in insert_only}
    if update and changes:
        # A row the export repeats unchanged is not rewritten (a nightly full export is mostly that).
        changed = tuple_(*(table.c[name] for name in changes)).is_distinct_from(tuple_(*changes.values()))
        statement = statement.on_conflict_do_update(index_elements=list(key), set_=changes, where=changed)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(key))
    if session.bind.dialect.name == "postgresql":
        session.execute(statement)
    else:
        session.execute(statement, rows)


def _copy_to_stage(session: Session, table: Table, columns: list[str], rows: list[dict[str, Any]]):
    """COPY the rows into this transaction's staging table for `table` (created on first use with
    the same column types, dropped at commit or rollback); returns it as a selectable."""
    stages = session.info.setdefault("import_stages", {})
    listed = ", ".join(columns)
    stage = stages.get((table.name, listed))
    if stage is None:
        stage = stages[(table.name, listed)] = f"import_stage_{len(stages)}"
        session.execute(
            text(f"CREATE TEMPORARY TABLE {stage} ON COMMIT DROP AS SELECT {listed} FROM {table.name} WITH NO DATA")
        )
    else:
        session.execute(text(f"TRUNCATE {stage}"))
    # CSV written by the csv module (C): None and "" both come out empty, which COPY reads as NULL
    # except in the NOT NULL columns, where FORCE_NOT_NULL makes it the empty string.
    data = io.StringIO()
    values = itemgetter(*columns)
    csv.writer(data, lineterminator="\n").writerows(map(values, rows) if len(columns) > 1 else map(lambda row: [values(row)], rows))
    data.seek(0)
    required = [column for column in columns if not table.c[column].nullable]
    options = f", FORCE_NOT_NULL ({', '.join(required)})" if required else ""
    cursor = session.connection().connection.cursor()
    try:
        cursor.copy_expert(f"COPY {stage} ({listed}) FROM STDIN WITH (FORMAT csv{options})", data)
    finally:
        cursor.close()
    return sql_table(stage, *(sql_column(column) for column in columns))


def _existing(session: Session, column: InstrumentedAttribute, values: set[str]) -> set[str]:
    if not values:
        return set()
    return set(session.execute(select(column).where(_among(session, column, values))).scalars())


def _among(session: Session, column: InstrumentedAttribute, values: set[str]):
    """`column IN values`; on PostgreSQL as `= ANY(array)`, one parameter instead of thousands
    (a batch's 5,000 customer numbers took 120 ms to send and plan as an IN list)."""
    if session.bind.dialect.name == "postgresql":
        return column == any_(bindparam("among", sorted(values), type_=postgresql.ARRAY(column.type)))
    return column.in_(values)


# ---------------------------------------------------------------------------- the import


class _ErrorLog:
    """The problems found so far, by the reading thread and the writing thread alike."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self._lock = threading.Lock()

    def add(self, errors: Iterable[RowError]) -> None:
        with self._lock:
            for error in errors:
                if self.full:
                    return
                self.errors.append(error)

    @property
    def full(self) -> bool:
        return len(self.errors) >= MAX_ERRORS


def import_directory(db: Database, directory: Path, progress: bool = False) -> ImportReport:
    """Import the bank's CSV files found in `directory`, all of them or nothing.

    Applies the database migrations first, so a fresh database can be loaded directly.
    Raises `ImportFailed` (nothing written) when any row is wrong.
    """
    directory = Path(directory)
    present = [loader for loader in LOADERS if (directory / loader.file).is_file()]
    if not present:
        raise ImportFailed([RowError(str(directory), 0, "(目录)", f"没有可导入的文件,应包含 {'、'.join(FILES)} 中的至少一个")])
    upgrade(db.url)
    log = _ErrorLog()
    rows: dict[str, int] = {}
    now = to_storage(clock.now())
    with db.unit_of_work() as session:
        for loader in present:
            rows[loader.file] = _import_file(session, loader, directory / loader.file, now, log, progress)
            # Later files refer to this one: checking them against a broken file only adds noise.
            if log.errors:
                raise ImportFailed(sorted(log.errors, key=lambda error: error.line))
        if session.bind.dialect.name == "postgresql":
            # Fresh statistics for the query planner: right after a large load it would otherwise
            # plan lookups for the tables as they were until autovacuum gets to them.
            for table in sorted({t for loader in present for t in loader.written_tables()}):
                session.execute(text(f"ANALYZE {table}"))
    return ImportReport(rows)


def _import_file(
    session: Session, loader_type: type[_Loader], path: Path, now: datetime, log: _ErrorLog, progress: bool
) -> int:
    """Stream one file in batches; returns the rows written. Once an error is found the rest of the
    file is only validated, since the import will be rolled back anyway."""
    file = loader_type.file
    imported = 0
    line = 1
    with path.open(encoding="utf-8-sig", newline="") as stream, tqdm(
        total=_count_lines(path) - 1 if progress else None, desc=file, unit="行", disable=not progress
    ) as bar:
        reader = csv.DictReader(stream)
        try:
            header = _read_header(reader, loader_type, log)
            if header is None:
                return 0
            loader = loader_type(session, header, now)
            with _BatchWriter(loader, log) as writer:
                batch: dict[tuple, _Parsed] = {}
                for values in reader:
                    line = reader.line_num
                    bar.update()
                    parsed = _parse_row(loader, line, values, log)
                    if parsed is not None:
                        # The same natural key twice in a batch: the last row wins, as across batches.
                        batch[tuple(parsed.values[k] for k in loader.key)] = parsed
                    if len(batch) >= BATCH_SIZE:
                        writer.put(list(batch.values()))
                        batch = {}
                    if log.full:
                        break
                else:
                    if batch:
                        writer.put(list(batch.values()))
            imported = writer.written
        except UnicodeDecodeError:
            log.add([RowError(file, line + 1, "(文件编码)", "文件不是 UTF-8 编码(Excel 请“另存为 CSV UTF-8”)")])
        except csv.Error as error:
            log.add([RowError(file, reader.line_num, "(CSV 格式)", str(error))])
    return imported


def _read_header(reader: csv.DictReader, loader: type[_Loader], log: _ErrorLog) -> list[str] | None:
    if not reader.fieldnames:
        log.add([RowError(loader.file, 1, "(表头)", f"文件是空的,第一行应为表头: {','.join(loader.columns)}")])
        return None
    header = [name.strip() for name in reader.fieldnames]
    reader.fieldnames = header
    expected = (*loader.columns, *loader.optional)
    errors = []
    missing = [name for name in loader.columns if name not in header]
    if missing:
        errors.append(RowError(loader.file, 1, ",".join(missing), f"表头缺少列 {','.join(missing)};应有的列: {','.join(expected)}"))
    unknown = [name for name in header if name not in expected]
    if unknown:
        errors.append(RowError(loader.file, 1, ",".join(unknown), f"表头有未知的列 {','.join(unknown)};可用的列: {','.join(expected)}"))
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        errors.append(RowError(loader.file, 1, ",".join(repeated), "表头中的列重复"))
    log.add(errors)
    return None if errors else header


def _parse_row(loader: _Loader, line: int, values: dict[str | None, Any], log: _ErrorLog) -> _Parsed | None:
    row = _Row(loader.file, line, loader.table, {})
    if None in values:
        row.fail("(整行)", f"比表头多了 {len(values[None])} 个值(字段里的逗号要用英文双引号括起来)")
    elif any(value is None for value in values.values()):
        row.fail("(整行)", "比表头少了值")
    else:
        row.values = {name: value.strip() for name, value in values.items()}
        parsed = loader.parse(row)
        if parsed is not None:
            return parsed
    log.add(row.errors)
    return None


class _BatchWriter:
    """Checks and writes a file's batches in a thread of its own, in order, while the next batch is
    read and validated: the database works while Python parses, instead of each waiting for the
    other. At most `_WAITING` batches wait, so memory stays flat however long the file is.

    Only this thread uses the session until the block ends; an error it meets (the database going
    away) is raised again in the reading thread, which then stops.
    """

    _WAITING = 2

    def __init__(self, loader: _Loader, log: _ErrorLog) -> None:
        self.loader = loader
        self.log = log
        self.written = 0
        self.failure: BaseException | None = None
        self._batches: queue.Queue[list[_Parsed] | None] = queue.Queue(maxsize=self._WAITING)
        self._thread = threading.Thread(target=self._run, name=f"import {loader.file}", daemon=True)

    def __enter__(self) -> "_BatchWriter":
        self._thread.start()
        return self

    def put(self, batch: list[_Parsed]) -> None:
        if self.failure is not None:
            raise self.failure
        self._batches.put(batch)

    def __exit__(self, *_exc) -> None:
        self._batches.put(None)
        self._thread.join()
        if self.failure is not None:
            raise self.failure

    def _run(self) -> None:
        while (batch := self._batches.get()) is not None:
            if self.failure is not None:
                continue  # keep taking batches so the reader never blocks; nothing more is written
            try:
                self.written += self._flush(batch)
            except BaseException as error:  # re-raised in the reading thread
                self.failure = error

    def _flush(self, batch: list[_Parsed]) -> int:
        session = self.loader.session
        if session.bind.dialect.name == "postgresql" and not self.log.errors:
            # PostgreSQL's foreign keys and unique constraints check the batch as it is written, so
            # asking first would pay twice. Only a batch they refuse is checked row by row, to say
            # which rows are wrong and why; the savepoint undoes its partial write.
            try:
                with session.begin_nested():
                    self.loader.write(batch)
                return len(batch)
            except IntegrityError:
                errors = self.loader.check(batch)
                if not errors:
                    raise
                self.log.add(errors)
                return 0
        self.log.add(self.loader.check(batch))
        if self.log.errors:
            return 0
        self.loader.write(batch)
        return len(batch)


def _count_lines(path: Path) -> int:
    """Lines in the file, for the progress bar; reading bytes is much faster than parsing CSV."""
    lines = 0
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            lines += chunk.count(b"\n")
    return lines
