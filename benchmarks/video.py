"""DVD-GAN on bouncing sprites at a fixed number of steps: motion and frame quality.

Trains `video.dvdgan` with each setting asked for, for the same number of generator steps
(steps, not seconds, so a busy machine does not change the numbers), and prints lesson 16's
table: the sprites' mean speed and acceleration, the acceleration relative to the speed
(which a slow sprite cannot win), the share of smooth frame triples, the distance between
the acceleration distributions of generated and real clips, the frame KID, and the
number of empty frames (`video.empty_frames`: frames with no sprite) among the n clips'
frames, next to real clips.

    python benchmarks/video.py --steps 240 --pool 2 1   # the temporal critic at half / full size
    python benchmarks/video.py --steps 240 --temporal-weight 1 0
    python benchmarks/video.py --steps 240 --g 2+1d 3d        # the generator's layers
    python benchmarks/video.py --steps 1500 --temporal-weight 1 0 --seed 1
    python benchmarks/video.py --steps 700 --at 400 --temporal-weight 0 --g zero-padded 2+1d
    python benchmarks/video.py --steps 3000 --at 1500 --temporal-weight 1 0 --save lessons/results
    python benchmarks/video.py --score dvdgan.keras   # after python -m gankit train dvdgan-sprites

``--g zero-padded`` is the 2+1d generator as it was until 2026-12-06, its time mixes
padded with zeros; ``--at`` also prints, at those steps, the share of clips whose frame t
is empty, for each t (and, with ``--save``, its motion figures). ``--save DIR`` keeps each
generator at each of those steps and at the end, as ``DIR/dvdgan-wW-seedS-Nsteps.keras``
(the generators that lesson 16 reads).

The seconds per step are printed too: they depend on the machine and on what else it runs.
"""
import argparse
import time

import keras
import numpy as np
from keras import layers

import gankit
from gankit import video


def zero_padded_generator(latent_dim=32, frames=8, size=16, filters=64):
    """video.clip_generator's 2+1d kind before 2026-12-06: its two (3, 1, 1) time mixes
    padded with zeros ("same"), so the first and last frames were made unlike the others."""
    per_frame = layers.TimeDistributed
    return keras.Sequential([
        keras.Input((latent_dim,)),
        layers.Dense((frames // 2) * (size // 4) ** 2 * filters, use_bias=False),
        layers.BatchNormalization(), layers.ReLU(),
        layers.Reshape((frames // 2, size // 4, size // 4, filters)),
        layers.UpSampling3D((2, 1, 1)),
        layers.Conv3D(filters, (3, 1, 1), padding="same", use_bias=False),
        layers.BatchNormalization(), layers.ReLU(),
        per_frame(layers.Conv2DTranspose(filters // 2, 4, strides=2, padding="same",
                                         use_bias=False)),
        layers.Conv3D(filters // 2, (3, 1, 1), padding="same", use_bias=False),
        layers.BatchNormalization(), layers.ReLU(),
        per_frame(layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh")),
    ], name="zero_padded_generator")


def make(kind, weight, pool, seed):
    """video.dvdgan, or the same model around the zero-padded generator."""
    gan = video.dvdgan(temporal_weight=weight, temporal_pool=pool,
                       g_kind="2+1d" if kind == "zero-padded" else kind, seed=seed)
    if kind != "zero-padded":
        return gan
    keras.utils.set_random_seed(seed)
    old = video.DVDGAN(zero_padded_generator(), gan.spatial_d, gan.temporal_d,
                       temporal_weight=weight, seed=seed)
    old.compile(keras.optimizers.Adam(6e-4, beta_1=0.5), keras.optimizers.Adam(6e-4, beta_1=0.5),
                jit_compile="auto")  # as video.dvdgan compiles
    return old


def saved_name(folder, weight, seed, steps):
    """Where ``--save`` keeps a model: lesson 16 reads these names."""
    return f"{folder}/dvdgan-w{weight:g}-seed{seed}-{steps}steps.keras"


def score(gan, clips, real, seed):
    """Print a saved model's motion figures and frame KID over as many clips as ``real``
    (drawn with seed + 2, as after training), and its empty frames in 2,000 clips drawn with
    seed + 2 and with seed + 7."""
    fakes = gan.generate(len(real), seed=seed + 2)
    m = gankit.motion_stats(fakes, reference=real)
    print(f"{len(real)} clips: " + ", ".join(f"{k} {v:.3f}" for k, v in m.items())
          + f", frame KID {video.frame_kid(fakes, clips):.4f}")
    for s in (seed + 2, seed + 7):
        empty = video.empty_frames(gan.generate(2000, seed=s))
        print(f"2,000 clips drawn with seed {s}: {int(round(empty.sum() * 2000))} of "
              f"{2000 * len(empty):,} frames empty")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=240, help="generator steps per model")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--pool", type=int, nargs="+", default=[2],
                   help="the temporal critic's pooling of each frame (2: half resolution)")
    p.add_argument("--temporal-weight", type=float, nargs="+", default=[1.0])
    p.add_argument("--g", nargs="+", default=["2+1d"],
                   choices=video.GENERATOR_KINDS + ("zero-padded",),
                   help="clip_generator's kind, or the zero-padded 2+1d G of before")
    p.add_argument("--n", type=int, default=500, help="clips scored")
    p.add_argument("--at", type=int, nargs="*", default=[],
                   help="earlier steps at which to print the empty frames, frame by frame (the "
                        "seconds per step then include these checks)")
    p.add_argument("--save", metavar="DIR", help="keep each generator at --at and at the end")
    p.add_argument("--score", metavar="MODEL", help="train nothing: score a saved DVD-GAN, e.g. "
                   "python -m gankit train dvdgan-sprites --out MODEL")
    args = p.parse_args(argv)
    if args.save and args.g != ["2+1d"]:
        p.error("--save keeps video.dvdgan's models: use it with --g 2+1d")

    clips = gankit.bouncing_sprites(8192, frames=8, size=16, seed=args.seed)
    real = gankit.bouncing_sprites(args.n, frames=8, size=16, seed=args.seed + 1)
    if args.score:
        score(keras.saving.load_model(args.score), clips, real, args.seed)
        return
    rows = {}
    for kind in args.g:
        for pool in args.pool:
            for weight in args.temporal_weight:
                name = f"G {kind}, pool {pool}, weight {weight:g}"
                gan = make(kind, weight, pool, args.seed)
                gan.fit(clips[:640], batch_size=64, verbose=0)  # 10 steps: compile, warm up
                start, done = time.perf_counter(), 10
                for at in sorted(set(args.at) | {args.steps}):
                    gan.fit(clips, batch_size=64, epochs=1_000_000, shuffle=True, verbose=0,
                            callbacks=[gankit.StepBudget(at - done)])
                    done = at
                    if at != args.steps:
                        early = gan.generate(args.n, seed=args.seed + 2)
                        empty = video.empty_frames(early)
                        print(f"{name}, {at} steps: share of clips with frame t empty, t = 1.."
                              f"{len(empty)}: {np.round(empty, 3).tolist()}", flush=True)
                        if args.save:
                            gan.generator.save(saved_name(args.save, weight, args.seed, at))
                            m = gankit.motion_stats(early, reference=real)
                            print(f"{name}, {at} steps: " + ", ".join(
                                f"{k} {v:.3f}" for k, v in m.items()), flush=True)
                per_step = (time.perf_counter() - start) / (args.steps - 10)
                fakes = gan.generate(args.n, seed=args.seed + 2)
                empty = video.empty_frames(fakes)
                print(f"{name}, {args.steps} steps: share of clips with frame t empty: "
                      f"{np.round(empty, 3).tolist()}", flush=True)
                rows[name] = {**gankit.motion_stats(fakes, reference=real),
                              "frame KID": video.frame_kid(fakes, clips), "s": per_step,
                              "empty": int(round(empty.sum() * args.n))}
                print(f"{name}: {args.steps} steps, {per_step:.2f} s per step after the "
                      "first 10", flush=True)
                if args.save:
                    gan.generator.save(saved_name(args.save, weight, args.seed, args.steps))
    rows["real clips"] = {**gankit.motion_stats(real, reference=real),
                          "frame KID": video.frame_kid(real, clips), "s": 0.0,
                          "empty": int(round(video.empty_frames(real).sum() * args.n))}
    print(f"\nseed {args.seed}, {args.steps} steps, {args.n} clips")
    print(f"{'':<30}{'speed':>7}{'accel.':>8}{'acc./speed':>11}{'smooth':>8}{'acc. dist.':>11}"
          f"{'frame KID':>11}{'empty frames':>13}")
    for name, r in rows.items():
        print(f"{name:<30}{r['speed']:>7.2f}{r['acceleration']:>8.2f}"
              f"{r['relative_acceleration']:>11.2f}{r['smooth_share']:>8.0%}"
              f"{r['acc_distance']:>11.2f}{r['frame KID']:>11.4f}{r['empty']:>13,}")


if __name__ == "__main__":
    main()
