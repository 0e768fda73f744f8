"""WGAN-GP on the ring of 8 Gaussians: the search for a ``wgan-gp-ring8`` recipe.

    python benchmarks/wgan_gp_ring.py --steps 2000 --lr 1e-3 1e-4 --decay-from 0.5
    python benchmarks/wgan_gp_ring.py --steps 1000 --lr 1e-4 1e-4 --no-decay   # the paper's rate
    python benchmarks/wgan_gp_ring.py --steps 5000 --lr 1e-3 1e-4 --gp 1       # wgan-gp-ring8
    python benchmarks/wgan_gp_ring.py --steps 5000 --clip 0.01 --rmsprop --lr 5e-5 5e-5 --no-decay

WGAN-GP at its paper's settings (Gulrajani et al. 2017: the Wasserstein loss, lambda 10 at
points drawn uniformly between real and fake, 5 critic steps per G step, Adam betas (0, 0.9))
on best-ring8's networks (G with a discrete choice of 64, three 128-unit layers; a critic of
three 256-unit layers, no batch statistics), batch 256, with the rates ``--lr`` (critic, G)
falling linearly from ``--decay-from`` of the steps to ``--decay-to`` times their value.
``--clip C`` (with ``--rmsprop``) trains WGAN with weight clipping instead, the penalty off.
Prints modes, % high quality and the spread per seed, counted as PacGAN counts (2,500
samples of G's own), and the same for G in training mode (batch statistics). A script
that prints figures, not a test.
"""
import numpy as np

import harness


def main():
    p = harness.parser(__doc__, steps=2000)
    p.add_argument("--lr", type=float, nargs=2, default=(1e-4, 1e-4), metavar=("CRITIC", "G"))
    p.add_argument("--decay-from", type=float, default=0.5)
    p.add_argument("--decay-to", type=float, default=0.0)
    p.add_argument("--no-decay", action="store_true")
    p.add_argument("--no-g-batch-norm", action="store_true")
    p.add_argument("--gp", type=float, default=10.0, help="lambda (default: the paper's 10)")
    p.add_argument("--betas", type=float, nargs=2, default=(0.0, 0.9))
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--clip", type=float, default=None,
                   help="WGAN's weight clipping at this value instead of the penalty")
    p.add_argument("--rmsprop", action="store_true", help="RMSprop, as WGAN with clipping used")
    args = harness.parse(p)
    from keras import ops

    import gankit
    from gankit.recipes import WGAN_GP_TOY, toy_gan

    # the recipe's settings (its networks, 5 critic steps, XLA), with the options asked for
    options = {**WGAN_GP_TOY, "gradient_penalty": 0.0 if args.clip else args.gp,
               "clip_weights": args.clip, "optimizer": "rmsprop" if args.rmsprop else "adam",
               "lr": tuple(args.lr), "betas": tuple(args.betas),
               "g_batch_norm": not args.no_g_batch_norm}
    recipe = harness.variant("best-ring8", name="wgan-gp-ring8 (search)", batch_size=args.batch,
                             decay_from=None if args.no_decay else args.decay_from,
                             decay_to=args.decay_to, r1=None, steps=args.steps,
                             build=lambda s: toy_gan(s, "ring8", "wgan-gp-ring8", **options))
    print(harness.machine(args), flush=True)
    table = harness.Table("seed", "steps", "seconds", "modes", "% high quality", "spread",
                          "G in training mode: modes / % / spread",
                          "critic's slope at real / at G's points (median)",
                          "critic's estimate of W1 / exact W1",
                          title=f"WGAN on ring8, rates {args.lr[0]:g} / {args.lr[1]:g}, "
                          + (f"clipping at {args.clip:g}" if args.clip else f"lambda {args.gp:g}")
                          + (", RMSprop" if args.rmsprop else
                             f", Adam betas {args.betas[0]:g} / {args.betas[1]:g}")
                          + f", batch {args.batch}")
    for seed in args.seeds:
        gan, report = harness.train(recipe, seed)
        s = harness.mode_scores(gan.generate(2500, seed=seed), "ring8")
        # G with batch statistics (batches of 256), as it trains: is a cloud G's own, or
        # batch norm's moving averages at sampling time?
        z = gan.noise(2560)
        trained = np.concatenate([ops.convert_to_numpy(gan.generator(z[i:i + 256], training=True))
                                  for i in range(0, 2560, 256)])[:2500]
        t = harness.mode_scores(trained, "ring8")
        # the slope G's samples follow: the penalty holds it near 1 between real and fake
        real = gankit.data.load("ring8", n=2500, seed=seed + 1)
        slopes = [float(np.median(np.linalg.norm(ops.convert_to_numpy(
            gan.d_slopes(ops.convert_to_tensor(x, "float32"), None)), axis=-1)))
            for x in (real, gan.generate(2500, seed=seed))]
        # does the critic see how far G is? Its E f(real) - E f(fake) against the exact W1
        fake = gan.generate(1000, seed=seed)
        estimate = float(gan.scores(real[:1000]).mean() - gan.scores(fake).mean())
        exact = gankit.metrics.wasserstein_1(fake, real[:1000])
        table.row(seed, f"{report['steps']:,}", f"{report['wall_seconds']:.0f}", s["modes"],
                  f"{s['hq']:.1f}", f"{s['spread']:.2f}",
                  f"{t['modes']} / {t['hq']:.1f} / {t['spread']:.2f}",
                  f"{slopes[0]:.2f} / {slopes[1]:.2f}", f"{estimate:.3f} / {exact:.3f}")


if __name__ == "__main__":
    main()
