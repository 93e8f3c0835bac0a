"""credentials.yml: the channels load by module path, secrets come from the environment."""
from __future__ import annotations

from pathlib import Path

import pytest
from rasa.core.run import create_http_input_channels

from bot.channels.rest_auth import TokenRestInput
from bot.channels.webchat import WebChatInput
from bot.channels.wecom import DEFAULT_API_BASE, WeComInput
from tests.channels.conftest import SAMPLE_AES_KEY, SAMPLE_CORP_ID, SAMPLE_TOKEN

REPO = Path(__file__).resolve().parents[2]

WECOM_BLOCK = """
bot.channels.wecom.WeComInput:
  corp_id: ${WECOM_CORP_ID}
  agent_id: ${WECOM_AGENT_ID}
  token: ${WECOM_TOKEN}
  encoding_aes_key: ${WECOM_AES_KEY}
  secret: ${WECOM_SECRET}
bot.channels.rest_auth.TokenRestInput:
  token: ${REST_TOKEN}
"""


def test_the_repository_credentials_are_rest_with_checks_and_no_web_chat():
    channels = create_http_input_channels(None, str(REPO / "credentials.yml"))
    assert [type(c) for c in channels] == [TokenRestInput]
    assert channels[0].token == "" and channels[0].rate_limit == 120  # open, so it starts on 127.0.0.1 only


def test_the_web_chat_is_only_in_the_demo_credentials_and_never_starts_without_demo_true(tmp_path):
    channels = create_http_input_channels(None, str(REPO / "credentials.demo.yml"))
    assert [type(c) for c in channels] == [TokenRestInput, WebChatInput]
    for block in ["bot.channels.webchat.WebChatInput:\n  rate_limit_per_minute: 10\n",
                  "bot.channels.webchat.WebChatInput:\n  demo: false\n"]:
        credentials = tmp_path / "credentials.yml"
        credentials.write_text(block, encoding="utf-8")
        with pytest.raises(ValueError, match="credentials.demo.yml"):
            create_http_input_channels(None, str(credentials))


def test_the_readme_block_loads_with_secrets_from_the_environment(tmp_path, monkeypatch):
    for name, value in {"WECOM_CORP_ID": SAMPLE_CORP_ID, "WECOM_AGENT_ID": "1000002", "WECOM_TOKEN": SAMPLE_TOKEN,
                        "WECOM_AES_KEY": SAMPLE_AES_KEY, "WECOM_SECRET": "app-secret", "REST_TOKEN": "t0k"}.items():
        monkeypatch.setenv(name, value)
    credentials = tmp_path / "credentials.yml"
    credentials.write_text(WECOM_BLOCK, encoding="utf-8")
    wecom, rest = create_http_input_channels(None, str(credentials))
    assert isinstance(wecom, WeComInput) and wecom.name() == "wecom"
    assert wecom.crypto.receive_id == SAMPLE_CORP_ID and wecom.client.agent_id == 1000002
    assert wecom.client.api_base == DEFAULT_API_BASE
    assert "app-secret" not in repr(wecom.client) and SAMPLE_AES_KEY not in repr(wecom.crypto)
    assert isinstance(rest, TokenRestInput) and rest.token == "t0k" and rest.url_prefix() == "rest"


def test_the_readme_documents_the_block():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert WECOM_BLOCK.strip().split("\nbot.channels.rest_auth")[0] in readme


def test_missing_credentials_fail_at_start():
    with pytest.raises(ValueError, match="secret"):
        WeComInput.from_credentials({"corp_id": SAMPLE_CORP_ID, "agent_id": 1, "token": SAMPLE_TOKEN,
                                     "encoding_aes_key": SAMPLE_AES_KEY})
    with pytest.raises(Exception):
        WeComInput.from_credentials(None)


MATRIX_BLOCK = """
bot.channels.matrix.MatrixInput:
  homeserver: ${MATRIX_HOMESERVER}      # https://matrix.bank.example
  user_id: ${MATRIX_BOT_USER}
  password: ${MATRIX_BOT_PASSWORD}
  staff_server: bank.example
"""


def test_the_readme_matrix_block_loads_with_secrets_from_the_environment(tmp_path, monkeypatch):
    from bot.channels.matrix import MatrixInput

    for name, value in {"MATRIX_HOMESERVER": "https://matrix.bank.example", "MATRIX_BOT_USER": "@wangdian:bank.example",
                        "MATRIX_BOT_PASSWORD": "bot-password"}.items():
        monkeypatch.setenv(name, value)
    credentials = tmp_path / "credentials.yml"
    credentials.write_text(MATRIX_BLOCK, encoding="utf-8")
    (matrix,) = create_http_input_channels(None, str(credentials))
    assert isinstance(matrix, MatrixInput) and matrix.name() == "matrix"
    assert matrix.connection.homeserver == "https://matrix.bank.example"
    assert matrix.directory.chat_id("@zhangli:bank.example") == "zhangli"
    assert matrix.push_interval_seconds == 30
    assert "bot-password" not in repr(matrix.connection)
    assert MATRIX_BLOCK.strip() in (REPO / "README.md").read_text(encoding="utf-8")
