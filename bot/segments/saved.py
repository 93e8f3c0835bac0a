"""Saved segments (我的名单): "保存为名单:下月到期", "我的名单", "打开名单1", "删除名单:下月到期".

Rules:

* A list is hers alone, under a name of at most NAME_LENGTH characters (identifiers masked, as
  every free text at rest); the same name again replaces its conditions; at most MAX_LISTS.
* A list keeps the conditions and the day it was saved; opened later, its dates move on by the
  days since ("the next 30 days" stays the next 30 days), and it counts the customers of today.
* What a message asks of the saved lists is read here: `save_name_asked`, `saved_list_asked`.
"""
from __future__ import annotations

import re
from dataclasses import fields, replace
from datetime import date, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.clock import clock, to_storage
from bot.models import SavedSegment
from bot.segments.conditions import Segment
from bot.vocabulary.numbers import parse_count
from bot.vocabulary.width import to_half_width

NAME_LENGTH = 20
MAX_LISTS = 20
_SAVE = re.compile(r"(?:保存|存|存成|存为|保存成|保存为|记为|记成)(?:一?个)?(?:为|成)?\s*(?:名单|客群|清单)\s*[:：,，]?\s*(?P<name>.*)$")
_OPEN = re.compile(r"(?:打开|看看?|查看|看一下|调出|用)\s*(?:名单|客群)\s*[:：]?\s*(?P<which>.+)$|^(?:名单|客群)\s*[:：]?\s*(?P<which2>.+)$")
_DELETE = re.compile(r"(?:删除|删掉|删了|去掉)\s*(?:名单|客群)\s*[:：]?\s*(?P<which>.+)$")
_MY_LISTS = re.compile(r"我的名单|我的客群|我(?:保存|存)的(?:名单|客群)|(?:保存|存)过的(?:名单|客群)|名单列表|有哪些名单")


def save_name_asked(text: str) -> str | None:
    """"保存为名单:下月到期" -> "下月到期"; "" when no name is given; None when no save is asked."""
    found = _SAVE.search(to_half_width(text or "").strip())
    if found is None:
        return None
    return found.group("name").strip(" :：,，。.!！\"“”'‘’「」")[:NAME_LENGTH]


def asks_saved_lists(text: str) -> bool:
    text = to_half_width(text or "")
    return bool(_MY_LISTS.search(text) or _OPEN.search(text) or _DELETE.search(text))


def saved_list_asked(text: str) -> tuple[str, str | None]:
    """("open", which), ("delete", which) or ("list", None): which is a name or a number as written."""
    text = to_half_width(text or "").strip()
    deleting = _DELETE.search(text)
    if deleting:
        return "delete", _which(deleting.group("which"))
    opening = _OPEN.search(text)
    if opening and not _MY_LISTS.search(text):
        return "open", _which(opening.group("which") or opening.group("which2"))
    return "list", None


def _which(said: str | None) -> str | None:
    said = (said or "").strip(" :：,，。.!！\"“”'‘’「」")
    said = re.sub(r"^第|个$|号$", "", said) if re.fullmatch(r"第?[0-9一二两三四五六七八九十]+[个号]?", said) else said
    return said or None


def _shifted(segment: Segment, made_on: date, today: date) -> Segment:
    days = (today - made_on).days
    if days == 0:
        return segment
    moved = {f.name: getattr(segment, f.name) + timedelta(days=days) for f in fields(segment)
             if isinstance(getattr(segment, f.name), date)}
    return replace(segment, **moved)


def _all(session: Session, staff_id: str) -> list[SavedSegment]:
    return list(session.execute(
        select(SavedSegment).where(SavedSegment.staff_id == staff_id).order_by(SavedSegment.created_at, SavedSegment.id)
    ).scalars())


def save(session: Session, staff_id: str, name: str, segment: Segment, today: date) -> tuple[bool, bool]:
    """(saved, replaced): False when she has MAX_LISTS already."""
    now = to_storage(clock.now())
    existing = next((row for row in _all(session, staff_id) if row.name == name), None)
    if existing is not None:
        existing.conditions, existing.made_on, existing.updated_at = segment.as_dict(), today, now
        return True, True
    count = session.execute(select(func.count()).where(SavedSegment.staff_id == staff_id)).scalar_one()
    if count >= MAX_LISTS:
        return False, False
    session.add(SavedSegment(staff_id=staff_id, name=name, conditions=segment.as_dict(), made_on=today,
                             created_at=now, updated_at=now))
    return True, False


def saved_segments(session: Session, staff_id: str, today: date) -> list[tuple[str, Segment]]:
    """Her lists, oldest first, each with its conditions moved on to today."""
    result = []
    for row in _all(session, staff_id):
        segment = Segment.from_dict(row.conditions)
        if segment is not None:
            result.append((row.name, _shifted(segment, row.made_on, today)))
    return result


def find_saved(session: Session, staff_id: str, which: str | None, today: date) -> tuple[str, Segment] | None:
    """One of her lists by its number in "我的名单" or its name."""
    lists = saved_segments(session, staff_id, today)
    if not which:
        return None
    number = parse_count(which) if re.fullmatch(r"[0-9一二两三四五六七八九十]+", which) else None
    if number is not None:
        return lists[number - 1] if 1 <= number <= len(lists) else None
    return next((item for item in lists if item[0] == which), None) or next(
        (item for item in lists if which in item[0]), None)


def delete_saved(session: Session, staff_id: str, name: str) -> None:
    session.execute(delete(SavedSegment).where(SavedSegment.staff_id == staff_id, SavedSegment.name == name))
