"""DVD-GAN on bouncing sprites at a fixed number of steps: motion and frame quality.

Trains `video.dvdgan` with each setting asked for, for the same number of generator steps
(steps, not seconds, so a busy machine does not change the numbers), and prints lesson 16's
table: the sprites' mean speed and acceleration, the acceleration relative to the speed
(which a slow sprite cannot win), the share of smooth frame triples, the distance between
the acceleration distributions of generated and real clips, and the frame KID, next to
real clips.

    python benchmarks/video.py --steps 240 --pool 2 1      # the temporal critic at half / full resolution
    python benchmarks/video.py --steps 240 --temporal-weight 1 0
    python benchmarks/video.py --steps 240 --g 2+1d 3d        # the generator's layers

The seconds per step are printed too: they depend on the machine and on what else it runs.
"""
import argparse
import time

import gankit
from gankit import video


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=240, help="generator steps per model")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--pool", type=int, nargs="+", default=[2],
                   help="the temporal critic's pooling of each frame (2: half resolution)")
    p.add_argument("--temporal-weight", type=float, nargs="+", default=[1.0])
    p.add_argument("--g", nargs="+", default=["2+1d"], choices=video.GENERATOR_KINDS,
                   help="clip_generator's kind")
    p.add_argument("--n", type=int, default=500, help="clips scored")
    args = p.parse_args(argv)

    clips = gankit.bouncing_sprites(8192, frames=8, size=16, seed=args.seed)
    real = gankit.bouncing_sprites(args.n, frames=8, size=16, seed=args.seed + 1)
    rows = {}
    for kind in args.g:
        for pool in args.pool:
            for weight in args.temporal_weight:
                gan = video.dvdgan(temporal_weight=weight, temporal_pool=pool, g_kind=kind,
                                   seed=args.seed)
                gan.fit(clips[:640], batch_size=64, verbose=0)  # 10 steps: compile, warm up
                start = time.perf_counter()
                gan.fit(clips, batch_size=64, epochs=1_000_000, shuffle=True, verbose=0,
                        callbacks=[gankit.StepBudget(args.steps - 10)])
                per_step = (time.perf_counter() - start) / (args.steps - 10)
                fakes = gan.generate(args.n, seed=args.seed + 2)
                name = f"G {kind}, pool {pool}, weight {weight:g}"
                rows[name] = {**gankit.motion_stats(fakes, reference=real),
                              "frame KID": video.frame_kid(fakes, clips), "s": per_step}
                print(f"{name}: {args.steps} steps, {per_step:.2f} s per step after the "
                      "first 10", flush=True)
    rows["real clips"] = {**gankit.motion_stats(real, reference=real),
                          "frame KID": video.frame_kid(real, clips), "s": 0.0}
    print(f"\nseed {args.seed}, {args.steps} steps, {args.n} clips")
    print(f"{'':<30}{'speed':>7}{'accel.':>8}{'acc./speed':>11}{'smooth':>8}{'acc. dist.':>11}"
          f"{'frame KID':>11}")
    for name, r in rows.items():
        print(f"{name:<30}{r['speed']:>7.2f}{r['acceleration']:>8.2f}"
              f"{r['relative_acceleration']:>11.2f}{r['smooth_share']:>8.0%}"
              f"{r['acc_distance']:>11.2f}{r['frame KID']:>11.4f}")


if __name__ == "__main__":
    main()
