"""Does GAN-CLS draw what the sentence says, for seen and for held-out word pairs?

Trains the frozen text encoder and the attribute classifiers, then GAN-CLS (matching-aware
D, with GAN-INT) and the ablation (a plain conditional D that never sees a wrong sentence)
for the same number of steps (steps, not seconds, so a busy machine does not change the
numbers), and prints the share of generated images whose attributes match their caption,
per attribute and all four at once, next to real scenes and chance.

    python benchmarks/text2image.py --steps 1000 --seed 0
    python benchmarks/text2image.py --steps 1600 --arms cls   # GAN-CLS + INT only
    python benchmarks/text2image.py --steps 800 --arms cls --g factorised
    python benchmarks/text2image.py --steps 800 --encoder all --held-out "triangle:at the top" "circle:on the left"
    python benchmarks/text2image.py --steps 800 --arms cls --encoder all --attribute-weight 0 1
"""
import argparse
import itertools
import time

import numpy as np

import gankit
from gankit import captions as cap       # the scenes, their captions, the text encoder
from gankit import text2image as t2i      # GAN-CLS
from gankit import text_networks as nets  # its generator and discriminator


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=1000, help="GAN steps per model")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--n", type=int, default=500, help="captions scored per row")
    p.add_argument("--arms", nargs="+", choices=["cls", "plain"], default=["cls", "plain"],
                   help="cls: GAN-CLS + INT; plain: the plain conditional D")
    p.add_argument("--d", choices=["projection", "concat"], default="projection",
                   help="D's kind: projection (the default), concat (the paper's: sentence "
                        "joined to the feature map)")
    p.add_argument("--g", choices=nets.KINDS, default="plain",
                   help="G's kind (text_generator(kind=...)): plain (one convolutional stack), "
                        "layered (a mask painted in a colour read from the sentence) or "
                        "factorised (layered, on a parsed sentence: the mask reads size, shape "
                        "and position, the colour only the colour words)")
    p.add_argument("--held-out", nargs="+", default=[":".join(p) for p in cap.HELD_OUT],
                   help="word pairs kept out of the GAN's training, as 'red:square' or "
                        "'triangle:at the top' (default: the course's colour-shape pairs)")
    p.add_argument("--attribute-weight", type=float, nargs="+", default=[0.0],
                   help="TextGAN's attribute_weight (D also names each attribute of the image, "
                        "ACGAN-style, and G is rewarded when it reads what the caption says); "
                        "several values train one model each")
    p.add_argument("--attribute-head", choices=["plain", "colour-blind"], default="plain",
                   help="D's attribute head: on D's features, or colour-blind (size, shape and "
                        "position read from the image in grey)")
    p.add_argument("--imagine", type=float, default=0.0,
                   help="TextGAN's imagine: G also learns on captions of the whole grammar, "
                        "judged by D's attribute head (needs --attribute-weight > 0)")
    p.add_argument("--encoder", choices=["seen", "all"], default="seen",
                   help="the captions the text encoder learns from: seen (the GAN's training "
                        "captions, as in lesson 17) or all (every caption of the grammar, text "
                        "only: language known from text, no red square ever drawn)")
    args = p.parse_args(argv)

    t0 = time.perf_counter()
    held_out = [tuple(p.split(":")) for p in args.held_out]
    x, captions, attributes = cap.shape_scenes(8192, seed=args.seed, held_out=held_out)
    tokens = cap.encode_captions(captions)
    if args.encoder == "all":
        _, text, text_attributes = cap.shape_scenes(2048, seed=args.seed + 30, which="all",
                                                    held_out=held_out)
    else:
        text, text_attributes = captions[:2048], attributes[:2048]
    encoder, acc = cap.train_text_encoder(text, text_attributes, seed=args.seed,
                                          parse=args.g == "factorised")
    t1 = time.perf_counter()
    clf = cap.train_attribute_classifier(seed=args.seed)
    t2 = time.perf_counter()
    held = cap.combinations(held_out, which="held-out")
    # the same encoder with its heads kept (the factorised G's already is one)
    probe = (encoder if args.g == "factorised" else
             cap.train_text_encoder(text, text_attributes, seed=args.seed, parse=True)[0])
    parsed = cap.encode_text(probe, [cap.caption(r) for r in held])
    ends = np.cumsum([len(v) for v in cap.ATTRIBUTES.values()])
    read = {k: np.mean(parsed[:, e - len(v):e].argmax(1) == held[:, i])
            for i, ((k, v), e) in enumerate(zip(cap.ATTRIBUTES.items(), ends))}
    print(f"text encoder ({args.encoder} captions), held-out captions read right: "
          + ", ".join(f"{k} {r:.0%}" for k, r in read.items()))
    print(f"text encoder: {acc:.1%} of its captions read right ({t1 - t0:.0f} s with the data); "
          f"classifiers: {t2 - t1:.0f} s")

    rows = {}
    arms = {"cls": ("GAN-CLS + INT", 0.5, 1.0), "plain": ("plain conditional D", 0.0, 0.0)}
    for (name, mismatch, interp), weight in itertools.product(
            [arms[a] for a in args.arms], args.attribute_weight):
        if len(args.attribute_weight) > 1 or weight:
            name = f"{name}, attributes x{weight:g}"
            if weight and args.attribute_head != "plain":
                name += f" ({args.attribute_head})"
            if weight and args.imagine:
                name += f", imagine x{args.imagine:g}"
        start = time.perf_counter()
        gan = t2i.text2image_gan(encoder, mismatch_weight=mismatch, interpolate=interp,
                                 lr=(5e-4, 5e-4), seed=args.seed,
                                 kind=args.g, held_out=held_out,
                                 attribute_weight=weight,
                                 attribute_head={"plain": True}.get(args.attribute_head,
                                                                    args.attribute_head),
                                 imagine=args.imagine if weight else 0.0,
                                 projection=args.d == "projection")
        gan.fit(x, tokens, batch_size=64, epochs=1_000_000, shuffle=True, verbose=0,
                callbacks=[gankit.StepBudget(args.steps)])
        took = time.perf_counter() - start
        scores = t2i.score_captions(gan, clf, n=args.n, seed=args.seed + 10)
        for which in ("seen", "held-out"):
            rows[f"{name}, {which}"] = scores[which]
        print(f"{name} (G: {args.g}, D: {args.d}): "
              f"{args.steps} steps in {took:.0f} s", flush=True)
    for which in ("seen", "held-out"):
        xr, _, ar = cap.shape_scenes(args.n, seed=args.seed + 20, which=which,
                                     held_out=held_out)
        rows[f"real scenes, {which}"] = cap.attribute_accuracy(clf, xr, ar)
    rows["chance"] = cap.CHANCE

    keys = list(cap.ATTRIBUTES) + ["all"]
    print(f"\n{'':<32}" + "".join(f"{k:>10}" for k in keys))
    for name, r in rows.items():
        print(f"{name:<32}" + "".join(f"{r[k]:>10.1%}" for k in keys))
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    main()
