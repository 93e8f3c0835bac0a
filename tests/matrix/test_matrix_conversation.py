"""Staff chat with the bot on a real Matrix homeserver (Synapse on 127.0.0.1).

The action server and `rasa run` with the Matrix channel (bot.channels.matrix.MatrixInput) on the
demo bank; 张丽 (teller), 陈静 (wealth manager) and a stranger are Matrix users who talk to the
bot @wangdian:localhost in direct rooms, as they would from Element. Skips, saying why, when
Synapse is not installed (`make synapse`) or the model is not trained.
"""
from __future__ import annotations

import asyncio
import re
import time

import pytest

from bot.channels.matrix import GROUP_ROOM_REPLY
from tests.matrix.synapse import MatrixUser, dump, register, running_synapse, synapse_missing
from tests.servers import MODEL, running_bot

pytestmark = [
    pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make train`"),
    pytest.mark.skipif(bool(synapse_missing()), reason=synapse_missing() or ""),
]

BOT = "@wangdian:localhost"
PASSWORD = "s3cret-for-tests-only"
FULL_IDENTIFIER = re.compile(r"\d{11,}")


def credentials(homeserver: str) -> str:
    return f"""\
bot.channels.matrix.MatrixInput:
  homeserver: {homeserver}
  user_id: "{BOT}"
  password: "{PASSWORD}"
  staff_server: localhost
  push_interval_seconds: 1
"""


@pytest.fixture(scope="module")
def homeserver(tmp_path_factory):
    with running_synapse(tmp_path_factory.mktemp("synapse")) as url:
        async def register_all() -> None:
            for name in ("wangdian", "zhangli", "chenjing", "stranger"):
                await register(url, name, PASSWORD)
        asyncio.run(register_all())
        yield url


async def wait_for_invite(user: MatrixUser, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while not user.invites:
        assert time.monotonic() < deadline, f"{user.user_id} was never invited"
        await user.sync(2000)
    return user.invites.pop(0)


# One database is enough here (the REST e2e tests cover PostgreSQL); starting Rasa takes ~40 s.
@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
async def test_staff_talk_to_the_bot_on_matrix(homeserver, bank, tmp_path):
    async with MatrixUser(homeserver, "zhangli", PASSWORD) as zhangli, \
            MatrixUser(homeserver, "chenjing", PASSWORD) as chenjing, \
            MatrixUser(homeserver, "stranger", PASSWORD) as stranger:
        # Sent while the bot is down: the backlog, which it must not answer when it starts.
        room = await zhangli.create_room([BOT])
        await zhangli.send(room, "查一下王建国")

        with running_bot(bank.url, tmp_path, credentials(homeserver), "/webhooks/matrix/",
                         ready=lambda body: b'"ok"' in body):
            await zhangli.wait_for_member(room, BOT)  # it joins the room it was invited to
            backlog = await zhangli.notices_from(BOT, room, first_timeout=3)
            assert backlog == [], dump(backlog)

            # A lookup with namesakes, chosen by number.
            listing = await zhangli.say(room, "查一下王建国", BOT)
            assert "找到2位叫王建国的客户" in listing
            assert "139****5678" in listing and "135****4321" in listing
            chosen = await zhangli.say(room, "2", BOT)
            assert "【王建国】男 38岁" in chosen and "C00000002" in chosen
            assert not FULL_IDENTIFIER.search(listing + chosen)

            # A referral to the wealth manager: she gets the push in her direct room with the bot.
            summary = await zhangli.say(room, "帮他转介给理财经理,想了解理财", BOT)
            assert summary.startswith("按上下文,客户是王建国。") and "请确认这条转介" in summary and "陈静" in summary
            assert "1. 确认" in summary and "请回复序号选择" in summary  # buttons as numbered choices
            saved = await zhangli.say(room, "1", BOT)  # the number of the 确认 button
            number = re.search(r"转介编号 (ZJ\d{8}-\d{4})", saved).group(1)

            direct = await wait_for_invite(chenjing)
            await chenjing.join(direct)
            pushed = await chenjing.notices_from(BOT, direct, until=lambda text: number in text)
            pushed_text = "\n".join(e["content"]["body"] for e in pushed)
            assert pushed_text.startswith("【新转介】张丽转介给您:王建国") and number in pushed_text
            assert all(e["content"]["msgtype"] == "m.notice" for e in pushed)
            # Pushed once: her next reply does not repeat it, and it is in her list.
            mine = await chenjing.say(direct, "我的转介", BOT)
            assert "【新转介】" not in mine and number in mine

            # A group room: no customer data there, only a request to chat privately.
            group = await zhangli.create_room([BOT, chenjing.user_id], is_direct=False)
            await zhangli.wait_for_member(group, BOT)
            answer = await zhangli.say(group, "网点助手 查一下王建国", BOT)
            assert answer == GROUP_ROOM_REPLY
            await zhangli.send(group, "大家中午吃什么")  # not addressed to the bot: ignored
            assert await zhangli.notices_from(BOT, group, first_timeout=3) == []

            # Someone who is not staff is refused.
            strangers_room = await stranger.create_room([BOT])
            await stranger.wait_for_member(strangers_room, BOT)
            refusal = await stranger.say(strangers_room, "查一下王建国", BOT)
            assert refusal.startswith("抱歉,没有查到您的员工登记信息") and "王建国" not in refusal

            # The bot never answered its own notices: 张丽's room has nothing more.
            assert await zhangli.notices_from(BOT, room, first_timeout=3) == []
