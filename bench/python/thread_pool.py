"""ThreadPoolExecutor + requests: GET one URL many times on a pool of W threads.

The classic way to wait on many blocking calls at once in Python: the GIL is let go while a thread
waits on a socket, so W threads keep W requests in flight. Each thread keeps its own
`requests.Session` (a Session is not meant to be shared between threads), so connections are
reused, as the Rust worker pool's client reuses them.

Prints one line of JSON: wall and CPU seconds of the batch, successes, and failures by kind.
"""

import argparse
import json
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--requests", type=int, required=True)
    parser.add_argument("--workers", type=int, required=True)
    return parser.parse_args()


local = threading.local()


def fetch(url):
    """'ok', or what went wrong."""
    if not hasattr(local, "session"):
        local.session = requests.Session()
    try:
        response = local.session.get(url)
    except requests.RequestException as error:
        return type(error).__name__
    return "ok" if response.status_code == 200 else f"HTTP {response.status_code}"


def main():
    args = parse_args()
    cpu_started = time.process_time()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        outcomes = Counter(pool.map(fetch, [args.url] * args.requests))
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    succeeded = outcomes.pop("ok", 0)
    print(json.dumps({"wall_s": wall, "cpu_s": cpu, "succeeded": succeeded, "failures": dict(outcomes)}))


if __name__ == "__main__":
    main()
