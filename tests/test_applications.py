"""Augmentation and anomaly detection (lesson 18): tiny models on the 8x8 digits."""
import numpy as np
import pytest

import keras
import gankit
from gankit import anomaly, augment


@pytest.fixture(scope="module")
def digits():
    x, y = gankit.load_digits8(verbose=False, split="train")
    xt, yt = gankit.load_digits8(verbose=False, split="test")
    return x, y, xt, yt


def tiny_gan(conditional=False, seed=0):
    gankit.seed_everything(seed)
    classes = 10 if conditional else None
    g = gankit.dcgan_generator(8, (8, 8, 1), base_filters=16, num_classes=classes)
    d = gankit.dcgan_discriminator((8, 8, 1), base_filters=16, num_classes=classes,
                                   projection=conditional)
    gan = gankit.GAN(g, d, seed=seed)
    gan.compile(keras.optimizers.Adam(2e-3, beta_1=0.5), keras.optimizers.Adam(2e-3, beta_1=0.5))
    return gan


# --- AUROC -------------------------------------------------------------------------

def test_auroc_matches_scikit_learn_with_ties():
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 300)
    scores = np.round(rng.normal(size=300) + labels, 1)  # rounded: many ties
    assert anomaly.auroc(scores, labels) == pytest.approx(roc_auc_score(labels, scores))
    assert anomaly.auroc([1, 2, 3, 4], [0, 0, 1, 1]) == 1.0
    assert anomaly.auroc([4, 3, 2, 1], [0, 0, 1, 1]) == 0.0
    assert anomaly.auroc([1, 1, 1, 1], [0, 1, 0, 1]) == 0.5


def test_auroc_refuses_bad_input():
    with pytest.raises(gankit.BadInputError, match="both normal and anomalous"):
        anomaly.auroc([0.1, 0.2], [0, 0])
    with pytest.raises(gankit.BadInputError, match="one entry per sample"):
        anomaly.auroc([0.1, 0.2, 0.3], [0, 1])
    with pytest.raises(gankit.BadInputError, match="0/1"):
        anomaly.auroc([0.1, 0.2], [0, 2])


# --- anomaly scores ------------------------------------------------------------------

def test_baselines_flag_a_held_out_class(digits):
    x, y, xt, yt = digits
    normal = y != 0
    is_anom = yt == 0  # zeros never seen in training
    assert anomaly.auroc(anomaly.pca_scores(x[normal], xt, 10), is_anom) > 0.8
    assert anomaly.auroc(anomaly.nearest_neighbour_scores(x[normal], xt), is_anom) > 0.8
    # a training image is its own nearest neighbour
    assert np.allclose(anomaly.nearest_neighbour_scores(x[:5], x[:5]), 0.0)
    with pytest.raises(gankit.BadInputError, match="components"):
        anomaly.pca_scores(x[:20], xt, 50)
    with pytest.raises(gankit.BadInputError, match=r"\[-1, 1\]"):
        anomaly.pca_scores(x * 255, xt, 5)


@pytest.mark.slow
def test_latent_search_rebuilds_what_g_can_make_and_leaves_g_alone(digits):
    gan = tiny_gan()
    gan.fit(digits[0], batch_size=64, epochs=1, verbose=0)
    before = [w.copy() for w in gan.generator.get_weights()]
    made = gan.generate(40, seed=3)            # images G can make exactly
    noise = np.random.default_rng(0).uniform(-1, 1, (40, 8, 8, 1)).astype("float32")
    images = np.concatenate([made, noise])
    z, recon = anomaly.latent_search(gan, images, steps=150, lr=0.05)
    assert z.shape == (80, 8) and recon.shape == images.shape
    err = anomaly.reconstruction_scores(images, recon)
    assert err[:40].mean() < 0.5 * err[40:].mean(), (err[:40].mean(), err[40:].mean())
    assert anomaly.auroc(err, np.r_[np.zeros(40), np.ones(40)]) > 0.95
    # G's weights did not move, and it trains again afterwards
    assert all(np.array_equal(a, b) for a, b in zip(before, gan.generator.get_weights()))
    assert gan.generator.trainable
    gan.fit(digits[0][:64], batch_size=64, epochs=1, verbose=0)
    assert not all(np.array_equal(a, b) for a, b in zip(before, gan.generator.get_weights()))


def test_discriminator_scores_are_minus_the_logit(digits):
    gan = tiny_gan()
    x = digits[0][:30]
    s = anomaly.discriminator_scores(gan, x)
    assert s.shape == (30,)
    assert np.allclose(1.0 / (1.0 + np.exp(s)), gan.discriminate(x), atol=1e-5)
    with pytest.raises(gankit.BadInputError, match=r"\(8, 8, 1\)"):
        anomaly.discriminator_scores(gan, np.zeros((3, 28, 28, 1), "float32"))
    cgan = tiny_gan(conditional=True)
    for fn in (lambda: anomaly.discriminator_scores(cgan, x),
               lambda: anomaly.latent_search(cgan, x, steps=2)):
        with pytest.raises(gankit.BadInputError, match="unconditional"):
            fn()


# --- augmentation --------------------------------------------------------------------

def test_small_labelled_set_is_balanced_and_repeatable(digits):
    x, y, _, _ = digits
    xs, ys = augment.small_labelled_set(x, y, 7, seed=1)
    assert xs.shape == (70, 8, 8, 1) and np.bincount(ys).tolist() == [7] * 10
    xs2, _ = augment.small_labelled_set(x, y, 7, seed=1)
    assert np.array_equal(xs, xs2)
    with pytest.raises(gankit.BadInputError, match="per_class"):
        augment.small_labelled_set(x, y, 10_000)


@pytest.mark.slow
def test_train_classifier_makes_the_same_updates_whatever_the_set_size(digits, monkeypatch):
    """Every arm of the comparison gets exactly ``steps`` updates: with epochs, the arm with
    generated images added would get more (it did: 658 against 608)."""
    x, y, xt, yt = digits
    made = []
    build = augment.small_classifier

    def spy(*args, **kwargs):
        made.append(build(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(augment, "small_classifier", spy)
    for n in (100, 130, 700):  # 2, 3 and 11 batches of 64: none divides 25
        augment.train_classifier(x[:n], y[:n], xt, yt, steps=25)
    assert [int(keras.ops.convert_to_numpy(m.optimizer.iterations)) for m in made] == [25, 25, 25]


@pytest.mark.slow
def test_compare_trains_every_arm_and_learns(digits):
    x, y, xt, yt = digits
    xs, ys = augment.small_labelled_set(x, y, 20, seed=0)
    gan = tiny_gan(conditional=True)
    gan.fit(xs, ys, batch_size=64, epochs=2, verbose=0)
    fake = augment.generated_set(gan, 5, seed=0)
    assert fake[0].shape == (50, 8, 8, 1) and np.bincount(fake[1]).tolist() == [5] * 10
    res = augment.compare(xs, ys, xt, yt, fake=fake, seeds=(0,), steps=60)
    assert set(res) == {"real", "real + shifts", "real + GAN"}
    assert all(len(v) == 1 for v in res.values())
    assert np.mean(res["real"]) > 0.5  # 200 digits teach a CNN far above chance (10%)
    assert "real + GAN" in augment.summarise(res)
    # same seed, same accuracy
    assert augment.train_classifier(xs, ys, xt, yt, steps=10, seed=4) == \
        augment.train_classifier(xs, ys, xt, yt, steps=10, seed=4)
    with pytest.raises(gankit.BadInputError, match="conditional"):
        augment.generated_set(tiny_gan(), 5)


def test_classic_augmentation_shifts_with_the_background_and_never_flips():
    """Lesson 18's classic arm: a shifted image keeps its left and right (a flipped shoe is an
    image the test set never shows) and the uncovered edge is background (-1), in training
    only."""
    image = -np.ones((1, 28, 28, 1), "float32")
    image[0, 10:18, 2:9] = 1.0                      # a block on the left
    model = keras.Sequential([keras.Input((28, 28, 1)), *augment.shifts()])
    for seed in range(20):
        keras.utils.set_random_seed(seed)
        out = keras.ops.convert_to_numpy(model(image, training=True))[0, ..., 0]
        assert out.min() >= -1 - 1e-6 and out[:, :14].sum() > out[:, 14:].sum(), seed
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(model(image, training=False)), image)
    clf = augment.small_classifier(augmentation=augment.shifts())
    assert any(isinstance(l, keras.layers.RandomTranslation) for l in clf.layers)
    assert not any(isinstance(l, keras.layers.RandomFlip) for l in clf.layers)


def test_mirror_match_tells_a_class_that_faces_one_way_from_one_that_faces_both():
    rng = np.random.default_rng(0)
    boots = -np.ones((50, 28, 28, 1), "float32")
    boots[:, 14:24, 4:12] = 1.0                    # every "boot" has its toe on the left
    boots[:, 4:24, 4:8] = 1.0
    both = np.concatenate([boots[:25], boots[25:, :, ::-1]])   # half of them mirrored
    x = np.concatenate([boots, both]) + rng.normal(0, 0.05, (100, 28, 28, 1)).astype("float32")
    shares = augment.mirror_match(np.clip(x, -1, 1), np.repeat([0, 1], 50), num_classes=2)
    assert shares[0] == 1.0 and 0.2 < shares[1] < 0.8, shares
