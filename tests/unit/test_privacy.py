import logging

from bot.privacy import install_log_masking, mask_id_number, mask_identifiers_in_text, mask_phone


def test_phone_shows_first_three_and_last_four():
    assert mask_phone("13812345678") == "138****5678"


def test_id_number_shows_region_and_last_four():
    assert mask_id_number("110101199003074514") == "110101********4514"
    assert mask_id_number("11010119900307451X") == "110101********451X"


def test_missing_identifiers_say_so():
    assert mask_phone(None) == "未登记"
    assert mask_id_number("") == "未登记"


def test_identifiers_inside_text_are_masked():
    text = "查一下13812345678,身份证110101199003074514,客户C00000001"
    assert mask_identifiers_in_text(text) == "查一下138****5678,身份证110101********4514,客户C00000001"


def test_log_records_never_carry_full_identifiers(caplog):
    install_log_masking()
    logger = logging.getLogger("test.privacy")
    with caplog.at_level(logging.INFO):
        logger.info("user said %s", "我要查13912345678")
    assert "13912345678" not in caplog.text
    assert "139****5678" in caplog.text
