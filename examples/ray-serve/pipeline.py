"""The Ray Serve application: POST one canvas, get the digit, and the variants that served it.

    POST /   {"canvas": [[16 × 16 numbers]]}
    → {"digit": 7, "slot": 2, "variants": {"locate": "svm", "classify": "mlp"}}

Three deployments: `Reader` (the HTTP ingress, no model, no CPU reserved) calls `locate` (which of
the four slots holds the upright digit) and then `classify` (which digit is in that slot). Both
model stages are the same class, `ModelStage`: it loads every variant of its stage at start-up
and takes its settings from `user_config`, so a switch is a `reconfigure` call on the running
replicas — no restart, no model load:

    user_config: {variant: svm, max_batch_size: 8, batch_wait_timeout_s: 0.005}

Requests are batched with `@serve.batch`; the batch size and timeout change with the same call.
Each answer names the variant that computed it (read when its batch ran). Models come from
`models_dir` (default: models/ next to this file), written by train.py.
"""
import os

import joblib
import numpy as np
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
    async def predict(self, rows: list) -> list:
        variant = self.variant
        answers = self.models[variant].predict(np.stack(rows))
        return [(int(a), variant) for a in answers]

    async def __call__(self, row) -> tuple:
        return await self.predict(np.asarray(row, dtype=float))


@serve.deployment(ray_actor_options={"num_cpus": 0})
class Reader:
    def __init__(self, locate: DeploymentHandle, classify: DeploymentHandle):
        self.locate = locate
        self.classify = classify

    async def __call__(self, request: Request):
        try:
            canvas = np.asarray((await request.json())["canvas"], dtype=float)
            if canvas.shape != (16, 16):
                raise ValueError(f"canvas must be 16 × 16, not {canvas.shape}")
        except Exception as error:  # noqa: BLE001 — any malformed body is the client's error
            return JSONResponse({"error": f"bad input: {error}"}, status_code=400)
        slot, locate_variant = await self.locate.remote(canvas.reshape(-1) / 16.0)
        r, c = divmod(slot, 2)
        window = canvas[8 * r:8 * r + 8, 8 * c:8 * c + 8].reshape(-1) / 16.0
        digit, classify_variant = await self.classify.remote(window)
        return {"digit": digit, "slot": slot, "variants": {"locate": locate_variant, "classify": classify_variant}}


def build_app(args: dict):
    """The application; `args` may set `models_dir` (relative paths: to this file's folder)."""
    models_dir = os.path.join(HERE, args.get("models_dir", "models"))
    locate = ModelStage.options(name="locate").bind("locate", models_dir)
    classify = ModelStage.options(name="classify").bind("classify", models_dir)
    return Reader.bind(locate, classify)
