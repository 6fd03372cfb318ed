"""One function mapped over a list three ways, timed: shared by hash_files.py and process_pool.py.

The ways are the classic ones: one item after another in this process (the single-core rate),
`ProcessPoolExecutor(W).map` and `ThreadPoolExecutor(W).map`. The pools are started inside the
timing, as a program that uses them pays for that too.
"""

import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def timed(work):
    """Runs `work()`: the seconds it took, and what it returned."""
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def time_three_ways(work, items, workers, runs, expected):
    """Maps `work` over `items` each way, `runs` times, one way after another in every run.

    Returns the seconds of every run of each way, as {"one_core_s": [...], "process_pool_s":
    [...], "thread_pool_s": [...]}, and whether every run's results equalled `expected`.
    """
    def one_core():
        return [work(item) for item in items]

    def with_processes():
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(work, items))

    def with_threads():
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(work, items))

    ways = {"one_core_s": one_core, "process_pool_s": with_processes, "thread_pool_s": with_threads}
    seconds = {name: [] for name in ways}
    agree = True
    for _ in range(runs):
        for name, way in ways.items():
            took, results = timed(way)
            seconds[name].append(took)
            agree &= results == expected
    return seconds, agree
