import Foundation

/// The test worker for `job run`, written to a temporary directory at test time.
/// (Real CPU work: SHA-256 iterated ROUNDS times per item; fault injection driven by files.)
let hashWorkerScript = #"""
#!/usr/bin/env python3
"""Test worker for `trimtab job run`: reads splits (items one per line, then an empty line)
from stdin and answers one line per item, in order: the item and its SHA-256 iterated
ROUNDS times (real CPU work).

Fault injection for the tests, all driven by files so that they survive restarts:
- item FAIL-TWICE: the worker exits 1 while the counter in $MARKER is below 2 (and increments it);
- item FAIL-ALWAYS: the worker exits 3 unless the file $ALLOW exists;
- item SLOW-ONCE: the first time ($SLOW_MARKER absent) the worker creates it, sleeps 30 s and
  then creates $SLOW_MARKER.done (so a test can tell whether the runner waited for it).
Each answered split's items are appended to $PROCESSED, if set.
"""
import hashlib
import os
import sys
import time

ROUNDS = int(os.environ.get("ROUNDS", "3000"))


def answer(item):
    if item == "FAIL-TWICE":
        marker = os.environ["MARKER"]
        n = int(open(marker).read() or "0") if os.path.exists(marker) else 0
        if n < 2:
            with open(marker, "w") as f:
                f.write(str(n + 1))
            sys.exit(1)
    if item == "FAIL-ALWAYS" and not os.path.exists(os.environ["ALLOW"]):
        sys.exit(3)
    if item == "SLOW-ONCE":
        marker = os.environ["SLOW_MARKER"]
        if not os.path.exists(marker):
            open(marker, "w").close()
            time.sleep(30)
            open(marker + ".done", "w").close()
    h = item.encode()
    for _ in range(ROUNDS):
        h = hashlib.sha256(h).digest()
    return item + " " + h.hex()


split = []
for line in sys.stdin:
    line = line.rstrip("\n")
    if line:
        split.append(line)
        continue
    out = [answer(item) for item in split]
    log = os.environ.get("PROCESSED")
    if log:
        with open(log, "a") as f:
            f.write("".join(item + "\n" for item in split))
    sys.stdout.write("".join(o + "\n" for o in out))
    sys.stdout.flush()
    split = []
"""#

/// A fresh temporary directory.
func temporaryDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trimtab-job-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// Writes the worker script into `dir` and returns its path.
func writeHashWorker(in dir: URL) throws -> String {
    let path = dir.appendingPathComponent("hash_worker.py").path
    try hashWorkerScript.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// The job's expected output from a second implementation: one plain sequential pass over all
/// the items in one process (no splits, workers, retries, speculation or progress file), the
/// item and its SHA-256 iterated `rounds` times, one line each in item order.
func expectedHashLines(_ items: [String], rounds: Int) throws -> [String] {
    let script = """
        import hashlib, sys
        rounds = int(sys.argv[1])
        for line in sys.stdin.read().split("\\n"):
            if line:
                h = line.encode()
                for _ in range(rounds):
                    h = hashlib.sha256(h).digest()
                print(line, h.hex())
        """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script, String(rounds)]
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(Data(items.map { $0 + "\n" }.joined().utf8))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw CocoaError(.fileReadUnknown) }
    return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
}
