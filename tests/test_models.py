import keras
import numpy as np
import pytest

import gankit


@pytest.mark.parametrize("shape", [(28, 28, 1), (32, 32, 3), (8, 8, 1)])
def test_dcgan_shapes(shape):
    g = gankit.dcgan_generator(latent_dim=8, image_shape=shape, base_filters=8)
    d = gankit.dcgan_discriminator(image_shape=shape, base_filters=8)
    z = np.random.default_rng(0).standard_normal((3, 8)).astype("float32")
    x = np.asarray(g(z))
    assert x.shape == (3, *shape)
    assert x.min() >= -1 and x.max() <= 1  # tanh
    assert np.asarray(d(x)).shape == (3, 1)


@pytest.mark.parametrize("norm", ["batch", "layer", "spectral", None])
def test_dcgan_norms(norm):
    d = gankit.dcgan_discriminator(base_filters=8, norm=norm, minibatch_std=True)
    assert np.asarray(d(np.zeros((2, 28, 28, 1), "float32"), training=True)).shape == (2, 1)
    if norm == "spectral":
        import keras
        assert any(isinstance(l, keras.layers.SpectralNormalization) for l in d.layers)


def test_conditional_models_take_labels():
    g = gankit.dcgan_generator(latent_dim=8, base_filters=8, num_classes=10)
    d = gankit.dcgan_discriminator(base_filters=8, num_classes=10)
    z = np.zeros((4, 8), "float32")
    labels = np.array([0, 1, 2, 3])
    x = g([z, labels])
    assert x.shape == (4, 28, 28, 1)
    # the label changes the output even with the same noise
    assert not np.allclose(np.asarray(x[0]), np.asarray(x[1]))
    assert d([np.asarray(x), labels]).shape == (4, 1)


def test_mlp_models():
    g = gankit.mlp_generator(2, (2,), hidden=(8, 8), output_activation=None)
    d = gankit.mlp_discriminator((2,), hidden=(8,), norm="spectral", minibatch_std=True)
    out = g(np.ones((5, 2), "float32"))
    assert out.shape == (5, 2)
    assert d(out).shape == (5, 1)
    gi = gankit.mlp_generator(16, (28, 28, 1), num_classes=10)
    assert gi([np.zeros((2, 16), "float32"), np.array([1, 2])]).shape == (2, 28, 28, 1)


def test_leaky_relu_uses_the_dcgan_slope():
    import keras
    d = gankit.dcgan_discriminator(base_filters=8)
    slopes = {l.negative_slope for l in d.layers if isinstance(l, keras.layers.LeakyReLU)}
    assert slopes == {0.2}


def test_minibatch_stddev_sees_collapse():
    layer = gankit.MinibatchStdDev()
    same = np.ones((4, 3), "float32")
    varied = np.random.default_rng(0).standard_normal((4, 3)).astype("float32")
    assert float(np.asarray(layer(same))[0, -1]) < 1e-3
    assert float(np.asarray(layer(varied))[0, -1]) > 0.3


def test_bad_model_arguments():
    with pytest.raises(gankit.BadInputError, match="height, width, channels"):
        gankit.dcgan_generator(image_shape=(28, 28))
    with pytest.raises(gankit.BadInputError, match="halves"):
        gankit.dcgan_generator(image_shape=(7, 7, 1))
    with pytest.raises(gankit.BadInputError, match="norm"):
        gankit.dcgan_discriminator(norm="group")
    with pytest.raises(gankit.BadInputError, match="num_classes"):
        gankit.dcgan_generator(num_classes=1)


def test_projection_discriminator_checks_the_label():
    d = gankit.dcgan_discriminator(base_filters=8, num_classes=10, projection=True)
    x = np.random.default_rng(0).uniform(-1, 1, (2, 28, 28, 1)).astype("float32")
    a = np.asarray(d([x, np.array([[1], [1]])]))
    b = np.asarray(d([x, np.array([[2], [2]])]))
    assert a.shape == (2, 1) and not np.allclose(a, b)
    plain = gankit.dcgan_discriminator(base_filters=8, num_classes=10)
    assert gankit.count_params(d) > gankit.count_params(plain)


def test_a_second_head_can_have_its_own_hidden_layer():
    """aux_hidden gives InfoGAN's Q (or ACGAN's classifier) a layer of its own between
    D's features and the head; the score's path stays as it was."""
    plain = gankit.dcgan_discriminator((8, 8, 1), base_filters=8, aux_outputs=12)
    own = gankit.dcgan_discriminator((8, 8, 1), base_filters=8, aux_outputs=12, aux_hidden=32)
    x = np.zeros((3, 8, 8, 1), "float32")
    for d in (plain, own):
        score, aux = d(x)
        assert tuple(score.shape) == (3, 1) and tuple(aux.shape) == (3, 12)
    f = plain.get_layer("aux").input.shape[-1]  # D's features (4 x 4 x 8 = 128)
    extra = own.count_params() - plain.count_params()
    # hidden layer (no bias: batch norm follows; BN has 4 numbers a unit), then a head
    # reading 32 numbers instead of f
    assert extra == f * 32 + 4 * 32 + (32 - f) * 12


def test_discrete_choice_picks_each_choice_equally_often_and_survives_saving(tmp_path):
    """A G with a discrete choice in front: the choice is the largest of the first K
    noise coordinates, one-hot, so z ~ N(0, I) stays the prior; the rest is scaled."""
    layer = gankit.DiscreteChoice(8, noise_scale=0.5)
    z = np.random.default_rng(0).standard_normal((40_000, 10)).astype("float32")
    out = np.asarray(layer(z))
    assert out.shape == (40_000, 10)
    assert set(np.unique(out[:, :8])) == {0.0, 1.0} and (out[:, :8].sum(1) == 1).all()
    np.testing.assert_array_equal(out[:, :8].argmax(1), z[:, :8].argmax(1))
    share = out[:, :8].mean(0)
    assert np.abs(share - 1 / 8).max() < 0.01, share
    np.testing.assert_allclose(out[:, 8:], 0.5 * z[:, 8:], rtol=1e-6)
    g = gankit.mlp_generator(latent_dim=10, output_shape=(2,), choices=8, output_activation=None)
    path = tmp_path / "g.keras"
    g.save(path)
    again = keras.saving.load_model(path)
    np.testing.assert_allclose(np.asarray(again(z[:5])), np.asarray(g(z[:5])), rtol=1e-5)
    for bad in (1, 10, 11):
        with pytest.raises(gankit.BadInputError, match="choices should be between 2"):
            gankit.mlp_generator(latent_dim=10, output_shape=(2,), choices=bad)
