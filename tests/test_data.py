import numpy as np
import pytest

import gankit
from gankit import data


def test_ring8_follows_the_published_protocol():
    pts = gankit.ring8(20_000, seed=0)
    assert pts.shape == (20_000, 2) and pts.dtype == np.float32
    centers = data.ring8_centers()
    np.testing.assert_allclose(np.linalg.norm(centers, axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(np.arctan2(centers[:, 1], centers[:, 0]) % (2 * np.pi),
                               2 * np.pi * np.arange(8) / 8, atol=1e-6)
    nearest = np.linalg.norm(pts[:, None] - centers[None], axis=-1).argmin(1)
    resid = pts - centers[nearest]
    assert abs(resid.std() - 0.01) < 0.001
    assert len(np.unique(nearest)) == 8


def test_grid25_follows_the_published_protocol():
    pts = gankit.data.grid25(20_000, seed=0)
    centers = data.grid25_centers()
    assert sorted(set(centers[:, 0].tolist())) == [-4, -2, 0, 2, 4]
    assert len(centers) == 25
    nearest = np.linalg.norm(pts[:, None] - centers[None], axis=-1).argmin(1)
    assert abs((pts - centers[nearest]).std() - 0.05) < 0.003


def test_toys_are_seeded_and_shaped():
    for name in ("ring8", "grid25", "spiral", "moons", "mixture1d"):
        a, b = gankit.load(name, n=100, seed=3), gankit.load(name, n=100, seed=3)
        np.testing.assert_array_equal(a, b)
        assert a.shape == ((100, 1) if name == "mixture1d" else (100, 2))
    assert not np.array_equal(gankit.ring8(100, seed=1), gankit.ring8(100, seed=2))


def test_mixture1d_has_two_modes():
    x = gankit.mixture1d(10_000, seed=0)[:, 0]
    assert abs((x < 0).mean() - 0.3) < 0.02


@pytest.mark.parametrize("source", ["subset", "auto"])
def test_fashion_mnist_is_scaled_and_labelled(source, capsys):
    x, y = gankit.load_fashion_mnist("train", source=source)
    assert x.ndim == 4 and x.shape[1:] == (28, 28, 1) and x.dtype == np.float32
    assert x.min() >= -1.0 and x.max() <= 1.0 and x.min() < -0.99 and x.max() > 0.99
    assert set(np.unique(y)) == set(range(10))
    assert len(x) >= 20_000
    assert "images from" in capsys.readouterr().out
    assert gankit.data_source("fashion-mnist") in data.SOURCE_NAMES.values()


def test_the_shipped_subset_is_balanced_and_intact(capsys):
    x, y = gankit.load_fashion_mnist("train", source="subset")
    assert len(x) == 20_000 and np.bincount(y).tolist() == [2000] * 10
    xt, yt = gankit.load_fashion_mnist("test", source="subset")
    assert len(xt) == 5_000 and np.bincount(yt).tolist() == [500] * 10
    assert "subset shipped in data/" in capsys.readouterr().out


def test_a_damaged_subset_is_reported(tmp_path, monkeypatch):
    with np.load(data.SUBSET_FILE) as f:
        arrays = dict(f)
    arrays["x_train"] = arrays["x_train"].copy()
    arrays["x_train"][0, 0, 0] ^= 1
    bad = tmp_path / "fashion-mnist-subset.npz"
    np.savez(bad, **arrays)
    monkeypatch.setattr(data, "SUBSET_FILE", bad)
    with pytest.raises(gankit.DataUnavailableError, match="damaged"):
        gankit.load_fashion_mnist(source="subset")


def test_missing_sources_say_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(data, "DEBIAN_DIR", tmp_path / "nothing")
    with pytest.raises(gankit.DataUnavailableError, match="fall back"):
        gankit.load_fashion_mnist(source="debian")
    with pytest.raises(gankit.DataUnavailableError, match="GANKIT_OFFLINE"):
        gankit.load_fashion_mnist(source="download")
    # auto falls back to the subset and says so
    x, _ = gankit.load_fashion_mnist(n=10)
    assert gankit.data_source("fashion-mnist") == data.SOURCE_NAMES["subset"]
    assert x.shape == (10, 28, 28, 1)


def test_keras_cache_is_preferred(tmp_path, monkeypatch):
    import shutil

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    cache = tmp_path / "datasets" / "fashion-mnist"
    cache.mkdir(parents=True)
    # write a tiny IDX copy: 3 images of value 255, labels 7
    import gzip
    for prefix in ("train", "t10k"):
        imgs = np.full((3, 28, 28), 255, np.uint8)
        with gzip.open(cache / f"{prefix}-images-idx3-ubyte.gz", "wb") as f:
            f.write(bytes([0, 0, 8, 3]) + b"".join(int(v).to_bytes(4, "big") for v in imgs.shape)
                    + imgs.tobytes())
        with gzip.open(cache / f"{prefix}-labels-idx1-ubyte.gz", "wb") as f:
            f.write(bytes([0, 0, 8, 1]) + (3).to_bytes(4, "big") + bytes([7, 7, 7]))
    x, y = gankit.load_fashion_mnist()
    assert gankit.data_source("fashion-mnist") == "the Keras cache"
    assert x.shape == (3, 28, 28, 1) and np.all(x == 1.0) and np.all(y == 7)
    shutil.rmtree(cache)


def test_mnist_offline_points_to_fashion(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(gankit.DataUnavailableError, match="load_fashion_mnist"):
        gankit.data.load_mnist()


def test_digits8():
    x, y = gankit.load_digits8(verbose=False)
    assert x.shape == (1797, 8, 8, 1) and x.min() == -1.0 and x.max() == 1.0
    assert set(np.unique(y)) == set(range(10))


def test_unknown_names_list_the_choices():
    with pytest.raises(gankit.UnknownNameError, match="ring8") as e:
        gankit.load("ring9", n=10)
    assert "Did you mean 'ring8'" in str(e.value)
    with pytest.raises(gankit.UnknownNameError, match="subset"):
        gankit.load_fashion_mnist(source="usb-stick")
    with pytest.raises(gankit.BadInputError, match="pass n"):
        gankit.load("grid25")
    with pytest.raises(gankit.BadInputError, match="split"):
        gankit.load_fashion_mnist("validation")


def test_check_images_explains_shape_and_range():
    good = np.zeros((2, 28, 28, 1), np.float32)
    assert gankit.check_images(good, (28, 28, 1)) is not None
    with pytest.raises(gankit.BadInputError, match=r"x\[\.\.\., None\]"):
        gankit.check_images(np.zeros((2, 28, 28)))
    with pytest.raises(gankit.BadInputError, match="to_unit_range"):
        gankit.check_images(np.full((2, 28, 28, 1), 255.0))
    with pytest.raises(gankit.BadInputError, match=r"\(28, 28, 1\)"):
        gankit.check_images(np.zeros((2, 32, 32, 1)), (28, 28, 1))
    with pytest.raises(gankit.BadInputError, match="NaN"):
        gankit.check_images(np.full((1, 2, 2, 1), np.nan))


def test_check_labels():
    assert gankit.data.check_labels([0, 9], 10).tolist() == [0, 9]
    with pytest.raises(gankit.BadInputError, match=r"\[0, 9\]"):
        gankit.data.check_labels([0, 10], 10)
    with pytest.raises(gankit.BadInputError, match="one per image"):
        gankit.data.check_labels([0, 1], 10, n=3)


def test_pixels_round_trip():
    pix = np.arange(256, dtype=np.uint8).reshape(1, 16, 16)
    np.testing.assert_array_equal(gankit.to_pixels(gankit.data.to_unit_range(pix))[..., 0], pix)
