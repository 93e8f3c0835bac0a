"""WeCom (企业微信) callback cryptography: signature, AES-256-CBC, freshness.

Pure functions over bytes and strings (no Rasa, no I/O), following WeCom's published callback
scheme: msg_signature = sha1(sorted(token, timestamp, nonce, encrypted)); AESKey =
base64decode(EncodingAESKey + "="); AES-256-CBC with IV = AESKey[:16]; PKCS#7 padding to a
multiple of 32 bytes; plaintext = 16 random bytes + 4-byte big-endian length + message +
ReceiveId (the corp id).

Every way a callback can be forged or garbled ends in a WeComError subclass, never in a
crash on bad base64, bad padding or bad UTF-8, so the channel can answer 403 and log the reason.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct
import time
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK_SIZE = 32  # WeCom pads to 32 bytes, not AES's 16.
DEFAULT_TIMESTAMP_WINDOW_SECONDS = 300


class WeComError(Exception):
    """A callback that must be rejected (the message says why, never what it contained)."""


class WeComSignatureError(WeComError):
    pass


class WeComTimestampError(WeComError):
    pass


class WeComDecryptError(WeComError):
    pass


class WeComReceiverError(WeComDecryptError):
    """Decrypted, but addressed to another corp: a key shared with someone else, or a replay."""


def signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    parts = sorted([token, str(timestamp), str(nonce), encrypted])
    return hashlib.sha1("".join(parts).encode("utf-8")).hexdigest()


def aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte AES key from the 43-character EncodingAESKey of the WeCom admin console."""
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("EncodingAESKey 不是合法的 base64(应为 43 个字符)") from None
    if len(key) != 32:
        raise ValueError("EncodingAESKey 应为 43 个字符,解码后 32 字节")
    return key


def _pkcs7_pad(data: bytes) -> bytes:
    amount = BLOCK_SIZE - len(data) % BLOCK_SIZE
    return data + bytes([amount]) * amount


def _pkcs7_unpad(data: bytes) -> bytes:
    amount = data[-1]
    if not 1 <= amount <= BLOCK_SIZE or data[-amount:] != bytes([amount]) * amount:
        raise WeComDecryptError("bad padding")
    return data[:-amount]


@dataclass(frozen=True)
class WeComCrypto:
    token: str
    encoding_aes_key: str = field(repr=False)
    receive_id: str
    timestamp_window_seconds: float = DEFAULT_TIMESTAMP_WINDOW_SECONDS

    def __post_init__(self) -> None:
        if not self.token or not self.receive_id:
            raise ValueError("WeCom token 和 corp id 不能为空")
        aes_key(self.encoding_aes_key)  # fail at start-up, not on the first callback

    # ------------------------------------------------------------------ checks
    def signature(self, timestamp: str, nonce: str, encrypted: str) -> str:
        return signature(self.token, timestamp, nonce, encrypted)

    def check_signature(self, msg_signature: str, timestamp: str, nonce: str, encrypted: str) -> None:
        expected = self.signature(timestamp, nonce, encrypted).encode("ascii")
        given = (msg_signature or "").strip().lower().encode("utf-8", "replace")
        if not hmac.compare_digest(expected, given):
            raise WeComSignatureError("signature mismatch")

    def check_timestamp(self, timestamp: str, now: float | None = None) -> None:
        """Rejects a callback older (or further in the future) than the window: replays."""
        try:
            sent = int(str(timestamp).strip())
        except (TypeError, ValueError):
            raise WeComTimestampError("timestamp is not an integer") from None
        now = time.time() if now is None else now
        if abs(now - sent) > self.timestamp_window_seconds:
            raise WeComTimestampError(f"timestamp {abs(now - sent):.0f} s off, window {self.timestamp_window_seconds:.0f} s")

    # ------------------------------------------------------------------ AES
    def decrypt(self, encrypted: str) -> str:
        try:
            data = base64.b64decode(encrypted or "", validate=True)
        except (binascii.Error, ValueError):
            raise WeComDecryptError("not base64") from None
        if not data or len(data) % 16:
            raise WeComDecryptError("ciphertext length is not a multiple of the AES block")
        key = aes_key(self.encoding_aes_key)
        decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
        plain = _pkcs7_unpad(decryptor.update(data) + decryptor.finalize())
        if len(plain) < 20:
            raise WeComDecryptError("plaintext too short")
        (length,) = struct.unpack(">I", plain[16:20])
        body = plain[20:]
        if length > len(body):
            raise WeComDecryptError("length field beyond the plaintext")
        message, receive_id = body[:length], body[length:]
        if not hmac.compare_digest(receive_id, self.receive_id.encode("utf-8")):
            raise WeComReceiverError("ReceiveId is not this corp id")
        try:
            return message.decode("utf-8")
        except UnicodeDecodeError:
            raise WeComDecryptError("message is not UTF-8") from None

    def encrypt(self, message: str, random_prefix: bytes | None = None) -> str:
        prefix = os.urandom(16) if random_prefix is None else random_prefix
        if len(prefix) != 16:
            raise ValueError("random prefix must be 16 bytes")
        raw = message.encode("utf-8")
        plain = _pkcs7_pad(prefix + struct.pack(">I", len(raw)) + raw + self.receive_id.encode("utf-8"))
        key = aes_key(self.encoding_aes_key)
        encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode("ascii")

    # ------------------------------------------------------------------ whole callbacks
    def verify_url(self, msg_signature: str, timestamp: str, nonce: str, echostr: str,
                   now: float | None = None) -> str:
        """The GET the admin console sends when the callback URL is saved: the plaintext echostr."""
        self.check_signature(msg_signature, timestamp, nonce, echostr)
        self.check_timestamp(timestamp, now)
        return self.decrypt(echostr)

    def open_callback(self, msg_signature: str, timestamp: str, nonce: str, encrypted: str,
                      now: float | None = None) -> str:
        """The decrypted XML of a POSTed callback whose Encrypt field is `encrypted`."""
        self.check_signature(msg_signature, timestamp, nonce, encrypted)
        self.check_timestamp(timestamp, now)
        return self.decrypt(encrypted)

    def seal(self, message: str, timestamp: str, nonce: str,
             random_prefix: bytes | None = None) -> tuple[str, str]:
        """(encrypted, msg_signature) for a message: a passive reply, or a test's callback."""
        encrypted = self.encrypt(message, random_prefix)
        return encrypted, self.signature(timestamp, nonce, encrypted)
