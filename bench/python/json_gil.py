"""asyncio.to_thread(json.loads) and the GIL: does offloading a big parse keep the event loop free?

A heartbeat task sleeps `--beat-ms` at a time on the event loop and notes when it wakes, while the
loop awaits one piece of work that runs elsewhere. A gap between two beats is time the loop could
not run. The work is the lesson's: parse a JSON upload of sensor readings (about `--megabytes` MB,
the same document lesson-pitfalls builds) and count them. It runs:
- `alone`: on this thread, with no event loop, once per run: the parse time by itself;
- `nothing`: no work at all, the loop only sleeps as long as a parse takes: the heartbeat's own
  rhythm on this machine, the control;
- `to_thread`: `await asyncio.to_thread(count_readings, body)`. CPython's C parser holds the GIL
  from start to end, and the switch interval (sys.getswitchinterval()) only asks a thread to let go
  between bytecodes, so the loop's thread waits for the whole parse;
- `to_thread_pure_python`: a loop of Python bytecode in the thread, for as long as a parse takes.
  Here the switch interval does act: the loop gets a turn every few milliseconds;
- `process_pool`: `loop.run_in_executor(ProcessPoolExecutor(1), count_readings, body)`: the parse
  runs in another process with its own GIL, and only a count comes back;
- `process_pool_whole_result`: the same, but the parsed document itself comes back. Unpickling it
  is CPU work in C on this side, under this process's GIL, so the loop stalls again.
The process pool is started and warmed up before the heartbeat starts: its start is not timed.

Prints one line of JSON: the body's size, each run's parse time alone, and for each way every
run's work time, longest heartbeat gap, beats seen and beats due while the work ran.
"""

import argparse
import asyncio
import functools
import json
import platform
import sys
import time
from concurrent.futures import ProcessPoolExecutor


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=50.0, help="size of the JSON body")
    parser.add_argument("--beat-ms", type=float, default=1.0, help="the heartbeat's period")
    parser.add_argument("--runs", type=int, default=3)
    return parser.parse_args()


def readings_document(megabytes):
    """A JSON array of sensor readings, as lesson-pitfalls' `readings_document` writes them, with
    as many readings as it takes to reach `megabytes` (10^6 bytes)."""
    target = int(megabytes * 1e6)
    pieces = []
    size = 1  # the opening bracket
    index = 0
    while size < target:
        piece = '{"sensor":"s-%d","at":%d,"celsius":%d.%d}' % (
            index % 97, 1_700_000_000 + index, 15 + index % 13, index % 10)
        pieces.append(piece)
        size += len(piece) + 1  # and its comma, or the closing bracket
        index += 1
    return ("[" + ",".join(pieces) + "]").encode(), index


def count_readings(body):
    """Parses the upload and counts its readings. Freeing the parsed list is part of the work."""
    return len(json.loads(body))


def parse_whole(body):
    """Parses the upload and returns the whole document: from a process, it comes back pickled."""
    return json.loads(body)


def python_loop(seconds):
    """Pure Python bytecode for `seconds`: the kind of work the switch interval can interrupt."""
    end = time.perf_counter() + seconds
    turns = 0
    while time.perf_counter() < end:
        turns += 1
    return turns


async def in_thread(work, *args):
    """`asyncio.to_thread` (Python 3.9+), or what it does, on 3.8."""
    if hasattr(asyncio, "to_thread"):
        return await asyncio.to_thread(work, *args)
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, functools.partial(work, *args))


async def heartbeat(period, beats):
    while True:
        await asyncio.sleep(period)
        beats.append(time.perf_counter())


async def watched(period, start_work):
    """Starts the work (`start_work()` returns an awaitable) with a heartbeat beside it, and awaits
    it: its result, and what the heartbeat saw meanwhile. The work starts only once the heartbeat
    keeps time (`run_in_executor` submits as soon as it is called, so the call waits until then)."""
    beats = []
    beating = asyncio.create_task(heartbeat(period, beats))
    await asyncio.sleep(period * 3)  # let the heartbeat settle into its rhythm
    started = time.perf_counter()
    result = await start_work()
    ended = time.perf_counter()
    await asyncio.sleep(period * 3)  # a beat after the work, so the gap it caused is closed
    beating.cancel()
    try:
        await beating
    except asyncio.CancelledError:
        pass
    gaps = [later - earlier for earlier, later in zip(beats, beats[1:])]
    work_s = ended - started
    return result, {
        "work_s": work_s,
        "longest_gap_s": max(gaps, default=0.0),
        "beats_seen": sum(1 for beat in beats if started <= beat <= ended),
        "beats_due": int(work_s / period),
    }


async def offloads(args, body, parse_s):
    period = args.beat_ms / 1000
    loop = asyncio.get_running_loop()
    ways = {name: [] for name in [
        "nothing", "to_thread", "to_thread_pure_python", "process_pool",
        "process_pool_whole_result"]}
    counts = []
    with ProcessPoolExecutor(max_workers=1) as pool:
        await loop.run_in_executor(pool, len, b"warm up")  # start the worker before timing
        for _ in range(args.runs):
            _, seen = await watched(period, lambda: asyncio.sleep(parse_s))
            ways["nothing"].append(seen)

            count, seen = await watched(period, lambda: in_thread(count_readings, body))
            ways["to_thread"].append(seen)
            counts.append(count)

            _, seen = await watched(period, lambda: in_thread(python_loop, parse_s))
            ways["to_thread_pure_python"].append(seen)

            count, seen = await watched(
                period, lambda: loop.run_in_executor(pool, count_readings, body))
            ways["process_pool"].append(seen)
            counts.append(count)

            document, seen = await watched(
                period, lambda: loop.run_in_executor(pool, parse_whole, body))
            ways["process_pool_whole_result"].append(seen)
            counts.append(len(document))
            del document
    return ways, counts


def main():
    args = parse_args()
    body, readings = readings_document(args.megabytes)
    parse_runs = []
    counts = []
    for _ in range(args.runs):
        started = time.perf_counter()
        counts.append(count_readings(body))
        parse_runs.append(time.perf_counter() - started)
    parse_median = sorted(parse_runs)[len(parse_runs) // 2]
    ways, offloaded_counts = asyncio.run(offloads(args, body, parse_median))
    print(json.dumps({
        "python": platform.python_version(),
        "switch_interval_s": sys.getswitchinterval(),
        "body_bytes": len(body),
        "readings": readings,
        "beat_s": args.beat_ms / 1000,
        "parse_alone_s": parse_runs,
        "ways": ways,
        "counts_agree": all(count == readings for count in counts + offloaded_counts),
    }))


if __name__ == "__main__":
    main()
