"""Train one of the course's evaluation classifiers and save it to data/.

    python scripts/train_classifier.py [--dataset fashion-mnist] [--seed 0] [--epochs 8]
    python scripts/train_classifier.py --dataset digits8 [--seed 0] [--epochs 60]

The classifier plays the role Inception plays for FID on photos: its penultimate
layer (128 features) is the space where FID and KID compare real and generated
images, and its class probabilities judge conditional samples.

- fashion-mnist: trains on the full training set where one is found (see gankit.data),
  else on the shipped subset, and is tested on the test set.
- digits8: scikit-learn's 8x8 digits have no official split, so a fixed, class-balanced
  one is held out (gankit.data.digits8_split: 20% of each digit, seed 0); its test
  indices are recorded next to the weights.

Each records its test accuracy, seed and data source in data/<name>_classifier.json.
"""
import argparse
import json
import pathlib
import re
import time

import gankit  # noqa: F401  (sets the backend and quiets TensorFlow)
import keras

ROOT = pathlib.Path(__file__).resolve().parents[1]
# dataset -> (file prefix, default epochs)
DATASETS = {"fashion-mnist": ("fashion", 8), "digits8": ("digits8", 60)}


def build(dataset="fashion-mnist"):
    """A small CNN with the same two named outputs for every dataset: a 128-unit
    "features" layer (where FID and KID look) and 10 class "logits"."""
    if dataset == "digits8":
        # 8x8 is too small to pool twice: two 3x3 convolutions, one pooling to 4x4.
        body = [keras.Input((8, 8, 1)),
                keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
                keras.layers.Conv2D(64, 3, padding="same", activation="relu"),
                keras.layers.MaxPooling2D()]
    else:
        body = [keras.Input((28, 28, 1)),
                keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
                keras.layers.MaxPooling2D(),
                keras.layers.Conv2D(64, 3, padding="same", activation="relu"),
                keras.layers.MaxPooling2D()]
    prefix = DATASETS[dataset][0]
    return keras.Sequential(body + [
        keras.layers.Flatten(),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(128, activation="relu", name="features"),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(10, name="logits"),
    ], name=f"{prefix}_classifier")


def load(dataset):
    """(x_train, y_train, x_test, y_test, source, extra facts for the json)."""
    if dataset == "digits8":
        x, y = gankit.load_digits8(split="train")
        x_test, y_test = gankit.load_digits8(split="test")
        _, test_idx = gankit.data.digits8_split()
        split = {"split": "gankit.data.digits8_split(seed=0, test_share=0.2): 20% of each "
                          "digit held out", "test_indices": [int(i) for i in test_idx]}
        return x, y, x_test, y_test, gankit.data_source("digits8"), split
    x, y = gankit.load_fashion_mnist("train")
    source = gankit.data_source("fashion-mnist")
    x_test, y_test = gankit.load_fashion_mnist("test")
    return x, y, x_test, y_test, source, {}


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--dataset", choices=sorted(DATASETS), default="fashion-mnist")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=None,
                   help="default: 8 for fashion-mnist, 60 for digits8")
    args = p.parse_args()
    prefix, default_epochs = DATASETS[args.dataset]
    epochs = args.epochs or default_epochs
    gankit.seed_everything(args.seed)
    x, y, x_test, y_test, source, extra = load(args.dataset)
    model = build(args.dataset)
    model.compile(keras.optimizers.Adam(1e-3),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    start = time.perf_counter()
    # Light augmentation would help accuracy a little; plain data keeps it reproducible.
    batch = 32 if args.dataset == "digits8" else 128
    model.fit(x, y, batch_size=batch, epochs=epochs, verbose=2, shuffle=True)
    seconds = time.perf_counter() - start
    _, acc = model.evaluate(x_test, y_test, verbose=0)
    out = ROOT / "data" / f"{prefix}_classifier.keras"
    # Ship the weights alone: the optimizer's state would triple the file for no use.
    plain = build(args.dataset)
    plain.set_weights(model.get_weights())
    plain.save(out)
    info = {"dataset": args.dataset, "test_accuracy": round(float(acc), 4),
            "test_images": int(len(x_test)), "train_images": int(len(x)),
            "data_source": source, "seed": args.seed, "epochs": epochs,
            "train_seconds": round(seconds, 1), "keras": keras.__version__,
            "script": f"scripts/train_classifier.py --dataset {args.dataset}", **extra}
    text = json.dumps(info, indent=2)
    # one line for the list of test indices, not one line per index
    text = re.sub(r"\[\s*([\d,\s]+?)\s*\]",
                  lambda m: "[" + re.sub(r"\s+", " ", m.group(1)) + "]", text)
    (ROOT / "data" / f"{prefix}_classifier.json").write_text(text + "\n")
    shown = {k: v for k, v in info.items() if k != "test_indices"}
    print(json.dumps(shown, indent=2))


if __name__ == "__main__":
    main()
