"""Each failure of lesson 09, then the remedies made for it, in the same setting, over seeds.

    python benchmarks/failures_fixed.py --seeds 0 1 2
    python benchmarks/failures_fixed.py --seeds 0 1 2 --sweep-steps 1000 --json FILE
    python benchmarks/failures_fixed.py --only-sweep --sweep-fix '{"r1": 0.1}'   # another set-up

For each failure of ``gankit.failures.FIXES`` (mode collapse, vanishing gradients,
oscillation, D overpowers G) the setting that caused it in lesson 09 and each remedy on top
of it, trained by ``gankit.failures.watch`` on the ring of 8 for the setting's generator
steps: the numbers of lesson 09's table, mean +- standard error over seeds, and on how many
seeds the failure's signature passed (``gankit.failures.is_fixed``). Then failure 5: the
grid of learning rates by D steps per G step (``gankit.failures.sweep``), as lesson 09 runs
it and with ``SWEEP_FIX`` on top: each cell's modes and % high quality, averaged over seeds,
and the worst cell over seeds. A script that prints figures, not a test; the figures count
steps, not seconds, so a busy machine changes only the time.
"""
import json
import time

import numpy as np

import harness

COLUMNS = (("modes", ".1f"), ("quality", ".1f"), ("busiest", ".2f"), ("hops", ".1f"),
           ("movement", ".3f"), ("off_ring", ".3f"), ("d_real", ".2f"), ("d_fake", ".3f"))


def fixes_tables(args, watched, out):
    from gankit import failures

    for failure, arms in watched.items():
        spec = failures.FIXES[failure]
        table = harness.Table(
            "run", *(name for name, _ in COLUMNS), f"fixed: {failures.signature_text(failure)}",
            title=f"{failure}: {spec['steps']:,} generator steps, mean +- s.e. over seeds "
                  f"{args.seeds}; setting {spec['setting']}")
        for arm, runs in arms.items():
            passed = sum(failures.is_fixed(failure, r) for r in runs)
            name = "the setting (lesson 09)" if arm == failures.SETTING else arm
            table.row(name, *(harness.mean_se([r[key] for r in runs], fmt) for key, fmt in COLUMNS),
                      f"{passed} of {len(args.seeds)}")
            out.append({"failure": failure, "run": name, "options": spec["remedies"].get(arm, {}),
                        "fixed": passed, "seeds": args.seeds,
                        **{key: [float(np.mean([r[key] for r in runs])),
                                 float(np.std([r[key] for r in runs], ddof=1) / np.sqrt(len(runs)))
                                 if len(runs) > 1 else float("nan")]
                           for key, _ in COLUMNS}})


def minibatch_std_probe(args, watched):
    """Why minibatch std-dev leaves the tipped run collapsed: at the end of each seed's run,
    the feature it gives D (the batch's mean standard deviation of D's last hidden layer) on
    100 real points and on 100 of G's, D's weight on it, and what it adds to D's logit."""
    import keras

    import gankit
    from gankit import failures

    table = harness.Table("seed", "busiest", "feature, real batch", "feature, G's batch",
                          "D's weight on it", "logit gap it makes",
                          title="minibatch std-dev on the tipped ring GAN, at the end of "
                                f"{failures.FIXES['mode collapse']['steps']:,} steps")
    for seed, row in zip(args.seeds, watched["mode collapse"]["minibatch std-dev"]):
        d = row["gan"].discriminator
        layer = next(l for l in d.layers if isinstance(l, gankit.models.MinibatchStdDev))
        feature = keras.Model(d.input, layer.output)
        real = gankit.load("ring8", n=100, seed=seed + 1)
        fake = row["gan"].generate(100, seed=seed)
        on_real, on_fake = (float(keras.ops.convert_to_numpy(feature(v))[0, -1])
                            for v in (real, fake))
        weight = float(keras.ops.convert_to_numpy(d.layers[-1].kernel)[-1, 0])
        table.row(seed, f"{row['busiest']:.2f}", f"{on_real:.3f}", f"{on_fake:.3f}",
                  f"{weight:.2f}", f"{weight * (on_real - on_fake):.3f}")


def sweep_table(args, out):
    from gankit import failures

    fix = json.loads(args.sweep_fix) if args.sweep_fix else failures.SWEEP_FIX
    name = "with SWEEP_FIX" if fix == failures.SWEEP_FIX else "with --sweep-fix"
    for arm, options in (("the sweep of lesson 09", {}), (name, fix)):
        start = time.perf_counter()
        grids = [failures.sweep(options, seed, args.sweep_steps) for seed in args.seeds]
        modes, quality = np.array([g[0] for g in grids]), np.array([g[1] for g in grids])
        print(f"\n{arm} {options}: {args.sweep_steps} generator steps per cell, seeds "
              f"{args.seeds}, {time.perf_counter() - start:.0f} s; rows: learning rates "
              f"{failures.SWEEP_LRS}, columns: D steps {failures.SWEEP_D_STEPS}")
        for name, grid in (("modes, mean", modes.mean(0)), ("modes, worst seed", modes.min(0)),
                           ("% high quality, mean", quality.mean(0))):
            print(f"  {name}:", " | ".join(" ".join(f"{v:5.1f}" for v in row) for row in grid))
        out.append({"sweep": arm, "options": options, "steps": args.sweep_steps,
                    "seeds": args.seeds, "modes": modes.tolist(), "quality": quality.tolist()})


def main():
    p = harness.parser(__doc__, seeds=(0, 1, 2), steps=None, threads=True, json=True)
    p.add_argument("--sweep-steps", type=int, default=400,
                   help="generator steps per cell of failure 5's grid (lesson 09: 400)")
    p.add_argument("--sweep-fix", metavar="JSON",
                   help='another set-up to try on the grid, toy_gan keywords: \'{"r1": 1.0}\'')
    p.add_argument("--skip-sweep", action="store_true")
    p.add_argument("--only-sweep", action="store_true")
    args = harness.parse(p)
    print(harness.machine(args))
    out = []
    if not args.only_sweep:
        from gankit import failures

        watched = failures.watch_fixes(args.seeds)   # each shared setting trained once
        fixes_tables(args, watched, out)
        minibatch_std_probe(args, watched)
    if not args.skip_sweep:
        sweep_table(args, out)
    harness.write_json(args.json, out)


if __name__ == "__main__":
    main()
