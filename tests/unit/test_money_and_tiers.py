from decimal import Decimal

import pytest

from bot.customers.tiers import tier_for
from bot.settings import DEFAULT_TIERS, Settings, parse_tiers
from bot.vocabulary.money import format_amount

TIERS = parse_tiers(DEFAULT_TIERS)


@pytest.mark.parametrize(
    "assets,tier",
    [("0", "普通"), ("49999.99", "普通"), ("50000", "金卡"), ("499999", "金卡"), ("500000", "白金"), ("5999999.99", "白金"), ("6000000", "钻石")],
)
def test_default_tier_thresholds(assets, tier):
    assert tier_for(Decimal(assets), TIERS) == tier


def test_tier_thresholds_are_configurable():
    settings = Settings.from_env({"CUSTOMER_TIERS": "普通:0,贵宾:100000"})
    assert tier_for(Decimal("100000"), settings.tiers) == "贵宾"
    assert tier_for(Decimal("99999"), settings.tiers) == "普通"


def test_tiers_must_start_at_zero():
    with pytest.raises(ValueError):
        parse_tiers("金卡:50000")


@pytest.mark.parametrize(
    "amount,text",
    [("3000", "3,000元"), ("50000", "5万"), ("523000", "52.3万"), ("120000000", "1.2亿"), ("0", "0元")],
)
def test_amounts_as_staff_say_them(amount, text):
    assert format_amount(Decimal(amount)) == text


def test_a_changed_environment_takes_effect_though_settings_are_parsed_once(monkeypatch):
    """The action server asks for its settings several times per message; they are parsed once
    per set of values, and a variable changed (or a bad value) is still seen on the next call."""
    monkeypatch.setenv("CUSTOMER_TIERS", "普通:0,贵宾:100000")
    first = Settings.from_env()
    assert Settings.from_env() is first
    monkeypatch.setenv("CUSTOMER_TIERS", "普通:0,金卡:30000")
    assert tier_for(Decimal("30000"), Settings.from_env().tiers) == "金卡"
    monkeypatch.setenv("CUSTOMER_TIERS", "金卡:50000")
    for _ in range(2):  # a value that does not parse is refused every time, never cached
        with pytest.raises(ValueError):
            Settings.from_env()
    monkeypatch.delenv("CUSTOMER_TIERS")
    assert Settings.from_env().tiers == TIERS


def test_every_variable_the_settings_parse_is_one_they_read():
    """Settings are cached on the values of bot.settings._VARIABLES: a setting parsed from a
    variable missing there would silently keep its default."""
    import inspect
    import re

    from bot import settings as module

    parsed = set(re.findall(r'env\.get\("([A-Z_]+)"', inspect.getsource(module._settings_for)))
    assert parsed == set(module._VARIABLES)
