"""A crowd of N waiting asyncio tasks, or N waiting threads: what starting them costs.

Each task (or thread) waits on an event until all of them have started and the memory has been
read; then the event is set and all of them finish. Measured: the time to start them all, and how
much the resident memory of this process grew while they all waited (VmRSS, Linux).

Prints one line of JSON: how many started, the seconds to start them, and the growth in bytes.
"""

import argparse
import asyncio
import json
import threading
import time


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=["tasks", "threads"], required=True)
    parser.add_argument("--count", type=int, required=True)
    return parser.parse_args()


def resident_bytes():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


async def crowd_of_tasks(count):
    gate = asyncio.Event()
    before = resident_bytes()
    started = time.perf_counter()
    tasks = [asyncio.create_task(gate.wait()) for _ in range(count)]
    spawn_s = time.perf_counter() - started
    # One turn is enough: each create_task queued its task's first step, and a loop iteration runs
    # every callback that was ready when it began (BaseEventLoop._run_once), so all of them reach
    # their wait before this coroutine, queued last, resumes.
    await asyncio.sleep(0)
    growth = resident_bytes() - before
    gate.set()
    await asyncio.gather(*tasks)
    return {"started": count, "spawn_s": spawn_s, "resident_growth_bytes": growth}


def crowd_of_threads(count):
    gate = threading.Event()
    arrivals = threading.Condition()
    arrived = 0

    def wait_at_gate():
        nonlocal arrived
        with arrivals:
            arrived += 1
            arrivals.notify()
        gate.wait()

    before = resident_bytes()
    started = time.perf_counter()
    threads = []
    refusal = None
    for _ in range(count):
        thread = threading.Thread(target=wait_at_gate)
        try:
            thread.start()
        except RuntimeError as error:  # "can't start new thread": keep what we have
            refusal = str(error)
            break
        threads.append(thread)
    spawn_s = time.perf_counter() - started
    with arrivals:
        arrivals.wait_for(lambda: arrived == len(threads))
    growth = resident_bytes() - before
    gate.set()
    for thread in threads:
        thread.join()
    return {"started": len(threads), "spawn_s": spawn_s, "resident_growth_bytes": growth,
            "refusal": refusal}


if __name__ == "__main__":
    args = parse_args()
    if args.kind == "tasks":
        result = asyncio.run(crowd_of_tasks(args.count))
    else:
        result = crowd_of_threads(args.count)
    print(json.dumps(result))
