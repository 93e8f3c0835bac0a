"""The local web chat in headless Chromium: pick 张丽, look up 王建国, choose the first, screenshot.

Drives Debian's chromium over the DevTools protocol with aiohttp's websocket client (no Selenium,
no Playwright, nothing downloaded). Starts the action server on the demo bank and `rasa run` with
the repository's demo credentials file (credentials.demo.yml: REST and the web chat), as `make demo`
does. Needs the trained model (models/wangdian.tar.gz).

The screenshot is saved to results/webchat.png.
"""
from __future__ import annotations

import asyncio
import base64
import json
import subprocess
import time
from pathlib import Path

import aiohttp
import pytest

from tests.servers import MODEL, REPO, running_bot, stop

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = REPO / "results" / "webchat.png"

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="Debian's chromium package is not installed: apt-get install -y chromium"),
    pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make train`"),
]

CREDENTIALS = (REPO / "credentials.demo.yml").read_text(encoding="utf-8")


@pytest.fixture
def servers(bank, tmp_path):
    """The action server and `rasa run` (REST + web chat), both on the test's demo bank."""
    with running_bot(bank.url, tmp_path, CREDENTIALS, "/webhooks/webchat/health") as server:
        yield server


@pytest.fixture
def chromium(tmp_path):
    """Headless Chromium with the DevTools protocol on a port it picks; yields that port."""
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    log = tmp_path / "chromium.log"
    process = subprocess.Popen(
        [str(CHROMIUM), "--headless=new", "--remote-debugging-port=0", f"--user-data-dir={profile}", "--no-sandbox",
         "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
         "--window-size=900,1000", "about:blank"],
        stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.exists() and port_file.read_text().strip()):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"chromium did not start its DevTools endpoint:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield int(port_file.read_text().splitlines()[0])
    finally:
        stop(process)


class DevTools:
    """A minimal DevTools protocol client over one page target's websocket."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.next_id = 0

    async def call(self, method: str, **params):
        self.next_id += 1
        call_id = self.next_id
        await self.ws.send_json({"id": call_id, "method": method, "params": params})
        while True:
            message = await asyncio.wait_for(self.ws.receive(), timeout=60)
            if message.type != aiohttp.WSMsgType.TEXT:
                raise RuntimeError(f"DevTools websocket closed: {message!r}")
            data = json.loads(message.data)
            if data.get("id") == call_id:  # events (no id) are skipped
                if "error" in data:
                    raise RuntimeError(f"{method}: {data['error']}")
                return data.get("result", {})

    async def evaluate(self, expression: str):
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression!r} failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def wait_until(self, expression: str, timeout: float = 90, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if await self.evaluate(expression):
                return
            await asyncio.sleep(0.25)
        messages = await self.evaluate("document.getElementById('messages').innerText")
        raise AssertionError(f"timed out waiting for {what or expression}; the page shows:\n{messages}")


def bot_says(text: str) -> str:
    return ("Array.from(document.querySelectorAll('#messages .bot'))"
            f".some(m => m.textContent.includes({json.dumps(text)}))")


async def send(page: DevTools, text: str) -> None:
    await page.evaluate(f"""(() => {{
        const input = document.getElementById('input');
        input.focus();
        input.value = {json.dumps(text)};
        input.dispatchEvent(new Event('input', {{bubbles: true}}));
        document.getElementById('send').click();
        return true;
    }})()""")


# One database is enough here (the e2e tests cover PostgreSQL); each run starts Rasa (~40 s).
@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
async def test_a_teller_looks_up_a_customer_in_the_web_chat(servers, chromium):
    started = time.monotonic()
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{chromium}/json/list") as resp:
            targets = await resp.json()
        pages = [t for t in targets if t.get("type") == "page"]
        if not pages:
            async with http.put(f"http://127.0.0.1:{chromium}/json/new?about:blank") as resp:
                pages = [await resp.json()]
        async with http.ws_connect(pages[0]["webSocketDebuggerUrl"], max_msg_size=0) as ws:
            page = DevTools(ws)
            await page.call("Page.enable")
            await page.call("Runtime.enable")
            await page.call("Emulation.setDeviceMetricsOverride", width=900, height=1000, deviceScaleFactor=1,
                            mobile=False)
            await page.call("Page.navigate", url=f"{servers}/webhooks/webchat/")
            await page.wait_until("document.readyState === 'complete'", what="the page to load")
            await page.wait_until("!!document.querySelector('#staff option[value=\"zhangli\"]')",
                                  what="the staff list")
            label = await page.evaluate("""(() => {
                const select = document.getElementById('staff');
                select.value = 'zhangli';
                select.dispatchEvent(new Event('change', {bubbles: true}));
                return select.options[select.selectedIndex].textContent;
            })()""")
            assert label == "张丽(柜员,城关支行)"

            await send(page, "查一下王建国")
            await page.wait_until(bot_says("找到2位叫王建国的客户"), what="the list of namesakes")
            listing = await page.evaluate("document.querySelector('#messages .bot').innerText")
            # line breaks are kept: each namesake on its own line
            assert "\n1. 王建国 139****5678" in listing and "\n2. 王建国 135****4321" in listing
            assert await page.evaluate("getComputedStyle(document.querySelector('#messages .bot')).whiteSpace") \
                == "pre-wrap"
            buttons = await page.evaluate(
                "Array.from(document.querySelectorAll('#messages .bot .button')).map(b => b.textContent)")
            assert buttons == ["王建国 139****5678", "王建国 135****4321"]

            await page.evaluate("document.querySelector('#messages .bot .button').click(), true")  # sends "1"
            await page.wait_until(bot_says("【王建国】"), what="王建国's 360 view")
            profile = await page.evaluate(
                "Array.from(document.querySelectorAll('#messages .bot')).pop().innerText")
            assert "C00000001" in profile and "139****5678" in profile and "60岁" in profile
            assert await page.evaluate(
                "Array.from(document.querySelectorAll('#messages .user')).map(m => m.textContent)") \
                == ["查一下王建国", "王建国 139****5678"]
            assert await page.evaluate("document.querySelectorAll('#messages .error').length") == 0

            shot = await page.call("Page.captureScreenshot", format="png")
    png = base64.b64decode(shot["data"])
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    SCREENSHOT.write_bytes(png)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    print(f"web chat conversation took {time.monotonic() - started:.1f}s; screenshot {SCREENSHOT}")
