"""`make bench`: simulated staff against this bot and against a bare Rasa bot, side by side.

One concept over 500 lines: the load benchmark (simulated staff against the bots, and its report).

    .venv/bin/python -m bench.run [--users 5,10,20,40,80] [--duration 60] [--think 2.0]
                                  [--long-turns 500] [--bots product,bare] [--workers 1]

All the bots' servers are started first, fresh. Each bot has one long conversation (turns back to
back; median latency of the first, middle and last 50 turns); then, level by level, each bot in
turn takes the level: N simulated staff, each in her own new conversation, send the workload's
messages over the REST channel with exponential think time (mean --think seconds) for --duration
seconds. Taking the bots in turn at each level, minutes apart at most, keeps a slow spell of this
shared machine from falling on one bot's whole run. Prints throughput, p50/p95/p99 and errors per
level and each bot's capacity: the most staff served with p95 under 300 ms and no errors. Also the
CPU time each server's processes (Rasa with its workers; the action server) spent per message,
over the level and over the whole run: unlike a capacity, which moves by a level when the shared
machine slows down for a minute, it compares the bots' work per message directly. And the whole
machine's (/proc/stat): its busy CPU time per message, every process included (the databases, the
load generator), and how many of its cores were busy, i.e. whether a level was bound by the
machine's cores or by one process. Writes
results/bench/bench.csv, long.csv and bench.png.

The product runs with its action server on a bench bank (the demo bank plus one member of staff
per simulated person, so that every level starts fresh conversations); the bare bot
(bench/bare/, same NLU data and pipeline, a rule and a canned answer per intent) is trained on
first use. An error is a non-200 answer, a connection failure, no reply, or the apology for a
turn that failed.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import aiohttp

from bench.workload import Person, conversation, staff_with_customers
from bot.channels.answering import NO_ANSWER_REPLY
from tests.bank_fixtures import TODAY  # the servers' clock is frozen there too (tests/servers.py)
from tests.servers import MODEL, PROCESS_GROUPS, RASA, REPO, action_endpoint_yaml, action_server, rasa_server

BARE = REPO / "bench" / "bare"
BARE_MODEL = REPO / "models" / "bare.tar.gz"
RESULTS = REPO / "results" / "bench"
P95_TARGET_MS = 300.0
REDIS_DB = "14"


@dataclass
class Level:
    bot: str
    workers: int
    users: int
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    answered: int = 0  # every message of the level, the warm-up's included
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # by server: "rasa", "actions"
    # The whole machine over the level (warm-up included): "busy" CPU time of every process (the
    # bot's, the databases', the load generator's, anything else), "steal" (time this virtual
    # machine's cores were taken by others), "loadgen" (this process's own share of "busy").
    machine: dict[str, float] = field(default_factory=dict)
    wall_seconds: float = 0.0  # the level's whole length, warm-up included

    def cpu_ms_per_message(self, server: str) -> float:
        """The server's CPU time over the whole level, per message sent to the bot."""
        if server not in self.cpu_seconds or not self.answered:
            return float("nan")
        return 1000 * self.cpu_seconds[server] / self.answered

    def busy_cores(self) -> float:
        """How many of the machine's cores were busy on average over the level."""
        if "busy" not in self.machine or not self.wall_seconds:
            return float("nan")
        return self.machine["busy"] / self.wall_seconds

    def steal_cores(self) -> float:
        """How many cores' worth of time the hypervisor gave other guests over the level."""
        if "steal" not in self.machine or not self.wall_seconds:
            return float("nan")
        return self.machine["steal"] / self.wall_seconds

    def machine_ms_per_message(self, part: str = "busy") -> float:
        if part not in self.machine or not self.answered:
            return float("nan")
        return 1000 * self.machine[part] / self.answered

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    @property
    def throughput(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    @property
    def ok(self) -> bool:
        return self.errors == 0 and self.percentile(95) < P95_TARGET_MS


# ---------------------------------------------------------------------------- the bank
def prepare_bank(database_url: str, levels: list[int], customers: int) -> dict[str, list[Person]]:
    """The demo bank plus bench staff: 'bench-<users>-<n>' for each level, 'bench-long'."""
    from sqlalchemy import select

    from bot.db import Database
    from bot.importer import import_directory
    from bot.migrate import upgrade
    from bot.models import Branch, Customer, Staff
    from tools.demo_data import write_demo_bank

    upgrade(database_url)
    db = Database(database_url)
    with db.unit_of_work() as session:
        empty = session.execute(select(Customer.customer_id).limit(1)).first() is None
    if empty:
        with tempfile.TemporaryDirectory() as directory:
            write_demo_bank(Path(directory), customers, 11, today=TODAY, progress=False)
            import_directory(db, Path(directory))
    roles = ("teller", "customer_manager", "wealth_manager", "lobby_manager")
    wanted = [("long", 0)] + [(str(users), n) for users in levels for n in range(users)]
    with db.unit_of_work() as session:
        branches = session.execute(
            select(Branch.branch_id).where(Branch.branch_id.in_(select(Customer.branch_id).distinct()))
            .order_by(Branch.branch_id)).scalars().all()
        existing = set(session.execute(select(Staff.chat_id).where(Staff.chat_id.like("bench-%"))).scalars())
        for index, (level, n) in enumerate(wanted):
            chat_id = f"bench-{level}-{n}"
            if chat_id not in existing:
                session.add(Staff(staff_id=f"BN{level}-{n}", name=f"压测{level}-{n}", role=roles[index % len(roles)],
                                  branch_id=branches[index % len(branches)], chat_id=chat_id))
    people = {p.chat_id: p for p in staff_with_customers(db)}
    return {level: [people[f"bench-{level}-{n}"] for n in range(int(level) if level != "long" else 1)]
            for level in ["long", *map(str, levels)]}


def ensure_bare_model() -> None:
    inputs = [BARE / "domain.yml", BARE / "rules.yml", BARE / "config.yml", *sorted((REPO / "data" / "nlu").glob("*.yml"))]
    if BARE_MODEL.exists() and BARE_MODEL.stat().st_mtime > max(p.stat().st_mtime for p in inputs):
        return
    print("training the bare bot (bench/bare, same NLU data and pipeline)...", flush=True)
    subprocess.run([RASA, "train", "--config", str(BARE / "config.yml"), "--domain", str(BARE / "domain.yml"),
                    "--data", str(REPO / "data" / "nlu"), str(BARE / "rules.yml"), "--out", str(REPO / "models"),
                    "--fixed-model-name", "bare"], cwd=REPO, check=True, stdout=subprocess.DEVNULL)


# ---------------------------------------------------------------------------- talking
async def say(http: aiohttp.ClientSession, server: str, sender: str, text: str) -> tuple[float, bool]:
    started = time.perf_counter()
    try:
        async with http.post(f"{server}/webhooks/rest/webhook", json={"sender": sender, "message": text}) as resp:
            body = await resp.read()
            ok = resp.status == 200
            if ok:
                texts = [reply.get("text") or "" for reply in json.loads(body)]
                ok = bool(texts) and NO_ANSWER_REPLY not in texts
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        ok = False
    return (time.perf_counter() - started) * 1000, ok


async def simulated_person(http, server: str, person: Person, seed: int, until: float, think: float,
                           level: Level, warmup_until: float) -> None:
    rng = random.Random(f"think:{person.chat_id}:{seed}")
    await asyncio.sleep(rng.uniform(0, think))  # people do not all start typing at the same moment
    for text in conversation(person, seed):
        if time.monotonic() >= until:
            return
        sent_at = time.monotonic()
        latency, ok = await say(http, server, person.chat_id, text)
        level.answered += 1
        if sent_at >= warmup_until:  # counted: the messages sent within the measured window
            level.latencies_ms.append(latency)
            level.errors += not ok
        pause = rng.expovariate(1 / think) if think > 0 else 0
        await asyncio.sleep(max(0.0, min(pause, until - time.monotonic())))


def group_cpu_seconds(group: int) -> float:
    """User and system CPU time of the live processes of a process group (Linux's /proc; NaN
    elsewhere). A server's group holds its workers."""
    if not os.path.isdir("/proc"):
        return float("nan")
    ticks = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rpartition(b")")[2].split()  # the name may hold spaces
        except OSError:  # gone in between
            continue
        if int(fields[2]) == group:  # pgrp; utime and stime are fields 14 and 15 of stat(5)
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> dict[str, float]:
    """The machine's CPU time since boot from /proc/stat, all cores: "busy" (user, nice, system,
    irq, softirq) and "steal" (taken by the hypervisor for other guests). Empty without /proc."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
    except OSError:
        return {}
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    tick = os.sysconf("SC_CLK_TCK")
    return {"busy": (user + nice + system + irq + softirq) / tick, "steal": steal / tick}


def machine_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@dataclass(frozen=True)
class BotServer:
    url: str
    groups: dict[str, int]  # process group by server: "rasa" and, for the product, "actions"

    def cpu_seconds(self) -> dict[str, float]:
        return {server: group_cpu_seconds(group) for server, group in self.groups.items()}


async def run_level(server: BotServer, people: list[Person], bot: str, workers: int, duration: float, think: float,
                    seed: int) -> Level:
    level = Level(bot, workers, len(people))
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as http:
        cpu_before, machine_before, own_before = server.cpu_seconds(), machine_cpu_seconds(), time.process_time()
        start = time.monotonic()
        warmup = min(5.0, duration / 5)
        await asyncio.gather(*(simulated_person(http, server.url, person, seed, start + warmup + duration, think,
                                                level, start + warmup) for person in people))
        level.seconds = duration
        level.cpu_seconds = {name: spent - cpu_before[name] for name, spent in server.cpu_seconds().items()}
        level.wall_seconds = time.monotonic() - start
        level.machine = {name: spent - machine_before[name] for name, spent in machine_cpu_seconds().items()}
        if level.machine:
            level.machine["loadgen"] = time.process_time() - own_before
    return level


async def run_long(server: str, person: Person, turns: int, seed: int) -> list[float]:
    latencies = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as http:
        for _, text in zip(range(turns), conversation(person, seed)):
            latency, _ok = await say(http, server, person.chat_id, text)
            latencies.append(latency)
    return latencies


def windows(latencies: list[float]) -> dict[str, float]:
    n = len(latencies)
    spans = {"1-50": (0, 50), f"{n // 2 - 24}-{n // 2 + 25}": (n // 2 - 25, n // 2 + 25), f"{n - 49}-{n}": (n - 50, n)}
    return {name: statistics.median(latencies[a:b]) for name, (a, b) in spans.items() if b <= n and a >= 0}


# ---------------------------------------------------------------------------- servers
def fresh_conversation_stores(url) -> None:
    """An empty tracker database and lock store for a multi-worker run."""
    import socket

    from bot.db import recreate_database

    recreate_database(url.set(drivername="postgresql+psycopg2", database="wangdian_bench_tracker"), create=False)
    with socket.create_connection(("127.0.0.1", 6379), timeout=2) as connection:
        connection.sendall(f"SELECT {REDIS_DB}\r\nFLUSHDB\r\n".encode())
        connection.recv(64)


def endpoints_for(directory: Path, webhook: str | None, workers: int, bot: str) -> tuple[Path, dict[str, str]]:
    """The product as configured for production (tracker store on SQLite for one worker, PostgreSQL
    and the Redis lock store for several); the bare bot as Rasa comes (in memory, one worker)."""
    lines, env = [], {}
    if webhook:
        lines.append(action_endpoint_yaml(webhook).rstrip("\n"))
    if workers > 1:  # several workers share one conversation state: PostgreSQL tracker store, Redis locks
        pg = os.environ.get("BENCH_TRACKER_DB_URL", "postgresql://postgres@127.0.0.1:5432/test")
        from sqlalchemy.engine import make_url
        url = make_url(pg)
        fresh_conversation_stores(url)
        lines.append("tracker_store:\n  type: components.tracker_store.MaskingSQLTrackerStore\n  dialect: postgresql\n"
                     f"  url: {url.host}\n  port: {url.port or 5432}\n  db: wangdian_bench_tracker\n"
                     f"  username: {url.username}\n  password: \"{url.password or ''}\"\n  login_db: {url.database}")
        lines.append(f"lock_store:\n  type: components.lock_store.AtomicRedisLockStore\n  url: 127.0.0.1\n  port: 6379\n  db: {REDIS_DB}\n  key_prefix: bench")
        env["SANIC_WORKERS"] = str(workers)
    elif bot == "product":
        lines.append("tracker_store:\n  type: components.tracker_store.MaskingSQLTrackerStore\n  dialect: sqlite\n"
                     f"  db: {directory / f'conversations-{time.monotonic_ns()}.sqlite3'}")
    path = directory / f"endpoints-{time.monotonic_ns()}.yml"
    path.write_text("\n".join(lines) + "\n")
    return path, env


@contextlib.contextmanager
def bot_server(bot: str, workers: int, database_url: str, directory: Path) -> Iterator[BotServer]:
    """A fresh server of one bot: the product with its action server, the bare bot alone."""
    credentials = "bot.channels.rest_auth.TokenRestInput:\n  rate_limit_per_minute: 0\n"
    model = MODEL if bot == "product" else BARE_MODEL
    if bot == "product":
        with action_server(database_url, directory, {"SLA_CHECK_INTERVAL_SECONDS": "0"}) as webhook:
            endpoints, env = endpoints_for(directory, webhook, workers, bot)
            with rasa_server(database_url, directory, credentials, endpoints, "/", env, model=model) as server:
                yield BotServer(server, {"rasa": PROCESS_GROUPS[server], "actions": PROCESS_GROUPS[webhook]})
    else:
        endpoints, env = endpoints_for(directory, None, workers, bot)
        with rasa_server(database_url, directory, credentials, endpoints, "/", env, model=model) as server:
            yield BotServer(server, {"rasa": PROCESS_GROUPS[server]})


async def bench_bots(runs: list[tuple[str, int]], database_url: str, people: dict[str, list[Person]],
                     levels: list[int], args, directory: Path) -> tuple[list[Level], dict[str, list[float]]]:
    """Every (bot, workers) in `runs` on its own server, the long conversations, then the levels."""
    results: list[Level] = []
    longs: dict[str, list[float]] = {}
    with contextlib.ExitStack() as servers:
        started = {run: servers.enter_context(bot_server(*run, database_url, directory)) for run in runs}
        if args.long_turns:
            for (bot, workers), server in started.items():
                longs[f"{bot} ×{workers}"] = await run_long(server.url, people["long"][0], args.long_turns, args.seed)
                print(f"  {time.strftime('%H:%M:%S')} {bot:8} workers={workers} long conversation of "
                      f"{args.long_turns} turns done", flush=True)
        for users in levels:
            for (bot, workers), server in started.items():
                level = await run_level(server, people[str(users)], bot, workers, args.duration, args.think, args.seed)
                results.append(level)
                print(f"  {time.strftime('%H:%M:%S')} {bot:8} workers={workers} users={users:3}  "
                      f"{level.throughput:6.1f} msg/s  p50 {level.percentile(50):6.0f}  p95 {level.percentile(95):6.0f}"
                      f"  p99 {level.percentile(99):6.0f} ms  errors {level.errors}  CPU per message: "
                      f"{cpu_text(level)}; machine {machine_text(level)}", flush=True)
    return results, longs


# ---------------------------------------------------------------------------- report
def cpu_text(level: Level) -> str:
    """CPU per message of the bot's servers (not the databases'), e.g. "rasa 14.2 + actions 4.1 ms"."""
    return " + ".join(f"{name} {level.cpu_ms_per_message(name):.1f}" for name in level.cpu_seconds) + " ms"


def machine_text(level: Level) -> str:
    """The whole machine over the level, e.g. "1.62 of 2 cores busy (steal 0.03), 41.0 ms/msg of
    which the load generator 3.1"."""
    if not level.machine:
        return "not measured (no /proc)"
    return (f"{level.busy_cores():.2f} of {machine_cores()} cores busy (steal {level.steal_cores():.2f}),"
            f" {level.machine_ms_per_message():.1f} ms/msg of which the load generator {level.machine_ms_per_message('loadgen'):.1f}")


def machine_per_message(levels: list[Level]) -> dict[str, float]:
    """The machine's busy CPU time and the load generator's over these levels, per message."""
    answered = sum(l.answered for l in levels if l.machine)
    if not answered:
        return {}
    return {part: 1000 * sum(l.machine[part] for l in levels if l.machine) / answered for part in ("busy", "loadgen")}


def cpu_per_message(levels: list[Level]) -> dict[str, float]:
    """Each server's CPU time over all these levels per message answered in them."""
    answered = sum(l.answered for l in levels)
    names = dict.fromkeys(name for l in levels for name in l.cpu_seconds)  # in the order measured
    return {name: 1000 * sum(l.cpu_seconds.get(name, 0.0) for l in levels) / answered if answered else float("nan")
            for name in names}


def capacity(levels: list[Level]) -> int:
    served = 0
    for level in sorted(levels, key=lambda l: l.users):
        if not level.ok:
            break
        served = level.users
    return served


def write_reports(levels: list[Level], longs: dict[str, list[float]], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "bench.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["bot", "workers", "users", "messages", "throughput_msg_s", "p50_ms", "p95_ms", "p99_ms", "errors",
                         "rasa_cpu_ms_per_msg", "actions_cpu_ms_per_msg", "machine_busy_cores", "machine_steal_cores",
                         "machine_cpu_ms_per_msg", "loadgen_cpu_ms_per_msg"])
        for l in levels:
            writer.writerow([l.bot, l.workers, l.users, len(l.latencies_ms), f"{l.throughput:.2f}",
                             f"{l.percentile(50):.0f}", f"{l.percentile(95):.0f}", f"{l.percentile(99):.0f}", l.errors,
                             f"{l.cpu_ms_per_message('rasa'):.1f}", f"{l.cpu_ms_per_message('actions'):.1f}",
                             f"{l.busy_cores():.2f}", f"{l.steal_cores():.2f}",
                             f"{l.machine_ms_per_message():.1f}", f"{l.machine_ms_per_message('loadgen'):.1f}"])
    with (out / "long.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["bot", "turn", "latency_ms"])
        for bot, latencies in longs.items():
            writer.writerows([bot, turn, f"{ms:.1f}"] for turn, ms in enumerate(latencies, start=1))
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    for key in sorted({(l.bot, l.workers) for l in levels}):
        rows = sorted((l for l in levels if (l.bot, l.workers) == key), key=lambda l: l.users)
        left.plot([l.users for l in rows], [l.percentile(95) for l in rows], marker="o", label=f"{key[0]} ×{key[1]} worker")
    left.axhline(P95_TARGET_MS, color="grey", linestyle="--", linewidth=1)
    left.set(xlabel="simulated staff", ylabel="p95 latency (ms)", title="Load (think time mean 2 s)")
    left.legend()
    for bot, latencies in longs.items():
        right.plot(range(1, len(latencies) + 1), latencies, linewidth=0.6, label=bot)
    right.set(xlabel="turn", ylabel="latency (ms)", title="One long conversation")
    if longs:
        right.legend()
    fig.tight_layout()
    fig.savefig(out / "bench.png", dpi=110)


def print_summary(levels: list[Level], longs: dict[str, list[float]]) -> dict[tuple[str, int], int]:
    print("\nbot       workers  users  msg/s   p50   p95   p99  errors  CPU ms/msg: Rasa  actions  machine"
          "  cores busy")
    for l in sorted(levels, key=lambda l: (l.users, l.bot, l.workers)):
        print(f"{l.bot:9} {l.workers:7} {l.users:6} {l.throughput:6.1f} {l.percentile(50):5.0f} {l.percentile(95):5.0f}"
              f" {l.percentile(99):5.0f} {l.errors:7} {l.cpu_ms_per_message('rasa'):16.1f}"
              f" {l.cpu_ms_per_message('actions'):8.1f} {l.machine_ms_per_message():8.1f} {l.busy_cores():11.2f}")
    capacities = {key: capacity([l for l in levels if (l.bot, l.workers) == key])
                  for key in sorted({(l.bot, l.workers) for l in levels})}
    print(f"\ncapacity (most staff with p95 < {P95_TARGET_MS:.0f} ms and no errors):")
    for (bot, workers), served in capacities.items():
        print(f"  {bot} with {workers} worker(s): {served}")
    print("CPU time per message over all levels (the bot's own processes; not the databases'):")
    for bot, workers in capacities:
        spent = cpu_per_message([l for l in levels if (l.bot, l.workers) == (bot, workers)])
        print(f"  {bot} with {workers} worker(s): " + ", ".join(f"{name} {ms:.1f} ms" for name, ms in spent.items()))
    print(f"The whole machine's CPU time per message over all levels (every process: the bot's, the databases', the load "
          f"generator's), and the most messages/s its {machine_cores()} cores could carry at that cost:")
    for bot, workers in capacities:
        whole = machine_per_message([l for l in levels if (l.bot, l.workers) == (bot, workers)])
        if whole:
            print(f"  {bot} with {workers} worker(s): {whole['busy']:.1f} ms (the load generator {whole['loadgen']:.1f}),"
                  f" at most {1000 * machine_cores() / whole['busy']:.0f} msg/s")
    for bot, latencies in longs.items():
        medians = windows(latencies)
        text = ", ".join(f"turns {k}: {v:.0f} ms" for k, v in medians.items())
        ratio = list(medians.values())[-1] / list(medians.values())[0] if len(medians) > 1 else float("nan")
        print(f"long conversation, {bot}: median {text} (last/first {ratio:.2f})")
    return capacities


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", default="5,10,20,40,80")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per level")
    parser.add_argument("--think", type=float, default=2.0, help="mean think time between a person's messages (s)")
    parser.add_argument("--long-turns", type=int, default=500)
    parser.add_argument("--bots", default="product,bare")
    parser.add_argument("--workers", default="1",
                        help="the product's Rasa Sanic workers to try, e.g. 1,2 (2+ uses PostgreSQL + Redis); "
                             "the bare bot always runs as Rasa comes, one worker")
    parser.add_argument("--out", default=str(RESULTS), help="where the CSV files and the plot go")
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--database-url", default=f"sqlite:///{REPO / 'var' / 'bench' / 'bank.sqlite3'}")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if any level had errors or (with a long conversation) its last window is over 1.5x its first")
    args = parser.parse_args(argv)

    levels = [int(n) for n in args.users.split(",") if n]
    bots = [b for b in args.bots.split(",") if b]
    workers_list = [int(w) for w in args.workers.split(",")]
    if args.database_url.startswith("sqlite:///"):
        Path(args.database_url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    people = prepare_bank(args.database_url, levels, args.customers)
    if "bare" in bots:
        ensure_bare_model()
    runs = [(bot, workers) for bot in bots for workers in (workers_list if bot == "product" else [1])]
    print("starting " + ", ".join(f"{bot} with {workers} Rasa worker(s)" for bot, workers in runs), flush=True)
    with tempfile.TemporaryDirectory() as directory:
        all_levels, longs = asyncio.run(bench_bots(runs, args.database_url, people, levels, args, Path(directory)))
    print_summary(all_levels, longs)
    out = Path(args.out)
    write_reports(all_levels, longs, out)
    print(f"\nwritten: {out / 'bench.csv'}, {out / 'long.csv'}, {out / 'bench.png'}")
    if args.check:
        problems = [f"{l.errors} errors: {l.bot} ×{l.workers}, {l.users} staff" for l in all_levels if l.errors]
        for name, latencies in longs.items():
            medians = list(windows(latencies).values())
            if name.startswith("product") and len(medians) > 1 and medians[-1] > 1.5 * medians[0]:
                problems.append(f"{name}: the long conversation's last window is {medians[-1] / medians[0]:.2f}x its first")
        if problems:
            print("bench check failed: " + "; ".join(problems))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
