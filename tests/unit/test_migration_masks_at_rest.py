"""Migration 0009 (issue #24, point 4): free text written before the masking holds no full phone
or ID number on disk once the database is migrated, in any form it was typed in."""
from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import command

from bot.migrate import alembic_config

PHONE, SPACED, ID_NUMBER, OLD_ID = "13912345678", "+86 139-1234-5678", "110101196605120115", "110101660512011"
FULL = (PHONE, "1234-5678", ID_NUMBER, OLD_ID)


def test_rows_written_before_masking_are_masked_where_they_are_stored(tmp_path):
    url = f"sqlite:///{tmp_path / 'bank.sqlite3'}"
    command.upgrade(alembic_config(url), "0008")
    engine = sa.create_engine(url)
    note = f"客户手机{PHONE},又说{SPACED},身份证{ID_NUMBER},老证{OLD_ID}"
    with engine.begin() as db:  # raw SQL: as rows were written before the Masked types
        db.execute(sa.text("INSERT INTO feedback (id, at, text, last_intent, channel) VALUES (1, '2026-11-30', :t, '', '')"),
                   {"t": note})
        db.execute(sa.text("INSERT INTO feedback (id, at, text, last_intent, channel) VALUES (2, '2026-11-30', '一切正常', '', '')"))
        db.execute(sa.text(
            "INSERT INTO suggestion_log (id, at, staff_id, customer_id, kind, product_code, allowed, reasons, rules, channel) "
            "VALUES (1, '2026-11-30', 'S0001', 'C00000001', 'suggestion', 'D-DQ1Y', 1, :r, '[]', '')"),
            {"r": json.dumps([f"客户留了电话{PHONE}"], ensure_ascii=False)})
    command.upgrade(alembic_config(url), "head")
    with engine.connect() as db:
        stored = [db.execute(sa.text("SELECT text FROM feedback ORDER BY id")).scalars().all(),
                  db.execute(sa.text("SELECT reasons FROM suggestion_log")).scalars().all()]
    flat = json.dumps(stored, ensure_ascii=False)
    assert not any(number in flat for number in FULL), flat
    assert "139****5678" in flat and stored[0][1] == "一切正常"
    command.upgrade(alembic_config(url), "head")  # at head: nothing more to do
