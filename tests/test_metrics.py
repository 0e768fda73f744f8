import json

import numpy as np
import pytest

import gankit
from gankit import evaluation, metrics


def test_frechet_distance_is_zero_for_the_same_features_and_grows_with_a_shift():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2000, 8))
    assert metrics.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    # for Gaussians with equal covariance, FID is the squared distance of the means
    assert metrics.frechet_distance(a, a + 2.0) == pytest.approx(8 * 4.0, rel=1e-6)


def test_kid_is_unbiased_near_zero_and_positive_for_different_sets():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((1000, 16)), rng.standard_normal((1000, 16))
    same, same_std = metrics.kernel_inception_distance(a, b, subsets=5, subset_size=500)
    assert abs(same) < 3 * same_std + 1e-3
    diff, _ = metrics.kernel_inception_distance(a, b + 1.0, subsets=5, subset_size=500)
    assert diff > 0.1


def test_the_shipped_classifier_knows_fashion_mnist():
    info = json.loads((gankit.data.DATA_DIR / "fashion_classifier.json").read_text())
    assert info["test_accuracy"] >= 0.9
    x, y = gankit.load_fashion_mnist("test", n=1000, verbose=False)
    assert metrics.class_accuracy(x, y) > 0.85
    feats, probs = metrics.classify(x[:10])
    assert feats.shape == (10, 128) and probs.shape == (10, 10)
    np.testing.assert_allclose(probs.sum(1), 1.0, rtol=1e-5)
    with pytest.raises(gankit.BadInputError, match=r"\(28, 28, 1\)"):
        metrics.classify(np.zeros((2, 32, 32, 1), "float32"))
    with pytest.raises(gankit.BadInputError, match=r"\[0, 9\]"):
        metrics.class_accuracy(x[:2], [0, 12])


# --- the 8x8 digits classifier ---------------------------------------------------------

def test_the_digits8_classifier_is_accurate_on_its_held_out_split():
    info = json.loads((gankit.data.DATA_DIR / "digits8_classifier.json").read_text())
    _, test_idx = gankit.data.digits8_split()
    assert info["test_indices"] == test_idx.tolist()  # the recorded split is the one we use
    assert info["test_accuracy"] >= 0.97
    x, y = gankit.load_digits8(verbose=False, split="test")
    assert len(x) == info["test_images"] == 359
    assert metrics.class_accuracy(x, y, dataset="digits8") >= 0.97
    feats, probs = metrics.classify(x[:5], dataset="digits8")
    assert feats.shape == (5, 128) and probs.shape == (5, 10)
    # digits passed as Fashion-MNIST (or the reverse): the error names the right dataset
    with pytest.raises(gankit.BadInputError, match="dataset='digits8'"):
        metrics.classify(x[:5])
    with pytest.raises(gankit.UnknownNameError, match="fashion-mnist"):
        metrics.classify(x[:5], dataset="digits")


# --- Inception-Score-style score ---------------------------------------------------------

def test_inception_score_runs_from_1_to_the_number_of_classes():
    uniform = np.full((1000, 10), 0.1)
    assert metrics.inception_score(uniform)[0] == pytest.approx(1.0)
    confident_balanced = np.eye(10)[np.arange(1000) % 10]
    assert metrics.inception_score(confident_balanced)[0] == pytest.approx(10.0)
    confident_one_class = np.eye(10)[np.zeros(1000, int)]
    assert metrics.inception_score(confident_one_class)[0] == pytest.approx(1.0)
    half_the_classes = np.eye(10)[np.arange(1000) % 5]
    assert metrics.inception_score(half_the_classes)[0] == pytest.approx(5.0)
    with pytest.raises(gankit.BadInputError, match="softmax"):
        metrics.inception_score(np.random.default_rng(0).standard_normal((100, 10)))  # logits


# --- precision, recall, density, coverage ------------------------------------------------

def clusters(n, classes, seed, dim=4):
    """Samples from 10 well-separated Gaussian clusters, only from ``classes``."""
    rng = np.random.default_rng(seed)
    centres = np.random.default_rng(99).standard_normal((10, dim)) * 10
    k = rng.choice(classes, size=n)
    return centres[k] + rng.standard_normal((n, dim))


def test_precision_and_recall_of_identical_and_of_disjoint_sets():
    a = clusters(1000, range(10), seed=0)
    assert metrics.precision_recall(a, a) == pytest.approx((1.0, 1.0))
    density, coverage = metrics.density_coverage(a, a)
    assert coverage == 1.0 and density > 1.0  # each sample sits in its own ball too
    far = a + 1000.0
    assert metrics.precision_recall(a, far) == (0.0, 0.0)
    assert metrics.density_coverage(a, far) == (0.0, 0.0)


def test_dropping_half_the_classes_lowers_recall_and_coverage_not_precision():
    real = clusters(1000, range(10), seed=0)
    full = clusters(1000, range(10), seed=1)
    half = clusters(1000, range(5), seed=2)
    p_full, r_full = metrics.precision_recall(real, full)
    p_half, r_half = metrics.precision_recall(real, half)
    d_full, c_full = metrics.density_coverage(real, full)
    d_half, c_half = metrics.density_coverage(real, half)
    assert p_full > 0.9 and r_full > 0.9 and c_full > 0.9 and 0.8 < d_full < 1.2
    assert p_half > 0.9                                    # every sample is still realistic
    assert r_half < 0.6 and c_half < 0.6                   # half the data is never made
    assert d_half > 0.8                                    # those made sit where data is


def test_chunked_distances_match_the_whole_matrix(monkeypatch):
    rng = np.random.default_rng(0)
    real, fake = rng.standard_normal((150, 5)), rng.standard_normal((120, 5)) + 0.3
    whole = metrics.manifold_scores(real, fake)
    idx, dist = metrics.knn(fake, real, 3)
    monkeypatch.setattr(metrics, "CHUNK", 7)  # many chunks, one of them ragged
    assert metrics.manifold_scores(real, fake) == whole
    idx7, dist7 = metrics.knn(fake, real, 3)
    np.testing.assert_array_equal(idx7, idx)
    brute = np.sort(np.linalg.norm(fake[:, None] - real[None], axis=-1), axis=1)[:, :3]
    np.testing.assert_allclose(dist7, brute, rtol=1e-9)


def test_feature_metrics_say_what_they_expected():
    rng = np.random.default_rng(0)
    with pytest.raises(gankit.BadInputError, match="classify"):
        metrics.precision_recall(np.zeros((10, 28, 28, 1)), np.zeros((10, 28, 28, 1)))
    with pytest.raises(gankit.BadInputError, match="same length"):
        metrics.frechet_distance(rng.standard_normal((50, 8)), rng.standard_normal((50, 9)))
    with pytest.raises(gankit.BadInputError, match="at least 4"):
        metrics.precision_recall(rng.standard_normal((3, 8)), rng.standard_normal((50, 8)))


# --- nearest neighbours: the memorisation check ------------------------------------------

def test_a_copy_of_the_training_set_is_at_distance_zero():
    train, _ = gankit.load_digits8(verbose=False, split="train")
    copies = train[100:110]
    for space in ("pixels", "features"):
        idx, dist = metrics.nearest_neighbours(copies, train, k=3, dataset="digits8",
                                               space=space)
        assert idx.shape == dist.shape == (10, 3)
        np.testing.assert_array_equal(dist[:, 0], 0.0)
        np.testing.assert_array_equal(train[idx[:, 0]], copies)  # (or an identical twin)
        assert np.all(np.diff(dist, axis=1) >= 0)  # nearest first
    noise = np.random.default_rng(0).uniform(-1, 1, (10, 8, 8, 1)).astype("float32")
    _, dist = metrics.nearest_neighbours(noise, train, k=1, dataset="digits8", space="pixels")
    assert dist.min() > 1.0
    with pytest.raises(gankit.BadInputError, match="space"):
        metrics.nearest_neighbours(copies, train, dataset="digits8", space="latent")


# --- evaluate: every number with its scale -----------------------------------------------

def test_evaluate_puts_every_score_next_to_its_references():
    x_train, y_train = gankit.load_digits8(verbose=False, split="train")
    real = evaluation.evaluate(x_train, dataset="digits8", labels=y_train)
    assert real.n == 359  # all the held-out test images
    assert set(real.references) == {"real vs real", "noise vs real"}
    for name in ("FID", "KID", "KID_std", "IS", "precision", "recall", "density", "coverage",
                 "class_accuracy"):
        assert name in real.scores and name in real.references["noise vs real"]
    noise = real.references["noise vs real"]
    # real training images score like the real reference, far from noise
    assert real["FID"] < 3 * real.references["real vs real"]["FID"] < noise["FID"]
    assert real["class_accuracy"] > 0.95 and noise["class_accuracy"] < 0.3
    assert real["IS"] > 8 > noise["IS"]
    table = real.table()
    assert "real vs real" in table and "IS-style" in table and "class accuracy" in table
    assert repr(real) == table
    # cached: the same references object for the same (dataset, n)
    assert evaluation.reference("digits8", 359) is evaluation.reference("digits8", 359)
    half = evaluation.evaluate(x_train[y_train < 5], dataset="digits8", n=300)
    assert half.n == 300
    assert half["recall"] < real["recall"] and half["coverage"] < real["coverage"]
    assert half["IS"] < real["IS"]


def test_copy_scores_are_the_floor_of_a_gan_trained_on_few_images():
    """evaluation.copy_scores: n copies of the training images against n test images. The
    fewer the images, the further the copies are from the real test set."""
    x_train, _ = gankit.load_digits8(verbose=False, split="train")
    few = evaluation.copy_scores(x_train[:10], n=300, dataset="digits8")
    many = evaluation.copy_scores(x_train, n=300, dataset="digits8")
    assert many["KID"] < 0.5 * few["KID"] and many["FID"] < few["FID"]
    assert evaluation.copy_scores(x_train[:10], n=300, dataset="digits8") == few   # fixed draw
    with pytest.raises(gankit.BadInputError, match=r"\(8, 8, 1\)"):
        evaluation.copy_scores(x_train[:10], n=300)   # digits scored as Fashion-MNIST


def test_evaluate_explains_wrong_shapes_ranges_and_sizes():
    x, _ = gankit.load_digits8(verbose=False, split="train")
    with pytest.raises(gankit.BadInputError, match="channel axis"):
        evaluation.evaluate(x[..., 0], dataset="digits8")
    with pytest.raises(gankit.BadInputError, match="to_unit_range"):
        evaluation.evaluate((x + 1) * 127.5, dataset="digits8")
    with pytest.raises(gankit.BadInputError, match="dataset='digits8'"):
        evaluation.evaluate(x)  # 8x8 images against the Fashion-MNIST classifier
    with pytest.raises(gankit.BadInputError, match="from 20 to 359"):
        evaluation.evaluate(x, dataset="digits8", n=1000)
    with pytest.raises(gankit.BadInputError, match="smaller n"):
        evaluation.evaluate(x[:50], dataset="digits8", n=100)
    with pytest.raises(gankit.BadInputError, match="one per image"):
        evaluation.evaluate(x, dataset="digits8", labels=[1, 2, 3])


def test_score_images_is_what_the_benchmarks_share():
    x, y = gankit.load_fashion_mnist("test", n=300, verbose=False)
    real_features = metrics.real_test_set("fashion-mnist", 100)[0]
    scores = evaluation.score_images(x[:200], real_features, labels=y[:200])
    assert set(scores) >= {"FID", "KID", "IS", "precision", "recall", "density", "coverage",
                           "class_accuracy"}
    assert scores["class_accuracy"] > 0.8


class _BarGAN:
    """Stands in for an InfoGAN: code 0 sets the width of a bar, code 1 does nothing;
    each row has its own height, so rows differ whatever the codes."""
    continuous = 2

    def traverse(self, code, rows, steps, span, seed):
        rng = np.random.default_rng(seed)
        values = np.linspace(-span, span, steps)
        images = -np.ones((rows, steps, 9, 9, 1), "float32")
        codes = np.zeros((rows, steps, 3), "float32")
        codes[:, :, 1 + code] = values
        for r in range(rows):
            top = rng.integers(0, 6)
            for s, v in enumerate(values):
                half = 1 + round(v + span) if code == 0 else 2  # 1 to 3
                images[r, s, top:top + 3, 4 - half:5 + half] = 1.0
        return images.reshape(rows * steps, 9, 9, 1), codes.reshape(rows * steps, 3)


def test_code_effects_finds_the_property_a_code_moves_within_rows():
    effects = gankit.infogan.code_effects(_BarGAN(), rows=20, steps=5, span=1.0)
    assert effects["width"][0] > 0.9  # every row gets wider with code 0
    assert abs(effects["width"][1]) < 1e-6 and abs(effects["height"][0]) < 0.1
    with pytest.raises(gankit.BadInputError, match="continuous"):
        gankit.infogan.code_effects(object())


def test_wasserstein_1_is_the_best_matching_and_explains_bad_sets():
    """The exact earth mover's distance the lessons check a WGAN critic against: 0 for a
    set and itself, the shift for a shifted copy, and for two points each, the cheaper
    of the two matchings (not the mean of all distances)."""
    a = np.random.default_rng(0).normal(size=(300, 2))
    assert gankit.metrics.wasserstein_1(a, a) == pytest.approx(0.0, abs=1e-6)
    assert gankit.metrics.wasserstein_1(a, a + [3.0, 4.0]) == pytest.approx(5.0)
    # a = {0, 10}, b = {11, 1} on a line: matched 0-1 and 10-11, not 0-11 and 10-1
    assert gankit.metrics.wasserstein_1([[0.0], [10.0]], [[11.0], [1.0]]) == pytest.approx(1.0)
    with pytest.raises(gankit.BadInputError, match="of one shape"):
        gankit.metrics.wasserstein_1(a, a[:10])
    with pytest.raises(gankit.BadInputError, match="5,000 points or fewer"):
        gankit.metrics.wasserstein_1(np.zeros((5001, 2)), np.zeros((5001, 2)))
