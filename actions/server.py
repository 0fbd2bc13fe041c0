"""The action server, reachable only by the Rasa server: ``python -m actions.server``.

rasa-sdk 3.6.2's own server (``python -m rasa_sdk``) listens on every interface, runs any action
for anyone who can reach port 5055, echoes the whole request body in its error answers and
inflates a deflate-compressed body without limit.  This entry point keeps rasa-sdk's Sanic app
(``rasa_sdk.endpoint.create_app``: same routes, same executor) and adds:

* loopback by default (``--host`` / ``VIRAGE_ACTIONS_HOST`` to listen elsewhere, see README);
* a shared secret on every call but ``/health``: ``Authorization: Bearer <VIRAGE_ACTION_SECRET>``
  (401 without it, 403 with a wrong one); the Rasa server sends it from ``endpoints.yml``
  (``headers``, with ``${VIRAGE_ACTION_SECRET}`` substituted by Rasa at start-up);
* generic error bodies (status and a short reason, never the request);
* a ceiling on the body (``MAX_BODY_BYTES``) and on what a deflate body may inflate to
  (``MAX_INFLATED_BYTES``), answered 413;
* no CORS headers (rasa-sdk's default is ``*``): no browser page has any business here.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys
import zlib
from typing import Optional

from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request

logger = logging.getLogger(__name__)

SECRET_ENV = "VIRAGE_ACTION_SECRET"
HOST_ENV = "VIRAGE_ACTIONS_HOST"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5055
MIN_SECRET_CHARS = 16
# A tracker of a long conversation is a few hundred kB; Rasa 3.6 sends it uncompressed by default.
MAX_BODY_BYTES = 4 * 1024 * 1024
MAX_INFLATED_BYTES = 8 * 1024 * 1024
OPEN_PATHS = frozenset({"/health"})


class SecretMissing(RuntimeError):
    pass


def read_secret(environ=os.environ) -> str:
    secret = (environ.get(SECRET_ENV) or "").strip()
    if len(secret) < MIN_SECRET_CHARS:
        raise SecretMissing(
            f"{SECRET_ENV} doit contenir un secret d'au moins {MIN_SECRET_CHARS} caractères "
            "(make run en génère un dans var/secrets.env)."
        )
    return secret


def _error(status: int, reason: str):
    return response.json({"error": reason}, status=status)


def _inflate(body: bytes, limit: int) -> Optional[bytes]:
    """Inflates a zlib/deflate body; None if it is not valid or would exceed ``limit`` bytes."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(body, limit)
        if inflater.unconsumed_tail:  # more output waiting than the limit allows
            return None
        out += inflater.flush()
    except zlib.error:
        return None
    return out if len(out) <= limit else None


def harden(app: Sanic, secret: str) -> Sanic:
    """Adds the secret check, the size limits and the generic errors to rasa-sdk's app."""
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
    expected = f"Bearer {secret}".encode()

    @app.on_request
    async def authenticate(request: Request):
        if request.path in OPEN_PATHS:
            return None
        given = request.headers.get("authorization")
        if not given:
            logger.warning("action server: call without credentials refused (%s)", request.path)
            return _error(401, "authentication required")
        if not hmac.compare_digest(given.encode(), expected):
            logger.warning("action server: call with a wrong secret refused (%s)", request.path)
            return _error(403, "forbidden")
        if (request.headers.get("content-encoding") or "").lower() == "deflate":
            inflated = _inflate(request.body or b"", MAX_INFLATED_BYTES)
            if inflated is None:
                return _error(413, "compressed body invalid or too large")
            # rasa-sdk's webhook reads request.json when the body is not marked as deflate.
            request.body = inflated
            del request.headers["content-encoding"]
            request.parsed_json = None
        return None

    # Replaces rasa-sdk's handler, which answers {"error": str(exc), "request_body": request.json}.
    @app.exception(Exception)
    async def generic_error(request: Request, exception: Exception):
        if isinstance(exception, SanicException):
            status = getattr(exception, "status_code", 500) or 500
            return _error(status, "bad request" if 400 <= status < 500 else "server error")
        logger.error("action server: %s in %s", exception.__class__.__name__, request.path, exc_info=exception)
        return _error(500, "server error")

    return app


def build_app(secret: str, actions_package: str = "actions") -> Sanic:
    return harden(create_app(actions_package, cors_origins=None), secret)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Serveur d'actions de Virage (accès réservé au serveur Rasa).")
    parser.add_argument("--host", default=os.environ.get(HOST_ENV, DEFAULT_HOST))
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--actions", default="actions")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="-v: DEBUG logs")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    logging.getLogger("sanic.access").setLevel(logging.WARNING)
    try:
        secret = read_secret()
    except SecretMissing as exc:
        print(exc, file=sys.stderr)
        return 2
    app = build_app(secret, args.actions)
    logger.info("Action server on http://%s:%d (secret required)", args.host, args.port)
    app.run(args.host, args.port, workers=1, access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
