"""Masking of personal identifiers. Chat is not a secure channel: nothing leaves the bot in full."""
from __future__ import annotations

import re

# A phone has 11 digits, an ID number 15 or 18: a text with fewer digits holds none (the quick
# answer for most notes, tags and log lines).
_DIGIT = re.compile(r"\d")
_FEWEST_DIGITS = 11


def mask_phone(phone: str | None) -> str:
    """13812345678 -> 138****5678."""
    if not phone:
        return "未登记"
    if len(phone) < 8:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"


def mask_id_number(id_number: str | None) -> str:
    """110101199003074514 -> 110101********4514; an old 15-digit one 110101900307451 ->
    110101*****7451."""
    if not id_number:
        return "未登记"
    if len(id_number) < 10:
        return "*" * len(id_number)
    return f"{id_number[:6]}{'*' * (len(id_number) - 10)}{id_number[-4:]}"


def mask_identifiers_in_text(text: str) -> str:
    """Mask every phone or ID number inside free text (log lines, stored messages, notifications)
    in whatever form it was typed: "+86 139-1234-5678", "１３９１２３４５６７８" and "139 1234 5678"
    all become 139****5678 (the spaces and the prefix go with the digits), an old 15-digit ID
    number 110101*****7451. The lookup finds customers with the same finder, so a number it can
    read is a number the masking hides. Customer numbers are not personal: they stay."""
    if not text or len(_DIGIT.findall(text)) < _FEWEST_DIGITS:
        return text
    from bot.vocabulary.identifiers import CUSTOMER_ID, PHONE, find_identifiers

    found = [item for item in find_identifiers(text) if item.kind != CUSTOMER_ID]
    if not found:
        return text
    pieces, position = [], 0
    for item in found:
        pieces.append(text[position:item.start])
        pieces.append(mask_phone(item.written) if item.kind == PHONE else mask_id_number(item.written))
        position = item.end
    pieces.append(text[position:])
    return "".join(pieces)


def install_log_masking() -> None:
    """Mask phones and ID numbers in every log record this process writes, whoever logs it
    (our code, rasa-sdk, sanic, SQLAlchemy, a library echoing a request): the message with its
    arguments, the exception's traceback and the stack, each formatted here and masked, so every
    handler's Formatter prints the masked text (it formats the traceback only when exc_text is
    empty). An uncaught exception printed by sys.excepthook is masked the same way."""
    import logging
    import sys

    previous = logging.getLogRecordFactory()
    if getattr(previous, "masks_identifiers", False):
        return
    formatter = logging.Formatter()

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the logger's problem, not ours
            message = None
        if message is not None:
            masked = mask_identifiers_in_text(message)
            if masked != message:
                record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            try:
                record.exc_text = mask_identifiers_in_text(formatter.formatException(record.exc_info))
            except Exception:  # an exception whose str() fails: the handler will say so
                pass
        if record.stack_info:
            record.stack_info = mask_identifiers_in_text(record.stack_info)
        return record

    factory.masks_identifiers = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)

    if sys.excepthook is sys.__excepthook__:  # Python's own printer, not a debugger's or a tool's
        sys.excepthook = _masked_excepthook


def _masked_excepthook(kind, value, trace) -> None:
    """What Python prints for an uncaught exception, with phones and ID numbers masked."""
    import sys
    import traceback

    sys.stderr.write(mask_identifiers_in_text("".join(traceback.format_exception(kind, value, trace))))
