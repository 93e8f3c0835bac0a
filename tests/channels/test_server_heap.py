"""Once a channel's server has started, what was loaded before is out of full garbage collections."""
from __future__ import annotations

import gc

import pytest

from bot.channels.rest_auth import TokenRestInput
from tests.channels.conftest import serve_blueprint


async def _ignore(_message) -> None:
    return None


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


async def test_what_was_loaded_before_the_server_started_is_frozen(unfrozen):
    loaded = {"model": [object() for _ in range(1000)]}  # stands for the model Rasa loads before start
    assert any(o is loaded for o in gc.get_objects())
    channel = TokenRestInput(token="s3cret-token")
    async with serve_blueprint(channel.blueprint(_ignore), "/webhooks/rest"):
        assert gc.get_freeze_count() >= 1000
        # gc.get_objects() lists what full collections walk; the frozen heap is not in it.
        assert not any(o is loaded for o in gc.get_objects())
