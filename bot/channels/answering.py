"""Every message gets an answer: when Rasa produces none, the channel says so.

Rasa stays silent when a turn fails: the action server is down or times out, an action crashes,
the model cannot be run. A teller who typed "确认" and sees nothing does not know whether the
referral was saved. Wrapping the channel's `on_new_message` with `answering` counts the bot's
messages of the turn and, if there were none, sends NO_ANSWER_REPLY instead of silence.
Commands (/restart, /stop) may legitimately have no answer and are left alone.

A message of the reply that shows a notification carries its `notification_id` (actions/runtime.py):
once the output channel has taken that message, the notification is marked delivered by this
channel (bot/outbox.py), still inside Rasa's lock of the conversation, so her next message cannot
show it again. A reply that fails before it leaves marks nothing: the notification stays waiting
and shows in the next reply.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import UserMessage

logger = logging.getLogger(__name__)

NO_ANSWER_REPLY = "抱歉,系统暂时出了问题,这条消息没有处理成功。请稍后再发一次;如果刚才是在确认保存,请稍后查看是否已保存。"

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
MarkDelivered = Callable[[list, str], Awaitable[Any]]  # (notification ids, via)


def _mark_in_database(ids: list, via: str) -> None:
    from bot import outbox
    from bot.db import Database

    with Database().unit_of_work() as session:
        outbox.mark_delivered(session, ids, via)


async def mark_delivered(ids: list, via: str) -> None:
    """The notifications of a reply the channel has taken, delivered (the database of DATABASE_URL)."""
    await asyncio.get_running_loop().run_in_executor(None, _mark_in_database, ids, via)


# The OutputChannel methods through which a reply leaves (Rasa calls send_response, which calls
# the others; a channel's own code may call them directly).
SENDING_METHODS = ("send_response", "send_text_message", "send_text_with_buttons", "send_quick_replies",
                   "send_image_url", "send_attachment", "send_elements", "send_custom_json")


def _notification_id(args: tuple, kwargs: dict) -> Optional[int]:
    """The notification a send_response(recipient_id, message) call shows, if any."""
    from bot.outbox import NOTIFICATION_ID

    message = args[1] if len(args) > 1 else kwargs.get("message")
    value = message.get(NOTIFICATION_ID) if isinstance(message, dict) else None
    return value if isinstance(value, int) else None


def answering(on_new_message: OnNewMessage, delivered: MarkDelivered = mark_delivered) -> OnNewMessage:
    async def handle(message: UserMessage) -> None:
        output = message.output_channel
        sent = 0

        def counting(name: str, method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
            async def counted(*args: Any, **kwargs: Any) -> Any:
                nonlocal sent
                sent += 1
                notification_id = _notification_id(args, kwargs) if name == "send_response" else None
                result = await method(*args, **kwargs)
                if notification_id is not None:  # the channel has it: delivered
                    try:
                        await delivered([notification_id], message.input_channel or output.name())
                    except Exception as e:  # noqa: BLE001 - the next turn marks it (actions/runtime.py)
                        logger.error("notification.mark_failed channel=%s error=%s", message.input_channel,
                                     e.__class__.__name__)
                return result
            return counted

        originals = {name: getattr(output, name) for name in SENDING_METHODS if hasattr(output, name)}
        for name, method in originals.items():  # this turn's output channel only
            setattr(output, name, counting(name, method))
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
