"""Phone and ID numbers typed by staff are kept in Rasa's tracker store only masked."""
from __future__ import annotations

import json
import logging
import os

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from components.tracker_store import MaskingSQLTrackerStore, masked, turns_in_session
from tests.servers import REPO

PHONE, ID_NUMBER = "13912345678", "110101199003074514"
DOMAIN = Domain.load(str(REPO / "domain.yml"))


def store_for(kind: str, tmp_path) -> MaskingSQLTrackerStore:
    if kind == "sqlite":
        return MaskingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "rasa.db"))
    url = sa.engine.make_url(os.environ["TEST_DATABASE_URL"])
    store = MaskingSQLTrackerStore(domain=DOMAIN, dialect="postgresql", host=url.host, port=url.port, db=url.database,
                                   username=url.username, password=url.password)
    with store.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM events"))
    return store


@pytest.mark.parametrize("kind", ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else []))
async def test_stored_events_hold_no_full_phone_or_id_number(kind, tmp_path, caplog):
    store = store_for(kind, tmp_path)
    text = f"{PHONE}是谁,身份证{ID_NUMBER}"
    parse = {"text": text, "intent": {"name": "lookup_customer", "confidence": 0.9},
             "entities": [{"entity": "phone", "value": PHONE, "start": 0, "end": 11}]}
    tracker = DialogueStateTracker.from_events("zhangli", [
        ActionExecuted("action_listen"),
        UserUttered(text, parse["intent"], parse["entities"], parse_data=parse),
        ActionExecuted("action_lookup_customer"),
        BotUttered("【王建国】139****5678"),
        SlotSet("current_customer_id", "C00000001"),
    ])
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("rasa.core.processor").debug(f"Received user message '{text}'")
        await store.save(tracker)

    with store.engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT type_name, intent_name, data FROM events WHERE sender_id = 'zhangli'")).all()
    stored = " ".join(json.dumps(json.loads(data), ensure_ascii=False) for _, _, data in rows)
    assert PHONE not in stored and ID_NUMBER not in stored
    assert "139****5678是谁" in stored and "110101********4514" in stored
    assert ("user", "lookup_customer") in {(t, i) for t, i, _ in rows}
    assert PHONE not in caplog.text and "139****5678" in caplog.text

    # The next turn reads the history back: the customer in context is intact.
    again = await store.retrieve("zhangli")
    assert again.get_slot("current_customer_id") == "C00000001"
    assert again.latest_message.text == "139****5678是谁,身份证110101********4514"
    assert again.latest_message.entities[0]["value"] == "139****5678"
    stored_user = json.loads(next(d for t, _, d in rows if t == "user"))
    assert stored_user["parse_data"]["entities"][0]["value"] == "139****5678"

    # Saving again adds only the new events, masked too.
    tracker.update(UserUttered(f"再查{PHONE}", {"name": "lookup_customer", "confidence": 0.9}))
    await store.save(tracker)
    with store.engine.connect() as connection:
        texts = connection.execute(sa.text("SELECT data FROM events WHERE sender_id = 'zhangli'")).scalars().all()
    assert len(texts) == len(rows) + 1 and PHONE not in "".join(texts)


def strings_in(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return " ".join(strings_in(item) for item in value.values())
    if isinstance(value, list):
        return " ".join(strings_in(item) for item in value)
    return ""


@pytest.mark.parametrize("kind", ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else []))
async def test_phones_and_id_numbers_are_stored_masked_in_every_form_they_are_typed_in(kind, tmp_path):
    old_id = ID_NUMBER[:6] + ID_NUMBER[8:17]  # a 15-digit ID number, as issued before 1999
    typed = ["139 1234 5678", "+86-139-1234-5678", "１３９１２３４５６７８", "0086 13912345678", old_id,
             f"{ID_NUMBER[:6]} {ID_NUMBER[6:14]} {ID_NUMBER[14:]}"]
    store = store_for(kind, tmp_path)
    tracker = DialogueStateTracker.from_events("zhangli", [ActionExecuted("action_listen")])
    for number in typed:
        text = f"查一下{number}"
        # The NLU may read a part of a number typed in groups: alone it is no phone.
        piece = number[-9:]
        entities = [{"entity": "phone", "value": piece, "start": len(text) - len(piece), "end": len(text)}]
        tracker.update(UserUttered(text, {"name": "lookup_customer", "confidence": 0.9}, entities,
                                   parse_data={"text": text, "entities": entities}))
        tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)

    with store.engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT data FROM events WHERE sender_id = 'zhangli'")).scalars().all()
    stored = " ".join(strings_in(json.loads(row)) for row in rows)  # every string, not the timestamps
    for secret in ("1234", old_id, ID_NUMBER[6:14], ID_NUMBER):
        assert secret not in stored
    assert stored.count("139****5678") == 4 * 3  # each phone: the text, the parse data's text, the entity
    assert f"{old_id[:6]}*****{old_id[-4:]}" in stored and f"{ID_NUMBER[:6]}********{ID_NUMBER[-4:]}" in stored
    again = await store.retrieve_full_tracker("zhangli")
    assert [e.text for e in again.events if isinstance(e, UserUttered)][:2] == ["查一下139****5678"] * 2


def test_masking_walks_nested_values_and_keeps_other_types():
    assert masked({"a": [PHONE, {"b": ID_NUMBER}], "n": 3, "f": None}) == \
        {"a": ["139****5678", {"b": "110101********4514"}], "n": 3, "f": None}
    assert masked("C00000001") == "C00000001"  # customer numbers are not personal identifiers


def a_turn(tracker: DialogueStateTracker, text: str, *events) -> None:
    tracker.update(UserUttered(text, {"name": "lookup_customer", "confidence": 0.9}))
    tracker.update(ActionExecuted("action_lookup_customer"))
    for event in events:
        tracker.update(event)
    tracker.update(BotUttered("好的"))
    tracker.update(ActionExecuted("action_listen"))


def opening() -> list:
    return [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]


async def test_a_long_session_is_closed_at_a_turn_end_carrying_every_slot(tmp_path):
    store = MaskingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "rasa.db"), max_session_turns=3)
    tracker = DialogueStateTracker.from_events("zhangli", opening(), slots=DOMAIN.slots)

    async def turn(text: str, *events) -> DialogueStateTracker:
        nonlocal tracker
        a_turn(tracker, text, *events)
        await store.save(tracker)
        tracker = await store.retrieve("zhangli")
        return tracker

    await turn("查下C00000001", SlotSet("current_customer_id", "C00000001"))
    await turn("他名下有哪些产品")
    assert turns_in_session(tracker) == 2 and len(tracker.events) > 8
    after = await turn("她最近谁联系过", SlotSet("waiting", {"draft": None, "choice": {"candidate_ids": ["C00000001", "C00000002"], "request": {"kind": "view"}}}))
    # The third message closed the session: the next one starts from a short tracker...
    assert [type(e).__name__ for e in after.events][:1] == ["SessionStarted"]
    assert turns_in_session(after) == 0 and len(after.events) <= 5
    # ...with the context intact.
    assert after.get_slot("current_customer_id") == "C00000001"
    assert after.get_slot("waiting")["choice"]["candidate_ids"] == ["C00000001", "C00000002"]
    again = await turn("2")
    assert turns_in_session(again) == 1 and again.get_slot("current_customer_id") == "C00000001"
    # Nothing is lost: every session is in the table.
    everything = await store.retrieve_full_tracker("zhangli")
    assert [e.text for e in everything.events if isinstance(e, UserUttered)] == \
        ["查下C00000001", "他名下有哪些产品", "她最近谁联系过", "2"]


# ---------------------------------------------------------------- sessions kept in memory

def statements_of(store: MaskingSQLTrackerStore) -> list[str]:
    """Every SQL statement the store sends from now on, in order."""
    sent: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute",
                    lambda conn, cursor, statement, *args: sent.append(" ".join(statement.split())))
    return sent


def dumped(tracker: DialogueStateTracker) -> list[dict]:
    return [event.as_dict() for event in tracker.events]


@pytest.mark.parametrize("kind", ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else []))
async def test_a_conversation_this_process_saved_is_read_back_without_reloading_its_session(kind, tmp_path):
    store = store_for(kind, tmp_path)
    store.max_session_turns = 3
    tracker = DialogueStateTracker.from_events("zhangli", opening(), slots=DOMAIN.slots)
    sent = statements_of(store)
    for number, text in enumerate([f"查{PHONE}", "他有哪些产品", "最近谁联系过", "2", "C00000001"]):
        a_turn(tracker, text, SlotSet("current_customer_id", f"C0000000{number}"))
        del sent[:]
        await store.save(tracker)
        if number > 0:  # a tracker this process read: its new rows are written without counting the old
            assert not [s for s in sent if "count(" in s.lower()], sent
        del sent[:]
        tracker = await store.retrieve("zhangli")
        if number > 0:  # one statement: the rows from this process's newest one on
            assert len(sent) == 1 and "max(" not in sent[0].lower(), sent
        # Exactly what a process that never saw the conversation reads from the table.
        fresh = store_for(kind, tmp_path) if kind == "sqlite" else MaskingSQLTrackerStore(
            domain=DOMAIN, dialect="postgresql", host=store.engine.url.host, port=store.engine.url.port,
            db=store.engine.url.database, username=store.engine.url.username)
        assert dumped(tracker) == dumped(await fresh.retrieve("zhangli"))
        assert tracker.get_slot("current_customer_id") == f"C0000000{number}"
    # The third message closed a session: the fifth is the second of the new one, phone still masked.
    assert turns_in_session(tracker) == 2
    everything = await store.retrieve_full_tracker("zhangli")
    assert [e.text for e in everything.events if isinstance(e, UserUttered)] == \
        ["查139****5678", "他有哪些产品", "最近谁联系过", "2", "C00000001"]


@pytest.mark.parametrize("kind", ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else []))
async def test_two_processes_taking_turns_each_read_what_the_other_wrote(kind, tmp_path):
    first = store_for(kind, tmp_path)
    second = store_for(kind, tmp_path) if kind == "sqlite" else MaskingSQLTrackerStore(
        domain=DOMAIN, dialect="postgresql", host=first.engine.url.host, port=first.engine.url.port,
        db=first.engine.url.database, username=first.engine.url.username)
    for store in (first, second):
        store.max_session_turns = 4
    tracker = DialogueStateTracker.from_events("zhangli", opening(), slots=DOMAIN.slots)
    await first.save(tracker)
    texts = [f"第{n}条" for n in range(1, 10)]
    for number, text in enumerate(texts):
        store = (first, second)[number % 2]  # turns alternate between the two
        tracker = await store.retrieve("zhangli")
        assert tracker.get_slot("current_customer_id") == (f"C0000000{number}" if number else None)
        a_turn(tracker, text, SlotSet("current_customer_id", f"C0000000{number + 1}"))
        await store.save(tracker)
    # Nothing lost, nothing written twice.
    everything = await first.retrieve_full_tracker("zhangli")
    assert [e.text for e in everything.events if isinstance(e, UserUttered)] == texts
    assert dumped(await first.retrieve("zhangli")) == dumped(await second.retrieve("zhangli"))


async def test_a_conversation_deleted_from_the_table_is_not_served_from_memory(tmp_path):
    store = MaskingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "rasa.db"))
    tracker = DialogueStateTracker.from_events("zhangli", opening(), slots=DOMAIN.slots)
    a_turn(tracker, "查C00000001", SlotSet("current_customer_id", "C00000001"))
    await store.save(tracker)
    assert (await store.retrieve("zhangli")).get_slot("current_customer_id") == "C00000001"
    with store.engine.begin() as connection:  # e.g. an erasure request, then a new conversation
        connection.execute(sa.text("DELETE FROM events"))
    assert await store.retrieve("zhangli") is None
    tracker = DialogueStateTracker.from_events("zhangli", opening(), slots=DOMAIN.slots)
    a_turn(tracker, "查C00000002", SlotSet("current_customer_id", "C00000002"))
    await store.save(tracker)
    again = await store.retrieve("zhangli")
    assert again.get_slot("current_customer_id") == "C00000002"
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["查C00000002"]


async def test_memory_holds_at_most_the_configured_number_of_conversations(tmp_path):
    store = MaskingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "rasa.db"),
                                   cached_conversations=2)
    for sender in ("zhangli", "wangfang", "lina"):
        tracker = DialogueStateTracker.from_events(sender, opening(), slots=DOMAIN.slots)
        a_turn(tracker, "我的待办")
        await store.save(tracker)
        await store.retrieve(sender)
    sent = statements_of(store)
    await store.retrieve("wangfang")
    assert len(sent) == 1 and "max(" not in sent[0].lower()  # still in memory: only newer rows asked for
    del sent[:]
    tracker = await store.retrieve("zhangli")  # the least recently used one: its session read again
    assert len(sent) == 1 and "max(" in sent[0].lower() and tracker.latest_message.text == "我的待办"


async def test_a_sqlite_conversation_file_keeps_its_connection_and_a_write_ahead_log(tmp_path):
    """Rasa's own SQLite engine opened a connection for every load and save and synced a rollback
    journal at every commit: on the Rasa process's event loop, for every message."""
    store = MaskingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "rasa.db"))
    tracker = DialogueStateTracker.from_events("zhangli", opening(), slots=DOMAIN.slots)
    a_turn(tracker, "我的待办")
    await store.save(tracker)
    await store.retrieve("zhangli")
    connects = []
    sa.event.listen(store.engine, "connect", lambda *_: connects.append(1))
    a_turn(tracker, "查C00000001", SlotSet("current_customer_id", "C00000001"))
    await store.save(tracker)
    assert (await store.retrieve("zhangli")).get_slot("current_customer_id") == "C00000001"
    assert connects == []  # a turn on an open connection
    with store.engine.connect() as connection:
        assert connection.execute(sa.text("PRAGMA journal_mode")).scalar_one() == "wal"


@pytest.mark.parametrize("kind", ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else []))
def test_an_error_of_the_conversation_store_never_carries_the_values_it_was_writing(kind, tmp_path):
    # Issue #24: the bank's engine hid bound values from error texts, Rasa's own engine of the
    # conversation store (PostgreSQL) did not: an IntegrityError printed the event's text.
    store = store_for(kind, tmp_path)
    with pytest.raises(sa.exc.IntegrityError) as raised, store.engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO events (id, sender_id, type_name, data) VALUES (:id, :s, 'user', :d)"),
                           [{"id": 999999, "s": "陈美玲的经理", "d": "陈美玲想买理财"}] * 2)
    assert "陈美玲" not in str(raised.value)
