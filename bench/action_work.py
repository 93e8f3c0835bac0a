"""`make bench-actions`: the action server's own work per message, in one process, without Rasa.

    .venv/bin/python -m bench.action_work [--people 5] [--customers-each 20] [--rounds 3]

`make bench` measures each server's CPU time per message under load; this takes the action
server's share apart. On the bench bank (bench.run's, in a temporary SQLite file), each simulated
member of staff looks up customers by number, phone and name, asks the two follow-ups of
bench/workload.py (holdings, contact history) and, like every message, whether notifications wait:
the calls the actions make, minus rasa_sdk and HTTP. Prints the time per message (the best of
--rounds, so that a slow spell of this shared machine counts less), the SQL statements per message
and the time spent inside the database driver, and the statements that cost most, each with
SQLite's plan: a plan that scans a whole table is flagged.
"""
from __future__ import annotations

import argparse
import collections
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event

from bench.workload import Person
from bot.customers.service import CustomerService, View
from bot.db import Database
from bot.referrals.service import ReferralService
from bot.settings import Settings


@dataclass
class Statement:
    count: int = 0
    seconds: float = 0.0
    parameters: object = None


def one_round(people: list[Person], customers: CustomerService, referrals: ReferralService, each: int) -> int:
    """Every person's messages once; returns how many messages that was."""
    messages = 0

    def message(view: View, entities: dict, text_: str, in_context: str | None) -> None:
        nonlocal messages
        staff = customers.who_is(person.chat_id)  # once per message, as the turn does
        customers.handle(staff, view, entities, text_, in_context, None, "rest")
        referrals.notifications(staff, "rest")
        messages += 1

    for person in people:
        for customer_id, name, phone in person.customers[:each]:
            message(View.PROFILE, {"customer_id": [customer_id]}, f"查下{customer_id}", None)
            if phone:
                message(View.PROFILE, {"phone": [phone]}, f"{phone}是谁", None)
            if name:
                message(View.PROFILE, {"customer_name": [name]}, f"查一下{name}", None)
            message(View.HOLDINGS, {}, "他名下有哪些产品", customer_id)
            message(View.INTERACTIONS, {}, "她最近谁联系过", customer_id)
    return messages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=5)
    parser.add_argument("--customers-each", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--bank-customers", type=int, default=2000)
    args = parser.parse_args(argv)

    from bench.run import prepare_bank  # the same bank as make bench's

    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'bank.sqlite3'}"
        people = prepare_bank(url, [args.people], args.bank_customers)[str(args.people)]
        db = Database(url)
        settings = Settings.from_env()
        customers, referrals = CustomerService(db, settings), ReferralService(db, settings)
        one_round(people, customers, referrals, args.customers_each)  # warm: caches, compiled statements

        statements: dict[str, Statement] = collections.defaultdict(Statement)

        @event.listens_for(db.engine, "before_cursor_execute")
        def _before(conn, cursor, statement, parameters, context, executemany):
            conn.info["bench_started"] = time.perf_counter()

        @event.listens_for(db.engine, "after_cursor_execute")
        def _after(conn, cursor, statement, parameters, context, executemany):
            entry = statements[statement]
            entry.count += 1
            entry.seconds += time.perf_counter() - conn.info.pop("bench_started")
            entry.parameters = parameters

        best = None
        for _ in range(args.rounds):
            statements.clear()
            started = time.perf_counter()
            messages = one_round(people, customers, referrals, args.customers_each)
            elapsed = time.perf_counter() - started
            if best is None or elapsed < best[0]:
                best = (elapsed, messages, dict(statements))
        elapsed, messages, measured = best
        executed = sum(s.count for s in measured.values())
        in_driver = sum(s.seconds for s in measured.values())
        print(f"{messages} messages, best of {args.rounds} rounds: {1000 * elapsed / messages:.2f} ms per message; "
              f"{executed / messages:.1f} SQL statements per message, {1000 * in_driver / messages:.2f} ms of it "
              f"in the database driver")
        scans = 0
        with db.engine.connect() as connection:
            for sql, entry in sorted(measured.items(), key=lambda item: -item[1].seconds)[:12]:
                plan = ""
                if sql.lstrip().upper().startswith("SELECT"):
                    rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, entry.parameters).fetchall()
                    plan = " | ".join(row[-1] for row in rows)
                    # "SCAN t" reads the whole table; "SCAN CONSTANT ROW" and covering-index scans do not.
                    if any(step.startswith("SCAN ") and "CONSTANT ROW" not in step and "INDEX" not in step
                           for step in plan.split(" | ")):
                        scans += 1
                        plan = "FULL SCAN: " + plan
                print(f"{entry.count / messages:5.2f}/msg {1e6 * entry.seconds / entry.count:6.0f} us  "
                      f"{' '.join(sql.split())[:110]}")
                if plan:
                    print(f"               plan: {plan[:200]}")
        print(f"statements with a full table scan among these: {scans}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
