"""A stand-in for a Jetstream server, for VM tests without network.

Serves the JSON lines of a fixture file as uncompressed Jetstream text
messages to every websocket client, over and over (once a second, for at
most ten minutes), so that a subscriber that connects late still sees them.

usage: fake-jetstream.py FIXTURE PORT
"""

import asyncio
import sys

from websockets.asyncio.server import serve

ROUNDS = 600


async def main(fixture: str, port: int) -> None:
    with open(fixture, encoding="utf-8") as f:
        events = [line.strip() for line in f if line.strip()]
    if not events:
        raise SystemExit(f"{fixture}: no events")

    async def handler(connection) -> None:
        for _ in range(ROUNDS):
            for event in events:
                await connection.send(event)
            await asyncio.sleep(1)

    async with serve(handler, "127.0.0.1", port):
        print(f"fake jetstream: serving {len(events)} events on port {port}", flush=True)
        await asyncio.sleep(ROUNDS + 60)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
