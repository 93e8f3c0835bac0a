"""Every message gets an answer: when Rasa produces none, the channel says so.

Rasa stays silent when a turn fails: the action server is down or times out, an action crashes,
the model cannot be run. A teller who typed "确认" and sees nothing does not know whether the
referral was saved. Wrapping the channel's `on_new_message` with `answering` counts the bot's
messages of the turn and, if there were none, sends NO_ANSWER_REPLY instead of silence.
Commands (/restart, /stop) may legitimately have no answer and are left alone.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage

logger = logging.getLogger(__name__)

NO_ANSWER_REPLY = "抱歉,系统暂时出了问题,这条消息没有处理成功。请稍后再发一次;如果刚才是在确认保存,请稍后查看是否已保存。"

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


# The OutputChannel methods through which a reply leaves (Rasa calls send_response, which calls
# the others; a channel's own code may call them directly).
SENDING_METHODS = ("send_response", "send_text_message", "send_text_with_buttons", "send_quick_replies",
                   "send_image_url", "send_attachment", "send_elements", "send_custom_json")


def answering(on_new_message: OnNewMessage) -> OnNewMessage:
    async def handle(message: UserMessage) -> None:
        output = message.output_channel
        sent = 0

        def counting(method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
            async def counted(*args: Any, **kwargs: Any) -> Any:
                nonlocal sent
                sent += 1
                return await method(*args, **kwargs)
            return counted

        originals = {name: getattr(output, name) for name in SENDING_METHODS if hasattr(output, name)}
        for name, method in originals.items():  # this turn's output channel only
            setattr(output, name, counting(method))
        try:
            await on_new_message(message)
        except Exception as e:  # noqa: BLE001 - answered below, never a silent turn
            logger.error("turn.failed channel=%s error=%s", message.input_channel, e.__class__.__name__)
        finally:
            for name in originals:
                setattr(output, name, originals[name])
        if sent == 0 and not (message.text or "").startswith("/"):
            logger.warning("turn.unanswered channel=%s", message.input_channel)
            await output.send_text_message(message.sender_id, NO_ANSWER_REPLY)

    return handle
