"""DVD-GAN on bouncing sprites at a fixed number of steps: motion and frame quality.

Trains `video.dvdgan` with each setting asked for, for the same number of generator steps
(steps, not seconds, so a busy machine does not change the numbers), and prints lesson 14's
table: the sprites' mean speed and acceleration, the share of smooth frame triples, the
distance between the acceleration distributions of generated and real clips, and the
frame KID, next to real clips.

    python benchmarks/video.py --steps 240 --pool 2 1      # the temporal critic at half / full resolution
    python benchmarks/video.py --steps 240 --temporal-weight 1 0
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
    p.add_argument("--n", type=int, default=500, help="clips scored")
    args = p.parse_args(argv)

    clips = gankit.bouncing_sprites(8192, frames=8, size=16, seed=args.seed)
    real = gankit.bouncing_sprites(args.n, frames=8, size=16, seed=args.seed + 1)
    rows = {}
    for pool in args.pool:
        for weight in args.temporal_weight:
            start = time.perf_counter()
            gan = video.dvdgan(temporal_weight=weight, temporal_pool=pool, seed=args.seed)
            gan.fit(clips, batch_size=64, epochs=1_000_000, shuffle=True, verbose=0,
                    callbacks=[gankit.StepBudget(args.steps)])
            took = time.perf_counter() - start
            fakes = gan.generate(args.n, seed=args.seed + 2)
            name = f"pool {pool}, temporal weight {weight:g}"
            rows[name] = {**gankit.motion_stats(fakes, reference=real),
                          "frame KID": video.frame_kid(fakes, clips), "s": took}
            print(f"{name}: {args.steps} steps in {took:.0f} s", flush=True)
    rows["real clips"] = {**gankit.motion_stats(real, reference=real),
                          "frame KID": video.frame_kid(real, clips), "s": 0.0}
    print(f"\nseed {args.seed}, {args.steps} steps, {args.n} clips")
    print(f"{'':<30}{'speed':>7}{'accel.':>8}{'smooth':>8}{'acc. dist.':>11}{'frame KID':>11}")
    for name, r in rows.items():
        print(f"{name:<30}{r['speed']:>7.2f}{r['acceleration']:>8.2f}{r['smooth_share']:>8.0%}"
              f"{r['acc_distance']:>11.2f}{r['frame KID']:>11.4f}")


if __name__ == "__main__":
    main()
