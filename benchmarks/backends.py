"""dcgan-fashion on each Keras 3 backend: speed, compile time, and quality in the same budget.

    python benchmarks/backends.py [--minutes 2] [--seed 0] [--n 5000] [--backends tensorflow jax torch]

Each backend runs in its own subprocess (Keras fixes its backend at import) with
KERAS_BACKEND set, on the same data, recipe and seed:

1. it trains ``gankit.recipes.fashion_gan`` (the ``dcgan-fashion`` recipe) with ``fit``
   for the wall-clock budget, compile time included, as a student would;
2. a callback stamps the time of every step: the first step's time is the compile
   (tracing + XLA for JAX, tracing for TensorFlow's tf.function, nothing for PyTorch's
   eager mode) plus one step; the steady-state speed is the median step time after the
   first 20 steps;
3. it saves n samples from fixed noise.

Then this process (TensorFlow) scores every backend's samples the same way: FID and KID
against n real test images in the course classifier's features
(``gankit.evaluation.score_images``), next to the real-vs-real and noise-vs-real references.
It prints a markdown table, ready for benchmarks/README.md. A script that prints
figures, not a test: run it on an otherwise idle machine.
"""
import argparse
import importlib.util
import json
import os
import pathlib
import platform
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
BACKENDS = ("tensorflow", "jax", "torch")
WARMUP = 20  # steps left out of the steady-state median


def worker(args):
    """Runs inside the subprocess, on one backend: train, time, save samples."""
    import gankit
    import keras
    import numpy as np

    class StepClock(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.stamps = [time.perf_counter()]

        def on_train_batch_end(self, batch, logs=None):
            self.stamps.append(time.perf_counter())

    backend = keras.backend.backend()
    gankit.seed_everything(args.seed)
    x, _ = gankit.load_fashion_mnist("train")
    gan = gankit.recipes.fashion_gan(args.seed)
    budget, clock = gankit.TimeBudget(args.minutes), StepClock()
    load = os.getloadavg()[0]
    start = time.perf_counter()
    gan.fit(x, batch_size=64, epochs=1_000_000, shuffle=True, verbose=0,
            callbacks=[clock, budget])
    seconds = time.perf_counter() - start
    steps = np.diff(clock.stamps)
    steady = float(np.median(steps[WARMUP:])) if len(steps) > WARMUP else float("nan")
    images = gan.generate(args.n, seed=args.seed + 1)
    np.savez_compressed(args.out, images=images)
    jit = {"tensorflow": f"tf.function, XLA {'on' if gan.jit_compile else 'off'}",
           "jax": f"jax.jit (XLA) {'on' if gan.jit_compile else 'off'}",
           "torch": f"eager{', torch.compile' if gan.jit_compile else ''}"}[backend]
    report = {"backend": backend, "version": _version(backend), "jit": jit,
              "steps": int(len(steps)), "seconds": seconds,
              "first_step_s": float(steps[0]), "steady_step_s": steady,
              "load_before": load, "load_after": os.getloadavg()[0]}
    pathlib.Path(args.out).with_suffix(".json").write_text(json.dumps(report))


def _version(backend):
    module = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}[backend]
    return __import__(module).__version__


def run_backend(backend, args, out):
    env = dict(os.environ, KERAS_BACKEND=backend, PYTHONPATH=str(ROOT),
               TF_CPP_MIN_LOG_LEVEL="3")
    cmd = [sys.executable, __file__, "--worker", "--minutes", str(args.minutes),
           "--seed", str(args.seed), "--n", str(args.n), "--out", str(out)]
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode:
        print(f"{backend} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}", flush=True)
        return None
    return json.loads(out.with_suffix(".json").read_text())


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--minutes", type=float, default=2.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--n", type=int, default=5000)
    p.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--out", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        return worker(args)

    import gankit  # this process scores with TensorFlow

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; dcgan-fashion, batch 64, "
          f"budget {args.minutes} min per backend (compile included), seed {args.seed}",
          flush=True)
    reports = []
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends:
            if importlib.util.find_spec(backend) is None:
                print(f"{backend}: not installed (pip install 'gankit[backends]')")
                continue
            out = pathlib.Path(tmp) / f"{backend}.npz"
            report = run_backend(backend, args, out)
            if report is None:
                continue
            import numpy as np

            images = np.load(out)["images"]
            real = gankit.metrics.real_test_set("fashion-mnist", args.n)[0]
            report.update(gankit.evaluation.score_images(images, real))
            reports.append(report)
            print(json.dumps(report), flush=True)
    ref = gankit.evaluation.reference("fashion-mnist", args.n)
    print("\nreferences: " + "; ".join(
        f"{name}: FID {s['FID']:.2f}, KID {s['KID']:.3f}" for name, s in ref.scores.items()))
    print("\n| backend | jit | compile + first step (s) | steady step (ms) | steady steps/s "
          "| steady images/s | steps in budget | images/s in budget | FID | KID | load avg |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in reports:
        print(f"| {r['backend']} {r['version']} | {r['jit']} | {r['first_step_s']:.1f} "
              f"| {1000 * r['steady_step_s']:.1f} | {1 / r['steady_step_s']:.1f} "
              f"| {64 / r['steady_step_s']:.0f} | {r['steps']:,} "
              f"| {64 * r['steps'] / r['seconds']:.0f} | {r['FID']:.1f} | {r['KID']:.3f} "
              f"| {r['load_before']:.1f}-{r['load_after']:.1f} |")


if __name__ == "__main__":
    main()
