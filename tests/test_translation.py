"""Pix2Pix and SRGAN: tiny models on the 8x8 digits, a few dozen steps each.

Only keras.ops and NumPy here, so the same tests could run on JAX and PyTorch.
"""
import numpy as np
import pytest

import keras
import gankit
from gankit.pix2pix import add_noise, content_loss, downsample, make_pairs, outlines
from gankit.srgan import psnr, ssim, upsample


@pytest.fixture(scope="module")
def digits():
    x, _ = gankit.load_digits8(verbose=False, split="train")
    return x


def adam(lr=2e-3):
    return keras.optimizers.Adam(lr, beta_1=0.5)


def pix2pix(seed=0, **kwargs):
    gankit.seed_everything(seed)
    g = gankit.unet_generator((8, 8, 1), base_filters=8)
    d = gankit.patch_discriminator((8, 8, 1), (8, 8, 1), base_filters=8)
    gan = gankit.Pix2Pix(g, d, seed=seed, **kwargs)
    gan.compile(adam(), adam())
    return gan


def test_outlines_mark_edges_only():
    x = -np.ones((1, 8, 8, 1), "float32")
    x[0, 2:6, 2:6] = 1.0  # a white square on black
    edges = outlines(x)
    assert set(np.unique(edges)) == {-1.0, 1.0}
    assert edges[0, 0, 0, 0] == -1 and edges[0, 4, 4, 0] == -1  # flat regions: no outline
    assert edges[0, 2, 3, 0] == 1 and edges[0, 5, 3, 0] == 1    # the square's border
    with pytest.raises(gankit.BadInputError, match="N, H, W, C"):
        outlines(x[0])


@pytest.mark.slow
def test_pix2pix_learns_the_outline_task(digits):
    src, tgt = make_pairs("outlines", digits)
    gan = pix2pix()
    before = np.abs(gan.translate(src[:200]) - tgt[:200]).mean()
    hist = gan.fit(src, tgt, batch_size=64, epochs=4, verbose=0, shuffle=True)
    assert {"d_loss", "g_loss", "content", "d_real", "d_fake"} <= set(hist.history)
    after = np.abs(gan.translate(src[:200]) - tgt[:200]).mean()
    assert after < 0.6 * before, (before, after)
    p = gan.discriminate(tgt[:5], src[:5])
    assert p.shape == (5,) and ((p > 0) & (p < 1)).all()


def test_add_noise_is_seeded_clipped_and_checked():
    x = np.zeros((50, 8, 8, 1), "float32")
    noisy = add_noise(x, sigma=0.5, seed=3)
    np.testing.assert_array_equal(noisy, add_noise(x, sigma=0.5, seed=3))
    assert not np.array_equal(noisy, add_noise(x, sigma=0.5, seed=4))
    assert abs(noisy.std() - 0.5) < 0.03  # nothing clipped from 0 at this sigma, nearly
    assert add_noise(np.ones_like(x), sigma=2.0).max() == 1.0  # clipped back to [-1, 1]
    np.testing.assert_array_equal(add_noise(x, sigma=0.0), x)
    with pytest.raises(gankit.BadInputError, match="N, H, W, C"):
        add_noise(x[0])
    with pytest.raises(gankit.BadInputError, match="sigma"):
        add_noise(x, sigma=-1)


@pytest.mark.slow
def test_pix2pix_learns_to_remove_noise(digits):
    noisy, clean = make_pairs("denoise", digits)
    assert noisy.shape == clean.shape and not np.array_equal(noisy, clean)
    gan = pix2pix(content_weight=10.0)
    before = psnr(gan.translate(noisy[:200]), clean[:200]).mean()
    gan.fit(noisy, clean, batch_size=64, epochs=4, verbose=0, shuffle=True)
    after = psnr(gan.translate(noisy[:200]), clean[:200]).mean()
    assert after > psnr(noisy[:200], clean[:200]).mean() + 3, (before, after)  # cleaner than its input
    assert after > before + 3


def test_pix2pix_save_and_load_give_the_same_outputs(digits, tmp_path):
    src, tgt = make_pairs("outlines", digits[:128])
    gan = pix2pix(content_weight=10.0, ema=0.99, info={"task": "outlines"})
    gan.fit(src, tgt, batch_size=64, epochs=1, verbose=0)
    gan.save(tmp_path / "p.keras")
    back = keras.saving.load_model(tmp_path / "p.keras")
    assert isinstance(back, gankit.Pix2Pix) and back.content_weight == 10.0
    np.testing.assert_allclose(back.translate(src[:9]), gan.translate(src[:9]), atol=1e-6)
    assert int(back.g_optimizer.iterations) == 2


def test_pix2pix_wrong_input_gets_clear_errors(digits):
    gan = pix2pix()
    src, tgt = make_pairs("outlines", digits[:64])
    with pytest.raises(gankit.BadInputError, match="inputs, targets"):
        gan.fit(src, batch_size=32, epochs=1, verbose=0)
    with pytest.raises(gankit.BadInputError, match="pair up"):
        gan.fit(src, tgt[:10], batch_size=32, epochs=1, verbose=0)
    with pytest.raises(gankit.BadInputError, match=r"\(8, 8, 1\)"):
        gan.translate(np.zeros((2, 28, 28, 1), "float32"))
    assert not hasattr(gan, "generate"), "a translation model draws nothing from noise"
    with pytest.raises(gankit.BadInputError, match="condition"):
        gankit.Pix2Pix(gankit.unet_generator((8, 8, 1), base_filters=8),
                       gankit.patch_discriminator((8, 8, 1), (8, 8, 2), base_filters=8))
    with pytest.raises(gankit.BadInputError, match="content should be"):
        pix2pix(content="l3")
    with pytest.raises(gankit.UnknownNameError, match="outlines"):
        make_pairs("outline", digits[:2])


def test_content_losses():
    a = np.zeros((2, 4, 4, 1), "float32")
    b = np.full((2, 4, 4, 1), 0.5, "float32")
    assert float(keras.ops.convert_to_numpy(content_loss(a, b, "l1"))) == pytest.approx(0.5)
    assert float(keras.ops.convert_to_numpy(content_loss(a, b, "mse"))) == pytest.approx(0.25)


def test_psnr_and_ssim():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (3, 16, 16, 1)).astype("float32")
    assert np.allclose(ssim(x, x), 1.0)
    noisy = np.clip(x + rng.normal(0, 0.3, x.shape), -1, 1)
    noisier = np.clip(x + rng.normal(0, 0.6, x.shape), -1, 1)
    assert (ssim(noisy, x) < 0.99).all() and (ssim(noisier, x) < ssim(noisy, x)).all()
    # an error of 0.2 everywhere: MSE 0.04, range 2 -> 10 log10(4 / 0.04) = 20 dB
    assert np.allclose(psnr(np.clip(x, -0.8, 0.8) * 0 + 0.2, np.zeros_like(x)), 20.0)
    with pytest.raises(gankit.BadInputError, match="same shape"):
        psnr(x, x[:, :8])


@pytest.mark.slow
def test_srgan_beats_bicubic_on_what_it_trained_for(digits):
    hi = digits
    lo = downsample(hi, 2)  # 8x8 -> 4x4: a 2x super-resolution task
    gankit.seed_everything(0)
    gan = gankit.SRGAN(gankit.sr_generator((4, 4, 1), factor=2, filters=16, blocks=1),
                       gankit.patch_discriminator((8, 8, 1), base_filters=8, depth=1), seed=0)
    gan.compile(adam(), adam())
    gan.fit(lo, hi, batch_size=64, epochs=6, verbose=0, shuffle=True)
    out = gan.translate(lo)
    assert out.shape == hi.shape
    assert psnr(out, hi).mean() > psnr(upsample(lo, 8, "nearest"), hi).mean()
    with pytest.raises(gankit.BadInputError, match="larger"):
        gankit.SRGAN(gankit.unet_generator((8, 8, 1), base_filters=8),
                     gankit.patch_discriminator((8, 8, 1), base_filters=8))


def test_srgan_warmup_trains_g_on_content_alone_then_switches_d_on(digits, tmp_path):
    hi = digits[:128]
    lo = downsample(hi, 2)
    gankit.seed_everything(0)
    gan = gankit.SRGAN(gankit.sr_generator((4, 4, 1), factor=2, filters=8, blocks=1),
                       gankit.patch_discriminator((8, 8, 1), base_filters=8, depth=1),
                       warmup_steps=4, seed=0)
    gan.compile(adam(), adam())
    d0 = [np.array(w) for w in gan.discriminator.weights]
    g0 = [np.array(w) for w in gan.generator.weights]
    logs = gan.fit(lo, hi, batch_size=32, epochs=1, verbose=0).history  # 4 steps: all warm-up
    assert int(gan.g_optimizer.iterations) == 4
    assert logs["adversarial"][-1] == 0.0 and logs["d_loss"][-1] == 0.0  # the logs say why
    assert all(np.array_equal(a, np.array(b)) for a, b in zip(d0, gan.discriminator.weights))
    assert not all(np.array_equal(a, np.array(b)) for a, b in zip(g0, gan.generator.weights))
    logs = gan.fit(lo, hi, batch_size=32, epochs=1, verbose=0).history  # 4 more: the game is on
    assert logs["adversarial"][-1] == 1.0 and logs["d_loss"][-1] > 0.0
    assert not all(np.array_equal(a, np.array(b)) for a, b in zip(d0, gan.discriminator.weights))
    gan.save(tmp_path / "s.keras")
    assert keras.saving.load_model(tmp_path / "s.keras").warmup_steps == 4
    with pytest.raises(gankit.BadInputError, match="warmup_steps"):
        gankit.SRGAN(gan.generator, gan.discriminator, warmup_steps=-1)


def test_icnr_upsampling_starts_without_a_checkerboard():
    x = np.random.default_rng(0).normal(size=(3, 4, 4, 1)).astype("float32")
    for icnr in (True, False):
        gankit.seed_everything(0)
        out = keras.Model(*_upsampler(icnr)).predict(x, verbose=0)
        same = np.allclose(out[:, 0::2, 0::2], out[:, 1::2, 1::2], atol=1e-6) and \
            np.allclose(out[:, 0::2, 0::2], out[:, 0::2, 1::2], atol=1e-6)
        assert same == icnr  # ICNR: each 2x2 block starts as one repeated value
    from gankit.srgan import ICNR
    with pytest.raises(gankit.BadInputError, match="multiple of 4"):
        ICNR(2)((3, 3, 8, 6))


def _upsampler(icnr):
    from gankit.srgan import _pixel_shuffle

    x_in = keras.Input((4, 4, 1))
    return x_in, _pixel_shuffle(x_in, 3, icnr)


# --- LAPGAN ----------------------------------------------------------------------------

def test_laplacian_pyramid_adds_back_up_exactly(digits):
    from gankit.lapgan import laplacian_pyramid, reconstruct

    x = np.pad(digits[:20], ((0, 0), (0, 0), (0, 0), (0, 0)))
    residuals, top = laplacian_pyramid(x, levels=3)
    assert [r.shape[1] for r in residuals] == [8, 4] and top.shape == (20, 2, 2, 1)
    np.testing.assert_allclose(reconstruct(residuals, top), x, atol=1e-5)
    assert np.abs(residuals[0]).mean() > 0.05  # the finest level holds real detail


@pytest.mark.slow
def test_lapgan_trains_every_level_and_round_trips(digits, tmp_path):
    from gankit.lapgan import lapgan_levels

    gan = gankit.LAPGAN(lapgan_levels((2, 4, 8), latent_dim=8, base_filters=8, seed=0))
    gan.compile(2e-3)
    hist = gan.fit(digits[:256], batch_size=64, epochs=1, verbose=0)   # every backend
    assert {"d_loss_2", "g_loss_4", "d_real_8", "d_loss", "g_loss"} <= set(hist.history)
    assert [int(lv.g_optimizer.iterations) for lv in gan.levels] == [4, 4, 4]
    assert [lv.content_weight for lv in gan.levels[1:]] == [0.0, 0.0]  # the paper's pure GAN
    assert [lv.content_weight for lv in lapgan_levels((2, 4, 8), latent_dim=8, base_filters=8,
                                                      detail_content_weight=10.0)[1:]] == [10.0, 10.0]
    images, stages = gan.generate(5, seed=1, stages=True)
    assert images.shape == (5, 8, 8, 1) and len(stages) == 3
    np.testing.assert_allclose(stages[2]["image"],
                               np.clip(stages[2]["enlarged"] + stages[2]["residual"], -1, 1))
    np.testing.assert_allclose(gan.generate(5, seed=1), images, atol=1e-6)  # seeded
    drawn, labels = gankit.evaluation.sample(gan, 5, seed=1)  # the benchmarks score it so
    assert labels is None and drawn.shape == (5, 8, 8, 1)
    gan.save(tmp_path / "l.keras")
    back = keras.saving.load_model(tmp_path / "l.keras")
    assert isinstance(back, gankit.LAPGAN)
    np.testing.assert_allclose(back.generate(5, seed=1), images, atol=1e-5)
    with pytest.raises(gankit.BadInputError, match="double"):
        gankit.LAPGAN([gan.levels[0], gan.levels[2]])


# --- recipes and the command line --------------------------------------------------------

@pytest.mark.parametrize("name,inputs", [("pix2pix-outlines", (28, 28, 1)),
                                         ("pix2pix-denoise", (28, 28, 1)),
                                         ("srgan-fashion", (7, 7, 1)),
                                         ("lapgan-fashion", None),
                                         ("cyclegan-outlines", (28, 28, 1))])
def test_recipes_save_and_sample_writes_inputs(name, inputs, tmp_path):
    from gankit.cli import main

    gan = gankit.get_recipe(name).build(0)
    gan.save(tmp_path / "m.keras")
    assert main(["sample", str(tmp_path / "m.keras"), "--n", "6", "--out",
                 str(tmp_path / "s.npz"), "--seed", "2"]) == 0
    with np.load(tmp_path / "s.npz") as f:
        assert f["images"].shape == (6, 28, 28, 1) and f["images"].dtype == np.float32
        if inputs is None:
            assert sorted(f.files) == ["images"]
        else:
            assert sorted(f.files) == ["images", "inputs"] and f["inputs"].shape[1:] == inputs
            assert f["inputs"].min() >= -1 and f["inputs"].max() <= 1


@pytest.mark.slow
def test_train_recipe_fits_a_translation_on_pairs():
    gan, report = gankit.train_recipe("pix2pix-outlines", minutes=0.02, progress=False)
    assert report["steps"] >= 1 and int(gan.g_optimizer.iterations) == report["steps"]


# --- CycleGAN ------------------------------------------------------------------------------

def cyclegan(seed=0, **kwargs):
    gankit.seed_everything(seed)
    nets = [gankit.unet_generator((8, 8, 1), base_filters=8, name=n) for n in ("g_ab", "g_ba")]
    crit = [gankit.patch_discriminator((8, 8, 1), base_filters=8, name=n) for n in ("d_a", "d_b")]
    gan = gankit.CycleGAN(*nets, *crit, seed=seed, **kwargs)
    gan.compile(adam(), adam())
    return gan


@pytest.mark.slow
def test_cyclegan_learns_without_pairs_and_round_trips(digits, tmp_path):
    a = digits
    b = -digits[np.random.default_rng(0).permutation(len(digits))]  # inverted, shuffled: no pairs
    gan = cyclegan(identity_weight=0.0)  # inverting is not the identity on B: no identity loss
    before = np.abs(gan.translate(a[:200]) + a[:200]).mean()
    hist = gan.fit(a, b, batch_size=64, epochs=6, verbose=0, shuffle=True)
    assert {"cycle", "identity", "d_loss", "g_loss"} <= set(hist.history)
    assert hist.history["cycle"][-1] < hist.history["cycle"][0]
    after = np.abs(gan.translate(a[:200]) + a[:200]).mean()  # the hidden rule: b = -a
    assert after < 0.75 * before, (before, after)
    gan.save(tmp_path / "c.keras")
    back = keras.saving.load_model(tmp_path / "c.keras")
    assert isinstance(back, gankit.CycleGAN) and back.cycle_weight == 10.0
    assert back.identity_weight == 0.0
    np.testing.assert_allclose(back.translate(b[:5], direction="ba"),
                               gan.translate(b[:5], direction="ba"), atol=1e-6)


def test_cyclegan_wrong_input_gets_clear_errors(digits):
    gan = cyclegan(identity_weight=0.0)
    with pytest.raises(gankit.BadInputError, match="two piles"):
        gan.fit(digits, batch_size=32, epochs=1, verbose=0)
    with pytest.raises(gankit.BadInputError, match="as many A images"):
        gan.fit(digits, digits[:10], batch_size=32, epochs=1, verbose=0)
    with pytest.raises(gankit.BadInputError, match="direction"):
        gan.translate(digits[:2], direction="ac")
    assert not hasattr(gan, "generate") and not hasattr(gan, "step")
    g = gankit.unet_generator((8, 8, 1), base_filters=8)
    with pytest.raises(gankit.BadInputError, match="d_b should judge"):
        gankit.CycleGAN(g, gankit.unet_generator((8, 8, 1), base_filters=8),
                        gankit.patch_discriminator((8, 8, 1), base_filters=8),
                        gankit.patch_discriminator((8, 8, 1), (8, 8, 1), base_filters=8))
