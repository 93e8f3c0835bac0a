"""What the Rasa process spends per message on its conversation state: load it, save it back.

    python -m bench.tracker_store                       # SQLite, as one worker runs
    python -m bench.tracker_store --database-url postgresql+psycopg2://postgres@127.0.0.1/test

Plays staff taking turns (each turn: the tracker loaded, a message with its parse data, the
custom action's events, the reply, saved) through MaskingSQLTrackerStore with its sessions kept in
memory (the default) and without (`cached_conversations: 0`, every load read from the table as
Rasa's SQLTrackerStore does), and prints the time of a load and of a save. Sessions close every
5 messages as configured, so the figures hold for a conversation of any length. The PostgreSQL
run drops and recreates the events table of that database.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from components.tracker_store import MaskingSQLTrackerStore

REPO = Path(__file__).resolve().parent.parent


def store_for(database_url: str | None, directory: Path, domain: Domain, cached: int) -> MaskingSQLTrackerStore:
    if database_url is None:
        return MaskingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(directory / f"rasa-{cached}.db"),
                                      cached_conversations=cached)
    url = sa.engine.make_url(database_url)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS events"))
    engine.dispose()
    return MaskingSQLTrackerStore(domain=domain, dialect="postgresql", host=url.host, port=url.port,
                                  db=url.database, username=url.username, password=url.password,
                                  cached_conversations=cached)


def a_message(tracker: DialogueStateTracker, intents: list[str], number: int) -> None:
    """What one message adds in the product: the parse (intent ranking, an entity), the custom
    action, its slots and reply, listening again."""
    intent = intents[number % len(intents)]
    ranking = [{"name": name, "confidence": round(1 / (rank + 2), 4)} for rank, name in enumerate(intents[:10])]
    text = f"查一下C{number:08d}最近的情况"
    entities = [{"entity": "customer_id", "value": f"C{number:08d}", "start": 3, "end": 12,
                 "extractor": "RegexEntityExtractor"}]
    tracker.update(UserUttered(text, {"name": intent, "confidence": 0.93}, entities,
                               parse_data={"text": text, "intent": {"name": intent, "confidence": 0.93},
                                           "entities": entities, "intent_ranking": ranking,
                                           "message_id": f"m{number}"}))
    tracker.update(ActionExecuted("action_lookup_customer", policy="RulePolicy", confidence=1.0))
    tracker.update(SlotSet("current_customer_id", f"C{number:08d}"))
    tracker.update(BotUttered("【王建国】C%08d 金卡 · 稳健型\n持有: 理财 20.0万 (2026-12-20 到期)\n最近联系: 11-28 电话" % number,
                              metadata={"utter_action": "action_lookup_customer"}))
    tracker.update(ActionExecuted("action_listen", policy="RulePolicy", confidence=1.0))


async def play(store: MaskingSQLTrackerStore, staff: int, messages: int, intents: list[str]) -> tuple[list, list]:
    loads, saves = [], []
    for sender in range(staff):
        tracker = DialogueStateTracker.from_events(f"staff{sender}", [
            ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")],
            slots=store.domain.slots)
        await store.save(tracker)
    for number in range(messages):
        for sender in range(staff):  # everyone in turn: the in-memory sessions serve many people
            started = time.perf_counter()
            tracker = await store.retrieve(f"staff{sender}")
            loads.append(time.perf_counter() - started)
            a_message(tracker, intents, number)
            started = time.perf_counter()
            await store.save(tracker)
            saves.append(time.perf_counter() - started)
    return loads, saves


def summary(seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    return f"p50 {statistics.median(ms):5.2f} ms  p95 {ms[int(len(ms) * 0.95)]:5.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="PostgreSQL (its events table is dropped); SQLite when absent")
    parser.add_argument("--staff", type=int, default=20)
    parser.add_argument("--messages", type=int, default=50, help="messages per person")
    args = parser.parse_args()
    domain = Domain.load(str(REPO / "domain.yml"))
    intents = list(domain.intents)
    where = "PostgreSQL" if args.database_url else "SQLite"
    with tempfile.TemporaryDirectory() as directory:
        for cached, label in ((0, "read from the table"), (1000, "sessions in memory ")):
            store = store_for(args.database_url, Path(directory), domain, cached)
            loads, saves = asyncio.run(play(store, args.staff, args.messages, intents))
            print(f"{where} {label}: load {summary(loads)} | save {summary(saves)} "
                  f"| {len(loads)} messages of {args.staff} people")
            store.engine.dispose()


if __name__ == "__main__":
    main()
