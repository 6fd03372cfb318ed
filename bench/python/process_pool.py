"""An extra, not the original: SHA-256 over B buffers pickled into a ProcessPoolExecutor of W workers.

The original Python lesson hands its pool file *paths* (hash_files.py does that). Here each buffer
itself crosses to a worker, pickled and written down a pipe, so on a few cores this measures
mostly the copying, not the hashing; keep its figure labelled as such.

The buffers are the kit server's deterministic `/bytes/{len}/{seed}` for seeds 0 to B-1, the same
bytes the Rust side hashes, so both sides must print the same digests. They are downloaded once
with the standard library (not timed), then hashed:
- one after another in this process: the single-core rate;
- with `ProcessPoolExecutor(W).map`, the classic way round the GIL for CPU work: each buffer is
  pickled to a worker process and the digest pickled back;
- with `ThreadPoolExecutor(W).map`: hashlib lets go of the GIL while it hashes a large buffer, so
  this one case of CPU work does spread over threads.
Each timing is repeated --runs times, and the pools are started inside the timing, as a program
that uses them pays for that too.

Prints one line of JSON: the seconds of every run of each way, and the digests in seed order.
"""

import argparse
import hashlib
import json
import urllib.request

from three_ways import time_three_ways, timed


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True, help="http://127.0.0.1:PORT")
    parser.add_argument("--buffers", type=int, required=True)
    parser.add_argument("--buffer-bytes", type=int, required=True)
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--runs", type=int, default=3)
    return parser.parse_args()


def sha256_hex(buffer):
    return hashlib.sha256(buffer).hexdigest()


def main():
    args = parse_args()
    download_s, buffers = timed(lambda: [
        urllib.request.urlopen(f"{args.server}/bytes/{args.buffer_bytes}/{seed}").read()
        for seed in range(args.buffers)
    ])
    expected = [sha256_hex(buffer) for buffer in buffers]
    runs, agree = time_three_ways(sha256_hex, buffers, args.workers, args.runs, expected)
    print(json.dumps({"download_s": download_s, **runs, "digests": expected, "ways_agree": agree}))


if __name__ == "__main__":
    main()
