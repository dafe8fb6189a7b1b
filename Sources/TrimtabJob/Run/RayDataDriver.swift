/// Trimtab's Ray Data driver, a Python program that `job run --engine ray` writes next to the
/// run's results and starts with `python3 DRIVER CONFIG.json` (Ray's own client is Python; the
/// driver is the smallest piece that must be). It runs the user's worker class with
/// `map_batches` on an actor pool of the plan's actors, batch (split) size and CPUs per actor, has
/// every actor write each finished batch atomically to the results directory (what makes a run
/// resumable), and reports one JSON event per line on stdout: `loaded`, `connected`, `start`,
/// `batch` (items, actor, its init and batch times), `end`, or `error` (code `bad_input` →
/// exit 2, `runtime` → exit 1) / `interrupted` (exit 130).
enum RayDataDriver {
    static let script = #"""
"""Trimtab's Ray Data driver (written by `trimtab job run --engine ray`; see docs/job.md).

    python3 driver.py CONFIG.json

Runs a worker class over the pending items with Ray Data's map_batches on an actor pool: the
plan's actors (concurrency), batch (split) size and CPUs per actor — or, with "engine_default",
what Ray Data does when given nothing (its autoscaling actor pool and default batches). Each actor
writes every finished batch to RESULTS_DIR/part-*.tsv ("index<TAB>answer" lines, written to a
temporary name and renamed, so a file is there whole or not at all), which is what makes a run
resumable. Events go to stdout as JSON lines; errors as one event {"event": "error", ...} and
exit status 1 (runtime) or 2 (bad input).
"""
import importlib.util
import json
import os
import signal
import sys
import threading
import time
import uuid


def emit(**event):
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def fail(code, message, field=None):
    emit(event="error", code=code, message=message, field=field)
    sys.exit(2 if code == "bad_input" else 1)


def load_class(spec):
    path, _, name = spec.rpartition(":")
    if not path or not name:
        fail("bad_input", f"'{spec}' is not FILE.py:CLASS", "--worker")
    if not os.path.isfile(path):
        fail("bad_input", f"{path}: no such file", "--worker")
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    module_spec = importlib.util.spec_from_file_location(os.path.splitext(os.path.basename(path))[0], path)
    module = importlib.util.module_from_spec(module_spec)
    try:
        module_spec.loader.exec_module(module)
    except Exception as error:  # noqa: BLE001 - any import failure is the user's file
        fail("bad_input", f"{path}: cannot import: {type(error).__name__}: {error}", "--worker")
    cls = getattr(module, name, None)
    if cls is None:
        fail("bad_input", f"{path} has no {name}", "--worker")
    return cls


def stop_when_trimtab_exits():
    """Trimtab holds this process's stdin open: end of input means it is gone (killed or
    interrupted), so stop — Ray then stops this job's actors (their owner is gone)."""
    def watch():
        while os.read(0, 65536):   # the raw descriptor: no lock held at interpreter shutdown
            pass
        os.kill(os.getpid(), signal.SIGINT)
    threading.Thread(target=watch, daemon=True).start()


def check_reachable(address):
    """A HOST:PORT address must accept a TCP connection within 5 s (Ray itself retries for a minute
    and more before it gives up); `auto`, `local` and ray:// addresses are left to Ray."""
    host, _, port = address.rpartition(":")
    if "://" in address or not host or not port.isdigit():
        return
    import socket
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except OSError as error:
        fail("runtime", f"cannot connect to Ray at {address}: {error.strerror or error}", "--ray-address")


def main():
    with open(sys.argv[1]) as f:
        config = json.load(f)
    stop_when_trimtab_exits()
    worker_class = load_class(config["worker"])
    worker_args = config.get("worker_args") or {}
    results_dir = config["results_dir"]
    items_path = os.path.abspath(config["items"])
    # Byte offset and length of every item line: rows carry these, each actor reads its items
    # from the file (on a cluster the items file and results directory are on shared storage).
    offsets, lengths, position = [], [], 0
    with open(items_path, "rb") as f:
        for line in f:
            offsets.append(position)
            lengths.append(len(line) - (1 if line.endswith(b"\n") else 0))
            position += len(line)
    pending = config.get("pending")   # the items not done yet (all when absent)
    if pending is None:
        pending = list(range(len(offsets)))
    emit(event="loaded", pending=len(pending))

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    import ray
    import ray.data
    from ray.data.context import DataContext

    t0 = time.time()
    check_reachable(config["address"])
    try:
        # The actors import what the worker's file imports from its folder (shared storage on a cluster).
        folder = os.path.dirname(os.path.abspath(config["worker"].rpartition(":")[0]))
        path = os.pathsep.join(p for p in [folder, os.environ.get("PYTHONPATH", "")] if p)
        ray.init(address=config["address"], logging_level="ERROR", log_to_driver=False,
                 runtime_env={"env_vars": {"PYTHONPATH": path, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}})
    except Exception as error:  # noqa: BLE001 - ConnectionError, timeouts, bad addresses
        fail("runtime", f"cannot connect to Ray at {config['address']}: {str(error).splitlines()[0] if str(error) else type(error).__name__}",
             "--ray-address")
    cluster_cpus = ray.cluster_resources().get("CPU", 0)
    default = bool(config.get("engine_default"))
    actors, cpus, batch = config.get("actors"), config.get("cpus"), config.get("batch_size")
    if not default and actors * cpus > cluster_cpus + 1e-9:
        fail("bad_input", f"the plan asks for {actors} actors × {cpus} CPUs = {actors * cpus:g} CPUs; the cluster has {cluster_cpus:g}",
             "workers")
    emit(event="connected", connect_s=time.time() - t0, cluster_cpus=cluster_cpus)

    context = DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False

    class Stage:
        """One actor: the user's worker, loaded once; every batch written atomically."""

        def __init__(self):
            self.init_start = time.time()
            self.worker = worker_class(**worker_args)
            self.init_end = time.time()
            self.actor = uuid.uuid4().hex[:12]
            self.batches = 0
            self.items = open(items_path, "rb")

        def __call__(self, batch):
            start = time.time()
            indices = [int(i) for i in batch["i"]]
            lines = [os.pread(self.items.fileno(), int(n), int(o)).decode("utf-8") for o, n in zip(batch["o"], batch["n"])]
            answers = list(self.worker(lines))
            if len(answers) != len(indices):
                raise ValueError(f"the worker answered {len(answers)} lines for {len(indices)} items")
            self.batches += 1
            name = os.path.join(results_dir, f"part-{indices[0]:09d}-{self.actor}-{self.batches}")
            with open(name + ".tmp", "w") as f:
                for i, a in zip(indices, answers):
                    a = str(a)
                    if "\n" in a:
                        raise ValueError(f"the answer to item {i} holds a newline")
                    f.write(f"{i}\t{a}\n")
                f.flush()
                os.fsync(f.fileno())
            os.replace(name + ".tmp", name + ".tsv")
            return {"n": [len(indices)], "actor": [self.actor], "t0": [start], "t1": [time.time()],
                    "init0": [self.init_start], "init1": [self.init_end]}

    started = time.time()
    rows = [{"i": i, "o": offsets[i], "n": lengths[i]} for i in pending]
    if default:
        # What Ray Data does when told nothing: its blocks, its batches, its autoscaling actor pool.
        ds = ray.data.from_items(rows).map_batches(Stage)
    else:
        # One block per split, so that the plan's splits are Ray Data's batches.
        blocks = max(1, (len(rows) + batch - 1) // batch)
        ds = ray.data.from_items(rows, override_num_blocks=blocks).map_batches(
            Stage, batch_size=batch, compute=ray.data.ActorPoolStrategy(size=actors), num_cpus=cpus)
    emit(event="start", time=started, dataset_s=time.time() - started, cpus_per_actor=1.0 if default else cpus)
    try:
        for row in ds.iter_rows():
            emit(event="batch", items=int(row["n"]), actor=str(row["actor"]), t0=float(row["t0"]), t1=float(row["t1"]),
                 init0=float(row["init0"]), init1=float(row["init1"]))
    except KeyboardInterrupt:
        emit(event="interrupted")
        os._exit(130)
    except Exception as error:  # noqa: BLE001 - the worker's or Ray's failure, reported in one line
        text = str(error).strip().splitlines()
        fail("runtime", f"the job failed on Ray: {type(error).__name__}: {text[-1] if text else ''}")
    emit(event="end", time=time.time())


if __name__ == "__main__":
    main()
"""#
}
