"""Masking of personal identifiers. Chat is not a secure channel: nothing leaves the bot in full."""
from __future__ import annotations


def mask_phone(phone: str | None) -> str:
    """13812345678 -> 138****5678."""
    if not phone:
        return "未登记"
    if len(phone) < 8:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"


def mask_id_number(id_number: str | None) -> str:
    """110101199003074514 -> 110101********4514."""
    if not id_number:
        return "未登记"
    if len(id_number) < 10:
        return "*" * len(id_number)
    return f"{id_number[:6]}{'*' * (len(id_number) - 10)}{id_number[-4:]}"


def mask_identifiers_in_text(text: str) -> str:
    """Mask every phone or ID number inside free text (log lines, echoed messages)."""
    from bot.identity import ID_NUMBER_RE, PHONE_RE

    text = ID_NUMBER_RE.sub(lambda m: mask_id_number(m.group(0)), text)
    return PHONE_RE.sub(lambda m: mask_phone(m.group(0)), text)


def install_log_masking() -> None:
    """Mask phones and ID numbers in every log record this process writes, whoever logs it
    (our code, rasa-sdk, sanic, a library echoing a request)."""
    import logging

    previous = logging.getLogRecordFactory()
    if getattr(previous, "masks_identifiers", False):
        return

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the logger's problem, not ours
            return record
        masked = mask_identifiers_in_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return record

    factory.masks_identifiers = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
