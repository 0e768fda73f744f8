"""Text to image: the captioned scenes, the tokenizer, the judge and a tiny GAN-CLS."""
import numpy as np
import pytest

import keras
import gankit
from gankit import captions as cap, text2image as t2i
from gankit import text_networks as networks
from gankit.cli import main


@pytest.fixture(scope="module")
def encoder():
    _, captions, attributes = cap.shape_scenes(1024, seed=1)
    enc, acc = cap.train_text_encoder(captions, attributes, dim=16, epochs=5, seed=0)
    assert acc > 0.95  # it names the attributes of the captions it learned from
    return enc


def tiny(encoder, seed=0, lr=(2e-3, 2e-3), **kwargs):
    return t2i.text2image_gan(encoder, latent_dim=8, lr=lr, g_filters=16, d_filters=16,
                              seed=seed, **kwargs)


@pytest.fixture(scope="module")
def trained(encoder):
    """A tiny GAN-CLS + GAN-INT, 12 steps, shared by the training and the saving tests.
    Its settings are not the defaults, so that saving must keep them; G learns 10 times
    slower than D, so D's lead is clear after a few steps (by 0.24 or more over seeds 0-5)."""
    x, captions, _ = gankit.captions.shape_scenes(32 * 6, seed=0)
    tokens = gankit.captions.encode_captions(captions)
    gan = tiny(encoder, mismatch_weight=0.6, interpolate=1.0, lr=(2e-3, 2e-4),
               held_out=[("green", "triangle")])
    before = [w.copy() for w in gan.generator.get_weights()]
    frozen = [w.copy() for w in encoder.get_weights()]
    hist = gan.fit(x, tokens, batch_size=32, epochs=2, verbose=0)
    return dict(gan=gan, x=x, captions=captions, tokens=tokens, before=before,
                frozen=frozen, history=hist.history)


def test_scenes_have_the_promised_shape_range_and_are_repeatable():
    x, captions, attributes = gankit.captions.shape_scenes(60, seed=3)
    assert x.shape == (60, 16, 16, 3) and x.dtype == np.float32
    assert x.min() == -1.0 and x.max() == 1.0
    assert attributes.shape == (60, 4) and captions.shape == (60,)
    assert captions[0] == cap.caption(attributes[0])
    y, c2, _ = gankit.captions.shape_scenes(60, seed=3)
    assert np.array_equal(x, y) and list(captions) == list(c2)
    assert not np.array_equal(x, gankit.captions.shape_scenes(60, seed=4)[0])
    # the shape's colour is the only lit channel
    lit = (x > -1).any((1, 2))
    assert np.array_equal(lit.argmax(1), attributes[:, 1]) and lit.sum(1).max() == 1


def test_held_out_pairs_never_appear_in_training_captions_but_their_words_do():
    _, captions, attributes = gankit.captions.shape_scenes(3000, seed=0)
    text = " | ".join(captions)
    assert "red square" not in text and "blue circle" not in text
    for word in ("red", "square", "blue", "circle"):
        assert f" {word}" in text
    _, held, _ = gankit.captions.shape_scenes(200, seed=0, which="held-out")
    assert all("red square" in c or "blue circle" in c for c in held)
    assert len(cap.combinations(which="seen")) + len(cap.combinations(which="held-out")) == 72


def test_any_two_attributes_can_be_held_out():
    pair = [("triangle", "at the top")]
    _, captions, _ = gankit.captions.shape_scenes(2000, seed=0, held_out=pair)
    assert not any("triangle at the top" in c for c in captions)
    assert any("triangle" in c for c in captions) and any("at the top" in c for c in captions)
    held = cap.combinations(pair, which="held-out")
    assert len(held) == 2 * 3  # sizes x colours
    assert (held[:, 2] == 2).all() and (held[:, 3] == 2).all()


def test_tokenizer_round_trip_and_its_error_names_the_word():
    tokens = gankit.captions.encode_captions(["a big red circle at the top", "A small blue square"])
    assert tokens.shape == (2, cap.LENGTH) and tokens.dtype == np.int32
    assert [cap.VOCABULARY[i] for i in tokens[0]] == "a big red circle at the top".split()
    assert tokens[1, 4:].tolist() == [0, 0, 0]  # padded
    with pytest.raises(gankit.BadInputError, match="'purple'.*knows only: a, small"):
        gankit.captions.encode_captions(["a big purple circle on the left"])


@pytest.mark.slow
def test_the_attribute_classifiers_read_real_scenes():
    clf = cap.train_attribute_classifier(seed=0)  # the lesson's judge: 4,096 scenes, 5 epochs
    x, _, attributes = gankit.captions.shape_scenes(400, seed=7, held_out=(), which="all")
    acc = cap.attribute_accuracy(clf, x, attributes)
    assert acc["all"] > 0.97 and min(acc.values()) > 0.97
    shuffled = cap.attribute_accuracy(clf, x, attributes[::-1])
    assert shuffled["all"] < 0.2  # captions that do not belong score near chance


def test_d_learns_to_check_the_sentence_and_g_changes(encoder, trained):
    gan, x, captions, history = (trained[k] for k in ("gan", "x", "captions", "history"))
    assert {"d_loss", "g_loss", "d_real", "d_fake", "d_wrong"} <= set(history)
    # D already calls a real image with someone else's caption less real than with its own
    assert history["d_wrong"][-1] < history["d_real"][-1] - 0.1
    assert any(not np.allclose(a, b) for a, b in zip(trained["before"],
                                                     gan.generator.get_weights()))
    assert all(np.array_equal(a, b) for a, b in zip(trained["frozen"], encoder.get_weights()))
    images = gan.generate_from_text(["a big red square at the top"] * 3, seed=1)
    assert images.shape == (3, 16, 16, 3) and np.abs(images).max() <= 1.0
    p = gan.discriminate(x[:5], captions[:5])
    assert p.shape == (5,) and ((p > 0) & (p < 1)).all()


def test_the_sentence_vector_is_the_frozen_encoders_and_old_configs_load(encoder):
    """D and G read the encoder's vector of the whole caption; a config saved with the
    word_dropout option (measured, then removed) still builds a model."""
    _, captions, _ = gankit.captions.shape_scenes(64, seed=2)
    tokens = gankit.captions.encode_captions(captions)
    gan = tiny(encoder)
    _, (vectors, _) = gan.unpack((np.zeros((64, 16, 16, 3), "float32"), tokens))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(vectors),
                               keras.ops.convert_to_numpy(encoder(tokens)), atol=1e-6)
    config = gan.get_config()
    assert "word_dropout" not in config
    old = type(gan).from_config({**config, "word_dropout": 0.3})
    assert isinstance(old, t2i.TextGAN) and not hasattr(old, "word_dropout")


@pytest.mark.slow
def test_attribute_head_learns_what_the_words_name_and_round_trips(tmp_path, encoder):
    """attribute_weight: the caption's words become one-hot labels per attribute, D's
    image-only head learns them on real scenes, and G's loss has the same term; imagine
    adds captions of the whole grammar (held-out pairs included) to G's loss."""
    x, captions, attributes = gankit.captions.shape_scenes(32 * 8, seed=3)
    tokens = gankit.captions.encode_captions(captions)
    gan = tiny(encoder, attribute_weight=1.0, interpolate=1.0, attribute_head="colour-blind",
               imagine=1.0)
    _, (_, targets) = gan.unpack((x, tokens))
    targets = keras.ops.convert_to_numpy(targets)
    ends = np.cumsum([len(v) for v in cap.ATTRIBUTES.values()])
    for i, (e, values) in enumerate(zip(ends, cap.ATTRIBUTES.values())):
        block = targets[:, e - len(values):e]
        assert (block.sum(1) == 1).all() and (block.argmax(1) == attributes[:, i]).all()
    imagined = {" ".join(cap.VOCABULARY[t] for t in row if t) for row in gan._all_tokens}
    assert imagined == {cap.caption(a) for a in cap.combinations(which="all")}
    assert "a big red square at the top" in imagined  # held out of the images, not the text

    def head(images):
        return keras.ops.convert_to_numpy(
            gan.discriminator([images, gan.sentence_vectors(captions)])[1])

    # colour-blind: swapping the colour channels changes the colour logits only
    a, b = head(x), head(x[..., ::-1])
    assert np.allclose(np.delete(a, np.s_[2:5], 1), np.delete(b, np.s_[2:5], 1), atol=1e-5)
    assert not np.allclose(a[:, 2:5], b[:, 2:5], atol=1e-3)
    before = float(t2i.attribute_loss(head(x), targets))
    gan.fit(x, tokens, batch_size=32, epochs=3, verbose=0)
    assert float(t2i.attribute_loss(head(x), targets)) < 0.8 * before  # D learnt to name them
    p = gan.discriminate(x[:4], captions[:4])
    assert p.shape == (4,) and ((p > 0) & (p < 1)).all()
    gan.save(tmp_path / "a.keras")
    back = keras.saving.load_model(tmp_path / "a.keras")
    assert back.attribute_weight == 1.0 and back.imagine == 1.0
    np.testing.assert_allclose(back.discriminate(x[:4], captions[:4]), p, atol=1e-5)
    before = [w.copy() for w in back.generator.get_weights()]
    back.fit(x[:32], tokens[:32], batch_size=32, epochs=1, verbose=0)
    assert any(not np.allclose(u, v) for u, v in zip(before, back.generator.get_weights()))
    with pytest.raises(gankit.BadInputError, match="attribute_head=True"):
        t2i.TextGAN(tiny(encoder).generator, tiny(encoder).discriminator, encoder,
                    attribute_weight=1.0)
    with pytest.raises(gankit.BadInputError, match="attribute_head=False"):
        t2i.TextGAN(gan.generator, gan.discriminator, encoder)
    with pytest.raises(gankit.BadInputError, match="imagine"):
        tiny(encoder, imagine=1.0)
    with pytest.raises(gankit.BadInputError, match="colour-blind"):
        networks.text_discriminator(attribute_head="grey")


def test_save_and_load_give_the_same_images(tmp_path, trained, xla_auto):
    gan = trained["gan"]
    gan.save(tmp_path / "t.keras")
    back = keras.saving.load_model(tmp_path / "t.keras")
    assert isinstance(back, gankit.TextGAN) and back.mismatch_weight == 0.6
    assert back.interpolate == 1.0 and back.held_out == [["green", "triangle"]]
    assert back.jit_compile == gan.jit_compile == xla_auto
    caps = ["a small green triangle on the left", "a big blue circle at the bottom"]
    np.testing.assert_allclose(back.generate_from_text(caps, seed=2),
                               gan.generate_from_text(caps, seed=2), atol=1e-5)
    before = [w.copy() for w in back.generator.get_weights()]
    back.fit(trained["x"][:32], trained["tokens"][:32], batch_size=32, epochs=1, verbose=0)
    assert any(not np.allclose(a, b) for a, b in zip(before, back.generator.get_weights()))


def test_layered_generator_paints_one_mask_in_two_colours_and_round_trips(tmp_path, encoder):
    """text_generator(kind="layered"): every pixel lies between the background colour and the
    shape's colour (one mask), and a TextGAN built on it saves and loads."""
    x, captions, _ = gankit.captions.shape_scenes(64, seed=0)
    gan = tiny(encoder, kind="layered")
    gan.fit(x, gankit.captions.encode_captions(captions), batch_size=32, epochs=1, verbose=0)
    caps = ["a big red square on the left", "a small blue triangle at the top"]
    images = gan.generate_from_text(caps, seed=1)
    assert images.shape == (2, 16, 16, 3) and np.abs(images).max() <= 1.0
    G = gan.sampler
    s, z = gan.sentence_vectors(caps), np.random.default_rng(1).standard_normal((2, 8))
    fg = keras.ops.convert_to_numpy(G.get_layer("colour")(s))
    bg = keras.ops.convert_to_numpy(G.get_layer("background")(z.astype("float32")))
    share = (images - bg[:, None, None]) / (fg - bg)[:, None, None]  # the mask, per channel
    assert share.min() >= -1e-4 and share.max() <= 1 + 1e-4
    np.testing.assert_allclose(share, share[..., :1].repeat(3, -1), atol=1e-3)
    gan.save(tmp_path / "layered.keras")
    back = keras.saving.load_model(tmp_path / "layered.keras")
    np.testing.assert_allclose(back.generate_from_text(caps, seed=1), images, atol=1e-5)


def test_factorised_generator_keeps_colour_words_and_shape_words_apart(tmp_path):
    """The parser reads held-out captions right, and in a factorised G the mask never hears
    the colour block of the parsed sentence, nor the colour the other blocks."""
    # text only, from every caption of the grammar (no image of a red square is involved)
    _, captions, attributes = cap.shape_scenes(1024, seed=1, which="all")
    parser, acc = cap.train_text_encoder(captions, attributes, epochs=5, parse=True, seed=0)
    assert acc > 0.95 and parser.outputs[0].shape[-1] == cap.PARSED_DIM == 12
    rows = cap.combinations(which="held-out")
    parsed = cap.encode_text(parser, [cap.caption(r) for r in rows])
    np.testing.assert_allclose(parsed[:, :2].sum(1), 1.0, atol=1e-5)  # size: probabilities
    assert (parsed[:, 2:5].argmax(1) == rows[:, 1]).mean() > 0.95  # "red" in "red square"
    assert (parsed[:, 5:8].argmax(1) == rows[:, 2]).mean() > 0.95  # "square" too

    x, caps, _ = gankit.captions.shape_scenes(64, seed=0)
    gan = tiny(parser, kind="factorised")
    gan.fit(x, gankit.captions.encode_captions(caps), batch_size=32, epochs=1, verbose=0)
    G = gan.sampler
    parts = keras.Model(G.inputs, [G.get_layer("mask").output, G.get_layer("colour").output])
    z = np.random.default_rng(0).standard_normal((1, 8)).astype("float32").repeat(3, 0)
    s = gan.sentence_vectors(["a big red square on the left"] * 3)
    s[1, 2:5] = s[1, [3, 4, 2]]  # another colour, the same size, shape and position
    s[2, 5:] = s[2, [6, 7, 5, 9, 10, 11, 8]]  # the same colour, another shape and position
    mask, colour = (keras.ops.convert_to_numpy(o) for o in parts([z, s]))
    np.testing.assert_allclose(mask[0], mask[1], atol=1e-6)      # colour word changed: same mask
    assert not np.allclose(mask[0], mask[2], atol=1e-3)          # shape words changed: new mask
    np.testing.assert_allclose(colour[0], colour[2], atol=1e-6)  # same colour word: same colour
    gan.save(tmp_path / "factorised.keras")
    back = keras.saving.load_model(tmp_path / "factorised.keras")
    np.testing.assert_allclose(back.generate_from_text(caps[:4], seed=1),
                               gan.generate_from_text(caps[:4], seed=1), atol=1e-5)
    with pytest.raises(gankit.BadInputError, match="parse=True"):
        networks.text_generator(8, 32, kind="factorised")
    with pytest.raises(gankit.BadInputError, match="kind should be one of"):
        networks.text_generator(8, 12, kind="stacked")


def test_bad_input_says_what_to_do(encoder):
    gan = tiny(encoder)
    x, captions, _ = gankit.captions.shape_scenes(8, seed=0)
    tokens = gankit.captions.encode_captions(captions)
    with pytest.raises(gankit.BadInputError, match="RGB"):
        gan.fit(x[..., :1], tokens, batch_size=4, epochs=1, verbose=0)
    with pytest.raises(gankit.BadInputError, match=r"\[-1, 1\]"):
        gan.fit(x * 255, tokens, batch_size=4, epochs=1, verbose=0)
    with pytest.raises(gankit.BadInputError, match="encode_captions"):
        gan.fit(x, batch_size=4, epochs=1, verbose=0)
    with pytest.raises(gankit.BadInputError, match="one caption per image"):
        gan.fit(x, tokens[:5], batch_size=4, epochs=1, verbose=0)
    with pytest.raises(gankit.BadInputError, match="'pink'"):
        gan.generate_from_text(["a pink circle"])
    with pytest.raises(gankit.BadInputError, match="sentence vector of size 16"):
        gankit.TextGAN(networks.text_generator(8, 32), networks.text_discriminator(16, 32), encoder)
    with pytest.raises(gankit.BadInputError, match="mismatch_weight"):
        tiny(encoder, mismatch_weight=1.0)
    with pytest.raises(gankit.BadInputError, match="two different attributes.*got \\('red', 'cube'\\)"):
        gankit.captions.shape_scenes(4, held_out=[("red", "cube")])
    with pytest.raises(gankit.BadInputError, match="two different attributes"):
        gankit.captions.shape_scenes(4, held_out=[("red", "blue")])


def test_check_scenes_says_what_was_expected_and_what_to_do():
    x, _, _ = gankit.captions.shape_scenes(4, seed=0)
    assert cap.check_scenes(x.astype("float64")).dtype == np.float32
    with pytest.raises(gankit.BadInputError,
                       match=r"RGB scenes.*3 colour channels; got 1 channel.*np\.repeat"):
        cap.check_scenes(x[..., :1])
    with pytest.raises(gankit.BadInputError, match="got 4 channel"):
        cap.check_scenes(np.concatenate([x, x[..., :1]], -1))
    with pytest.raises(gankit.BadInputError, match=r"One image\? Add the batch axis"):
        cap.check_scenes(x[0])
    with pytest.raises(gankit.BadInputError, match=r"\[-1, 1\].*raw pixels.*to_unit_range"):
        cap.check_scenes(np.round((x + 1) * 127.5))
    with pytest.raises(gankit.BadInputError,
                       match=r"\[-1, 1\] \(the generator ends in tanh\);"
                             r" got values in \[-1.5, 1.5\]"):
        cap.check_scenes(x * 1.5)
    with pytest.raises(gankit.BadInputError, match="NaN"):
        cap.check_scenes(np.where(x > 0, np.nan, x))
    with pytest.raises(gankit.BadInputError, match=r"\(8, 8, 3\) per image; got \(16, 16, 3\)"):
        cap.check_scenes(x, shape=(8, 8, 3))


@pytest.mark.slow
def test_cli_sample_writes_images_and_captions(tmp_path, encoder):
    gan = tiny(encoder, info={"recipe": "text2image-shapes", "kind": "images"})
    gan.save(tmp_path / "t.keras")
    assert main(["sample", str(tmp_path / "t.keras"), "--n", "5", "--out",
                 str(tmp_path / "s.npz"), "--seed", "1"]) == 0
    out = np.load(tmp_path / "s.npz")
    assert out["images"].shape == (5, 16, 16, 3) and out["images"].dtype == np.float32
    assert np.abs(out["images"]).max() <= 1.0
    assert set(out["captions"]) <= set(gan.captions("seen"))
    assert "text2image-shapes" in gankit.recipes.RECIPES
    recipe = gankit.recipes.get_recipe("text2image-shapes").build(0)  # the composing model
    assert recipe.attribute_weight == 3.0 and recipe.imagine == 1.0
    assert any(isinstance(layer, networks.Grey) for layer in recipe.discriminator.layers)
