"""The original's hash_file: ProcessPoolExecutor over file paths, each worker streaming its file.

What the Python lesson this course follows does: the data is in files, the pool is given only
their *paths*, and each worker opens its file and feeds it to `hashlib.sha256` in 8 KiB chunks.
Nothing big crosses between processes: a path goes out, a hex digest comes back.

The files hold the kit server's deterministic `/bytes/{len}/{seed}` for seeds 0 to F-1, the same
bytes the Rust side hashes, so both sides must print the same digests. They are downloaded with
the standard library into a temporary folder (not timed; the folder is removed at the end, also on
error) and flushed to disk, so the kernel's write-back does not compete with the hashing; they stay
in the page cache, as they would for the Rust side. Then, each run, they are hashed:
- one after another in this process, with the same `hash_file`: the single-core rate, the ideal's
  unit;
- with `ProcessPoolExecutor(W).map(hash_file, paths)`: the original;
- with `ThreadPoolExecutor(W).map(hash_file, paths)`: an extra. hashlib lets go of the GIL while it
  hashes a chunk of 2 KiB or more, so this CPU work spreads over threads, in part.
The pools are started inside the timing, as a program that uses them pays for that too.

Prints one line of JSON: the files' count and size, the chunk size, the seconds of every run of
each way, the digests in seed order, and whether every way agreed on them.
"""

import argparse
import hashlib
import json
import os
import shutil
import tempfile
import urllib.request

from three_ways import time_three_ways, timed

CHUNK_BYTES = 8192  # the original's read size


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True, help="http://127.0.0.1:PORT")
    parser.add_argument("--files", type=int, required=True)
    parser.add_argument("--file-bytes", type=int, required=True)
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", default=None,
                        help="where to make the temporary folder [default: the system's]")
    return parser.parse_args()


def hash_file(path):
    """SHA-256 of one file, read 8 KiB at a time: the file is never in memory whole."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def download(server, length, seed, path):
    """Writes `/bytes/{length}/{seed}` into `path`, a megabyte at a time, and flushes it to disk:
    otherwise the kernel writes it back while the hashing is timed, and takes CPU from it."""
    with urllib.request.urlopen(f"{server}/bytes/{length}/{seed}") as answer, \
            open(path, "wb") as file:
        shutil.copyfileobj(answer, file, 1 << 20)
        file.flush()
        os.fsync(file.fileno())
    written = os.path.getsize(path)
    if written != length:
        raise RuntimeError(f"{path}: the server sent {written} bytes, not {length}")


def main():
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="course-bench-hash-files-", dir=args.dir) as folder:
        paths = [os.path.join(folder, f"seed-{seed}.bin") for seed in range(args.files)]
        write_s, _ = timed(lambda: [
            download(args.server, args.file_bytes, seed, path) for seed, path in enumerate(paths)
        ])
        expected = [hash_file(path) for path in paths]  # also brings every file into the cache
        runs, agree = time_three_ways(hash_file, paths, args.workers, args.runs, expected)
    print(json.dumps({
        "files": args.files,
        "file_bytes": args.file_bytes,
        "chunk_bytes": CHUNK_BYTES,
        "workers": args.workers,
        "write_s": write_s,
        **runs,
        "digests": expected,
        "ways_agree": agree,
    }))


if __name__ == "__main__":
    main()
