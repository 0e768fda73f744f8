"""Which classic augmentations help lesson 18's small classifier on a few Fashion-MNIST images.

    python benchmarks/classic_augment.py --per-class 100 --clf-steps 2000 --seeds 0 1
    python benchmarks/classic_augment.py --orientation    # do the classes have a left and right?

The small CNN of gankit.augment, trained by gankit.augment.train_classifier for
``--clf-steps`` updates (batch 64) on ``--per-class`` images of each class, with each set of
Keras augmentation layers in front of it (active only while training); accuracy on 5,000
test images. The first version of lesson 18 used ``flips + shifts (reflect)``: Keras's
RandomFlip("horizontal") and RandomTranslation(0.08, 0.08), whose default fill mirrors the
image at its edges; it now uses ``shifts only (blank fill)``, gankit.augment.shifts().
``--orientation``: for each class, the share of its test images that match the class's mean
image better than its mirror image: 50% if the class has no left and right. A script that
prints figures, not a test.
"""
import numpy as np

import harness


def arms():
    from keras import layers

    shift = dict(height_factor=0.08, width_factor=0.08)
    blank = dict(fill_mode="constant", fill_value=-1.0)  # the images' background
    return {
        "none": lambda: [],
        "flips + shifts (reflect), lesson 18's first version": lambda: [
            layers.RandomFlip("horizontal"), layers.RandomTranslation(**shift)],
        "flips only": lambda: [layers.RandomFlip("horizontal")],
        "flips + shifts (blank fill)": lambda: [
            layers.RandomFlip("horizontal"), layers.RandomTranslation(**shift, **blank)],
        "shifts only (blank fill)": lambda: [layers.RandomTranslation(**shift, **blank)],
    }


def orientation(x, y):
    """Per class: the share of images closer (by correlation) to the class mean than to it
    mirrored left to right (gankit.augment.mirror_match)."""
    import gankit
    from gankit import augment

    for c, share in enumerate(augment.mirror_match(x, y)):
        print(f"{gankit.FASHION_CLASSES[c]:<12} {share:6.1%} of {np.sum(y == c):,} test images "
              "match the class mean better than its mirror")


def main():
    p = harness.parser(__doc__, seeds=(0, 1), steps=None, threads=True)
    p.add_argument("--per-class", type=int, default=100)
    p.add_argument("--clf-steps", type=int, default=2000)
    p.add_argument("--orientation", action="store_true", help="only the orientation table")
    args = harness.parse(p)
    import gankit
    from gankit import augment

    print(harness.machine(args))
    x, y = gankit.load_fashion_mnist("train", verbose=False)
    xt, yt = gankit.load_fashion_mnist("test", verbose=False)
    if args.orientation:
        return orientation(xt, yt)
    xt, yt = xt[:5000], yt[:5000]
    results = {name: [] for name in arms()}
    for seed in args.seeds:
        xs, ys = augment.small_labelled_set(x, y, args.per_class, seed=seed)
        for name, make in arms().items():
            results[name].append(100 * augment.train_classifier(
                xs, ys, xt, yt, steps=args.clf_steps, seed=seed, augmentation=make()))
            print(f"seed {seed}: {name}: {results[name][-1]:.1f}%", flush=True)
    table = harness.Table("augmentation", "test accuracy (%)", "minus none (points)",
                          title=f"{args.per_class} images per class, {args.clf_steps} updates, "
                                f"mean +- s.e. over seeds {args.seeds}")
    for name, accs in results.items():
        table.row(name, harness.mean_se(accs),
                  harness.mean_se(np.array(accs) - np.array(results["none"])))


if __name__ == "__main__":
    main()
