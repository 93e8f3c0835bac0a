"""The CSV import: loads a whole bank, is idempotent, and writes nothing when any row is wrong."""
from __future__ import annotations

import csv
import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Callable

import pytest
from sqlalchemy import func, select

from bot.importer import MAX_ERRORS, ImportFailed, RowError, import_directory
from bot.models import Branch, Customer, CustomerTag, Holding, Interaction, Product, Staff, StaffCoverage
from tools.demo_data import write_demo_bank

TODAY = date(2025, 3, 15)
TABLES = (Branch, Staff, StaffCoverage, Customer, CustomerTag, Product, Holding, Interaction)


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    directory = tmp_path_factory.mktemp("demo")
    return directory, write_demo_bank(directory, customers=200, seed=3, today=TODAY)


@pytest.fixture
def files(demo_files, tmp_path) -> Path:
    """A copy of the demo bank this test may edit."""
    copy = tmp_path / "bank"
    shutil.copytree(demo_files[0], copy)
    return copy


def counts(database) -> dict[str, int]:
    with database.unit_of_work() as session:
        return {
            model.__tablename__: session.execute(select(func.count()).select_from(model)).scalar_one()
            for model in TABLES
        }


def read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        return list(reader.fieldnames), list(reader)


def write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def edit(path: Path, where: Callable[[dict[str, str]], bool], **changes: str) -> int:
    """Change the first row matching `where`; returns its line number (the header is line 1)."""
    header, rows = read(path)
    index = next(i for i, row in enumerate(rows) if where(row))
    rows[index].update(changes)
    write(path, header, rows)
    return index + 2


def customer(customer_id: str) -> Callable[[dict[str, str]], bool]:
    return lambda row: row["customer_id"] == customer_id


def import_tags(database, customer_id: str) -> dict[str, str]:
    with database.unit_of_work() as session:
        rows = session.execute(select(CustomerTag.tag, CustomerTag.source).where(CustomerTag.customer_id == customer_id))
        return dict(rows.all())


def only(files: Path, tmp_path: Path, file: str) -> Path:
    """A directory holding a copy of one of the bank's files: an export of that file alone."""
    directory = tmp_path / f"{Path(file).stem}-only"
    directory.mkdir()
    shutil.copy(files / file, directory)
    return directory


# ------------------------------------------------------------------ a good import


def test_imports_every_file(database, files, demo_files):
    written = demo_files[1]
    report = import_directory(database, files)
    assert report.rows == written
    _, staff = read(files / "staff.csv")
    _, customers = read(files / "customers.csv")
    assert counts(database) == {
        "branches": written["branches.csv"],
        "staff": written["staff.csv"],
        "staff_coverage": sum(len(row["covers"].split(";")) for row in staff if row["covers"]),
        "customers": written["customers.csv"],
        "customer_tags": sum(len(row["tags"].split(";")) for row in customers if row["tags"]),
        "products": written["products.csv"],
        "holdings": written["holdings.csv"],
        "interactions": written["interactions.csv"],
    }


def test_amounts_are_exact_decimals_and_times_stored_as_utc(database, files):
    edit(files / "holdings.csv", lambda row: row["product_code"] == "D-HQ" and row["customer_id"] == "C00000002", amount="30000.07")
    import_directory(database, files)
    with database.unit_of_work() as session:
        amount = session.execute(select(Holding.amount).where(Holding.customer_id == "C00000002")).scalar_one()
        called = session.execute(
            select(Interaction.happened_at).where(Interaction.customer_id == "C00000001", Interaction.channel == "电话")
        ).scalar_one()
    assert amount == Decimal("30000.07")
    # 2025-03-05 15:20 in Shanghai is 07:20 UTC.
    assert called == datetime(2025, 3, 5, 7, 20)


def test_reimport_updates_rows_and_never_duplicates(database, files):
    import_directory(database, files)
    before = counts(database)
    edit(files / "customers.csv", customer("C00000002"), occupation="中学教师", phone="13500001111")
    edit(files / "holdings.csv", lambda row: row["customer_id"] == "C00000001" and row["product_code"] == "D-DQ1Y", amount="512345.67")
    edit(files / "interactions.csv", customer("C00000001"), summary="聊了基金定投,想每月投2000")
    edit(files / "products.csv", lambda row: row["product_code"] == "W-WX90", on_sale="false")

    import_directory(database, files)

    assert counts(database) == before
    with database.unit_of_work() as session:
        c2 = session.get(Customer, "C00000002")
        amount = session.execute(
            select(Holding.amount).where(Holding.customer_id == "C00000001", Holding.product_code == "D-DQ1Y")
        ).scalar_one()
        summaries = session.execute(select(Interaction.summary).where(Interaction.customer_id == "C00000001")).scalars().all()
        on_sale = session.get(Product, "W-WX90").on_sale
    assert (c2.occupation, c2.phone) == ("中学教师", "13500001111")
    assert amount == Decimal("512345.67")
    assert "聊了基金定投,想每月投2000" in summaries
    assert on_sale is False


def test_reimport_replaces_coverage(database, files):
    import_directory(database, files)
    edit(files / "staff.csv", lambda row: row["staff_id"] == "S0008", covers="B101")
    import_directory(database, files)
    with database.unit_of_work() as session:
        covered = session.execute(select(StaffCoverage.branch_id).where(StaffCoverage.staff_id == "S0008")).scalars().all()
    assert covered == ["B101"]


def test_staff_file_without_covers_column_leaves_coverage_alone(database, files):
    import_directory(database, files)
    header, rows = read(files / "staff.csv")
    write(files / "staff.csv", [h for h in header if h != "covers"], [{k: v for k, v in r.items() if k != "covers"} for r in rows])
    import_directory(database, files)
    with database.unit_of_work() as session:
        covered = session.execute(select(StaffCoverage.branch_id).where(StaffCoverage.staff_id == "S0008")).scalars().all()
    assert sorted(covered) == ["B101", "B102"]


def test_reimport_replaces_imported_tags_and_keeps_staff_tags(database, files):
    import_directory(database, files)
    with database.unit_of_work() as session:
        session.add(CustomerTag(customer_id="C00000001", tag="爱打太极", source="staff", created_by="S0003", created_at=datetime(2025, 3, 1)))
    edit(files / "customers.csv", customer("C00000001"), tags="退休教师;养老规划")
    import_directory(database, files)
    assert import_tags(database, "C00000001") == {"退休教师": "import", "养老规划": "import", "爱打太极": "staff"}


def test_imports_a_subset_against_rows_already_in_the_database(database, files, tmp_path):
    import_directory(database, files)
    only_holdings = only(files, tmp_path, "holdings.csv")
    edit(only_holdings / "holdings.csv", customer("C00000004"), amount="100500.00")
    report = import_directory(database, only_holdings)
    assert list(report.rows) == ["holdings.csv"]
    with database.unit_of_work() as session:
        amount = session.execute(select(Holding.amount).where(Holding.customer_id == "C00000004")).scalar_one()
    assert amount == Decimal("100500.00")


def holdings_out_of_step(database) -> list[tuple[str, str | None, str | None]]:
    """Holdings whose copy of the manager is not their customer's manager."""
    with database.unit_of_work() as session:
        return session.execute(
            select(Holding.customer_id, Holding.manager_id, Customer.manager_id)
            .join(Customer, Holding.customer_id == Customer.customer_id)
            .where(Holding.manager_id.is_distinct_from(Customer.manager_id))
        ).all()


def test_holdings_carry_their_customers_manager_through_reassignments(database, files, tmp_path):
    import_directory(database, files)
    with database.unit_of_work() as session:
        managed = session.execute(select(func.count()).where(Holding.manager_id.isnot(None))).scalar_one()
        before = session.get(Customer, "C00000001").manager_id
        other = session.execute(
            select(Staff.staff_id).where(Staff.role == "customer_manager", Staff.staff_id != before).order_by(Staff.staff_id)
        ).scalars().first()
    assert managed > 0 and holdings_out_of_step(database) == []

    # The nightly export of customers alone: one customer to another manager, one to nobody.
    only_customers = only(files, tmp_path, "customers.csv")
    edit(only_customers / "customers.csv", customer("C00000001"), manager_id=other)
    edit(only_customers / "customers.csv", customer("C00000002"), manager_id="")
    import_directory(database, only_customers)
    with database.unit_of_work() as session:
        moved = set(session.execute(select(Holding.manager_id).where(Holding.customer_id == "C00000001")).scalars())
        unmanaged = set(session.execute(select(Holding.manager_id).where(Holding.customer_id == "C00000002")).scalars())
    assert moved == {other} and unmanaged == {None}
    assert holdings_out_of_step(database) == []

    # Holdings imported again later take the customer's manager as it is now.
    import_directory(database, only(files, tmp_path, "holdings.csv"))
    assert holdings_out_of_step(database) == []


# ------------------------------------------------------------------ errors: reported, nothing written


def _id_with_wrong_check(files: Path) -> dict[str, str]:
    _, rows = read(files / "customers.csv")
    good = next(r for r in rows if r["customer_id"] == "C00000002")["id_number"]
    return {"id_number": good[:17] + ("0" if good[17] != "0" else "1")}


BAD_ROWS = [
    # (file, which row, field, changes (or a function of the files giving them), words in the message)
    ("customers.csv", customer("C00000002"), "id_number", _id_with_wrong_check, "校验位"),
    ("customers.csv", customer("C00000002"), "phone", {"phone": "1391234567"}, "手机号"),
    ("customers.csv", customer("C00000002"), "customer_id", {"customer_id": "C123"}, "C 加 8 位数字"),
    ("customers.csv", customer("C00000002"), "branch_id", {"branch_id": "B999"}, "B999 不存在"),
    ("customers.csv", customer("C00000002"), "manager_id", {"manager_id": "S9999"}, "S9999 不存在"),
    ("customers.csv", customer("C00000002"), "risk_level", {"risk_level": "C6"}, "C6"),
    ("customers.csv", customer("C00000002"), "birth_date", {"birth_date": "1988-09-04"}, "不一致"),
    ("staff.csv", lambda r: r["staff_id"] == "S0002", "role", {"role": "manager"}, "manager"),
    ("staff.csv", lambda r: r["staff_id"] == "S0008", "covers", {"covers": "B101;B999"}, "B999"),
    ("branches.csv", lambda r: r["branch_id"] == "B002", "kind", {"kind": "直营"}, "直营"),
    ("products.csv", lambda r: r["product_code"] == "F-PH", "category", {"category": "股票"}, "股票"),
    ("holdings.csv", customer("C00000002"), "start_date", {"start_date": "2024-02-30"}, "日期"),
    ("holdings.csv", customer("C00000002"), "amount", {"amount": "12,000"}, "金额"),
    ("holdings.csv", customer("C00000002"), "amount", {"amount": "100.123"}, "两位小数"),
    ("holdings.csv", customer("C00000002"), "product_code", {"product_code": "X-NONE"}, "X-NONE 不存在"),
    ("interactions.csv", customer("C00000001"), "happened_at", {"happened_at": "昨天下午"}, "时间"),
    ("interactions.csv", customer("C00000001"), "channel", {"channel": "邮件"}, "邮件"),
]


@pytest.mark.parametrize("file,where,field,changes,words", BAD_ROWS, ids=[f"{b[0]}-{b[2]}" for b in BAD_ROWS])
def test_a_bad_row_is_reported_and_nothing_is_written(database, files, file, where, field, changes, words):
    changes = changes(files) if callable(changes) else changes
    line = edit(files / file, where, **changes)
    with pytest.raises(ImportFailed) as failure:
        import_directory(database, files)
    (error,) = failure.value.errors
    assert (error.file, error.line, error.field) == (file, line, field)
    assert words in error.message
    assert file in str(failure.value) and f"第 {line} 行" in str(failure.value)
    # Nothing of the import is written, not even the files before the bad one.
    assert set(counts(database).values()) == {0}


def test_a_failed_reimport_keeps_the_previous_data(database, files):
    import_directory(database, files)
    before = counts(database)
    edit(files / "branches.csv", lambda r: r["branch_id"] == "B001", name="改了名字的支行")
    edit(files / "customers.csv", customer("C00000003"), occupation="改了的职业")
    edit(files / "holdings.csv", customer("C00000003"), amount="很多")
    with pytest.raises(ImportFailed):
        import_directory(database, files)
    assert counts(database) == before
    with database.unit_of_work() as session:
        assert session.get(Branch, "B001").name == "城关支行"
        assert session.get(Customer, "C00000003").occupation == "个体工商户"


@pytest.mark.parametrize(
    "drop,add,field,words",
    [("phone", None, "phone", "缺少列"), (None, "email", "email", "未知的列")],
    ids=["missing", "unknown"],
)
def test_a_bad_header_names_the_file_and_column(database, files, drop, add, field, words):
    header, rows = read(files / "customers.csv")
    header = [h for h in header if h != drop] + ([add] if add else [])
    write(files / "customers.csv", header, [{h: r.get(h, "x") for h in header} for r in rows])
    with pytest.raises(ImportFailed) as failure:
        import_directory(database, files)
    assert failure.value.errors == [
        RowError("customers.csv", 1, field, failure.value.errors[0].message)
    ]
    assert words in failure.value.errors[0].message
    assert set(counts(database).values()) == {0}


def test_errors_stop_after_the_limit(database, files):
    header, rows = read(files / "customers.csv")
    for row in rows[:30]:
        row["phone"] = "12345"
    write(files / "customers.csv", header, rows)
    with pytest.raises(ImportFailed) as failure:
        import_directory(database, files)
    assert len(failure.value.errors) == MAX_ERRORS
    assert [e.line for e in failure.value.errors] == list(range(2, 2 + MAX_ERRORS))


def test_a_missing_reference_in_a_subset_import(database, files, tmp_path):
    only_holdings = only(files, tmp_path, "holdings.csv")
    with pytest.raises(ImportFailed) as failure:
        import_directory(database, only_holdings)
    first = failure.value.errors[0]
    assert (first.file, first.line, first.field) == ("holdings.csv", 2, "customer_id")


def test_a_file_that_is_not_utf8_is_explained(database, files):
    text = (files / "branches.csv").read_text(encoding="utf-8")
    (files / "branches.csv").write_bytes(text.encode("gbk"))
    with pytest.raises(ImportFailed) as failure:
        import_directory(database, files)
    assert failure.value.errors[0].file == "branches.csv"
    assert "UTF-8" in failure.value.errors[0].message


def test_a_row_with_too_many_values(database, files):
    with (files / "branches.csv").open("a", encoding="utf-8") as stream:
        stream.write("B999,新支行,self_operated,东城县,多余\n")
    with pytest.raises(ImportFailed) as failure:
        import_directory(database, files)
    (error,) = failure.value.errors
    assert (error.file, error.line) == ("branches.csv", 10)
    assert "多了" in error.message


def test_an_empty_directory_is_an_error(database, tmp_path):
    with pytest.raises(ImportFailed) as failure:
        import_directory(database, tmp_path)
    assert "customers.csv" in failure.value.errors[0].message


def test_two_customers_with_one_id_number(database, files):
    _, rows = read(files / "customers.csv")
    taken = next(r for r in rows if r["customer_id"] == "C00000001")
    line = edit(
        files / "customers.csv", customer("C00000002"),
        id_number=taken["id_number"], birth_date=taken["birth_date"], gender=taken["gender"],
    )
    with pytest.raises(ImportFailed) as failure:
        import_directory(database, files)
    (error,) = failure.value.errors
    assert (error.file, error.line, error.field) == ("customers.csv", line, "id_number")
    assert "C00000001" in error.message
