"""How smooth the live widgets are on this machine: steps and frames per second.

    python benchmarks/playground_speed.py [--seconds 10] [--datasets ring8 grid25 mixture1d]

For ``gankit.Playground`` (default settings: 2x64 MLPs, batch 256): training steps per
second with no drawing, seconds per frame, and steps and frames per second while it
plays (training in its worker thread, a frame every ``frame_seconds``). For
``gankit.TrainingPanel`` on the ``dcgan-fashion`` recipe: seconds per frame, the cost it
adds to ``fit`` once per ``every`` seconds. Run it on an otherwise idle machine.
"""
import argparse
import os
import time

os.environ.setdefault("MPLBACKEND", "Agg")

import gankit  # noqa: E402


def playground(dataset, seconds, frame_seconds):
    pg = gankit.Playground(dataset, seed=0, frame_seconds=frame_seconds)
    pg.run(20)                                   # trace the step functions first
    start = time.perf_counter()
    pg.run(500, redraw=False)
    train = 500 / (time.perf_counter() - start)
    start = time.perf_counter()
    for _ in range(10):
        pg.redraw()
    frame = (time.perf_counter() - start) / 10
    steps, frames = pg.step_count, pg.frames
    start = time.perf_counter()
    pg.play()
    time.sleep(seconds)
    pg.pause()
    wall = time.perf_counter() - start
    return {"dataset": dataset, "train steps/s": train, "s per frame": frame,
            "playing steps/s": (pg.step_count - steps) / wall,
            "playing frames/s": (pg.frames - frames) / wall}


def panel():
    gan = gankit.get_recipe("dcgan-fashion").build(0)
    p = gankit.TrainingPanel(gan, n=36)
    start = time.perf_counter()
    for _ in range(5):
        p.redraw()
    return (time.perf_counter() - start) / 5


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="how long to play each")
    parser.add_argument("--frame-seconds", type=float, default=0.15,
                        help="Playground's training time between frames")
    parser.add_argument("--datasets", nargs="+", default=["ring8", "grid25", "mixture1d"])
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPU cores; playing {args.seconds:g} s each, "
          f"frame_seconds {args.frame_seconds:g}")
    print("| dataset | train steps/s (no drawing) | s per frame | steps/s playing "
          "| frames/s playing |")
    print("|---|---|---|---|---|")
    for name in args.datasets:
        r = playground(name, args.seconds, args.frame_seconds)
        print(f"| {r['dataset']} | {r['train steps/s']:.0f} | {r['s per frame']:.3f} | "
              f"{r['playing steps/s']:.0f} | {r['playing frames/s']:.1f} |", flush=True)
    print(f"TrainingPanel (dcgan-fashion, 36 samples): {panel():.3f} s per frame")


if __name__ == "__main__":
    main()
