#!/usr/bin/env python3
"""Worker for `trimtab job run` benchmarks: reads splits (items one per line, then an empty
line) and answers one line per item: the item and its SHA-256 iterated ROUNDS times.
INIT_SLEEP seconds are slept once at start-up to emulate loading a model (0 by default)."""
import hashlib
import os
import sys
import time

ROUNDS = int(os.environ.get("ROUNDS", "2000"))
time.sleep(float(os.environ.get("INIT_SLEEP", "0")))
split = []
for line in sys.stdin:
    line = line.rstrip("\n")
    if line:
        split.append(line)
        continue
    out = []
    for item in split:
        h = item.encode()
        for _ in range(ROUNDS):
            h = hashlib.sha256(h).digest()
        out.append(item + " " + h.hex())
    sys.stdout.write("".join(o + "\n" for o in out))
    sys.stdout.flush()
    split = []
