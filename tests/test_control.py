"""ACGAN and InfoGAN: tiny models on the 8x8 digits, a few dozen steps each.

Also run on JAX and PyTorch by tests/test_backends.py, so only keras.ops and NumPy here.
"""
import numpy as np
import pytest

import keras
import gankit
from gankit.acgan import class_loss
from gankit.infogan import (cluster_scores, code_diversity, code_moves, feature_spread,
                             info_loss)


@pytest.fixture(scope="module")
def digits():
    x, y = gankit.load_digits8(verbose=False, split="train")
    xt, yt = gankit.load_digits8(verbose=False, split="test")
    return x, y, xt, yt


def adam(lr=2e-3):
    return keras.optimizers.Adam(lr, beta_1=0.5)


def acgan(seed=0, **kwargs):
    gankit.seed_everything(seed)
    g = gankit.dcgan_generator(16, (8, 8, 1), base_filters=16, num_classes=10)
    d = gankit.dcgan_discriminator((8, 8, 1), base_filters=16, aux_outputs=10)
    gan = gankit.ACGAN(g, d, seed=seed, **kwargs)
    gan.compile(adam(), adam())
    return gan


def infogan(seed=0, continuous=2, **kwargs):
    gankit.seed_everything(seed)
    g = gankit.dcgan_generator(16 + 10 + continuous, (8, 8, 1), base_filters=16)
    d = gankit.dcgan_discriminator((8, 8, 1), base_filters=16, aux_outputs=10 + continuous)
    gan = gankit.InfoGAN(g, d, continuous=continuous, seed=seed, **kwargs)
    gan.compile(adam(), adam())
    return gan


# --- ACGAN -------------------------------------------------------------------------

def test_acgan_class_head_learns_real_classes_and_g_obeys_labels(digits):
    x, y, xt, yt = digits
    gan = acgan()
    hist = gan.fit(x, y, batch_size=64, epochs=2, verbose=0, shuffle=True)  # 46 steps
    assert {"class_acc", "fake_class_acc", "d_loss", "g_loss"} <= set(hist.history)
    # D's class head on held-out real digits: far above chance (10%)
    acc = np.mean(gan.classify(xt).argmax(1) == yt)
    assert acc > 0.5, acc
    # G's samples are named as the class asked for by D's head
    labels = np.arange(200) % 10
    assert np.mean(gan.classify(gan.generate(200, labels=labels, seed=1)).argmax(1)
                   == labels) > 0.5


def test_acgan_only_changes_the_losses(digits):
    x, y, _, _ = digits
    gan = acgan()
    assert gan.conditional and gan.num_classes == 10
    out = gan.step(x[:32], y[:32])  # the playground's one-step path works too
    assert set(out) == {"d_loss", "d_real", "d_fake", "g_loss"}
    p = gan.discriminate(x[:7])
    assert p.shape == (7,) and ((p > 0) & (p < 1)).all()
    assert gan.generate(6, labels=[0, 1, 2, 3, 4, 5], rejection=True).shape == (6, 8, 8, 1)
    with pytest.raises(gankit.BadInputError, match="fit it on"):
        gan.fit(x, batch_size=64, epochs=1, verbose=0)
    with pytest.raises(gankit.BadInputError, match=r"\[0, 9\]"):
        gan.generate(3, labels=[0, 5, 10])


def test_acgan_save_and_load_give_the_same_outputs(digits, tmp_path):
    x, y, _, _ = digits
    gan = acgan(class_weight=0.5, info={"recipe": "test"})
    gan.fit(x[:128], y[:128], batch_size=64, epochs=1, verbose=0)
    gan.save(tmp_path / "a.keras")
    back = keras.saving.load_model(tmp_path / "a.keras")
    assert isinstance(back, gankit.ACGAN) and back.class_weight == 0.5
    labels = np.arange(12) % 10
    np.testing.assert_allclose(back.generate(12, labels=labels, seed=3),
                               gan.generate(12, labels=labels, seed=3), atol=1e-6)
    np.testing.assert_allclose(back.classify(x[:20]), gan.classify(x[:20]), atol=1e-5)
    assert int(back.g_optimizer.iterations) == 2  # the optimizers' state came back too


def test_acgan_wrong_networks_get_clear_errors():
    g = gankit.dcgan_generator(8, (8, 8, 1), base_filters=8, num_classes=10)
    plain_g = gankit.dcgan_generator(8, (8, 8, 1), base_filters=8)
    with pytest.raises(gankit.BadInputError, match="without num_classes and with aux_outputs=10"):
        gankit.ACGAN(g, gankit.dcgan_discriminator((8, 8, 1), base_filters=8, num_classes=10))
    with pytest.raises(gankit.BadInputError, match="aux_outputs=10"):
        gankit.ACGAN(g, gankit.dcgan_discriminator((8, 8, 1), base_filters=8))
    with pytest.raises(gankit.BadInputError, match="one logit per class"):
        gankit.ACGAN(g, gankit.dcgan_discriminator((8, 8, 1), base_filters=8, aux_outputs=4))
    d = gankit.dcgan_discriminator((8, 8, 1), base_filters=8, aux_outputs=10)
    with pytest.raises(gankit.BadInputError, match="num_classes"):
        gankit.ACGAN(plain_g, d)
    with pytest.raises(gankit.BadInputError, match="gradient_penalty"):
        gankit.ACGAN(g, d, gradient_penalty=10.0)
    with pytest.raises(gankit.BadInputError, match="class_weight"):
        gankit.ACGAN(g, d, class_weight=-1)
    with pytest.raises(gankit.BadInputError, match="fake_class_weight"):
        gankit.ACGAN(g, d, fake_class_weight=-0.5)


def test_acgan_fake_class_weight_scales_d_naming_the_fakes(digits):
    """D's loss with fake_class_weight 1 (the paper) minus with 0 (real images only) is
    the class loss of the fakes: two GANs with the same seed draw the same fakes."""
    x, y, _, _ = digits
    real = keras.ops.convert_to_tensor(x[:32])
    labels = keras.ops.convert_to_tensor(y[:32].reshape(-1, 1).astype("int32"))   # as fit's
    paper, real_only = acgan(seed=3), acgan(seed=3, fake_class_weight=0.0)
    assert real_only.get_config()["fake_class_weight"] == 0.0
    loss_paper, _ = paper.d_loss(real, labels)
    loss_real_only, _ = real_only.d_loss(real, labels)
    again = acgan(seed=3)   # its first draw of noise is the fakes the two losses saw
    fake = again.generator([again.noise(32), labels], training=True)
    fake_logits = again.discriminator(fake, training=True)[1]
    np.testing.assert_allclose(float(loss_paper) - float(loss_real_only),
                               float(class_loss(fake_logits, labels)), rtol=1e-4, atol=1e-5)


def test_acgan_twin_classifier_is_tac_gans_losses(digits):
    """With twin_weight the class head has 20 logits: D also learns to name the fakes'
    classes with the second 10, and G is asked to make that twin fail (Gong et al. 2019)."""
    x, y, _, _ = digits
    real = keras.ops.convert_to_tensor(x[:32])
    labels = keras.ops.convert_to_tensor(y[:32].reshape(-1, 1).astype("int32"))

    def twin(seed=3):
        gankit.seed_everything(seed)
        g = gankit.dcgan_generator(16, (8, 8, 1), base_filters=16, num_classes=10)
        d = gankit.dcgan_discriminator((8, 8, 1), base_filters=16, aux_outputs=20)
        gan = gankit.ACGAN(g, d, class_weight=0.5, fake_class_weight=0.0, twin_weight=2.0,
                           seed=seed)
        gan.compile(adam(), adam())
        return gan

    def expected(part):
        again = twin()   # its first draw of noise is the fakes the loss saw
        fake = again.generator([again.noise(32), labels], training=True)
        fake_scores, fake_logits = again.discriminator(fake, training=True)
        twin_ce = class_loss(fake_logits[:, 10:], labels)
        if part == "g":
            return (again.loss_pair.g_loss(fake_scores, None)
                    + 0.5 * (class_loss(fake_logits[:, :10], labels) - 2.0 * twin_ce))
        real_scores, real_logits = again.discriminator(real, training=True)
        return (again.loss_pair.d_loss(real_scores, fake_scores, 1.0)
                + 0.5 * (class_loss(real_logits[:, :10], labels) + 2.0 * twin_ce))

    np.testing.assert_allclose(float(twin().d_loss(real, labels)[0]), float(expected("d")),
                               rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(float(twin().g_loss(real, labels)[0]), float(expected("g")),
                               rtol=1e-4, atol=1e-5)
    gan = twin()
    assert gan.classify(x[:5]).shape == (5, 10)   # the classifier's half, not the twin's
    assert gan.get_config()["twin_weight"] == 2.0
    g = gankit.dcgan_generator(8, (8, 8, 1), base_filters=8, num_classes=10)
    with pytest.raises(gankit.BadInputError, match="twin.*aux_outputs=20"):
        gankit.ACGAN(g, gankit.dcgan_discriminator((8, 8, 1), base_filters=8, aux_outputs=10),
                     twin_weight=1.0)
    with pytest.raises(gankit.BadInputError, match="twin_weight"):
        gankit.ACGAN(g, gankit.dcgan_discriminator((8, 8, 1), base_filters=8, aux_outputs=20),
                     twin_weight=-1.0)


def test_acgan_fashion_is_the_measured_fix_and_the_paper_is_one_call_away():
    """The recipe trains D's class head on real images only and weighs the class losses
    0.3 (benchmarks/README.md, "Why ACGAN drifts"); the variants it tried build too."""
    def has(gan, kind):
        return any(isinstance(layer, kind) for layer in gan.discriminator.layers)

    recipe = gankit.get_recipe("acgan-fashion").build(0)
    assert (recipe.class_weight, recipe.fake_class_weight) == (0.3, 0.0)
    assert not has(recipe, gankit.MinibatchStdDev)
    paper = gankit.recipes.acgan_fashion(0, class_weight=1.0, fake_class_weight=1.0)
    assert (paper.class_weight, paper.fake_class_weight) == (1.0, 1.0)
    tried = gankit.recipes.acgan_fashion(0, minibatch_std=True, aux_hidden=16)
    assert has(tried, gankit.MinibatchStdDev)
    assert gankit.count_params(tried.discriminator) > gankit.count_params(recipe.discriminator)
    twin = gankit.recipes.acgan_fashion(0, class_weight=1.0, twin_weight=1.0)
    assert twin.twin_weight == 1.0 and twin.discriminator.outputs[1].shape[-1] == 20
    assert recipe.twin_weight == 0.0 and recipe.discriminator.outputs[1].shape[-1] == 10


def test_class_loss_is_cross_entropy():
    logits = np.array([[2.0, 0.0, -1.0], [0.0, 0.0, 0.0]], "float32")
    labels = np.array([0, 2])
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    expected = -np.mean(np.log(p[np.arange(2), labels]))
    assert float(keras.ops.convert_to_numpy(class_loss(logits, labels))) == pytest.approx(
        expected, rel=1e-5)


# --- InfoGAN -----------------------------------------------------------------------

@pytest.mark.slow
def test_infogan_q_learns_to_read_the_codes(digits):
    x, _, _, _ = digits
    gan = infogan()
    hist = gan.fit(x, batch_size=64, epochs=3, verbose=0, shuffle=True)  # 69 steps
    info = hist.history["info_loss"]
    assert info[-1] < info[0] - 0.3, info  # starts near ln(10) + continuous part
    assert hist.history["code_acc"][-1] > 0.3  # chance is 0.1
    # Q reads the category of fresh fakes, made with codes we choose
    codes = gan.random_codes(300, seed=5)
    probs, cont = gan.recover_codes(gan.generate(300, codes=codes, seed=6))
    assert probs.shape == (300, 10) and cont.shape == (300, 2)
    assert np.mean(probs.argmax(1) == codes[:, 0]) > 0.3


def test_infogan_codes_change_only_what_they_should(digits):
    gan = infogan()
    codes = np.array([[3, 0.5, -0.5]] * 4, "float32")
    a = gan.generate(4, codes=codes, seed=1)
    np.testing.assert_array_equal(a, gan.generate(4, codes=codes, seed=1))
    other = codes.copy()
    other[:, 0] = 7
    assert not np.allclose(a, gan.generate(4, codes=other, seed=1))  # same z, other category
    images, used = gan.traverse(1, rows=3, steps=5)
    assert images.shape == (15, 8, 8, 1) and used.shape == (15, 3)
    np.testing.assert_allclose(used[:5, 2], np.linspace(-2, 2, 5))
    assert (used[:5, 0] == 0).all() and (used[5:10, 0] == 1).all() and (used[:, 1] == 0).all()
    images, used = gan.traverse("category", rows=2)
    assert images.shape == (20, 8, 8, 1) and (used[:10, 0] == np.arange(10)).all()
    assert gan.generate(5, seed=0).shape == (5, 8, 8, 1)  # default codes: categories in turn


def test_infogan_save_and_load_give_the_same_outputs(digits, tmp_path):
    x, _, _, _ = digits
    gan = infogan(info_weight=2.0, continuous_weight=0.25)
    gan.fit(x[:128], batch_size=64, epochs=1, verbose=0)
    gan.save(tmp_path / "i.keras")
    back = keras.saving.load_model(tmp_path / "i.keras")
    assert isinstance(back, gankit.InfoGAN)
    assert (back.categories, back.continuous, back.noise_dim) == (10, 2, 16)
    assert (back.info_weight, back.continuous_weight) == (2.0, 0.25)
    codes = gan.random_codes(9, seed=2)
    np.testing.assert_allclose(back.generate(9, codes=codes, seed=3),
                               gan.generate(9, codes=codes, seed=3), atol=1e-6)
    for a, b in zip(back.recover_codes(x[:20]), gan.recover_codes(x[:20])):
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_infogan_bad_input_gets_clear_errors():
    gan = infogan()
    with pytest.raises(gankit.BadInputError, match="has no labels"):
        gan.generate(3, labels=[1, 2, 3])
    with pytest.raises(gankit.BadInputError, match=r"shape \(N, 3\)"):
        gan.generate(3, codes=np.zeros((3, 2)))
    with pytest.raises(gankit.BadInputError, match="expected 3 rows"):
        gan.generate(3, codes=np.zeros((4, 3)))
    with pytest.raises(gankit.BadInputError, match="from 0 to 9"):
        gan.generate(2, codes=[[10, 0, 0], [1, 0, 0]])
    with pytest.raises(gankit.BadInputError, match="from 0 to 9"):
        gan.generate(1, codes=[[1.5, 0, 0]])
    with pytest.raises(gankit.BadInputError, match="continuous code"):
        gan.traverse(2)
    with pytest.raises(gankit.BadInputError, match="shape"):
        gan.recover_codes(np.zeros((2, 28, 28, 1)))
    g = gankit.dcgan_generator(12, (8, 8, 1), base_filters=8)
    d = gankit.dcgan_discriminator((8, 8, 1), base_filters=8, aux_outputs=12)
    with pytest.raises(gankit.BadInputError, match="codes alone need 12"):
        gankit.InfoGAN(g, d)
    g = gankit.dcgan_generator(20, (8, 8, 1), base_filters=8)
    with pytest.raises(gankit.BadInputError, match="aux_outputs=12"):
        gankit.InfoGAN(g, gankit.dcgan_discriminator((8, 8, 1), base_filters=8))
    with pytest.raises(gankit.BadInputError, match="aux_outputs=12"):
        gankit.InfoGAN(g, gankit.dcgan_discriminator((8, 8, 1), base_filters=8, aux_outputs=10))
    with pytest.raises(gankit.BadInputError, match="pack must be 1"):
        gankit.InfoGAN(g, d, pack=2)


def test_info_loss_is_cross_entropy_plus_half_squared_error():
    q = np.array([[1.0, 0.0, 0.5], [0.0, 2.0, -1.0]], "float32")  # 2 category logits, 1 code
    cat, cont = np.array([0, 1]), np.array([[0.0], [0.0]], "float32")
    logits = q[:, :2]
    ce = -np.mean(np.log(np.exp(logits[np.arange(2), cat]) / np.exp(logits).sum(1)))
    mse = np.mean(0.5 * q[:, 2] ** 2)
    got = float(keras.ops.convert_to_numpy(info_loss(q, cat, cont, 2, continuous_weight=0.3)))
    assert got == pytest.approx(ce + 0.3 * mse, rel=1e-5)


def test_infogan_cluster_term_is_sure_per_image_and_spread_over_the_batch():
    gan = infogan(cluster_weight=0.5)
    sure_and_spread = np.zeros((10, 12), "float32")
    sure_and_spread[np.arange(10), np.arange(10)] = 50.0   # each image sure, all 10 codes used
    one_code = np.zeros((10, 12), "float32")
    one_code[:, 3] = 50.0                                  # every image sure of code 3
    unsure = np.zeros((10, 12), "float32")                 # every image 1/10 on each code

    def term(q):
        return float(keras.ops.convert_to_numpy(gan.cluster_term(q)))

    assert term(sure_and_spread) == pytest.approx(-np.log(10), abs=1e-4)  # the best
    assert term(one_code) == pytest.approx(0.0, abs=1e-4)
    assert term(unsure) == pytest.approx(0.0, abs=1e-4)
    with pytest.raises(gankit.BadInputError, match="cluster_weight"):
        infogan(cluster_weight=-1.0)
    with pytest.raises(gankit.BadInputError, match="noise_scale"):
        infogan(noise_scale=0.0)


def test_invariant_information_rewards_sure_agreeing_views_that_use_every_category():
    from gankit.infogan import invariant_information

    def info(a, b):
        return float(keras.ops.convert_to_numpy(invariant_information(a, b)))

    sure = 50.0 * np.eye(10, dtype="float32")[np.arange(100) % 10]   # each category 10 times
    assert info(sure, sure) == pytest.approx(np.log(10), abs=1e-4)    # the most there is
    assert info(sure, np.roll(sure, 1, axis=1)) < 1.7   # one head: the same category, not another
    other = 50.0 * np.eye(10, dtype="float32")[np.arange(100) // 10]  # says nothing of sure's
    assert info(sure, other) == pytest.approx(0.0, abs=1e-4)
    one = np.zeros((100, 10), "float32")
    one[:, 3] = 50.0                                                   # one category for all
    assert info(one, one) == pytest.approx(0.0, abs=1e-4)
    with pytest.raises(gankit.BadInputError, match="views_weight"):
        infogan(views_weight=-1.0)


def test_infogan_views_weight_adds_iics_term_on_real_images(digits, tmp_path):
    x, _, _, _ = digits
    gan = infogan(views_weight=10.0, cluster_weight=1.0)   # Q soon sure of real images
    gan.fit(x[:640], batch_size=64, epochs=2, verbose=0)
    start = keras.ops.convert_to_numpy(gan.seed_generator.state)
    real = keras.ops.convert_to_tensor(x[:64])   # as fit gives it, on every backend

    def d_loss(weight):   # the same fakes each time: the GAN's random draws start over
        gan.views_weight = weight
        gan.seed_generator.state.assign(start)
        return float(keras.ops.convert_to_numpy(gan.d_loss(real, None)[0]))

    assert d_loss(10.0) < d_loss(0.0) - 1e-5   # minus 10 times a positive mutual information
    gan.views_weight = 10.0
    gan.save(tmp_path / "v.keras")
    assert keras.saving.load_model(tmp_path / "v.keras").views_weight == 10.0


def test_infogan_cluster_weight_trains_q_on_real_images(digits):
    x, _, _, _ = digits
    off, on = infogan(), infogan(cluster_weight=1.0)
    for gan in (off, on):
        hist = gan.fit(x[:640], batch_size=64, epochs=2, verbose=0)
        assert "cluster_loss" in hist.history
    # with the term, Q's reading of real images is surer and uses more codes
    def scores(gan):
        p, _ = gan.recover_codes(x[:500])
        each = -np.mean(np.sum(p * np.log(p + 1e-8), 1))
        return each, len(np.unique(p.argmax(1)))
    assert scores(on)[0] < scores(off)[0]
    assert scores(on)[1] >= 5


def test_infogan_noise_scale_shrinks_z_in_training_and_sampling(tmp_path):
    gan = infogan(noise_scale=0.25)
    latent, _, _ = gan.latent(4000)
    z = keras.ops.convert_to_numpy(latent)[:, :gan.noise_dim]
    assert z.std() == pytest.approx(0.25, rel=0.05)
    codes = gan.random_codes(3, seed=1)
    z = np.random.default_rng(2).standard_normal((3, gan.noise_dim)).astype("float32")
    direct = gan.generator(np.concatenate([0.25 * z, np.eye(10)[codes[:, 0].astype(int)],
                                           codes[:, 1:]], 1), training=False)
    np.testing.assert_allclose(gan.generate_from(z, codes, average=False),
                               keras.ops.convert_to_numpy(direct), atol=1e-5)
    gan.save(tmp_path / "i.keras")
    back = keras.saving.load_model(tmp_path / "i.keras")
    assert (back.noise_scale, back.cluster_weight) == (0.25, 0.0)


def test_code_moves_and_diversity_measure_what_the_codes_do(digits):
    x, y, xt, yt = digits
    gan = infogan()
    gan.info["dataset"] = "digits8"
    moves = code_moves(gan, x, rows=20, steps=3, seed=0)
    assert set(moves) == {"ink", "width", "height", "slant"}
    assert all(v.shape == (2,) and np.isfinite(v).all() for v in moves.values())
    spread = code_diversity(gan, xt, yt, {k: k for k in range(9)}, n=20, seed=0)
    assert spread.shape == (10, 2) and np.isnan(spread[9, 1]) and (spread[:9] > 0).all()
    # a set of one image repeated has no spread; two different points are their distance apart
    assert feature_spread(np.ones((5, 3))) == pytest.approx(0.0, abs=1e-6)
    assert feature_spread(np.array([[0.0, 0.0], [3.0, 4.0]])) == pytest.approx(5.0)
    with pytest.raises(gankit.BadInputError, match="N >= 2"):
        feature_spread(np.ones((1, 3)))
    with pytest.raises(gankit.BadInputError, match="continuous code"):
        code_moves(infogan(continuous=0), x)


# --- clustering scores, recipes and the command line ------------------------------------

def test_cluster_scores():
    y = np.repeat(np.arange(4), 25)
    perfect = cluster_scores(y, (y + 1) % 4)  # the same partition under other names
    assert perfect["accuracy"] == perfect["purity"] == pytest.approx(1.0)
    assert perfect["nmi"] == pytest.approx(1.0) and perfect["mapping"][1] == 0
    merged = cluster_scores(y, y // 2)  # two clusters of two classes each
    assert merged["accuracy"] == pytest.approx(0.5) and merged["purity"] == pytest.approx(0.5)
    assert cluster_scores(y, np.zeros(100, int))["accuracy"] == pytest.approx(0.25)
    with pytest.raises(gankit.BadInputError, match="same non-zero length"):
        cluster_scores(y, y[:10])


def test_infogan_recipes_are_the_measured_fix_and_the_paper_is_one_call_away():
    # benchmarks/README.md, "At the recipes' own steps": the clustering term, weighed 2
    fashion, digits = (gankit.get_recipe(n).build(0) for n in ("infogan-fashion", "infogan-digits"))
    assert (fashion.cluster_weight, fashion.noise_scale) == (2.0, 1.0)
    assert (digits.cluster_weight, digits.noise_scale) == (0.0, 1.0)
    paper = gankit.recipes.info_gan(0, cluster_weight=0.0, noise_scale=1.0)
    assert (paper.cluster_weight, paper.noise_scale, paper.info_weight) == (0.0, 1.0, 1.0)
    # and the variants the same section tried build: spectral norm in D, Q's own hidden layer
    def kinds(gan):
        return {type(layer).__name__ for layer in gan.discriminator.layers}

    assert "SpectralNormalization" not in kinds(fashion)
    assert "SpectralNormalization" in kinds(gankit.recipes.info_gan(0, d_norm="spectral"))
    assert (gankit.count_params(gankit.recipes.info_gan(0, q_hidden=16).discriminator)
            > gankit.count_params(fashion.discriminator))


def test_recipes_build_the_control_models():
    for name, cls, shape in (("acgan-fashion", gankit.ACGAN, (28, 28, 1)),
                             ("infogan-fashion", gankit.InfoGAN, (28, 28, 1)),
                             ("infogan-digits", gankit.InfoGAN, (8, 8, 1))):
        recipe = gankit.get_recipe(name)
        gan = recipe.build(0)
        assert isinstance(gan, cls) and gan.info["recipe"] == name
        assert gan.sample_shape == shape and gan.d_optimizer is not None
    x, y = gankit.get_recipe("infogan-digits").load_data(0)
    assert x.shape == (1438, 8, 8, 1)  # the training side of the split; the rest scores it


@pytest.mark.slow
def test_cli_sample_writes_labels_and_codes(tmp_path, capsys):
    from gankit import cli

    for name, gan in (("a", acgan()), ("i", infogan(continuous=3))):
        gan.save(tmp_path / f"{name}.keras")
        assert cli.main(["sample", str(tmp_path / f"{name}.keras"), "--n", "30", "--out",
                         str(tmp_path / f"{name}.npz"), "--seed", "1"]) == 0
    with np.load(tmp_path / "a.npz") as f:
        assert sorted(f.files) == ["images", "labels"]
        assert f["images"].shape == (30, 8, 8, 1) and f["labels"].shape == (30,)
        assert f["labels"].min() >= 0 and f["labels"].max() <= 9
    with np.load(tmp_path / "i.npz") as f:
        assert sorted(f.files) == ["codes", "images"]
        images, codes = f["images"], f["codes"]
    assert images.shape == (30, 8, 8, 1) and codes.shape == (30, 4)
    assert codes.dtype == np.float32 and set(codes[:, 0]) <= set(range(10))
    assert np.abs(codes[:, 1:]).max() <= 1 and len(set(codes[:, 0])) > 3
