"""The demo bank: deterministic, with exact showcase records, valid identifiers, every kind of
branch, role, risk level and product, shared names, and files the importer accepts."""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.clock import age_on
from bot.customers.tiers import LIABILITY_CATEGORIES, tier_for
from bot.importer import import_directory
from bot.models import BRANCH_KINDS, PRODUCT_CATEGORIES, PRODUCT_RISKS, RISK_LEVELS, STAFF_ROLES, Customer, Holding
from bot.settings import Settings
from bot.vocabulary.identifiers import is_valid_customer_id, is_valid_id_number, is_valid_phone
from tools import demo_data
from tools.demo_data import SHOWCASE_BRANCHES, write_demo_bank

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2025, 6, 30)
CUSTOMERS = 2000


def days(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


def rows(directory: Path, name: str) -> list[dict[str, str]]:
    with (directory / name).open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture(scope="module")
def bank(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("demo")
    write_demo_bank(directory, CUSTOMERS, seed=5, today=TODAY)
    return directory


@pytest.fixture(scope="module")
def customers(bank) -> dict[str, dict[str, str]]:
    return {row["customer_id"]: row for row in rows(bank, "customers.csv")}


@pytest.fixture(scope="module")
def products(bank) -> dict[str, dict[str, str]]:
    return {row["product_code"]: row for row in rows(bank, "products.csv")}


@pytest.fixture(scope="module")
def holdings(bank) -> dict[str, list[dict[str, str]]]:
    by_customer: dict[str, list[dict[str, str]]] = {}
    for row in rows(bank, "holdings.csv"):
        by_customer.setdefault(row["customer_id"], []).append(row)
    return by_customer


def total_assets(positions: list[dict[str, str]], products) -> Decimal:
    return sum(
        (Decimal(p["amount"]) for p in positions if products[p["product_code"]]["category"] not in LIABILITY_CATEGORIES),
        Decimal(0),
    )


# ------------------------------------------------------------------ determinism


def test_same_seed_and_day_give_identical_files(tmp_path):
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    counts = write_demo_bank(first, 300, seed=9, today=TODAY)
    assert write_demo_bank(second, 300, seed=9, today=TODAY) == counts
    write_demo_bank(other, 300, seed=10, today=TODAY)
    for name in counts:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert (first / "customers.csv").read_bytes() != (other / "customers.csv").read_bytes()


def test_files_do_not_depend_on_the_process(tmp_path):
    """Byte-identical across processes too, whatever Python's string hash seed."""
    script = "import sys; from datetime import date; from tools.demo_data import write_demo_bank; " \
        "write_demo_bank(sys.argv[1], 300, seed=4, today=date(2025, 6, 30))"
    for hash_seed in ("1", "2"):
        environment = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-c", script, str(tmp_path / hash_seed)], check=True, env=environment, cwd=ROOT)
    for name in ("branches.csv", "staff.csv", "customers.csv", "holdings.csv", "interactions.csv"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name


def test_a_large_bank_is_drawn_in_parallel_parts_that_do_not_depend_on_the_processes(tmp_path, monkeypatch):
    """Past EXACT_CUSTOMERS (made small here) customers come from parallel parts: the files are
    the same with one process or two, nothing is left behind, and identifiers stay unique."""
    monkeypatch.setattr(demo_data, "EXACT_CUSTOMERS", 400)
    one, two = tmp_path / "one", tmp_path / "two"
    counts = write_demo_bank(one, 3000, seed=2, today=TODAY, processes=1)
    assert write_demo_bank(two, 3000, seed=2, today=TODAY, processes=2) == counts
    for name in counts:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    assert sorted(path.name for path in two.iterdir()) == sorted(counts)
    later = rows(two, "customers.csv")
    assert [c["customer_id"] for c in later] == [f"C{n:08d}" for n in range(1, 3001)]
    assert len({c["phone"] for c in later}) == len({c["id_number"] for c in later}) == 3000
    for c in later[400:]:
        assert is_valid_phone(c["phone"]) and is_valid_id_number(c["id_number"]), c
        assert c["id_number"][6:14] == c["birth_date"].replace("-", "")
        assert c["gender"] == ("M" if int(c["id_number"][16]) % 2 else "F")
    names = Counter(c["name"] for c in later)
    assert names["王建国"] == 3 and names["陈美玲"] == 1  # the showcase names stay theirs
    assert len(rows(two, "holdings.csv")) == counts["holdings.csv"] > 3000


def test_counts_are_what_was_written(tmp_path):
    counts = write_demo_bank(tmp_path, 50, seed=1, today=TODAY)
    for name, count in counts.items():
        assert len(rows(tmp_path, name)) == count
    assert counts["customers.csv"] == 50


# ------------------------------------------------------------------ the showcase


def test_showcase_branches_and_staff(bank):
    assert [tuple(r.values()) for r in rows(bank, "branches.csv")[:4]] == [
        ("B001", "城关支行", "self_operated", "东城县"),
        ("B002", "河西支行", "self_operated", "西河县"),
        ("B101", "李家庄代理网点", "agency", "东城县"),
        ("B102", "柳树屯代理网点", "agency", "东城县"),
    ]
    assert [tuple(r.values()) for r in rows(bank, "staff.csv")[:10]] == [
        ("S0001", "张丽", "teller", "B001", "zhangli", ""),
        ("S0002", "赵强", "lobby_manager", "B001", "zhaoqiang", ""),
        ("S0003", "王芳", "customer_manager", "B001", "wangfang", ""),
        ("S0004", "陈静", "wealth_manager", "B001", "chenjing", ""),
        ("S0005", "刘伟", "branch_head", "B001", "liuwei", ""),
        ("S0006", "孙涛", "customer_manager", "B002", "suntao", ""),
        ("S0007", "周敏", "teller", "B002", "zhoumin", ""),
        ("S0008", "马骏", "customer_manager", "B001", "majun", "B101;B102"),
        ("S0009", "何小燕", "teller", "B101", "hexiaoyan", ""),
        ("S0010", "郑卫东", "branch_head", "B002", "zhengweidong", ""),
    ]


@pytest.mark.parametrize(
    "customer_id,name,gender,born,phone,branch,manager,risk,assessed_days_ago,tags",
    [
        ("C00000001", "王建国", "M", "1966-05-12", "13912345678", "B001", "S0003", "C3", 120, "退休教师;意向:基金"),
        ("C00000002", "王建国", "M", "1988-09-03", "13587654321", "B001", "S0003", "C2", 30, ""),
        ("C00000003", "王建国", "M", "1975-01-20", "18611112222", "B002", "S0006", "C2", 60, ""),
        ("C00000004", "李秀英", "F", "1959-11-02", "15833334444", "B101", "S0008", "C1", 200, "代理网点老客户"),
        ("C00000005", "陈美玲", "F", "1979-07-15", "13700005555", "B001", "S0003", "C4", 400, "子女教育"),
    ],
)
def test_showcase_customers(customers, customer_id, name, gender, born, phone, branch, manager, risk, assessed_days_ago, tags):
    c = customers[customer_id]
    assert (c["name"], c["gender"], c["birth_date"], c["phone"], c["branch_id"], c["manager_id"]) == (
        name, gender, born, phone, branch, manager,
    )
    assert (c["risk_level"], c["risk_assessed_on"], c["tags"]) == (risk, days(-assessed_days_ago), tags)
    assert is_valid_id_number(c["id_number"]) and c["id_number"].startswith("110101" + born.replace("-", ""))


def test_showcase_holdings_and_contacts(bank, holdings, products):
    def positions(customer_id):
        return [(products[h["product_code"]]["category"], products[h["product_code"]]["name"], h["amount"], h["maturity_date"])
                for h in holdings[customer_id]]

    first = positions("C00000001")
    assert ("存款", "邮享定期1年", "500000.00", days(9)) in first
    assert any(category == "理财" and amount == "200000.00" for category, _, amount, _ in first)
    fund = next(h for h in holdings["C00000001"] if products[h["product_code"]]["category"] == "基金")
    assert fund["amount"] == "50000.00" and products[fund["product_code"]]["risk_rating"] <= "R3"
    assert positions("C00000002") == [("存款", "活期储蓄", "30000.00", "")]
    assert [(c, a, m) for c, n, a, m in positions("C00000004") if "定期" in n] == [("存款", "100000.00", days(3))]

    meiling = holdings["C00000005"]
    assert tier_for(total_assets(meiling, products), Settings().tiers) == "白金"
    assert {products[h["product_code"]]["category"] for h in meiling} >= {"理财", "基金", "贷款"}
    mortgage = next(h for h in meiling if products[h["product_code"]]["category"] == "贷款")
    assert "住房" in products[mortgage["product_code"]]["name"] and mortgage["amount"] == "800000.00"

    contacts = [r for r in rows(bank, "interactions.csv") if r["customer_id"] == "C00000001"]
    assert [(r["staff_id"], r["channel"], r["happened_at"][:10], r["summary"]) for r in contacts][0] == (
        "S0003", "电话", days(-10), "聊了基金定投,有兴趣",
    )
    assert [(r["channel"], r["happened_at"][:10]) for r in contacts][1] == ("到店", days(-40))


def test_showcase_names_phones_and_ids_are_not_reused(customers):
    names = Counter(c["name"] for c in customers.values())
    assert (names["王建国"], names["李秀英"], names["陈美玲"]) == (3, 1, 1)
    assert len({c["phone"] for c in customers.values()}) == len(customers)
    assert len({c["id_number"] for c in customers.values()}) == len(customers)


# ------------------------------------------------------------------ the random bank


def test_identifiers_are_valid_and_consistent(customers):
    for c in customers.values():
        assert is_valid_customer_id(c["customer_id"])
        assert is_valid_phone(c["phone"]), c
        assert is_valid_id_number(c["id_number"]), c
        born = date.fromisoformat(c["birth_date"])
        assert c["id_number"][6:14] == born.strftime("%Y%m%d")
        assert c["gender"] == ("M" if int(c["id_number"][16]) % 2 else "F")
        assert 18 <= age_on(born, TODAY) <= 85
    assert list(customers) == [f"C{n:08d}" for n in range(1, CUSTOMERS + 1)]


def test_every_kind_role_risk_level_and_product(bank, customers, products):
    branches = rows(bank, "branches.csv")
    staff = rows(bank, "staff.csv")
    assert {b["kind"] for b in branches} == set(BRANCH_KINDS)
    assert {s["role"] for s in staff} == set(STAFF_ROLES)
    assert len({s["chat_id"] for s in staff}) == len(staff)
    assert {c["risk_level"] for c in customers.values()} == set(RISK_LEVELS) | {""}
    expired = [c for c in customers.values() if c["risk_assessed_on"] and c["risk_assessed_on"] < days(-365)]
    assert expired
    assert {p["category"] for p in products.values()} == set(PRODUCT_CATEGORIES)
    assert {p["risk_rating"] for p in products.values()} == set(PRODUCT_RISKS)
    assert {p["channels"] for p in products.values()} == {"self_operated", "agency", "self_operated;agency"}
    assert {p["on_sale"] for p in products.values()} == {"true", "false"}


def test_every_agency_branch_is_covered_by_a_manager_of_its_county(bank):
    branches = {b["branch_id"]: b for b in rows(bank, "branches.csv")}
    covered = {}
    for person in rows(bank, "staff.csv"):
        for branch_id in filter(None, person["covers"].split(";")):
            assert person["role"] == "customer_manager"
            home = branches[person["branch_id"]]
            assert home["kind"] == "self_operated" and home["county"] == branches[branch_id]["county"]
            covered[branch_id] = person["staff_id"]
    assert set(covered) == {b for b, row in branches.items() if row["kind"] == "agency"}


def test_every_random_branch_is_staffed(bank):
    roles: dict[str, set[str]] = {}
    for person in rows(bank, "staff.csv"):
        roles.setdefault(person["branch_id"], set()).add(person["role"])
    showcase = {branch[0] for branch in SHOWCASE_BRANCHES}
    for branch in rows(bank, "branches.csv"):
        if branch["branch_id"] not in showcase:
            expected = set(STAFF_ROLES) if branch["kind"] == "self_operated" else {"teller"}
            assert roles[branch["branch_id"]] == expected


def test_some_customers_share_a_name(customers):
    names = Counter(c["name"] for c in customers.values())
    sharing = sum(n for n in names.values() if n > 1)
    assert 0.05 <= sharing / len(customers) <= 0.2


def test_every_tier_and_realistic_maturities(customers, holdings, products):
    tiers = Counter(tier_for(total_assets(holdings[c], products), Settings().tiers) for c in customers)
    assert set(tiers) == {"普通", "金卡", "白金", "钻石"}
    assert tiers["普通"] + tiers["金卡"] > 0.8 * len(customers)
    counts = Counter(len(positions) for positions in holdings.values())
    assert set(counts) <= set(range(1, 7)) and len(holdings) == len(customers)
    maturities = [date.fromisoformat(h["maturity_date"]) for p in holdings.values() for h in p if h["maturity_date"]]
    assert any(m < TODAY for m in maturities)
    assert sum(TODAY < m <= TODAY + timedelta(days=90) for m in maturities) > len(maturities) * 0.3
    assert any(m > TODAY + timedelta(days=365) for m in maturities)
    for positions in holdings.values():
        for h in positions:
            product = products[h["product_code"]]
            assert bool(h["maturity_date"]) == bool(product["term_days"])
            assert h["start_date"] <= TODAY.isoformat()


def test_holdings_suit_the_customer(bank, customers, holdings, products):
    """Products no riskier than the customer's assessment, sold by the customer's kind of branch."""
    kinds = {b["branch_id"]: b["kind"] for b in rows(bank, "branches.csv")}
    for customer_id, positions in holdings.items():
        c = customers[customer_id]
        for h in positions:
            product = products[h["product_code"]]
            allowed = c["risk_level"].replace("C", "R") if c["risk_level"] else "R1"
            assert product["risk_rating"] <= allowed, (c, h)
            assert kinds[c["branch_id"]] in product["channels"].split(";"), (c, h)


# ------------------------------------------------------------------ it imports


def test_generated_files_import_cleanly(database, tmp_path):
    counts = write_demo_bank(tmp_path, 300, seed=2, today=TODAY)
    report = import_directory(database, tmp_path)
    assert report.rows == counts
    with database.unit_of_work() as session:
        assert session.execute(select(func.count()).select_from(Customer)).scalar_one() == 300
        assert session.execute(select(func.count()).select_from(Holding)).scalar_one() == counts["holdings.csv"]
