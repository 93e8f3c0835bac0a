"""The action server, closed to everyone but the Rasa server.

    ACTION_SERVER_SECRET=... python -m actions.server --port 5055

rasa-sdk's own `rasa run actions` listens on every address and runs any action for anyone who
can reach the port, as whichever staff member the posted tracker names. This is the same
application (rasa_sdk.endpoint.create_app) with four differences:

- it listens on 127.0.0.1 unless told otherwise (`--host` or SANIC_HOST);
- every request but GET /health must carry the shared secret in the `X-Action-Secret` header
  (Rasa sends it: endpoints.yml, `action_endpoint: headers:`); without it the answer is 401 and
  no action runs. It does not start without a secret of at least 32 characters;
- a body over 2 MB is refused (413) before it is read (a conversation's tracker is a few KB);
- an error answer never echoes the request (rasa-sdk's puts the whole tracker in it), and no
  browser may call it (no CORS headers).
"""
from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys
from typing import Optional

SECRET_HEADER = "X-Action-Secret"
SECRET_ENV = "ACTION_SERVER_SECRET"
MIN_SECRET_CHARS = 32
MAX_BODY_BYTES = 2 * 1024 * 1024
DEFAULT_HOST = "127.0.0.1"

logger = logging.getLogger(__name__)


class NoSecret(SystemExit):
    pass


def secret_from_env(env=os.environ) -> str:
    """The shared secret, or a refusal to start that says what to do."""
    secret = (env.get(SECRET_ENV) or "").strip()
    if len(secret) < MIN_SECRET_CHARS:
        raise NoSecret(
            f"动作服务器未启动: 环境变量 {SECRET_ENV} 未设置或少于 {MIN_SECRET_CHARS} 个字符。"
            f" The action server needs {SECRET_ENV} (e.g. `export {SECRET_ENV}=$(openssl rand -hex 32)`),"
            " the same value Rasa sends from endpoints.yml (action_endpoint: headers: X-Action-Secret)."
        )
    return secret


def create_app(secret: str, action_package: str = "actions"):
    """rasa-sdk's application with the secret checked before anything else runs."""
    from rasa_sdk.endpoint import create_app as sdk_app
    from sanic import response
    from sanic.exceptions import SanicException
    from sanic.request import Request

    app = sdk_app(action_package, cors_origins=None)
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
    expected = secret.encode("utf-8")

    @app.middleware("request")
    async def require_secret(request: Request) -> Optional[response.HTTPResponse]:
        if request.method == "GET" and request.path == "/health":
            return None
        given = (request.headers.get(SECRET_HEADER) or "").encode("utf-8")
        if not hmac.compare_digest(given, expected):
            logger.warning("action server: refused %s %s from %s (no or wrong %s)",
                           request.method, request.path, request.ip, SECRET_HEADER)
            return response.json({"error": "unauthorized"}, status=401)
        return None

    async def error_without_request(request: Request, exception: Exception):
        if isinstance(exception, SanicException):  # 404, 405, 413...: said as such, not as a 500
            return response.json({"error": str(exception)}, status=exception.status_code)
        logger.error("action server: %s on %s %s", type(exception).__name__, request.method, request.path,
                     exc_info=exception)
        return response.json({"error": "internal error"}, status=500)

    # Replaces rasa-sdk's handler of Exception, which answers with the whole request (the tracker).
    app.error_handler.add(Exception, error_without_request)
    return app


def main(argv: list[str] | None = None) -> None:
    from rasa_sdk import utils
    from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
    from rasa_sdk.endpoint import create_argument_parser

    parser: argparse.ArgumentParser = create_argument_parser()
    parser.add_argument("--host", default=os.environ.get("SANIC_HOST", DEFAULT_HOST),
                        help=f"address to listen on (default {DEFAULT_HOST}: the Rasa server on this machine)")
    args = parser.parse_args(argv)
    try:
        secret = secret_from_env()
    except NoSecret as refusal:
        print(refusal, file=sys.stderr)
        raise SystemExit(2)

    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), args.log_file, args.loglevel,
                                 args.logging_config_file)
    utils.update_sanic_log_level()
    app = create_app(secret, args.actions)
    logger.info("Action server on http://%s:%s (X-Action-Secret required)", args.host, args.port)
    app.run(args.host, args.port, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
