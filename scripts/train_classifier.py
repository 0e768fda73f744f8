"""Train the course's evaluation classifier for Fashion-MNIST and save it to data/.

    python scripts/train_classifier.py [--seed 0] [--epochs 8]

The classifier plays the role Inception plays for FID on photos: its penultimate
layer (128 features) is the space where FID and KID compare real and generated
images, and its class probabilities judge conditional samples. It trains on the
full training set where one is found (see gankit.data), else on the shipped subset,
and records its test accuracy and the data source next to the weights.
"""
import argparse
import json
import pathlib
import time

import gankit  # noqa: F401  (sets the backend and quiets TensorFlow)
import keras

ROOT = pathlib.Path(__file__).resolve().parents[1]


def build():
    """A small CNN: two conv blocks, a 128-unit feature layer, 10 class scores."""
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(64, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(128, activation="relu", name="features"),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(10, name="logits"),
    ], name="fashion_classifier")


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=8)
    args = p.parse_args()
    gankit.seed_everything(args.seed)
    x, y = gankit.load_fashion_mnist("train")
    source = gankit.data_source("fashion-mnist")
    x_test, y_test = gankit.load_fashion_mnist("test")
    model = build()
    model.compile(keras.optimizers.Adam(1e-3),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    start = time.perf_counter()
    # Light augmentation would help accuracy a little; plain data keeps it reproducible.
    model.fit(x, y, batch_size=128, epochs=args.epochs, verbose=2, shuffle=True)
    seconds = time.perf_counter() - start
    _, acc = model.evaluate(x_test, y_test, verbose=0)
    out = ROOT / "data" / "fashion_classifier.keras"
    # Ship the weights alone: the optimizer's state would triple the file for no use.
    plain = build()
    plain.set_weights(model.get_weights())
    plain.save(out)
    info = {"test_accuracy": round(float(acc), 4), "test_images": int(len(x_test)),
            "train_images": int(len(x)), "data_source": source, "seed": args.seed,
            "epochs": args.epochs, "train_seconds": round(seconds, 1),
            "keras": keras.__version__, "script": "scripts/train_classifier.py"}
    (ROOT / "data" / "fashion_classifier.json").write_text(json.dumps(info, indent=2) + "\n")
    print(json.dumps(info, indent=2))


if __name__ == "__main__":
    main()
