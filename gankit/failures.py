"""Each failure of lesson 09 in the setting that caused it, then the remedies that lesson 10
makes for it, in the same setting: the same data, networks, seeds and number of generator
steps. What lesson 09's "Each failure, fixed" and benchmarks/failures_fixed.py share.

A setting and a remedy are keywords of ``recipes.toy_gan``; a remedied run is the setting with
the remedy's keywords on top. ``watch`` trains one run on the ring of 8 and returns the
numbers that give each failure away (lesson 09's table); ``watch_fixes`` watches every failure
and remedy of ``FIXES`` over seeds; ``sweep`` runs the learning-rate by D-steps grid of
failure 5.
"""
import numpy as np

from .callbacks import ModeCounter, StepLog
from .data import load
from .errors import BadInputError, TrainingDivergedError, unknown_name
from .metrics import mode_stats
from .recipes import toy_gan
from .schedule import StepBudget
from .settings import seed_everything

TIPPED = dict(lr=(1e-4, 1e-3), betas=(0.5, 0.999))        # G learns ten times faster than D
STRONG_D = dict(loss="minimax", d_steps=5, lr=(1e-3, 1e-4))  # D ten times faster, 5 steps each

# failure: the setting that causes it, its steps, and the remedies tried on it (lesson 10's
# table names the failure each remedy answers); "signature": the numbers that give the failure
# away (keys of watch's dict), and the values a run must reach to count as fixed.
FIXES = {
    "mode collapse": dict(
        setting=TIPPED, steps=2000, signature=[("busiest", "<=", 0.25)],
        remedies={"packing (PacGAN2)": dict(pack=2),
                  "minibatch std-dev": dict(minibatch_std=True)}),
    "vanishing gradients": dict(
        setting=STRONG_D, steps=600, signature=[("off_ring", "<=", 0.1)],
        remedies={"non-saturating loss": dict(loss="non-saturating")}),
    "oscillation": dict(
        setting=TIPPED, steps=2000, signature=[("movement", "<=", 0.15), ("off_ring", "<=", 0.1)],
        remedies={"TTUR (D 1e-3, G 2.5e-4)": dict(lr=(1e-3, 2.5e-4)),
                  "averaging G's weights (EMA 0.999)": dict(ema=0.999)}),
    "D overpowers G": dict(
        setting=STRONG_D, steps=600, signature=[("d_fake", ">=", 0.1)],
        remedies={"instance noise 0.1": dict(instance_noise=0.1),
                  "one-sided label smoothing 0.1": dict(label_smoothing=0.1)}),
}

# failure 5: a grid of learning rates (D and G alike) by D steps per G step, and the set-up
# that held over most of it (benchmarks/README.md, "Each failure of lesson 09, fixed"): R1 on
# D (gamma 0.1), G sampled from an average of its weights (EMA 0.99) and Adam without momentum
# (beta1 0). At 1e-2 no set-up tried held: one Adam step moves a weight by about 18% of its size.
SWEEP_LRS, SWEEP_D_STEPS = (1e-4, 1e-3, 1e-2), (1, 3, 5)
SWEEP_FIX = dict(r1=0.1, ema=0.99, betas=(0.0, 0.99))


def is_fixed(failure, row):
    """Whether ``row`` (from ``watch``) passes every test of ``failure``'s signature in
    ``FIXES``: the run no longer shows the failure."""
    if failure not in FIXES:
        raise unknown_name("failure", failure, FIXES)
    return all(row[key] <= limit if op == "<=" else row[key] >= limit
               for key, op, limit in FIXES[failure]["signature"])


def signature_text(failure):
    """The signature of ``failure`` as words: "busiest <= 0.25"."""
    return " and ".join(f"{key} {op} {limit:g}" for key, op, limit in FIXES[failure]["signature"])


SETTING = "the setting"   # the arm of ``watch_fixes`` with no remedy


def _train(gan, data, steps, callbacks=()):
    """``steps`` generator steps of ``gan`` on ``data``, 100 points a batch."""
    gan.fit(data, batch_size=100, epochs=1 + steps * 100 // len(data), verbose=0, shuffle=True,
            callbacks=[StepBudget(steps), *callbacks])


def watch(options, seed=0, steps=2000, every=100, data=None):
    """Train ``toy_gan(seed, "ring8", **options)`` for ``steps`` generator steps on the ring
    (``data``: its points; 100,000 drawn with ``seed`` by default), measuring every ``every``
    steps, and return a dict of the numbers of lesson 09's table:

    ``modes`` and ``quality`` (%, PacGAN's rules) at the end; ``busiest``, the share of
    samples nearest the busiest mode (1/8 for an even spread, 1 for one clump); ``hops``, how
    often the busiest mode changed over the second half; ``movement``, how far the same
    noise's samples moved between two measurements over the second half (mean distance: a
    converged G stays put); ``off_ring``, the samples' median distance from the ring;
    ``d_real`` and ``d_fake``, D's mean outputs over the last quarter of the steps; and
    ``samples`` (500 points, to draw), ``steps`` (G's updates) and ``gan``, the trained GAN.
    A run whose losses turn to NaN returns ``None``."""
    data = load("ring8", n=100_000, seed=seed) if data is None else data
    seed_everything(seed)
    gan = toy_gan(seed, "ring8", **{"steps_per_execution": 20, **options})
    counter, log = ModeCounter("ring8", every, seed=seed), StepLog()
    try:
        _train(gan, data, steps, [counter, log])
    except (TrainingDivergedError, BadInputError):
        return None
    shares, samples = np.array(counter.shares), np.array(counter.samples)
    half = min(len(shares) // 2, len(shares) - 2)   # two measurements at least
    points = gan.generate(2500, seed=seed)
    quarter = max(1, len(log.history["d_real"]) // 4)
    return {"modes": counter.modes[-1], "quality": counter.quality[-1],
            "busiest": float(shares[-1].max()),
            "hops": int(np.count_nonzero(np.diff(shares[half:].argmax(1)))),
            "movement": float(np.linalg.norm(np.diff(samples[half:], axis=0), axis=-1).mean()),
            "off_ring": float(np.median(np.abs(np.linalg.norm(points, axis=1) - 1))),
            "d_real": float(np.mean(log.history["d_real"][-quarter:])),
            "d_fake": float(np.mean(log.history["d_fake"][-quarter:])),
            "samples": points[:500], "steps": counter.steps[-1], "gan": gan}


def watch_fixes(seeds=(0, 1, 2), steps=None):
    """Every failure of ``FIXES`` in its setting (the arm ``SETTING``) and with each of its
    remedies, on each seed: ``{failure: {arm: [watch(...) per seed]}}``, runs that turned to
    NaN left out. Two failures share each setting, which is trained once. ``steps``, if
    given, replaces each failure's number of steps (a smoke run)."""
    runs, watched = {}, {}
    for failure, spec in FIXES.items():
        watched[failure] = {}
        for arm, remedy in {SETTING: {}, **spec["remedies"]}.items():
            options = {**spec["setting"], **remedy}
            n = steps or spec["steps"]
            key = repr((sorted(options.items()), n))
            if key not in runs:
                runs[key] = [watch(options, seed, n) for seed in seeds]
            watched[failure][arm] = [r for r in runs[key] if r is not None]
    return watched


def sweep(options=None, seed=0, steps=400, lrs=SWEEP_LRS, d_steps=SWEEP_D_STEPS, data=None):
    """Failure 5's grid: ``toy_gan(seed, "ring8", lr=(lr, lr), d_steps=k, **options)`` for
    each learning rate (rows) and number of D steps per G step (columns), ``steps``
    generator steps each. Returns (modes, % high quality), two arrays of shape
    (len(lrs), len(d_steps)); a run that turns to NaN counts as 0 modes."""
    data = load("ring8", n=100_000, seed=seed) if data is None else data
    modes, quality = np.zeros((len(lrs), len(d_steps))), np.zeros((len(lrs), len(d_steps)))
    for i, lr in enumerate(lrs):
        for j, k in enumerate(d_steps):
            seed_everything(seed)
            gan = toy_gan(seed, "ring8", **{"steps_per_execution": 20, **(options or {}),
                                            "lr": (lr, lr), "d_steps": k})
            try:
                _train(gan, data, steps)
                stats = mode_stats(gan.generate(2500, seed=seed), "ring8")
            except (TrainingDivergedError, BadInputError):
                continue
            modes[i, j], quality[i, j] = stats["modes"], 100 * stats["high_quality"]
    return modes, quality
