"""The Ray Serve application: POST one canvas, get the digit, and the variants that served it.

    POST /   {"canvas": [[16 × 16 numbers]]}
    → {"digit": 7, "slot": 2, "variants": {"locate": "svm", "classify": "mlp"},
       "timings_ms": {"locate": 3.1, "classify": 1.2}}

Three deployments: `Reader` (the HTTP ingress, no model, no CPU reserved) calls `locate` (which of
the four slots holds the upright digit) and then `classify` (which digit is in that slot). Both
model stages are the same class, `ModelStage`: it loads every variant of its stage at start-up
and takes its settings from `user_config`, so a switch is a `reconfigure` call on the running
replicas — no restart, no model load:

    user_config: {variant: svm, max_batch_size: 8, batch_wait_timeout_s: 0.005}

Requests are batched with `@serve.batch`; the batch size and timeout change with the same call.
Each answer names the variant that computed it (read when its batch ran). Models come from
`models_dir` (default: models/ next to this file), written by train.py.

`timings_ms` is the time each stage took as the ingress saw it: from its handle call to the
answer — routing, the replica's queue, the batch wait, the model and the way back. `trimtab
profile --ray-serve` reads it to isolate a stage's cost inside the running pipeline (the round
trip at the client minus the stages is the proxy's and the ingress's share).

A request deadline (`deadline_s` in the application's args, default 1 s): a stage does not compute
a request whose deadline has passed (it answers at once without the model), and the ingress then
answers 503. So an overload does not outlive its cause: a backlog of requests nobody waits for any
more drains at the cost of a queue pop each, instead of a model call each.

CPUs: Ray's `num_cpus` only reserves; nothing stops a replica from using more. So that the
reservation means what it says, a replica with num_cpus below 1 throttles itself like a CPU quota
(after a batch that used u CPU-seconds it waits u·(1/num_cpus − 1) before answering, so it uses
at most num_cpus of a core on average), and the BLAS thread pools are limited to
max(1, floor(num_cpus)) threads. One batch runs at a time on one Python thread, so more than one
CPU helps these small models little.
"""
import asyncio
import os
import time

import joblib
import numpy as np
import ray
from ray import serve
from ray.serve.handle import DeploymentHandle
from starlette.requests import Request
from starlette.responses import JSONResponse

VARIANTS = ["linear", "mlp", "svm"]
HERE = os.path.dirname(os.path.abspath(__file__))


@serve.deployment
class ModelStage:
    def __init__(self, stage: str, models_dir: str):
        self.stage = stage
        self.models = {v: joblib.load(os.path.join(models_dir, f"{stage}-{v}.joblib")) for v in VARIANTS}
        self.variant = "linear"
        # num_cpus is fixed for a replica's life (Serve restarts replicas when it changes).
        self.cpus = float(ray.get_runtime_context().get_assigned_resources().get("CPU", 1.0)) or 1.0
        try:
            from threadpoolctl import threadpool_limits
            threadpool_limits(max(1, int(self.cpus)))
        except ImportError:
            pass

    def reconfigure(self, config: dict):
        """Applies `user_config`; an unknown variant or a bad batch setting fails the update."""
        variant = config.get("variant", self.variant)
        if variant not in self.models:
            raise ValueError(f"{self.stage}: unknown variant {variant!r} (have {', '.join(VARIANTS)})")
        batch = int(config.get("max_batch_size", 8))
        timeout = float(config.get("batch_wait_timeout_s", 0.005))
        if batch < 1 or timeout < 0:
            raise ValueError(f"{self.stage}: max_batch_size must be ≥ 1 and batch_wait_timeout_s ≥ 0")
        self.predict.set_max_batch_size(batch)
        self.predict.set_batch_wait_timeout_s(timeout)
        self.variant = variant

    @serve.batch(max_batch_size=8, batch_wait_timeout_s=0.005)
    async def predict(self, requests: list) -> list:
        variant = self.variant
        now = time.time()
        live = [i for i, (_, deadline) in enumerate(requests) if deadline > now]
        out = [(None, variant)] * len(requests)
        if live:
            used = time.thread_time()
            answers = self.models[variant].predict(np.stack([requests[i][0] for i in live]))
            used = time.thread_time() - used
            for i, a in zip(live, answers):
                out[i] = (int(a), variant)
            if self.cpus < 1:
                await asyncio.sleep(used * (1 / self.cpus - 1))
        return out

    async def __call__(self, row, deadline: float = float("inf")) -> tuple:
        """(answer, variant); the answer is None when the deadline (time.time()) passed first."""
        return await self.predict((np.asarray(row, dtype=float), deadline))


@serve.deployment(ray_actor_options={"num_cpus": 0})
class Reader:
    def __init__(self, locate: DeploymentHandle, classify: DeploymentHandle, deadline_s: float = 1.0):
        self.locate = locate
        self.classify = classify
        self.deadline_s = deadline_s

    async def __call__(self, request: Request):
        try:
            canvas = np.asarray((await request.json())["canvas"], dtype=float)
            if canvas.shape != (16, 16):
                raise ValueError(f"canvas must be 16 × 16, not {canvas.shape}")
        except Exception as error:  # noqa: BLE001 — any malformed body is the client's error
            return JSONResponse({"error": f"bad input: {error}"}, status_code=400)
        deadline = time.time() + self.deadline_s
        started = time.perf_counter()
        slot, locate_variant = await self.locate.remote(canvas.reshape(-1) / 16.0, deadline)
        located = time.perf_counter()
        if slot is None:
            return JSONResponse({"error": f"deadline of {self.deadline_s} s passed in locate"}, status_code=503)
        r, c = divmod(slot, 2)
        window = canvas[8 * r:8 * r + 8, 8 * c:8 * c + 8].reshape(-1) / 16.0
        digit, classify_variant = await self.classify.remote(window, deadline)
        classified = time.perf_counter()
        if digit is None:
            return JSONResponse({"error": f"deadline of {self.deadline_s} s passed in classify"}, status_code=503)
        return {"digit": digit, "slot": slot, "variants": {"locate": locate_variant, "classify": classify_variant},
                "timings_ms": {"locate": round((located - started) * 1000, 3), "classify": round((classified - located) * 1000, 3)}}


def build_app(args: dict):
    """The application; `args` may set `models_dir` (relative paths: to this file's folder) and
    `deadline_s` (the request deadline, default 1 s)."""
    models_dir = os.path.join(HERE, args.get("models_dir", "models"))
    locate = ModelStage.options(name="locate").bind("locate", models_dir)
    classify = ModelStage.options(name="classify").bind("classify", models_dir)
    return Reader.bind(locate, classify, float(args.get("deadline_s", 1.0)))
