"""The bank's named marketing scenes (营销场景), one phrase each, as segments:

* 到期承接: holdings with a term maturing in the next 30 days (keep the money in the bank);
* 沉睡唤醒: no contact in 90 days and assets of 5万 or more (wake dormant customers);
* 测评到期: the risk assessment expired or expiring in 30 days (before they may buy again);
* 生日关怀: birthdays this week (Monday to Sunday);
* 潜力客户: the likeliest buyers of a category by the similar-customer model, eligible only.
  Not built yet: the segment is read, and the bot says it cannot list them yet.

A scene is only a starting point: "沉睡唤醒,代理网点的" adds to it, "改成10万以上" changes it.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from bot.segments.conditions import Scene, Segment
from bot.vocabulary.products import category_of_word, product_word_in

MATURITY_DAYS = 30
DORMANT_DAYS = 90
DORMANT_MIN_ASSETS = Decimal("50000")
ASSESSMENT_DAYS = 30

_SCENE_WORDS = (
    (Scene.MATURITIES, re.compile(r"到期承接|承接到期|到期客户承接")),
    (Scene.DORMANT, re.compile(r"沉睡唤醒|唤醒沉睡|沉睡客户|睡眠客户|休眠客户")),
    (Scene.ASSESSMENT, re.compile(r"测评到期|风评到期|测评到期的客户")),
    (Scene.BIRTHDAYS, re.compile(r"生日关怀|生日祝福")),
    (Scene.POTENTIAL, re.compile(r"潜力客户|潜在客户|(?:哪些|什么)客户可能|可能(?:会)?(?:买|购买|配置)[^,，。]{0,8}的客户")),
)


def scene_named(text: str) -> Scene | None:
    for scene, words in _SCENE_WORDS:
        if words.search(text or ""):
            return scene
    return None


def scene_segment(scene: Scene, today: date, text: str = "") -> Segment:
    """The segment a scene stands for, on `today`."""
    if scene is Scene.MATURITIES:
        return Segment(scene=scene.value, maturing_from=today, maturing_to=today + timedelta(days=MATURITY_DAYS - 1))
    if scene is Scene.DORMANT:
        return Segment(scene=scene.value, no_contact_days=DORMANT_DAYS, min_assets=DORMANT_MIN_ASSETS)
    if scene is Scene.ASSESSMENT:
        return Segment(scene=scene.value, assessment_within_days=ASSESSMENT_DAYS)
    if scene is Scene.BIRTHDAYS:
        monday = today - timedelta(days=today.weekday())
        return Segment(scene=scene.value, birthday_from=monday, birthday_to=monday + timedelta(days=6))
    word = product_word_in(text)
    return Segment(scene=scene.value, likely_category=category_of_word(word) if word else None)
