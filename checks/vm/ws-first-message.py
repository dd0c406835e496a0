"""Print the first websocket message that contains every given substring.

Exits non-zero when none arrives within the time limit (default 30 s,
environment variable WS_TIMEOUT) or the connection fails.

usage: ws-first-message.py URL SUBSTRING...
"""

import asyncio
import os
import sys

from websockets.asyncio.client import connect


async def first(url: str, needles: list[str]) -> str:
    async with connect(url) as ws:
        while True:
            message = await ws.recv()
            if isinstance(message, bytes):
                message = message.decode("utf-8", "replace")
            if all(n in message for n in needles):
                return message


def main() -> None:
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    timeout = float(os.environ.get("WS_TIMEOUT", "30"))
    try:
        message = asyncio.run(asyncio.wait_for(first(sys.argv[1], sys.argv[2:]), timeout))
    except TimeoutError:
        raise SystemExit(f"no message with {sys.argv[2:]} from {sys.argv[1]} within {timeout} s")
    print(message)


if __name__ == "__main__":
    main()
