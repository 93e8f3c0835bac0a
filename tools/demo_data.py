"""A made-up county bank in the import CSV format, for demos, tests and load tests.

One concept over 500 lines: the made-up bank, whose parts (branches, staff, customers, holdings,
contacts) are drawn from one seed and depend on each other.

Deterministic: the same (seed, today) gives byte-identical files, so the README's examples and
the tests can rely on what the bot will answer. Dates are relative to `today`, so a demo made on
any day has deposits maturing "this week".

Two parts:

* Fixed showcase records (`SHOWCASE_*`), always present with exact values: three customers named
  王建国 (two in the same branch, so the bot must ask which one; one in another branch, so B001
  staff never see him), an agency-branch customer served by a roaming manager, and a 白金 customer
  whose risk assessment has expired. No random customer shares their names, phones or ID numbers.
* A random bank around them: branches of both kinds, staff in every role, customers of every tier,
  risk level and age with realistic holdings and contact history.

Fast enough for 100,000 customers in seconds: Faker (zh_CN) only supplies name characters, places
and jobs once; every per-customer choice is a seeded `random.Random`, and rows stream to disk.

A million customers (load tests, `python -m bench.db_queries`) in flat memory and on every core: the
first `EXACT_CUSTOMERS` are drawn one after another, their names, phones and ID numbers kept
unique with sets in memory; the rest are drawn in up to `LATER_PARTS` parts, each with its own
seeded generator, in parallel processes, and appended in order, so the files are still the same
for a seed whatever the number of processes. Those later customers need no memory of the others:
their phone numbers are a permutation of the customer number (with prefixes the first ones never
use), their ID numbers take the next free sequence number of their part for their birth date and
gender, and their names may repeat (namesakes are common in a bank of a million).
"""
from __future__ import annotations

import csv
import math
import multiprocessing
import os
import random
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Iterator

from faker import Faker
from tqdm import tqdm

from bot.customers.tiers import LIABILITY_CATEGORIES
from bot.vocabulary.identifiers import id_check_char

SELF = "self_operated"
AGENCY = "agency"
BOTH = f"{SELF};{AGENCY}"

HEADERS = {
    "branches.csv": ("branch_id", "name", "kind", "county"),
    "staff.csv": ("staff_id", "name", "role", "branch_id", "chat_id", "covers"),
    "customers.csv": (
        "customer_id", "name", "gender", "birth_date", "phone", "id_number", "branch_id", "manager_id",
        "risk_level", "risk_assessed_on", "tags", "occupation",
    ),
    "products.csv": (
        "product_code", "name", "category", "risk_rating", "min_amount", "term_days", "channels",
        "min_age", "max_age", "on_sale",
    ),
    "holdings.csv": ("customer_id", "product_code", "amount", "start_date", "maturity_date"),
    "interactions.csv": ("customer_id", "staff_id", "channel", "happened_at", "summary"),
}


@dataclass(frozen=True)
class DemoProduct:
    code: str
    name: str
    category: str
    risk_rating: str
    min_amount: int
    term_days: int | None
    channels: str
    min_age: int | None = None
    max_age: int | None = None
    on_sale: bool = True

    @property
    def rating(self) -> int:
        return int(self.risk_rating[1])

    def row(self) -> tuple:
        return (
            self.code, self.name, self.category, self.risk_rating, f"{self.min_amount}.00",
            _blank(self.term_days), self.channels, _blank(self.min_age), _blank(self.max_age),
            "true" if self.on_sale else "false",
        )


# Every category and risk rating; some sold only by one kind of branch, some no longer on sale,
# some with age limits. Loans and cards are liabilities: they do not count towards the tier.
PRODUCTS: tuple[DemoProduct, ...] = (
    DemoProduct("D-HQ", "活期储蓄", "存款", "R1", 0, None, BOTH),
    DemoProduct("D-DQ3M", "邮享定期3个月", "存款", "R1", 50, 90, BOTH),
    DemoProduct("D-DQ1Y", "邮享定期1年", "存款", "R1", 50, 365, BOTH),
    DemoProduct("D-DQ3Y", "邮享定期3年", "存款", "R1", 50, 1095, BOTH),
    DemoProduct("D-DE3Y", "大额存单3年", "存款", "R1", 200000, 1095, SELF),
    DemoProduct("D-GZ3Y", "储蓄国债(电子式)3年", "存款", "R1", 100, 1095, SELF, on_sale=False),
    DemoProduct("D-HN1Y", "惠农定期1年", "存款", "R1", 50, 365, AGENCY),
    DemoProduct("W-XJ", "现金管理类理财", "理财", "R1", 1, None, BOTH),
    DemoProduct("W-WX90", "稳享理财90天", "理财", "R2", 10000, 90, BOTH),
    DemoProduct("W-AX180", "安心理财180天", "理财", "R2", 10000, 180, SELF),
    DemoProduct("W-XX1Y", "鑫享理财1年", "理财", "R3", 10000, 365, SELF),
    DemoProduct("W-JQ2Y", "进取混合理财2年", "理财", "R4", 50000, 730, SELF, on_sale=False),
    DemoProduct("F-HB", "货币基金", "基金", "R1", 1, None, SELF),
    DemoProduct("F-ZQ", "稳健债券基金", "基金", "R2", 10, None, SELF),
    DemoProduct("F-PH", "平衡混合基金", "基金", "R3", 10, None, SELF),
    DemoProduct("F-ZS", "沪深300指数基金", "基金", "R4", 10, None, SELF),
    DemoProduct("F-KJ", "科技行业股票基金", "基金", "R5", 10, None, SELF),
    DemoProduct("F-DT", "指数基金定投计划", "基金", "R4", 100, None, SELF),
    DemoProduct("I-YL", "颐养年金保险(养老)", "保险", "R2", 10000, 3650, SELF, 40, 65),
    DemoProduct("I-ZJ", "安康重疾险", "保险", "R1", 3000, None, SELF, 18, 55),
    DemoProduct("I-ZS", "增额终身寿险", "保险", "R2", 50000, None, SELF, 18, 70),
    DemoProduct("I-YW", "惠农意外险", "保险", "R1", 100, 365, AGENCY, 18, 70),
    DemoProduct("L-ZF", "个人住房贷款", "贷款", "R1", 100000, 7300, SELF, 18, 60),
    DemoProduct("L-XF", "个人消费贷款", "贷款", "R1", 10000, 1095, SELF, 18, 55),
    DemoProduct("L-JY", "小微经营贷款", "贷款", "R1", 50000, 365, BOTH, 18, 65),
    DemoProduct("L-HN", "惠农贷", "贷款", "R1", 10000, 365, AGENCY, 18, 65),
    DemoProduct("C-BZ", "标准信用卡", "信用卡", "R1", 0, None, BOTH),
    DemoProduct("C-BJ", "白金信用卡", "信用卡", "R1", 0, None, SELF),
    DemoProduct("G-JT", "投资金条", "贵金属", "R3", 1000, None, SELF),
    DemoProduct("G-JCJ", "积存金", "贵金属", "R4", 100, None, SELF),
)
_PRODUCT = {product.code: product for product in PRODUCTS}

SHOWCASE_BRANCHES = (
    ("B001", "城关支行", SELF, "东城县"),
    ("B002", "河西支行", SELF, "西河县"),
    ("B101", "李家庄代理网点", AGENCY, "东城县"),
    ("B102", "柳树屯代理网点", AGENCY, "东城县"),
)
# staff_id, name, role, branch_id, chat_id, covers
SHOWCASE_STAFF = (
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
)
SHOWCASE_REGION = "110101"
SHOWCASE_NAMES = ("王建国", "李秀英", "陈美玲")


@dataclass(frozen=True)
class _ShowcaseCustomer:
    customer_id: str
    name: str
    gender: str
    birth_date: date
    phone: str
    sequence: str  # digits 15-17 of the ID number; the 17th is odd for men
    branch_id: str
    manager_id: str
    risk_level: str
    risk_age_days: int  # the questionnaire was filled in this many days before today
    tags: str
    occupation: str
    # product code, amount in yuan, start (days from today), maturity (days from today) or None
    holdings: tuple[tuple[str, int, int, int | None], ...]
    # staff_id, channel, days ago, local time of day, summary
    interactions: tuple[tuple[str, str, int, time, str], ...] = ()

    @property
    def id_number(self) -> str:
        first17 = f"{SHOWCASE_REGION}{self.birth_date:%Y%m%d}{self.sequence}"
        return first17 + id_check_char(first17)


SHOWCASE_CUSTOMERS = (
    _ShowcaseCustomer(
        "C00000001", "王建国", "M", date(1966, 5, 12), "13912345678", "011", "B001", "S0003", "C3", 120,
        "退休教师;意向:基金", "退休教师",
        holdings=(("D-DQ1Y", 500000, 9 - 365, 9), ("W-WX90", 200000, 35 - 90, 35), ("F-PH", 50000, -300, None)),
        interactions=(
            ("S0003", "电话", 10, time(15, 20), "聊了基金定投,有兴趣"),
            ("S0001", "到店", 40, time(10, 5), "到店办理定期转存,问了理财收益"),
        ),
    ),
    _ShowcaseCustomer(
        "C00000002", "王建国", "M", date(1988, 9, 3), "13587654321", "031", "B001", "S0003", "C2", 30,
        "", "工程师", holdings=(("D-HQ", 30000, -1000, None),),
    ),
    _ShowcaseCustomer(
        "C00000003", "王建国", "M", date(1975, 1, 20), "18611112222", "051", "B002", "S0006", "C2", 60,
        "", "个体工商户", holdings=(("D-DQ3Y", 150000, 400 - 1095, 400),),
    ),
    _ShowcaseCustomer(
        "C00000004", "李秀英", "F", date(1959, 11, 2), "15833334444", "022", "B101", "S0008", "C1", 200,
        "代理网点老客户", "务农", holdings=(("D-HN1Y", 100000, 3 - 365, 3),),
    ),
    _ShowcaseCustomer(
        "C00000005", "陈美玲", "F", date(1979, 7, 15), "13700005555", "042", "B001", "S0003", "C4", 400,
        "子女教育", "私营业主",
        holdings=(
            ("W-XX1Y", 350000, 120 - 365, 120),
            ("F-ZS", 150000, -500, None),
            ("F-PH", 120000, -700, None),
            ("L-ZF", 800000, -1100, 7300 - 1100),
        ),
    ),
)

ROLES_OF_A_BRANCH = ("teller", "lobby_manager", "customer_manager", "wealth_manager", "branch_head")
RISK_LEVELS = ("C1", "C2", "C3", "C4", "C5")
_RISK_WEIGHTS_YOUNGER = (10, 25, 35, 20, 10)
_RISK_WEIGHTS_OLDER = (30, 40, 22, 6, 2)
# Age bands of a county bank's customers (older than a city bank's) and their shares.
_AGE_BANDS = ((18, 29, 18), (30, 44, 27), (45, 59, 28), (60, 74, 20), (75, 85, 7))
_AGE_CUM_WEIGHTS = tuple(accumulate(band[2] for band in _AGE_BANDS))
_PHONE_PREFIXES = tuple(
    str(p) for p in (*range(130, 140), 150, 151, 152, 153, 155, 156, 157, 158, 159, 176, 177, 178,
                     *range(180, 190), 198, 199)
)
# Real mobile prefixes the first customers never use: the later ones' numbers cannot collide.
_LATER_PHONE_PREFIXES = ("145", "147", "166", "171", "173", "175", "191", "193", "195", "196", "197")
EXACT_CUSTOMERS = 100_000
# Of the random customers nobody manages, one in BIRTHDAY_THIS_WEEK_EVERY has a birthday in the week
# the bank is built (the 生日关怀 scene is never empty; no manager's daily list changes).
BIRTHDAY_THIS_WEEK_EVERY, BIRTHDAY_THIS_WEEK_AT = 5, 3
LATER_PARTS = 10
# ID numbers have 500 sequence numbers per birth date, region and gender; the later parts share
# them out (each part every LATER_PARTS-th one), so a part takes at most this many customers born
# on one day of one gender: room for about five million customers.
_LATER_PER_BIRTH_DAY = 500 // LATER_PARTS
_VILLAGE_SUFFIXES = ("庄", "村", "屯", "营", "湾", "寨", "铺", "沟")
_CHANNEL_WEIGHTS = {SELF: (("电话", 40), ("到店", 25), ("微信", 20), ("上门", 15)),
                    AGENCY: (("电话", 30), ("到店", 20), ("微信", 10), ("上门", 40))}
_SUMMARIES = (
    "电话回访,客户对服务满意",
    "介绍了{product},客户表示再考虑",
    "客户咨询{product}的收益和期限",
    "微信发了{product}的产品说明,客户说看看",
    "到店办理业务,顺便聊了养老规划",
    "上门拜访,客户家里近期要用钱,暂不考虑新产品",
    "客户反映手机银行登录不便,已协助处理",
    "聊到孩子明年上大学,有教育金需求",
)
_PITCHES = tuple(p.name for p in PRODUCTS if p.on_sale and p.category not in LIABILITY_CATEGORIES)
_MATURITY_SUMMARY = "提醒{product}{date:%m月%d日}到期,客户考虑续存"


def write_demo_bank(
    directory: Path, customers: int, seed: int, today: date, progress: bool = False, processes: int | None = None
) -> dict[str, int]:
    """Write the demo bank's CSV files into `directory`; returns the rows written per file.

    `customers` counts all customers, the 5 showcase ones included (at least those 5 are written).
    Customers after the first `EXACT_CUSTOMERS` are drawn by `processes` processes (default: one
    per core); the files do not depend on how many.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    bank = _Bank(seed, today, max(customers, len(SHOWCASE_CUSTOMERS)))
    with _CsvFiles(directory) as files, tqdm(
        total=bank.customer_count, desc="客户", unit="户", disable=not progress
    ) as bar:
        for row in bank.branches:
            files.write("branches.csv", row)
        for person in bank.staff:
            files.write("staff.csv", person)
        for product in PRODUCTS:
            files.write("products.csv", product.row())
        for customer in bank.customers():
            files.write_customer(customer)
            bar.update()
        for part in _later_parts(bank, directory, processes):
            files.append(part)
            bar.update(part.customers)
    return files.counts


@dataclass
class _Part:
    """Customers `first`..`last` written by one process into a directory of headerless CSV files."""

    number: int
    first: int
    last: int
    directory: Path

    @property
    def customers(self) -> int:
        return self.last - self.first + 1


# The bank the later parts are drawn from, inherited by the worker processes when they fork.
_PARTS_BANK: "_Bank | None" = None


def _later_parts(bank: "_Bank", directory: Path, processes: int | None) -> Iterator[_Part]:
    """The customers after the first EXACT_CUSTOMERS, part by part in order, drawn in parallel."""
    first = EXACT_CUSTOMERS + 1
    remaining = bank.customer_count - EXACT_CUSTOMERS
    if remaining <= 0:
        return
    size = math.ceil(remaining / LATER_PARTS)
    scratch = Path(tempfile.mkdtemp(prefix=".parts-", dir=directory))
    parts = [
        _Part(n, start, min(start + size - 1, bank.customer_count), scratch / str(n))
        for n, start in enumerate(range(first, bank.customer_count + 1, size))
    ]
    global _PARTS_BANK
    _PARTS_BANK = bank
    try:
        workers = max(1, min(processes or os.cpu_count() or 1, len(parts)))
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_write_part, parts)
    finally:
        _PARTS_BANK = None
        shutil.rmtree(scratch, ignore_errors=True)


def _write_part(part: _Part) -> _Part:
    """In a worker process: draw one part's customers with its own generator."""
    bank = _PARTS_BANK
    assert bank is not None, "forked without a bank"
    bank.start_part(part.number)
    part.directory.mkdir()
    with _CsvFiles(part.directory, headers=False) as files:
        for number in range(part.first, part.last + 1):
            files.write_customer(bank._random_customer(f"C{number:08d}", None))
    return part


class _CsvFiles:
    """All the CSV files open at once, so each customer's holdings and contacts stream out with it."""

    def __init__(self, directory: Path, headers: bool = True) -> None:
        self.directory = directory
        self.headers = headers
        self.counts = {name: 0 for name in HEADERS}

    def __enter__(self) -> "_CsvFiles":
        self.streams = {name: (self.directory / name).open("w", encoding="utf-8", newline="") for name in HEADERS}
        self.writers = {name: csv.writer(stream, lineterminator="\n") for name, stream in self.streams.items()}
        if self.headers:
            for name, header in HEADERS.items():
                self.writers[name].writerow(header)
        return self

    def write(self, name: str, row: tuple | list) -> None:
        self.writers[name].writerow(row)
        self.counts[name] += 1

    def write_customer(self, customer: "_GeneratedCustomer") -> None:
        self.write("customers.csv", customer.row)
        for row in customer.holdings:
            self.write("holdings.csv", row)
        for row in customer.interactions:
            self.write("interactions.csv", row)

    def append(self, part: _Part) -> None:
        """Add a part's rows after the ones written so far."""
        for name, stream in self.streams.items():
            with (part.directory / name).open(encoding="utf-8", newline="") as rows:
                for line in rows:
                    stream.write(line)
                    self.counts[name] += 1
        shutil.rmtree(part.directory)

    def __exit__(self, *_exc) -> None:
        for stream in self.streams.values():
            stream.close()


@dataclass
class _BranchTeam:
    branch_id: str
    kind: str
    county: str
    tellers: list[str] = field(default_factory=list)
    lobby: list[str] = field(default_factory=list)
    managers: list[str] = field(default_factory=list)  # customer managers, incl. roaming ones for agencies
    wealth: list[str] = field(default_factory=list)


@dataclass
class _GeneratedCustomer:
    row: tuple
    holdings: list[tuple]
    interactions: list[tuple]


class _Names:
    """Chinese names from Faker's zh_CN characters: unique unless drawn from a small shared pool,
    so about 10% of customers share a name, and never one of the showcase names."""

    SHARE = 0.1

    def __init__(self, rng: random.Random, faker: Faker, customers: int) -> None:
        person = faker.provider("faker.providers.person")
        self.rng = rng
        self.surnames = list(person.last_names)
        self.cum_weights = list(accumulate(person.last_names.values()))
        self.given = {"M": list(person.first_names_male), "F": list(person.first_names_female)}
        self.single = {g: [n for n in names if len(n) == 1] for g, names in self.given.items()}
        self.used = set(SHOWCASE_NAMES) | {staff[1] for staff in SHOWCASE_STAFF}
        self.remember = True  # False for the later customers: names may repeat, memory stays flat
        self.pool = [(self.unique(gender), gender) for gender in rng.choices("MF", k=max(3, customers // 40))]

    def unique(self, gender: str) -> str:
        name = self._draw(gender)
        if not self.remember:
            while name in SHOWCASE_NAMES:
                name = self._draw(gender)
            return name
        # The space of names is finite: after enough tries a repeat is allowed, never a showcase name.
        for _attempt in range(50):
            if name not in self.used:
                break
            name = self._draw(gender)
        while name in SHOWCASE_NAMES:
            name = self._draw(gender)
        self.used.add(name)
        return name

    def customer(self) -> tuple[str, str]:
        """(name, gender) of a new customer."""
        if self.rng.random() < self.SHARE:
            return self.rng.choice(self.pool)
        gender = "M" if self.rng.random() < 0.5 else "F"
        return self.unique(gender), gender

    def _draw(self, gender: str) -> str:
        rng = self.rng
        surname = rng.choices(self.surnames, cum_weights=self.cum_weights)[0]
        if rng.random() < 0.3:
            return surname + rng.choice(self.given[gender])
        return surname + rng.choice(self.single[gender]) + rng.choice(self.single[gender])


class _Bank:
    def __init__(self, seed: int, today: date, customers: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.today = today
        self.customer_count = customers
        faker = Faker("zh_CN")
        faker.seed_instance(seed)
        self.names = _Names(self.rng, faker, customers)
        self.jobs = sorted({job for job in (faker.job() for _ in range(200)) if len(job) <= 10 and job != "其他"})
        self.phones = {c.phone for c in SHOWCASE_CUSTOMERS}
        self.id_numbers: set[str] = set()
        # Set in the processes drawing the customers after EXACT_CUSTOMERS (start_part).
        self.part: int | None = None
        self.born: dict[tuple[date, str], int] = {}
        self.phone_offset = seed * 7919 % 10**8
        self.branches = list(SHOWCASE_BRANCHES)
        self.staff = [list(person) for person in SHOWCASE_STAFF]
        self.teams = self._showcase_teams()
        self._random_branches(faker, max(4, customers // 2500))
        counties = sorted({team.county for team in self.teams.values()})
        self.regions = dict(zip(counties, self._region_codes(len(counties))))
        self.region_codes = list(self.regions.values())
        self.branch_ids = list(self.teams)
        self.branch_weights = list(accumulate(1.0 if t.kind == SELF else 0.35 for t in self.teams.values()))

    # ------------------------------------------------------------------ branches and staff

    def _showcase_teams(self) -> dict[str, _BranchTeam]:
        teams = {b[0]: _BranchTeam(b[0], b[2], b[3]) for b in SHOWCASE_BRANCHES}
        for staff_id, _name, role, branch_id, _chat, covers in SHOWCASE_STAFF:
            self._join(teams[branch_id], staff_id, role)
            for covered in filter(None, covers.split(";")):
                teams[covered].managers.append(staff_id)
        return teams

    @staticmethod
    def _join(team: _BranchTeam, staff_id: str, role: str) -> None:
        lists = {"teller": team.tellers, "lobby_manager": team.lobby, "customer_manager": team.managers,
                 "wealth_manager": team.wealth}
        if role in lists:
            lists[role].append(staff_id)

    def _random_branches(self, faker: Faker, count: int) -> None:
        """About 40% agency branches; every county has a self-operated branch whose roaming
        customer manager covers the county's agency branches."""
        rng = self.rng
        agencies = round(count * 0.4)
        own = count - agencies
        counties = self._counties(faker, max(1, (own + 1) // 2))
        plan = [(SELF, counties[i % len(counties)]) for i in range(own)]
        plan += [(AGENCY, rng.choice(counties)) for _ in range(agencies)]
        rng.shuffle(plan)
        names = {b[1] for b in SHOWCASE_BRANCHES}
        teams = []
        for number, (kind, county) in enumerate(plan, start=201):
            branch_id = f"B{number}"
            name = self._branch_name(faker, kind, county, names)
            self.branches.append((branch_id, name, kind, county))
            team = self.teams[branch_id] = _BranchTeam(branch_id, kind, county)
            roles = ["teller"]
            if kind == SELF:
                roles += ["lobby_manager"] + ["customer_manager"] * rng.randint(1, 3) + ["wealth_manager", "branch_head"]
            for role in roles:
                self._hire(team, role)
            teams.append(team)
        coverage: dict[str, list[str]] = {}
        for team in teams:
            if team.kind == AGENCY:
                local = [m for t in teams if t.kind == SELF and t.county == team.county for m in t.managers]
                roaming = rng.choice(local)
                team.managers.append(roaming)
                coverage.setdefault(roaming, []).append(team.branch_id)
        for person in self.staff:
            if person[0] in coverage:
                person[5] = ";".join(coverage[person[0]])

    def _hire(self, team: _BranchTeam, role: str) -> None:
        number = len(self.staff) + 1
        staff_id = f"S{number:04d}"
        gender = self.rng.choice("MF")
        self.staff.append([staff_id, self.names.unique(gender), role, team.branch_id, f"s{number:04d}", ""])
        self._join(team, staff_id, role)

    def _counties(self, faker: Faker, count: int) -> list[str]:
        taken = {b[3] for b in SHOWCASE_BRANCHES}
        address = faker.provider("faker.providers.address")
        candidates = [f"{d}{suffix}" for suffix in ("县", "区") for d in address.districts]
        candidates = [c for c in candidates if c not in taken]
        return self.rng.sample(candidates, min(count, len(candidates)))

    def _branch_name(self, faker: Faker, kind: str, county: str, names: set[str]) -> str:
        while True:
            if kind == SELF:
                name = f"{county[:-1]}{faker.street_name()}支行"
            else:
                surname = self.rng.choice(self.names.surnames[:100])
                name = f"{surname}家{self.rng.choice(_VILLAGE_SUFFIXES)}代理网点"
            if name not in names:
                names.add(name)
                return name

    def _region_codes(self, count: int) -> list[str]:
        """A plausible 6-digit ID region code per county (never the showcase's 110101)."""
        codes: list[str] = []
        while len(codes) < count:
            code = f"{self.rng.choice((13, 14, 32, 34, 36, 37, 41, 42, 43, 51))}{self.rng.randint(1, 12):02d}{self.rng.randint(21, 30):02d}"
            if code not in codes:
                codes.append(code)
        return codes

    # ------------------------------------------------------------------ customers

    def customers(self) -> Iterator[_GeneratedCustomer]:
        """The showcase customers and the random ones up to EXACT_CUSTOMERS (see `_later_parts`)."""
        for showcase in SHOWCASE_CUSTOMERS:
            yield self._showcase(showcase)
        # The first random customers cover every tier, so even a small demo bank has a 钻石 customer.
        forced = ((8_000_000, 15_000_000), (600_000, 2_000_000), (80_000, 300_000), (5_000, 40_000))
        for number in range(len(SHOWCASE_CUSTOMERS) + 1, min(self.customer_count, EXACT_CUSTOMERS) + 1):
            index = number - len(SHOWCASE_CUSTOMERS) - 1
            yield self._random_customer(f"C{number:08d}", forced[index] if index < len(forced) else None)

    def _showcase(self, c: _ShowcaseCustomer) -> _GeneratedCustomer:
        today = self.today
        row = (
            c.customer_id, c.name, c.gender, c.birth_date.isoformat(), c.phone, c.id_number, c.branch_id,
            c.manager_id, c.risk_level, (today - timedelta(days=c.risk_age_days)).isoformat(), c.tags, c.occupation,
        )
        holdings = [
            (c.customer_id, code, f"{amount}.00", (today + timedelta(days=start)).isoformat(),
             "" if maturity is None else (today + timedelta(days=maturity)).isoformat())
            for code, amount, start, maturity in c.holdings
        ]
        interactions = [
            (c.customer_id, staff_id, channel, _moment(today - timedelta(days=days), at), summary)
            for staff_id, channel, days, at, summary in c.interactions
        ]
        return _GeneratedCustomer(row, holdings, interactions)

    def _random_customer(self, customer_id: str, forced_assets: tuple[int, int] | None) -> _GeneratedCustomer:
        rng = self.rng
        team = self.teams[rng.choices(self.branch_ids, cum_weights=self.branch_weights)[0]]
        name, gender = self.names.customer()
        low, high, _share = rng.choices(_AGE_BANDS, cum_weights=_AGE_CUM_WEIGHTS)[0]
        age = rng.randint(low, high)
        birth = self._birth_date(age)
        region = self.regions[team.county] if rng.random() < 0.85 else rng.choice(self.region_codes)
        occupation = self._occupation(age, team.kind)
        assets = rng.randint(*forced_assets) if forced_assets else self._assets(age, team.kind)
        risk_level, assessed_on = self._risk(age, birth)
        manager = self._manager(team, assets)
        if not manager and age >= 20 and int(customer_id[1:]) % BIRTHDAY_THIS_WEEK_EVERY == BIRTHDAY_THIS_WEEK_AT:
            birth = self._birthday_this_week(age, int(customer_id[1:]))
        # Interests first: what a customer said they want shows in what they hold.
        tags = self._tags(age, team.kind, risk_level, assets, occupation)
        holdings = self._holdings(customer_id, age, birth, team, risk_level, assets, occupation, tags)
        row = (
            customer_id, name, gender, birth.isoformat(), self._phone(int(customer_id[1:])), self._id_number(region, birth, gender),
            team.branch_id, manager, risk_level, assessed_on, ";".join(tags), occupation,
        )
        interactions = self._interactions(customer_id, team, manager, holdings) if rng.random() < 0.2 else []
        return _GeneratedCustomer(row, holdings, interactions)

    def _birth_date(self, age: int) -> date:
        """A birthday such that the customer is exactly `age` today."""
        latest = _years_before(self.today, age)
        earliest = _years_before(self.today, age + 1) + timedelta(days=1)
        return earliest + timedelta(days=self.rng.randint(0, (latest - earliest).days))

    def _birthday_this_week(self, age: int, number: int) -> date:
        """A birthday in the week the bank is built (Monday to Sunday), the customer `age` today: the
        生日关怀 scene of a branch is never empty in a demo. Draws nothing from the generator, so that
        every other customer is the same as without it (and this one the same but for the day)."""
        monday = self.today - timedelta(days=self.today.weekday())
        day = monday + timedelta(days=number % 7)
        year = self.today.year - age - (1 if (day.month, day.day) > (self.today.month, self.today.day) else 0)
        try:
            return day.replace(year=year)
        except ValueError:  # 29 February in a year that has none
            return day.replace(year=year, day=28)

    def start_part(self, part: int) -> None:
        """Draw the customers of one later part: its own generator, names that may repeat."""
        self.part = part
        self.rng = random.Random(f"{self.seed}:{part}")
        self.names.rng = self.rng
        self.names.remember = False
        self.born = {}

    def _phone(self, number: int) -> str:
        if self.part is not None:
            # A permutation of the customer number (48271 is prime to 10**8): never repeated.
            suffix = (number * 48271 + self.phone_offset) % 10**8
            return f"{_LATER_PHONE_PREFIXES[number % len(_LATER_PHONE_PREFIXES)]}{suffix:08d}"
        while True:
            phone = f"{self.rng.choice(_PHONE_PREFIXES)}{self.rng.randrange(10**8):08d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def _id_number(self, region: str, birth: date, gender: str) -> str:
        """A resident ID number whose birth date and gender digit match the customer."""
        if self.part is not None:
            return self._later_id_number(region, birth, gender)
        while True:
            sequence = self.rng.randrange(500) * 2 + (1 if gender == "M" else 0)
            first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
            if first17 not in self.id_numbers:
                self.id_numbers.add(first17)
                return first17 + id_check_char(first17)

    def _later_id_number(self, region: str, birth: date, gender: str) -> str:
        """The part's next sequence number for this birth date and gender: unique whatever the
        region, and never one the first customers took."""
        key = (birth, gender)
        while True:
            count = self.born.get(key, 0)
            if count >= _LATER_PER_BIRTH_DAY:
                raise ValueError(f"演示数据: {birth} 出生的客户太多,身份证顺序码不够用(约五百万客户以内)")
            self.born[key] = count + 1
            sequence = (count * LATER_PARTS + self.part) * 2 + (1 if gender == "M" else 0)
            first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
            if first17 not in self.id_numbers:
                return first17 + id_check_char(first17)

    def _occupation(self, age: int, kind: str) -> str:
        rng = self.rng
        if age >= 60 and rng.random() < 0.7:
            return rng.choice(("退休", "退休教师", "退休工人", "退休干部"))
        if age <= 22 and rng.random() < 0.5:
            return "学生"
        common = ("务农", "外出务工", "个体工商户", "小微企业主") if kind == AGENCY else (
            "小微企业主", "个体工商户", "公务员", "教师", "医生", "工人")
        if rng.random() < (0.7 if kind == AGENCY else 0.45):
            return rng.choice(common)
        return rng.choice(self.jobs)

    def _assets(self, age: int, kind: str) -> int:
        """Total assets in yuan: long-tailed, most customers 普通 or 金卡, a few 钻石."""
        median = 30_000 * (0.4 if age < 30 else 1.0 if age < 45 else 1.6 if age < 60 else 1.8)
        if kind == AGENCY:
            median *= 0.5
        return max(100, int(median * math.exp(1.5 * self.rng.gauss(0, 1))))

    def _risk(self, age: int, birth: date) -> tuple[str, str]:
        """Risk level and assessment date; some never assessed, some expired (over a year old)."""
        rng = self.rng
        if rng.random() < 0.06:
            return "", ""
        level = rng.choices(RISK_LEVELS, weights=_RISK_WEIGHTS_OLDER if age >= 60 else _RISK_WEIGHTS_YOUNGER)[0]
        days = rng.randint(1, 365) if rng.random() < 0.8 else rng.randint(366, 1100)
        assessed = max(self.today - timedelta(days=days), _years_after(birth, 18))
        return level, assessed.isoformat()

    def _manager(self, team: _BranchTeam, assets: int) -> str:
        rng = self.rng
        if assets >= 500_000 and team.wealth and rng.random() < 0.5:
            return rng.choice(team.wealth)
        if team.managers and (assets >= 500_000 or rng.random() < 0.8):
            return rng.choice(team.managers)
        return ""

    def _holdings(
        self, customer_id: str, age: int, birth: date, team: _BranchTeam, risk_level: str, assets: int,
        occupation: str, tags: list[str],
    ) -> list[tuple]:
        """1-6 positions: assets split to match the total, plus loans and cards by life stage."""
        rng, kind = self.rng, team.kind
        allowed = int(risk_level[1]) if risk_level else 1  # never assessed: deposits and the like only
        adult = _years_after(birth, 18)
        liabilities = self._liabilities(age, kind, occupation)
        candidates = [
            p for p in PRODUCTS
            if p.category not in LIABILITY_CATEGORIES and kind in p.channels and p.rating <= allowed
            and (p.min_age or 0) <= age <= (p.max_age or 200) and p.min_amount <= assets
        ]
        weights = [self._appetite(p, age, kind, assets) * _preference(p, age, assets, team.county, occupation, tags)
                   for p in candidates]
        wanted = min(6 - len(liabilities), 1 + (assets > 20_000) + (assets > 100_000) + (assets > 500_000) + rng.randint(0, 1))
        chosen: list[DemoProduct] = []
        while candidates and len(chosen) < wanted:
            pick = rng.choices(range(len(candidates)), weights=weights)[0]
            chosen.append(candidates.pop(pick))
            weights.pop(pick)
        shares = [rng.random() + 0.3 for _ in chosen]
        total_share = sum(shares)
        rows = []
        for product, share in zip(chosen, shares):
            yuan = max(product.min_amount, round(assets * share / total_share))
            if yuan >= 10_000 and (product.term_days or yuan >= 100_000):
                yuan -= yuan % 1000  # term products and large amounts in whole thousands
            # Demand deposits and funds have cents (interest, market value); term products do not.
            cents = yuan * 100 + (rng.randrange(100) if product.term_days is None else 0)
            rows.append(self._position(customer_id, product, cents, adult))
        rows += [self._position(customer_id, product, cents, adult) for product, cents in liabilities]
        return rows

    def _appetite(self, product: DemoProduct, age: int, kind: str, assets: int) -> float:
        """How likely this customer holds the product: older → deposits and insurance, younger →
        funds, wealthier → 理财, funds and 大额存单, agency branches → mostly deposits."""
        weight = {"存款": 3.0, "理财": 1.0, "基金": 0.6, "保险": 0.5, "贵金属": 0.2}[product.category]
        if product.category == "存款":
            # Deposits are a county bank's staple, the more so the older the customer and in the
            # villages; the young and the wealthy spread their money further.
            weight *= (0.35 if age < 30 else 0.6 if age < 45 else 1.0 if age < 55 else 1.8) * (4.0 if kind == AGENCY else 1.0)
            if assets >= 300_000 and kind == SELF:
                weight *= 0.6
        elif product.category == "保险":
            weight *= 2.5 if age >= 45 else 1.0
        elif product.category == "基金":
            weight *= 2.5 if age < 40 else 0.6 if age >= 65 else 1.0
        if assets >= 500_000 and product.category in ("理财", "基金") or product.code == "D-DE3Y":
            weight *= 3.0
        if not product.on_sale:
            weight *= 0.3
        return weight

    def _liabilities(self, age: int, kind: str, occupation: str) -> list[tuple[DemoProduct, int]]:
        """Loans and cards, with their outstanding balance in cents."""
        rng = self.rng
        result = []
        if kind == SELF and 20 <= age <= 60 and rng.random() < (0.45 if age < 40 else 0.25):
            result.append((_PRODUCT["C-BJ" if rng.random() < 0.15 else "C-BZ"], rng.randint(0, 30_000) * 100))
        if kind == SELF and 25 <= age <= 55 and rng.random() < 0.12:
            result.append((_PRODUCT["L-ZF"], rng.randint(200, 1500) * 100_000))
        if kind == SELF and 22 <= age <= 45 and rng.random() < 0.08:
            result.append((_PRODUCT["L-XF"], rng.randint(10, 200) * 100_000))
        if occupation in ("小微企业主", "个体工商户") and age <= 65 and rng.random() < 0.4:
            result.append((_PRODUCT["L-JY"], rng.randint(50, 1000) * 100_000))
        if kind == AGENCY and occupation == "务农" and age <= 65 and rng.random() < 0.3:
            result.append((_PRODUCT["L-HN"], rng.randint(10, 100) * 100_000))
        return result

    def _position(self, customer_id: str, product: DemoProduct, cents: int, adult: date) -> tuple:
        """A holding row with dates around today: many maturities in the next 90 days, some past,
        some years away; products without a term (demand deposits, funds, cards) never mature."""
        rng, today = self.rng, self.today
        term = product.term_days
        if term is None:
            start = max(today - timedelta(days=rng.randint(7, 8 * 365)), adult)
            return customer_id, product.code, _yuan(cents), start.isoformat(), ""
        if term > 1095:
            start = today - timedelta(days=rng.randint(30, min(term, 10 * 365)))
        else:
            draw = rng.random()
            if draw < 0.08:
                ahead = -rng.randint(1, 60)
            elif draw < 0.3:
                ahead = rng.randint(1, min(90, term))
            else:
                ahead = rng.randint(1, term)
            start = today + timedelta(days=ahead - term)
        start = max(start, adult)
        return customer_id, product.code, _yuan(cents), start.isoformat(), (start + timedelta(days=term)).isoformat()

    def _tags(self, age: int, kind: str, risk_level: str, assets: int, occupation: str) -> list[str]:
        rng = self.rng
        tags = []
        if occupation.startswith("退休"):
            tags.append("退休")
        if occupation == "小微企业主":
            tags.append("小微企业主")
        if 22 <= age <= 58 and occupation in ("公务员", "教师", "医生", "工人") and rng.random() < 0.6:
            tags.append("代发工资")
        if 45 <= age <= 65 and rng.random() < 0.2:
            tags.append("养老规划")
        if 25 <= age <= 45 and rng.random() < 0.08:
            tags.append("有房贷需求")
        if 30 <= age <= 50 and rng.random() < 0.1:
            tags.append("子女教育")
        if risk_level >= "C3" and rng.random() < 0.1:
            tags.append("意向:基金")
        if risk_level and rng.random() < 0.06:
            tags.append("意向:理财")
        if assets >= 200_000 and rng.random() < 0.15:
            tags.append("意向:大额存单")
        if kind == AGENCY and age >= 50 and rng.random() < 0.3:
            tags.append("代理网点老客户")
        return tags

    def _interactions(self, customer_id: str, team: _BranchTeam, manager: str, holdings: list[tuple]) -> list[tuple]:
        """1-3 contacts in the last half year by the customer's manager or branch staff."""
        rng, today = self.rng, self.today
        staff = [manager] if manager else team.tellers + team.lobby + team.managers
        channels, weights = zip(*_CHANNEL_WEIGHTS[team.kind])
        upcoming = [h for h in holdings if h[4] and today <= date.fromisoformat(h[4]) <= today + timedelta(days=90)
                    and _PRODUCT[h[1]].category not in LIABILITY_CATEGORIES]
        rows = []
        for days in sorted(rng.sample(range(1, 181), rng.randint(1, 3)), reverse=True):
            if upcoming and rng.random() < 0.4:
                holding = rng.choice(upcoming)
                summary = _MATURITY_SUMMARY.format(product=_PRODUCT[holding[1]].name, date=date.fromisoformat(holding[4]))
            else:
                summary = rng.choice(_SUMMARIES).format(product=rng.choice(_PITCHES))
            at = time(rng.randint(9, 17), rng.randrange(0, 60, 5))
            rows.append((customer_id, rng.choice(staff), rng.choices(channels, weights=weights)[0],
                         _moment(today - timedelta(days=days), at), summary))
        return rows


# ---------------------------------------------------------------------------- preferences
#
# What makes holdings more than popularity, so that suggestions can be measured
# (`python -m tools eval-recs`): each multiplies how likely a customer holds a product (on top of
# _appetite's broad strokes). Strong on purpose: 千人千面 is worth something only where customers
# differ, and a county bank's customers differ by place, age, wealth and what they asked for.

# Life stage: age band (low, high) -> products people of that age favour, and how strongly.
_STAGE_FAVOURITES: tuple[tuple[int, int, dict[str, float]], ...] = (
    (18, 29, {"F-DT": 16, "F-HB": 9, "F-ZS": 4, "W-XJ": 4}),
    (30, 44, {"I-ZJ": 16, "W-WX90": 6, "F-ZQ": 6, "F-PH": 4}),
    (45, 59, {"I-YL": 16, "W-AX180": 9, "W-XX1Y": 4, "D-DQ1Y": 2}),
    (60, 200, {"D-DQ3Y": 9, "D-DQ1Y": 4, "I-ZS": 4, "D-HN1Y": 4}),
)
# Tier: the wealthy (30万 and more) buy the large-ticket products; the rest (under 5万) keep
# money short and at hand.
_WEALTHY_FAVOURITES = {"D-DE3Y": 9, "I-ZS": 9, "W-XX1Y": 6, "G-JT": 4}
_MASS_FAVOURITES = {"D-DQ3M": 6, "W-XJ": 4, "D-HQ": 2}
# Region: each county has products its people favour (word of mouth, a local campaign, the
# branch's own habits); which of these a county has is fixed by its name.
_COUNTY_FAVOURITES: tuple[dict[str, float], ...] = (
    {"G-JT": 25, "W-WX90": 9, "I-YW": 9},
    {"F-ZQ": 25, "W-AX180": 9, "D-DQ3M": 4},
    {"I-ZS": 16, "W-XJ": 9, "D-HN1Y": 4},
    {"F-PH": 16, "D-DQ1Y": 4, "I-YW": 4},
)
# Interests recorded as tags: the products they lead to.
_TAG_FAVOURITES = {
    "意向:基金": {"F-ZQ": 9, "F-PH": 9, "F-ZS": 9, "F-KJ": 9, "F-DT": 9, "F-HB": 4},
    "意向:理财": {"W-XJ": 4, "W-WX90": 9, "W-AX180": 9, "W-XX1Y": 9},
    "意向:大额存单": {"D-DE3Y": 36},
    "养老规划": {"I-YL": 25, "D-DQ3Y": 2},
    "子女教育": {"I-ZJ": 9, "D-DQ3Y": 4},
    "小微企业主": {"W-XJ": 9},
    "代发工资": {"F-DT": 4, "W-XJ": 2},
}


def _county_favourites(county: str) -> dict[str, float]:
    """A county's favourites, fixed by the county's name (never by the random stream)."""
    index = sum(county.encode("utf-8")) % len(_COUNTY_FAVOURITES)
    return _COUNTY_FAVOURITES[index]


def _preference(product: DemoProduct, age: int, assets: int, county: str, occupation: str, tags: list[str]) -> float:
    weight = _county_favourites(county).get(product.code, 1.0)
    for low, high, favourites in _STAGE_FAVOURITES:
        if low <= age <= high:
            weight *= favourites.get(product.code, 1.0)
    weight *= (_WEALTHY_FAVOURITES if assets >= 300_000 else _MASS_FAVOURITES if assets < 50_000 else {}).get(product.code, 1.0)
    for tag in tags:
        weight *= _TAG_FAVOURITES.get(tag, {}).get(product.code, 1.0)
    if occupation == "务农" and product.code in ("D-HN1Y", "I-YW"):
        weight *= 4
    return weight


# ---------------------------------------------------------------------------- small helpers


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def _years_after(day: date, years: int) -> date:
    return _years_before(day, -years)


def _yuan(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _moment(day: date, at: time) -> str:
    """Bank local time, as the import expects it."""
    return datetime.combine(day, at).isoformat(sep=" ")


def _blank(value: int | None) -> str:
    return "" if value is None else str(value)

