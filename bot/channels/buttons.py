"""Buttons on platforms that only show text (WeCom, Matrix): numbered lines, answered by number.

Rasa's buttons (title + payload) become "1. 确认" lines; `ButtonMemory` keeps the last buttons
sent to each person so that a reply of "1" is read as the first button's payload.
"""
from __future__ import annotations

import time
import unicodedata
from typing import Any, Callable, Dict, List, Optional, Text

BUTTON_HINT = "请回复序号选择。"


def render_buttons(text: str, buttons: List[Dict[str, Any]]) -> str:
    """Rasa buttons as numbered lines, for a text-only message.

    Buttons whose payloads are their own numbers ("1", "2"...) answer a list the text already
    numbers (namesakes): the text is shown as it is, and typing the number is the answer.
    """
    if all(str(button.get("payload", "")).strip() == str(number)
           for number, button in enumerate(buttons, start=1)):
        return text
    lines = [text] if text else []
    lines += [f"{number}. {button.get('title') or button.get('payload', '')}"
              for number, button in enumerate(buttons, start=1)]
    lines.append(BUTTON_HINT)
    return "\n".join(lines)


class ButtonMemory:
    """The buttons last sent to each user, so that "2" can be answered with the second payload."""

    def __init__(self, ttl_seconds: float = 1800.0, max_users: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_users = max_users
        self._clock = clock
        self._buttons: Dict[str, tuple[float, List[Dict[str, Any]]]] = {}

    def remember(self, user: str, buttons: List[Dict[str, Any]]) -> None:
        self._buttons.pop(user, None)
        self._buttons[user] = (self._clock(), list(buttons))
        while len(self._buttons) > self.max_users:
            self._buttons.pop(next(iter(self._buttons)))

    def resolve(self, user: str, text: str) -> str:
        """The payload of the button the text picks by number, else the text unchanged.

        The buttons are forgotten whatever the answer: a number in a later message refers to
        whatever list came after.
        """
        at, buttons = self._buttons.pop(user, (0.0, []))
        if not buttons or self._clock() - at > self.ttl_seconds:
            return text
        answer = unicodedata.normalize("NFKC", text).strip().rstrip(".。")
        if answer.isdigit() and 1 <= int(answer) <= len(buttons):
            chosen = buttons[int(answer) - 1]
            return chosen.get("payload") or chosen.get("title") or text
        return text


class NumberedButtons:
    """OutputChannel methods for a platform that shows only text (mix in before OutputChannel):
    buttons become numbered lines, remembered so that the number answers them; an image is its URL."""

    buttons: Optional[ButtonMemory] = None

    async def send_text_with_buttons(self, recipient_id: Text, text: Text,
                                     buttons: List[Dict[Text, Any]], **kwargs: Any) -> None:
        if self.buttons is not None:
            self.buttons.remember(recipient_id, buttons)
        await self.send_text_message(recipient_id, render_buttons(text, buttons))

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self.send_text_message(recipient_id, image)
