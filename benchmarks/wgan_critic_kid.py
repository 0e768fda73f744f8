"""WGAN-GP on Fashion-MNIST: does the critic's estimate of the distance fall as KID falls?

    python benchmarks/wgan_critic_kid.py --minutes 5 --seeds 0 1 2
    python benchmarks/wgan_critic_kid.py --minutes 5 --steps 100000 --lr 4e-4 1e-4
    python benchmarks/wgan_critic_kid.py --minutes 150 --steps 12000 --every 500 \
        --clip 0.01 --lr 5e-5 5e-5 --json clip.json   # WGAN with clipping, its paper's settings

The WGAN paper's claim (Arjovsky et al. 2017, section 4.2): the critic's loss correlates with
sample quality. Here on the ``wgan-gp-fashion`` recipe (``dcgan-fashion``'s lean DCGAN, a
critic with layer norm; WGAN-GP at its paper's settings: 5 critic steps, Adam betas (0, 0.9),
penalty ``--gp`` at points drawn uniformly between real and fake; rates ``--lr``, critic then
G), trained for its own steps (or ``--steps``), ``--minutes`` capping the time. Every
``--every`` steps it records the critic's estimate E f(x) - E f(G(z)) on 1,000 test images it
never trained on (gankit.callbacks.CriticGap) and KID of 1,000 samples (gankit.KIDMonitor),
prints both, and the Pearson correlation over the checkpoints after step 0 (an untrained
critic's estimate means nothing). ``--json FILE`` writes each seed's checkpoints to FILE, and
36 of its final samples to FILE with ``.npz`` for ``.json`` (each row names its samples' key);
``--readme FILE...`` prints benchmarks/README.md's rows from such files. ``--clip C`` trains
WGAN with weight clipping instead (Arjovsky et al. 2017: the critic's weights clipped to
[-C, C] after each update, RMSprop, 5 critic steps, no penalty; the critic with batch norm, as
the paper's DCGAN critic). A script that prints figures, not a test.
"""
import numpy as np

import harness


def readme_rows(rows):
    """benchmarks/README.md's rows for --json rows: recipe (and clip), seed, steps (seconds),
    KID at step 1,000 and at the end, the critic's estimate at the end, and r."""
    lines = []
    for r in rows:
        step, estimate, kid = np.array(r["checkpoints"]).T
        recipe = r["recipe"] + (f", clip {r['clip']:g}" if r["clip"] else "")
        at_1000 = f"{kid[step == 1000][0]:.3f}" if 1000 in step else "-"
        lines.append(f"| {recipe} | {r['seed']} | {r['steps']:,} ({r['seconds']:,} s) | "
                     f"{at_1000} | {kid[-1]:.3f} | {estimate[-1]:.3f} | "
                     f"{r['r']:.2f} |")
    return "\n".join(lines)


def main():
    p = harness.parser(__doc__, threads=True, json=True)
    p.add_argument("--minutes", type=float, default=5.0)
    p.add_argument("--lr", type=float, nargs=2, default=(1e-4, 1e-4), metavar=("CRITIC", "G"))
    p.add_argument("--gp", type=float, default=10.0, help="lambda (default: the paper's 10)")
    p.add_argument("--every", type=int, default=100)
    p.add_argument("--out", metavar="DIR", help="save each seed's GAN there (.keras)")
    p.add_argument("--clip", type=float, default=None,
                   help="WGAN with weight clipping at this value (RMSprop), no penalty")
    p.add_argument("--readme", nargs="+", metavar="JSON",
                   help="only print benchmarks/README.md's rows from these --json files")
    args = harness.parse(p)
    if args.readme:
        import json
        rows = [r for f in args.readme for r in json.load(open(f, encoding="utf-8"))]
        return print(readme_rows(rows))
    import gankit
    from gankit.recipes import fashion_gan, wgan_gp_fashion

    def build(seed):
        if args.clip:
            return fashion_gan(seed, name="wgan-fashion", loss="wasserstein", d_steps=5,
                               clip_weights=args.clip, optimizer="rmsprop", lr=tuple(args.lr),
                               jit_compile=True)
        return wgan_gp_fashion(seed, lr=tuple(args.lr), gradient_penalty=args.gp)

    recipe = harness.variant("wgan-gp-fashion", build=build,
                             **({} if args.steps is None else {"steps": args.steps}))
    held_out = gankit.metrics.real_images("fashion-mnist", "test")[0][:1000]
    print(harness.machine(args), flush=True)
    rows, samples = [], {}
    for seed in args.seeds:
        gap = gankit.callbacks.CriticGap(held_out, every=args.every, seed=seed)
        kid = gankit.KIDMonitor(every=args.every, n=1000, seed=seed)
        name = "wgan-fashion" if args.clip else "wgan-gp-fashion"
        out = f"{args.out}/{name}-seed{seed}.keras" if args.out else None
        gan, report = harness.train(recipe, seed, minutes=args.minutes, callbacks=[gap, kid],
                                    out=out)
        table = harness.Table("step", "critic's estimate", "KID",
                              title=f"seed {seed}: "
                                    + (f"WGAN, clipping at {args.clip:g}" if args.clip else
                                       f"WGAN-GP, lambda {args.gp:g}")
                                    + f", rates {args.lr[0]:g} / {args.lr[1]:g}, "
                                    f"{report['steps']:,} steps in {report['seconds']:.0f} s")
        for (step, estimate), (_, k, _) in zip(gap.history, kid.history):
            table.row(f"{step:,}", f"{estimate:.3f}", f"{k:.4f}")
        est = np.array([e for _, e in gap.history])[1:]
        kids = np.array([k for _, k, _ in kid.history])[1:]
        print(f"seed {seed}: Pearson r between the critic's estimate and KID after step 0: "
              f"{np.corrcoef(est, kids)[0, 1]:.2f}; last KID {kids[-1]:.4f}", flush=True)
        key = f"{name}-clip{args.clip:g}-seed{seed}" if args.clip else f"{name}-seed{seed}"
        rows.append({"recipe": name, "seed": seed, "lr": args.lr, "clip": args.clip,
                     "gp": None if args.clip else args.gp, "steps": report["steps"],
                     "seconds": round(report["seconds"]), "r": np.corrcoef(est, kids)[0, 1],
                     "checkpoints": [[step, e, k] for (step, e), (_, k, _)
                                     in zip(gap.history, kid.history)], "samples": key})
        samples[key] = gankit.to_pixels(gan.generate(36, seed=seed))
    harness.write_json(args.json, rows)
    if args.json:
        np.savez_compressed(args.json.removesuffix(".json") + ".npz", **samples)


if __name__ == "__main__":
    main()
