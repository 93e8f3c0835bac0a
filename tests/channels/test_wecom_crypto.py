"""WeCom's callback scheme against the official sample vectors, and every way to forge or garble."""
from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

import pytest

from bot.channels.wecom_crypto import (
    WeComCrypto,
    WeComDecryptError,
    WeComReceiverError,
    WeComSignatureError,
    WeComTimestampError,
    signature,
)
from tests.channels.conftest import (
    SAMPLE_AES_KEY,
    SAMPLE_CORP_ID,
    SAMPLE_ECHO,
    SAMPLE_ENCRYPTED,
    SAMPLE_MSG,
    SAMPLE_TOKEN,
    SAMPLE_URL,
)


@pytest.fixture
def crypto() -> WeComCrypto:
    return WeComCrypto(SAMPLE_TOKEN, SAMPLE_AES_KEY, SAMPLE_CORP_ID)


def test_official_url_verification_vector(crypto):
    u = SAMPLE_URL
    assert signature(SAMPLE_TOKEN, u["timestamp"], u["nonce"], u["echostr"]) == u["msg_signature"]
    echo = crypto.verify_url(u["msg_signature"], u["timestamp"], u["nonce"], u["echostr"], now=int(u["timestamp"]))
    assert echo == SAMPLE_ECHO


def test_official_message_callback_vector(crypto):
    m = SAMPLE_MSG
    plain = crypto.open_callback(m["msg_signature"], m["timestamp"], m["nonce"], SAMPLE_ENCRYPTED,
                                 now=int(m["timestamp"]) + 5)
    fields = {child.tag: child.text for child in ET.fromstring(plain)}
    assert fields["FromUserName"] == "ChenJiaShun"
    assert fields["ToUserName"] == SAMPLE_CORP_ID
    assert fields["MsgType"] == "text"
    assert fields["Content"] == "你好"
    assert fields["MsgId"] == "1456453720"


@pytest.mark.parametrize("message", ["你好", "", "x" * 31, "y" * 32, "客户王芳 13812345678\n" * 200, "<xml>&amp;</xml>"])
def test_encrypt_decrypt_round_trip(crypto, message):
    encrypted = crypto.encrypt(message)
    assert len(base64.b64decode(encrypted)) % 32 == 0
    assert crypto.decrypt(encrypted) == message
    sealed, sig = crypto.seal(message, "1700000000", "nonce")
    assert crypto.open_callback(sig, "1700000000", "nonce", sealed, now=1700000000) == message


def test_encrypt_uses_a_fresh_random_prefix(crypto):
    assert crypto.encrypt("你好") != crypto.encrypt("你好")
    fixed = bytes(range(16))
    assert crypto.encrypt("你好", fixed) == crypto.encrypt("你好", fixed)


@pytest.mark.parametrize("forged", [
    "0" * 40,
    SAMPLE_URL["msg_signature"][:-1] + "c",
    "",
    "012bc692d0a58dd4b10f8dfe5c4ac00ae211ebe",  # one character short
    "签名",
])
def test_forged_signature_is_rejected(crypto, forged):
    u = SAMPLE_URL
    with pytest.raises(WeComSignatureError):
        crypto.verify_url(forged, u["timestamp"], u["nonce"], u["echostr"], now=int(u["timestamp"]))


def test_signature_covers_every_part(crypto):
    u = SAMPLE_URL
    for changed in ({"timestamp": "1476416374"}, {"nonce": "47744684"}, {"echostr": SAMPLE_ENCRYPTED}):
        args = {**u, **changed}
        with pytest.raises(WeComSignatureError):
            crypto.verify_url(args["msg_signature"], args["timestamp"], args["nonce"], args["echostr"],
                              now=int(u["timestamp"]))
    other_token = WeComCrypto("another-token", SAMPLE_AES_KEY, SAMPLE_CORP_ID)
    with pytest.raises(WeComSignatureError):
        other_token.verify_url(u["msg_signature"], u["timestamp"], u["nonce"], u["echostr"], now=int(u["timestamp"]))


@pytest.mark.parametrize("offset", [301, -301, 86400 * 365 * 8])
def test_stale_or_future_timestamp_is_rejected(crypto, offset):
    m = SAMPLE_MSG
    with pytest.raises(WeComTimestampError):
        crypto.open_callback(m["msg_signature"], m["timestamp"], m["nonce"], SAMPLE_ENCRYPTED,
                             now=int(m["timestamp"]) + offset)


def test_timestamp_window_is_configurable(crypto):
    patient = WeComCrypto(SAMPLE_TOKEN, SAMPLE_AES_KEY, SAMPLE_CORP_ID, timestamp_window_seconds=3600)
    patient.check_timestamp("1000", now=1000 + 3000)
    with pytest.raises(WeComTimestampError):
        crypto.check_timestamp("1000", now=1000 + 3000)
    for garbage in ("", "abc", "1e9", None):
        with pytest.raises(WeComTimestampError):
            crypto.check_timestamp(garbage, now=1000)


def test_wrong_corp_id_is_rejected():
    other_corp = WeComCrypto(SAMPLE_TOKEN, SAMPLE_AES_KEY, "ww0000000000000000")
    with pytest.raises(WeComReceiverError):
        other_corp.decrypt(SAMPLE_ENCRYPTED)
    sealed = other_corp.encrypt("hello")
    with pytest.raises(WeComReceiverError):
        WeComCrypto(SAMPLE_TOKEN, SAMPLE_AES_KEY, SAMPLE_CORP_ID).decrypt(sealed)


@pytest.mark.parametrize("garbage", [
    "",
    "!!!not base64!!!",
    "YWJj",                                        # 3 bytes: not whole AES blocks
    base64.b64encode(b"\x00" * 32).decode(),       # whole blocks, garbage padding
    base64.b64encode(bytes(range(48))).decode(),
    SAMPLE_ENCRYPTED[:-4],                         # truncated
    SAMPLE_ENCRYPTED[:40] + "A" + SAMPLE_ENCRYPTED[41:],  # one character changed
    "中文" * 8,
])
def test_garbage_is_a_decrypt_error_never_a_crash(crypto, garbage):
    with pytest.raises(WeComDecryptError):
        crypto.decrypt(garbage)


def test_bad_encoding_aes_key_fails_at_start():
    for bad in ("short", SAMPLE_AES_KEY + "A", "!" * 43):
        with pytest.raises(ValueError):
            WeComCrypto(SAMPLE_TOKEN, bad, SAMPLE_CORP_ID)


def test_repr_hides_the_aes_key(crypto):
    assert SAMPLE_AES_KEY not in repr(crypto)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200).map(lambda b: base64.b64encode(b).decode())))
def test_decrypt_of_anything_is_a_clear_error(garbage):
    crypto = WeComCrypto(SAMPLE_TOKEN, SAMPLE_AES_KEY, SAMPLE_CORP_ID)
    with pytest.raises(WeComDecryptError):
        crypto.decrypt(garbage)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_round_trip_of_any_text(message):
    crypto = WeComCrypto(SAMPLE_TOKEN, SAMPLE_AES_KEY, SAMPLE_CORP_ID)
    assert crypto.decrypt(crypto.encrypt(message)) == message
