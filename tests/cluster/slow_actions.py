"""An action server that answers every action call late: `python -m tests.cluster.slow_actions PORT SECONDS`.

The project's own action server (actions.server.build_app, same secret, same actions) with a
delay before each /webhook call, to see what the visitor gets when actions are too slow.
"""

from __future__ import annotations

import asyncio
import sys

from actions.server import build_app, read_secret


def main() -> None:
    port, delay = int(sys.argv[1]), float(sys.argv[2])
    app = build_app(read_secret())

    @app.on_request
    async def late(request):
        if request.path == "/webhook":
            await asyncio.sleep(delay)

    app.run("127.0.0.1", port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
