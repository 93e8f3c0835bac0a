"""Customer tags a visit changes: which are new, which the newest word from the customer
replaces (意向:X and 不感兴趣:X, 已购:X), and how they read.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import (
    CustomerTag,
)
from bot.privacy import mask_identifiers_in_text
from bot.visits.notes.words import BOUGHT, INTEREST, NOT_INTERESTED


def _tag_label(tag: str) -> tuple[str, str] | None:
    """'意向:基金' -> ('意向', '基金'); '有房贷需求' -> ('意向', '房贷'); other tags -> None."""
    kind, sep, label = tag.partition(":")
    if sep and kind in (INTEREST, NOT_INTERESTED, BOUGHT):
        return kind, label
    if tag.startswith("有") and tag.endswith("需求") and len(tag) > 3:
        return INTEREST, tag[1:-2]
    return None


def _opposites(tag: str) -> list[str]:
    """Tags a new tag replaces: the other kinds about the same thing."""
    parsed = _tag_label(tag)
    if parsed is None:
        return []
    kind, label = parsed
    if kind == INTEREST:
        return [f"{NOT_INTERESTED}:{label}"]  # a purchase stays a fact: wanting more removes no 已购
    others = [f"{INTEREST}:{label}", f"有{label}需求"]
    return others + ([f"{NOT_INTERESTED}:{label}"] if kind == BOUGHT else [])


def tags_changed(current: list[str], new_tags) -> tuple[list[str], list[str]]:
    """(added, removed) when a note's tags meet the customer's: new ones are added, and the
    opposites they replace are removed."""
    current, added, removed = list(current), [], []
    for tag in new_tags:
        tag = mask_identifiers_in_text(tag.strip())[:50]
        if not tag:
            continue
        for opposite in _opposites(tag):
            if opposite in current:
                current.remove(opposite)
                removed.append(opposite)
        if tag not in current:
            current.append(tag)
            added.append(tag)
    return added, removed


def customer_tags(session: Session, customer_id: str) -> list[str]:
    return list(
        session.execute(select(CustomerTag.tag).where(CustomerTag.customer_id == customer_id).order_by(CustomerTag.id)).scalars()
    )
