import pytest

from bot.choice import ByPhoneTail, ByPosition, parse_choice


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2", ByPosition(2)),
        ("２", ByPosition(2)),
        ("第二个", ByPosition(2)),
        ("第2个", ByPosition(2)),
        ("就第一个吧", ByPosition(1)),
        ("三", ByPosition(3)),
        ("最后那个", ByPosition(3)),
        ("尾号5678", ByPhoneTail("5678")),
        ("5678", ByPhoneTail("5678")),
        ("手机尾号是4321的那个", ByPhoneTail("4321")),
    ],
)
def test_ways_of_picking_from_a_list(text, expected):
    assert parse_choice(text, 3) == expected


@pytest.mark.parametrize("text", ["好的", "不知道", "都不是"])
def test_messages_that_pick_nothing(text):
    assert parse_choice(text, 3) is None
