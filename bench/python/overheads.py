"""When not to bother: what each Python tool costs before it saves anything, and a few small batches.

The fixed costs, each timed --repeats times from nothing to a finished no-op job:
- `asyncio.run` of a coroutine that returns at once (an event loop made and closed);
- a `threading.Thread` started and joined;
- a `ThreadPoolExecutor(1)` made, given one job, and shut down;
- a `ProcessPoolExecutor(1)` made, given one job, and shut down (this Python's default start
  method on this system is reported beside it).

With --server, the same choice on real waiting: `--calls` GETs of `/delay/{--delay-ms}` against the
course's local server, made one after another with `requests`, on a `ThreadPoolExecutor` with a
thread per call, and with `asyncio.gather` over one `httpx.AsyncClient`. Each way makes its client
(and its pool) inside the timing, as a small script does. With one call there is nothing to
overlap, so the sequential way is the floor; from two calls on, the others save a latency per
extra call and pay their fixed cost. Each way runs --batch-repeats times, the ways taking turns, so
a busy moment hits all of them. Making each client (with no request) is timed too, since a
client can cost more to make than a pool.

Prints one line of JSON: seconds of every repeat of each fixed cost, of making each client, and of
each way for each batch.
"""

import argparse
import asyncio
import json
import multiprocessing
import platform
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20, help="of each fixed cost")
    parser.add_argument("--batch-repeats", type=int, default=5, help="of each way, per batch")
    parser.add_argument("--server", help="http://127.0.0.1:PORT; without it, fixed costs only")
    parser.add_argument("--calls", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--delay-ms", type=int, default=100)
    return parser.parse_args()


def nothing():
    return None


async def returns_at_once():
    return None


def timed(work):
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def one_thread():
    thread = threading.Thread(target=nothing)
    thread.start()
    thread.join()


def thread_pool_one_job():
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(nothing).result()


def process_pool_one_job():
    with ProcessPoolExecutor(max_workers=1) as pool:
        pool.submit(nothing).result()


def fixed_costs(repeats):
    ways = {
        "asyncio_run": lambda: asyncio.run(returns_at_once()),
        "thread_start_join": one_thread,
        "thread_pool_one_job": thread_pool_one_job,
        "process_pool_one_job": process_pool_one_job,
    }
    return {name: [timed(work) for _ in range(repeats)] for name, work in ways.items()}


def batch_ways(url, calls):
    import httpx  # only the batches need the pinned packages
    import requests

    def sequential():
        with requests.Session() as session:
            for _ in range(calls):
                session.get(url).raise_for_status()

    def on_threads():
        def get(_):
            with requests.Session() as session:
                session.get(url).raise_for_status()

        with ThreadPoolExecutor(max_workers=calls) as pool:
            list(pool.map(get, range(calls)))

    async def gather():
        async with httpx.AsyncClient() as client:
            answers = await asyncio.gather(*(client.get(url) for _ in range(calls)))
        for answer in answers:
            answer.raise_for_status()

    return {
        "sequential_s": sequential,
        "thread_pool_s": on_threads,
        "gather_s": lambda: asyncio.run(gather()),
    }


def client_costs(repeats):
    """Making and closing each client, with no request: part of a small batch's fixed cost."""
    import httpx
    import requests

    async def async_client():
        async with httpx.AsyncClient():
            pass

    ways = {
        "requests_session": lambda: requests.Session().close(),
        "httpx_async_client": lambda: asyncio.run(async_client()),
    }
    return {name: [timed(work) for _ in range(repeats)] for name, work in ways.items()}


def batches(args):
    url = f"{args.server}/delay/{args.delay_ms}"
    results = []
    for calls in args.calls:
        ways = batch_ways(url, calls)
        runs = {name: [] for name in ways}
        for _ in range(args.batch_repeats):
            for name, work in ways.items():
                runs[name].append(timed(work))
        results.append({"calls": calls, "delay_ms": args.delay_ms, **runs})
    return results


def main():
    args = parse_args()
    result = {
        "python": platform.python_version(),
        "start_method": multiprocessing.get_start_method(),
        "repeats": args.repeats,
        "batch_repeats": args.batch_repeats,
        "fixed_s": fixed_costs(args.repeats),
    }
    if args.server:
        result["clients_s"] = client_costs(args.repeats)
        result["batches"] = batches(args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
