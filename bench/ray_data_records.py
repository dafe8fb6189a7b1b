"""Turns the event logs of Ray Data runs (what Trimtab's Ray driver prints, one JSON event per
line) into the runs file `trimtab job fit` reads — the fields `job run --engine ray --record`
writes, by the definitions of Sources/TrimtabJob/Run/RayRunMeasurement.swift:

    makespan         = end − start (the dataset's creation to the last result)
    core-seconds     = CPUs per actor × (every actor's init + every batch's time)
    held core-seconds = CPUs per actor × every actor's time from its init to the end

    python3 bench/ray_data_records.py bench/ray-data/previous/runs/fit-*.jsonl > fit-runs.json

A log's name ends in N-ACTORS-BATCH.jsonl (the plan's batch size; Ray Data may cut a batch
smaller at a block's end).
"""
import json
import os
import sys


def record(path):
    events = [json.loads(line) for line in open(path)]
    start = next(e for e in events if e["event"] == "start")
    end = next(e for e in events if e["event"] == "end")["time"]
    batches = [e for e in events if e["event"] == "batch"]
    cpus = start["cpus_per_actor"]
    inits = {}
    for b in batches:
        inits.setdefault(b["actor"], (b["init0"], b["init1"]))
    init = cpus * sum(i1 - i0 for i0, i1 in inits.values())
    busy = init + cpus * sum(b["t1"] - b["t0"] for b in batches)
    held = cpus * sum(end - i0 for i0, _ in inits.values())
    n, actors, batch = os.path.basename(path).rsplit(".", 1)[0].split("-")[-3:]
    return {"engine": "ray", "file": os.path.basename(path), "num_images": sum(b["items"] for b in batches),
            "num_task_managers": len(inits), "split_size": int(batch), "cpus_per_worker": cpus,
            "latency": end - start["time"], "duration_billed": busy, "duration_init": init, "duration_function": busy - init,
            "held_core_seconds": held, "cost": busy * 0.04 / 3600}


if __name__ == "__main__":
    print(json.dumps([record(p) for p in sys.argv[1:]], indent=1))
