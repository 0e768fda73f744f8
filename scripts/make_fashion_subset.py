"""Build data/fashion-mnist-subset.npz: the offline fallback for Fashion-MNIST.

The subset is class-balanced (2,000 training and 500 test images per class,
drawn with a fixed seed) and keeps the original uint8 pixels, so the loader
treats it exactly like the full set. Run it where the full set is available:

    python scripts/make_fashion_subset.py [--source DIR]

It writes the npz and prints the checksums recorded in data/PROVENANCE.md.
"""
import argparse
import gzip
import hashlib
import pathlib

import numpy as np

from gankit.data import read_idx

ROOT = pathlib.Path(__file__).resolve().parents[1]
PER_CLASS = {"train": 2000, "test": 500}
SEED = 2017  # fixed, so the same subset comes back on every rebuild


def sha256(path):
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--source", default="/usr/share/datasets/fashion-mnist")
    args = p.parse_args()
    src = pathlib.Path(args.source)
    rng = np.random.default_rng(SEED)
    out = {}
    for split, prefix in (("train", "train"), ("test", "t10k")):
        images = read_idx(src / f"{prefix}-images-idx3-ubyte.gz")
        labels = read_idx(src / f"{prefix}-labels-idx1-ubyte.gz")
        picked = np.concatenate([
            rng.choice(np.flatnonzero(labels == c), PER_CLASS[split], replace=False)
            for c in range(10)])
        picked = rng.permutation(picked)
        out[f"x_{split}"] = images[picked]
        out[f"y_{split}"] = labels[picked]
        out[f"index_{split}"] = picked.astype(np.int32)  # row in the original file
    target = ROOT / "data" / "fashion-mnist-subset.npz"
    np.savez_compressed(target, **out)
    for name in sorted(src.glob("*.gz")):
        print(f"source {name.name}  sha256 {sha256(name)}")
    # The zip container holds timestamps, so the checksum that identifies the
    # subset is taken over the array contents (the loader checks these).
    for key in ("x_train", "y_train", "x_test", "y_test"):
        print(f"array {key} {out[key].shape}  sha256 {hashlib.sha256(out[key].tobytes()).hexdigest()}")
    print(f"wrote {target.name} ({target.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
