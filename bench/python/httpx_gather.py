"""asyncio + httpx: GET one URL many times with at most C requests in flight.

The classic asyncio way: one coroutine per request, all handed to `asyncio.gather`, each waiting
for an `asyncio.Semaphore` before it sends. `--client shared` sends every request through one
`httpx.AsyncClient`, whose pool reuses connections; `--client per-request` opens a new client, and
so a new connection, for every request, as many tutorials write it. `--concurrency 0` drops the
semaphore: gather starts every request at once and the client's pool (100 connections by default)
decides, which is how a batch of 1000 runs into httpx's PoolTimeout.

Prints one line of JSON: wall and CPU seconds of the batch, how many requests succeeded, failures
by kind, and with --spans when each request started and ended (seconds since the batch began).
"""

import argparse
import asyncio
import json
import time
from collections import Counter

import httpx


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--requests", type=int, required=True)
    parser.add_argument("--concurrency", type=int, required=True, help="0: no semaphore")
    parser.add_argument("--client", choices=["shared", "per-request"], default="shared")
    parser.add_argument("--spans", action="store_true", help="report each request's start and end")
    return parser.parse_args()


async def batch(args):
    # With --concurrency 0 every request may start at once: a semaphore as large as the batch.
    bound = asyncio.Semaphore(args.concurrency or args.requests)
    failures = Counter()
    spans = []
    succeeded = 0

    async def get(shared_client, started):
        nonlocal succeeded
        async with bound:
            begin = time.perf_counter() - started
            try:
                if shared_client is None:
                    async with httpx.AsyncClient() as client:
                        response = await client.get(args.url)
                else:
                    response = await shared_client.get(args.url)
                if response.status_code == 200:
                    succeeded += 1
                else:
                    failures[f"HTTP {response.status_code}"] += 1
            except httpx.HTTPError as error:
                failures[type(error).__name__] += 1
            spans.append((begin, time.perf_counter() - started))

    cpu_started = time.process_time()
    started = time.perf_counter()
    if args.client == "shared":
        async with httpx.AsyncClient() as client:
            await asyncio.gather(*(get(client, started) for _ in range(args.requests)))
    else:
        await asyncio.gather(*(get(None, started) for _ in range(args.requests)))
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    result = {"wall_s": wall, "cpu_s": cpu, "succeeded": succeeded, "failures": dict(failures)}
    if args.spans:
        result["spans"] = sorted(spans)
    return result


if __name__ == "__main__":
    print(json.dumps(asyncio.run(batch(parse_args()))))
