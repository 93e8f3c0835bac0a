import pytest

from bot.vocabulary.identifiers import id_check_char, is_valid_id_number, is_valid_phone
from bot.vocabulary.text import is_han
from bot.vocabulary.width import to_half_width


@pytest.mark.parametrize("number", ["110101199003074514", "11010519491231002X", "440524188001010014"])
def test_valid_id_numbers(number):
    assert is_valid_id_number(number)


@pytest.mark.parametrize("number", ["110101199003074515", "11010119900307451", "1101011990030745141", "11010119900307451Y"])
def test_invalid_id_numbers(number):
    assert not is_valid_id_number(number)


def test_check_char_is_iso_7064_mod_11_2():
    assert id_check_char("11010519491231002") == "X"


@pytest.mark.parametrize("phone,ok", [("13912345678", True), ("19912345678", True), ("12912345678", False), ("1391234567", False)])
def test_phone_format(phone, ok):
    assert is_valid_phone(phone) is ok


def test_full_width_digits_are_read():
    assert to_half_width("１３９１２３４５６７８") == "13912345678"


def test_is_han_is_true_only_for_text_written_all_in_han_characters():
    assert is_han("陈美玲") and is_han("玲")
    assert not is_han("")
    assert not is_han("陈美玲1")
    assert not is_han("Ａ") and not is_han("，") and not is_han("😀")
