"""`python -m tools ...`: the developers' and demo commands, outside the bank's domain (the
database benchmark is `python -m bench.db_queries`).

  demo-data DIR                write a synthetic demo bank as CSV files
  ensure-demo                  load the demo bank if the database has no customers (make run)
  eval-recs [--customers N --seed S]   offline evaluation of the suggestions on the demo bank

They import bot/; bot/ never imports them. The bank's own commands are `python -m bot ...`.
"""
from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from bot.settings import REPO_ROOT, Settings

DEMO_DIR = REPO_ROOT / "var" / "demo-bank"
DEMO_CUSTOMERS = 2000
DEMO_SEED = 7


def _database():
    from bot.db import Database

    return Database(Settings.from_env().database_url)


def _today(given: date | None) -> date:
    from bot.clock import clock

    return given or clock.today()


def cmd_demo_data(args) -> int:
    from tools.demo_data import write_demo_bank

    today = date.fromisoformat(args.today) if args.today else None
    counts = write_demo_bank(Path(args.directory), args.customers, args.seed, today=_today(today), progress=not args.quiet)
    print(f"演示数据已写入 {args.directory}: " + ", ".join(f"{name} {n}行" for name, n in counts.items()))
    return 0


def cmd_ensure_demo(args) -> int:
    """Load the demo bank into an empty database; leave a database with customers alone."""
    from bot.customers.lookup import count_customers
    from bot.importer import import_directory
    from bot.migrate import upgrade
    from tools.demo_data import write_demo_bank

    settings = Settings.from_env()
    upgrade(settings.database_url)
    database = _database()
    with database.unit_of_work() as session:
        existing = count_customers(session)
    if existing:
        print(f"数据库里已有 {existing} 位客户,不再加载演示数据。")
        return 0
    write_demo_bank(DEMO_DIR, args.customers, DEMO_SEED, today=_today(None), progress=False)
    report = import_directory(database, DEMO_DIR, progress=False)
    print(f"已加载演示银行({args.customers} 位客户): {report}")
    from bot.suggestions.service import SuggestionService

    model = SuggestionService(database, settings).train()
    print(f"推荐模型已训练: {model.customers} 位客户, 模型日期 {model.model_date}")
    return 0


def cmd_eval_recs(args) -> int:
    from tools.recommendation_eval import evaluate, report_lines

    today = date.fromisoformat(args.today) if args.today else _today(None)
    report = evaluate(args.customers, args.seed, today, Settings.from_env())
    for line in report_lines(report):
        print(line)
    return 0 if report.passed else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tools", description="网点助手开发与演示工具")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo-data", help="write a synthetic demo bank as CSV files")
    demo.add_argument("directory")
    demo.add_argument("--customers", type=int, default=DEMO_CUSTOMERS)
    demo.add_argument("--seed", type=int, default=DEMO_SEED)
    demo.add_argument("--today", help="ISO date the demo is built around (default: today)")
    demo.add_argument("--quiet", action="store_true")
    demo.set_defaults(run=cmd_demo_data)

    ensure = commands.add_parser("ensure-demo", help="load the demo bank if the database is empty")
    ensure.add_argument("--customers", type=int, default=DEMO_CUSTOMERS)
    ensure.set_defaults(run=cmd_ensure_demo)

    evaluation = commands.add_parser("eval-recs", help="offline evaluation of the suggestions on the demo bank")
    evaluation.add_argument("--customers", type=int, default=DEMO_CUSTOMERS)
    evaluation.add_argument("--seed", type=int, default=DEMO_SEED)
    evaluation.add_argument("--today", help="ISO date the demo bank is built around (default: today)")
    evaluation.set_defaults(run=cmd_eval_recs)

    return parser


def main(argv: list[str] | None = None) -> int:
    from bot.privacy import install_log_masking

    install_log_masking()
    args = build_parser().parse_args(argv)
    return args.run(args)
