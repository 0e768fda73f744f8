import json

import numpy as np
import pytest

import gankit
from gankit import metrics


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
