"""`python -m bench.db_queries`: how fast the bank's database answers what the chat asks of it.

Run on a loaded bank (`python -m tools demo-data DIR --customers 1000000` then `python -m bot import
DIR`), with DATABASE_URL pointing at it. Each operation is timed the way the bot runs it, one unit
of work each, through the same functions the actions call:

  by_customer_id, by_phone, by_id_number, by_name   find_customers for a teller of the customer's
                                                    branch (already identified), in a transaction
  profile_360                                       CustomerService.ask, the whole answer: who is
                                                    asking, the lookup, the 360 summary and its
                                                    audit row, committed
  daily_list                                        VisitService.daily_list of a customer manager,
                                                    the whole answer
  scene_maturities, scene_dormant,                  SegmentService.find of a named scene (到期承接,
  scene_assessment, scene_birthdays                 沉睡唤醒, 测评到期, 生日关怀) for a branch head:
                                                    the count and the first page ranked, its audit
                                                    rows committed (issue #26)
  campaign_create                                   CampaignService.create for a branch head: the
                                                    largest asset segment of her branches up to
                                                    5,000 customers, suitability checked, targets,
                                                    history rows and notifications written (issue #26)

Customers are a random sample (seeded), so the caches are as cold as a bank's would be: a million
customers do not fit in the sample. The targets are the p99s of issue #7; `--check` fails when
one is missed. Writing the 360's audit rows is part of what is measured, so the bench adds rows
to `audit_log`: run it on a bench copy, not on the bank's production database.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from sqlalchemy import func, select

from bot.access import StaffMember, identify_staff
from bot.clock import clock
from bot.customers import lookup
from bot.customers.service import CustomerService, Outcome, View
from bot.db import Database
from bot.models import Customer, Staff
from bot.segments.reading import read_segment
from bot.segments.results import SegmentOutcome
from bot.segments.service import SegmentService
from bot.settings import Settings
from bot.visits.service import VisitService

# p99 targets in milliseconds (issue #7).
TARGETS_MS = {
    "by_customer_id": 5.0,
    "by_phone": 5.0,
    "by_id_number": 5.0,
    "by_name": 20.0,
    "profile_360": 30.0,
    "daily_list": 50.0,
    # Issue #26: each named scene's first page.
    "scene_maturities": 300.0,
    "scene_dormant": 300.0,
    "scene_assessment": 300.0,
    "scene_birthdays": 300.0,
    # Issue #26: a campaign of up to 5,000 customers made in one transaction.
    "campaign_create": 5000.0,
}
CAMPAIGN_RUNS = 3
SCENES = {"scene_maturities": "到期承接", "scene_dormant": "沉睡唤醒", "scene_assessment": "测评到期",
          "scene_birthdays": "生日关怀"}
SCENE_SAMPLES = 60
LOOKUPS = {
    "by_customer_id": lookup.QueryKind.CUSTOMER_ID,
    "by_phone": lookup.QueryKind.PHONE,
    "by_id_number": lookup.QueryKind.ID_NUMBER,
    "by_name": lookup.QueryKind.NAME,
}


@dataclass(frozen=True)
class Timing:
    operation: str
    samples: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    target_p99_ms: float

    @property
    def met(self) -> bool:
        return self.p99_ms <= self.target_p99_ms


@dataclass(frozen=True)
class _Sample:
    customer_id: str
    name: str
    phone: str | None
    id_number: str | None
    chat_id: str
    staff: StaffMember


def run(db: Database, samples: int = 1000, seed: int = 1, settings: Settings | None = None) -> list[Timing]:
    """Time every operation `samples` times (the daily list once per manager, up to `samples`)."""
    settings = settings or Settings.from_env()
    chosen, managers = _sample(db, samples, seed)
    if not chosen:
        raise ValueError("数据库里没有客户(或他们的网点没有能登录的员工),请先导入数据")
    timings = []
    for operation, kind in LOOKUPS.items():
        having = [sample for sample in chosen if _value(sample, kind) is not None]
        timings.append(_time(operation, having, lambda s, kind=kind: _lookup(db, s, kind)))
    service = CustomerService(db, settings)
    timings.append(_time("profile_360", chosen, lambda s: _profile(service, s)))
    visits = VisitService(db, settings)
    # (Who is asking is resolved in each timed call, as each message's turn does.)
    timings.append(_time("daily_list", managers,
                         lambda chat_id: visits.daily_list(service.who_is(chat_id), channel="bench")))
    segments = SegmentService(db, settings)
    heads = _branch_heads(db, seed)
    for operation, scene in SCENES.items():
        segment = read_segment(scene, clock.today()).segment
        timings.append(_time(operation, heads, lambda chat_id, segment=segment: _segment(segments, service, chat_id, segment)))
    timings.append(_campaign_timing(db, settings, service, heads[:CAMPAIGN_RUNS]))
    return timings


def _campaign_timing(db: Database, settings: Settings, service: CustomerService, heads: list[str]) -> Timing:
    """Each head makes one campaign of the largest "资产X以上" segment of at most 5,000 customers
    (no warm-up: each run writes a campaign)."""
    from decimal import Decimal

    from bot.campaigns.service import CampaignService
    from bot.campaigns.targets import MAX_TARGETS
    from bot.segments import search
    from bot.segments.conditions import Segment

    campaigns, elapsed = CampaignService(db, settings), []
    for number, chat_id in enumerate(dict.fromkeys(heads)):
        staff = service.who_is(chat_id)
        threshold = Decimal(1000)
        with db.unit_of_work() as session:
            while search.count(session, staff, Segment(min_assets=threshold), clock.today(),
                               settings.risk_assessment_valid_days) > MAX_TARGETS:
                threshold *= 2
        started = time.perf_counter()
        made = campaigns.create(staff, Segment(min_assets=threshold), "理财", "by_manager", (), None, "bench",
                                f"bench-{time.time_ns()}-{number}")
        elapsed.append((time.perf_counter() - started) * 1000)
        if not made.created:
            raise AssertionError(f"活动没有创建: {made.plan.outcome}")
    if not elapsed:
        return Timing("campaign_create", 0, 0.0, 0.0, 0.0, 0.0, TARGETS_MS["campaign_create"])
    elapsed.sort()
    return Timing("campaign_create", len(elapsed), round(elapsed[len(elapsed) // 2], 2), round(elapsed[-1], 2),
                  round(elapsed[-1], 2), round(elapsed[-1], 2), TARGETS_MS["campaign_create"])


def _branch_heads(db: Database, seed: int) -> list[str]:
    """Branch heads (a branch's whole customer base is theirs), SCENE_SAMPLES calls in all."""
    with db.unit_of_work() as session:
        heads = list(session.execute(select(Staff.chat_id).where(
            Staff.role == "branch_head", Staff.chat_id.isnot(None)).order_by(Staff.staff_id)).scalars())
    random.Random(seed).shuffle(heads)
    return (heads * (SCENE_SAMPLES // max(1, len(heads)) + 1))[:SCENE_SAMPLES] if heads else []


def _segment(segments: SegmentService, service: CustomerService, chat_id: str, segment) -> None:
    page = segments.find(service.who_is(chat_id), segment, "bench")
    if page.outcome not in (SegmentOutcome.FOUND, SegmentOutcome.EMPTY):
        raise AssertionError(f"客群没有答案: {page.outcome}")


def _sample(db: Database, samples: int, seed: int) -> tuple[list[_Sample], list[str]]:
    with db.unit_of_work() as session:
        chat_of_branch: dict[str, str] = {}
        for branch_id, chat_id in session.execute(
            select(Staff.branch_id, Staff.chat_id).where(Staff.chat_id.isnot(None)).order_by(Staff.staff_id)
        ):
            chat_of_branch.setdefault(branch_id, chat_id)
        # A random sample: setseed makes PostgreSQL's random() repeatable; SQLite's is not, which
        # only changes which customers are timed.
        if session.bind.dialect.name == "postgresql":
            session.execute(select(func.setseed(seed / 1000)))
        rows = session.execute(
            select(Customer.customer_id, Customer.name, Customer.phone, Customer.id_number, Customer.branch_id)
            .order_by(func.random())
            .limit(samples)
        ).all()
        managers = list(
            session.execute(
                select(Staff.chat_id)
                .where(Staff.role == "customer_manager", Staff.chat_id.isnot(None))
                .order_by(Staff.staff_id)
            ).scalars()
        )
        staff = {chat_id: identify_staff(session, chat_id) for chat_id in set(chat_of_branch.values())}
    chosen = [
        _Sample(customer_id, name, phone, id_number, chat_of_branch[branch_id], staff[chat_of_branch[branch_id]])
        for customer_id, name, phone, id_number, branch_id in rows
        if branch_id in chat_of_branch
    ]
    random.Random(seed).shuffle(managers)
    return chosen, managers[:samples]


def _value(sample: _Sample, kind: lookup.QueryKind) -> str | None:
    return {
        lookup.QueryKind.CUSTOMER_ID: sample.customer_id,
        lookup.QueryKind.PHONE: sample.phone,
        lookup.QueryKind.ID_NUMBER: sample.id_number,
        lookup.QueryKind.NAME: sample.name,
    }[kind]


def _lookup(db: Database, sample: _Sample, kind: lookup.QueryKind) -> None:
    query = lookup.CustomerQuery(kind, _value(sample, kind))
    with db.unit_of_work() as session:
        found = lookup.find_customers(session, sample.staff, query, 6)
    if sample.customer_id not in {customer.customer_id for customer in found} and len(found) < 6:
        raise AssertionError(f"{kind.value} 查询没有找到客户 {sample.customer_id}")


def _profile(service: CustomerService, sample: _Sample) -> None:
    answer = service.ask(service.who_is(sample.chat_id), View.PROFILE, {"customer_id": [sample.customer_id]}, sample.customer_id, None, "bench")
    if answer.outcome is not Outcome.SHOWN or answer.profile is None:
        raise AssertionError(f"360 视图没有显示客户 {sample.customer_id}: {answer.outcome}")


def _time(operation: str, items: list, call: Callable) -> Timing:
    for item in items[:20]:  # connections opened, statements prepared: not what is measured
        call(item)
    if not items:
        return Timing(operation, 0, 0.0, 0.0, 0.0, 0.0, TARGETS_MS[operation])
    elapsed = []
    for item in items:
        started = time.perf_counter()
        call(item)
        elapsed.append((time.perf_counter() - started) * 1000)
    if len(elapsed) < 2:
        elapsed = elapsed * 2
    cuts = statistics.quantiles(elapsed, n=100, method="inclusive")
    return Timing(operation, len(items), round(cuts[49], 2), round(cuts[94], 2), round(cuts[98], 2), round(max(elapsed), 2), TARGETS_MS[operation])


def report(timings: list[Timing], customers: int) -> str:
    lines = [f"客户数 {customers}", f"{'操作':<16}{'次数':>6}{'p50':>9}{'p95':>9}{'p99':>9}{'最大':>9}{'p99目标':>9}  结果"]
    for t in timings:
        verdict = "达标" if t.met else "未达标"
        lines.append(
            f"{t.operation:<16}{t.samples:>6}{t.p50_ms:>9.2f}{t.p95_ms:>9.2f}{t.p99_ms:>9.2f}{t.max_ms:>9.2f}{t.target_p99_ms:>9.0f}  {verdict}"
        )
    lines.append("(毫秒)")
    return "\n".join(lines)


def write_json(path: Path, timings: list[Timing], customers: int, database: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"customers": customers, "database": database, "timings": [asdict(t) | {"met": t.met} for t in timings]}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    from bot.customers.lookup import count_customers
    from bot.privacy import install_log_masking

    parser = argparse.ArgumentParser(prog="python -m bench.db_queries",
                                     description="time lookups, the 360 view and daily lists on the loaded bank")
    parser.add_argument("--samples", type=int, default=1000, help="customers timed per operation")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", help="also write the figures as JSON to this file")
    parser.add_argument("--check", action="store_true", help="exit 1 when a p99 target is missed")
    args = parser.parse_args(argv)
    install_log_masking()
    database = Database(Settings.from_env().database_url)
    with database.unit_of_work() as session:
        customers = count_customers(session)
    try:
        timings = run(database, samples=args.samples, seed=args.seed)
    except ValueError as problem:
        print(problem, file=sys.stderr)
        return 2
    print(report(timings, customers))
    if args.out:
        write_json(Path(args.out), timings, customers, database.url.split("://")[0])
    missed = [t.operation for t in timings if not t.met]
    if args.check and missed:
        print("未达标: " + ", ".join(missed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
