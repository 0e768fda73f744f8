"""The builders behind the recipes (gankit.recipes): each returns a compiled GAN, its
networks, loss and optimizers chosen together, every option a keyword away.

``jit_compile``: the general builders (``fashion_gan``, ``toy_gan``) take Keras's own
values ("auto" by default); the builders of one named recipe (``cgan_fashion``,
``acgan_fashion``) default to None, "as the recipe": XLA in full runs, Keras's default in
smoke runs, where a compile would cost more than the few steps it speeds up.
"""
import keras

from .acgan import ACGAN
from .gan import GAN
from .infogan import InfoGAN
from .models import dcgan_discriminator, dcgan_generator, mlp_discriminator, mlp_generator
from .settings import pick


def _jit(jit_compile):
    # XLA is TensorFlow's and JAX's; on PyTorch, True would mean torch.compile: keep eager
    return "auto" if keras.backend.backend() == "torch" else jit_compile


def _adam(lr, beta_1=0.5, beta_2=0.999):
    return keras.optimizers.Adam(lr, beta_1=beta_1, beta_2=beta_2)


def fashion_gan(seed=0, conditional=False, name="dcgan-fashion", loss="non-saturating",
                d_norm="batch", minibatch_std=False, d_steps=1, gradient_penalty=0.0,
                clip_weights=None, label_smoothing=0.0, instance_noise=0.0, ema=None,
                lr=(4e-4, 4e-4), betas=(0.5, 0.999), optimizer="adam", jit_compile="auto",
                pack=1, r1=0.0, r2=0.0, augment=None, ada_target=None, ada_images=40_000):
    """A compiled lean DCGAN for 28x28 images; the defaults are the ``dcgan-fashion`` recipe.
    ``pack``: PacGAN, D sees ``pack`` images side by side as channels. ``r1``, ``r2``,
    ``augment``, ``ada_target`` and ``ada_images``: as ``gankit.GAN`` takes them.

    Chosen with benchmarks/tune_dcgan.py for the best samples in minutes on 2 CPU cores:
    32-64 filters and batch 64 give many more updates per second than the paper's
    128-256 filters and batch 128, and Adam 4e-4 (twice DCGAN's rate) learns faster.
    The conditional D adds a projection term, which raised the class accuracy
    (benchmarks/README.md, "Conditional discriminator for `cgan-fashion`").
    """
    classes = 10 if conditional else None
    g = dcgan_generator(latent_dim=64, base_filters=32, kernel_size=4, num_classes=classes)
    d = dcgan_discriminator(image_shape=(28, 28, int(pack)), base_filters=32, kernel_size=4,
                            norm=d_norm, num_classes=classes, projection=conditional,
                            minibatch_std=minibatch_std)
    gan = GAN(g, d, loss=loss, d_steps=d_steps, gradient_penalty=gradient_penalty,
              clip_weights=clip_weights, label_smoothing=label_smoothing,
              instance_noise=instance_noise, pack=pack, ema=ema, seed=seed, r1=r1, r2=r2,
              augment=augment, ada_target=ada_target, ada_images=ada_images,
              info={"recipe": name, "kind": "images", "dataset": "fashion-mnist"})
    if optimizer == "rmsprop":
        gan.compile(keras.optimizers.RMSprop(lr[0]), keras.optimizers.RMSprop(lr[1]),
                    jit_compile=_jit(jit_compile))
    else:
        gan.compile(_adam(lr[0], *betas), _adam(lr[1], *betas), jit_compile=_jit(jit_compile))
    return gan


def cgan_fashion(seed=0, name="cgan-fashion", ema=0.999, jit_compile=None, **options):
    """The ``cgan-fashion`` recipe: ``fashion_gan(conditional=True)`` that samples from an
    average of G's weights (EMA 0.999) and compiles its step with XLA (``jit_compile=None``
    means the recipe's choice: XLA except in smoke runs), which gave more steps and a
    higher class accuracy (benchmarks/README.md, "cgan-fashion variants at 2,000 steps").
    ``options`` go to ``fashion_gan``."""
    return fashion_gan(seed, True, name, ema=ema,
                       jit_compile=_xla() if jit_compile is None else jit_compile, **options)


def acgan_fashion(seed=0, name="acgan-fashion", class_weight=0.3, lr=(4e-4, 4e-4), ema=0.999,
                  jit_compile=None, fake_class_weight=0.0, twin_weight=0.0, minibatch_std=False,
                  aux_hidden=None):
    """A compiled ACGAN with the lean DCGAN sizes of ``fashion_gan``: G is cgan-fashion's
    conditional G; D sees the image alone and has a 10-way class head. Like cgan-fashion
    it samples from an average of G's weights and compiles its step with XLA (``None``:
    except in smoke runs), so the two compare in the same budget.

    Two changes from the paper, measured in benchmarks/README.md ("Why ACGAN drifts"):
    D's class head learns from real images only (``fake_class_weight=0``: trained on the
    fakes too, it learns marks that G and D agree on, and G's samples drift out of their
    class), and the class losses weigh 0.3 against the adversarial ones (less pull towards
    the most typical item of each class). ``class_weight=1, fake_class_weight=1`` is the
    paper's ACGAN. ``minibatch_std`` and ``aux_hidden`` (the class head's own hidden
    layer) go to D, and ``twin_weight`` adds TAC-GAN's twin classifier: the variants that
    the same section tried and did not keep (the twin lowered KID and class accuracy both)."""
    g = dcgan_generator(latent_dim=64, base_filters=32, kernel_size=4, num_classes=10)
    d = dcgan_discriminator(base_filters=32, kernel_size=4, aux_outputs=20 if twin_weight else 10,
                            minibatch_std=minibatch_std, aux_hidden=aux_hidden)
    gan = ACGAN(g, d, class_weight=class_weight, fake_class_weight=fake_class_weight,
                twin_weight=twin_weight, ema=ema, seed=seed,
                info={"recipe": name, "kind": "images", "dataset": "fashion-mnist"})
    gan.compile(_adam(lr[0]), _adam(lr[1]),
                jit_compile=_jit(_xla() if jit_compile is None else jit_compile))
    return gan


def info_gan(seed=0, dataset="fashion-mnist", name=None, noise_dim=62, categories=10,
             continuous=2, info_weight=1.0, continuous_weight=0.5, base_filters=32,
             lr=(4e-4, 4e-4), q_hidden=None, cluster_weight=2.0, noise_scale=1.0, d_norm="batch",
             views_weight=0.0):
    """A compiled InfoGAN: the lean DCGAN (28x28) or its 8x8 version for ``digits8``,
    with the paper's codes (one 10-way categorical code, two continuous codes, 62
    numbers of noise) and a Q head on D's features.

    One change from the paper makes the categorical code match Fashion-MNIST's classes
    better (``benchmarks/README.md``, "At the recipes' own steps" and "InfoGAN's code
    against the real classes"): CatGAN's clustering term on real images (``cluster_weight``).
    ``noise_scale`` (less noise beside the codes), ``q_hidden``, ``d_norm`` (D's
    normalisation) and ``views_weight`` (IIC's term) are kept for those tables' rows. The
    paper's InfoGAN: ``cluster_weight=0.0``."""
    shape = {"fashion-mnist": (28, 28, 1), "digits8": (8, 8, 1)}[dataset]
    codes = categories + continuous
    g = dcgan_generator(latent_dim=noise_dim + codes, image_shape=shape,
                        base_filters=base_filters, kernel_size=4)
    d = dcgan_discriminator(image_shape=shape, base_filters=base_filters, kernel_size=4,
                            norm=d_norm, aux_outputs=codes, aux_hidden=q_hidden)
    gan = InfoGAN(g, d, categories=categories, continuous=continuous, info_weight=info_weight,
                  continuous_weight=continuous_weight, cluster_weight=cluster_weight,
                  noise_scale=noise_scale, views_weight=views_weight, seed=seed,
                  info={"recipe": name or "infogan", "kind": "images", "dataset": dataset})
    gan.compile(_adam(lr[0]), _adam(lr[1]))
    return gan


# 8x8 images have little to vary: less noise, and 64 filters for D's single layer.
# At 1,500 steps these cluster the held-out digits at 45-47% (seed 0, shared CPU), against
# 37% with the 28x28 sizes; the paper's rates (D 2e-4, G 1e-3) did as well as 4e-4 for both.
# On the digits the clustering term did not help (benchmarks/README.md): the paper's losses.
INFO_DIGITS = dict(noise_dim=16, base_filters=64, lr=(2e-4, 1e-3), cluster_weight=0.0)


def toy_gan(seed=0, dataset="ring8", name=None, latent_dim=2, hidden=(256, 256, 256),
            d_hidden=None, g_batch_norm=False, choices=None, choice_noise=0.3,
            loss="non-saturating", d_norm=None, minibatch_std=False, pack=1, d_steps=1,
            gradient_penalty=0.0, clip_weights=None, label_smoothing=0.0, instance_noise=0.0,
            ema=None, lr=(1e-4, 1e-4), betas=(0.8, 0.999), optimizer="adam",
            steps_per_execution=1, jit_compile="auto", r1=0.0, r2=0.0):
    """A compiled MLP GAN for 2D points, every remedy of the course a keyword away.

    The defaults are PacGAN's baseline (Adam 1e-4, beta1 0.8, three 256-unit layers);
    ``hidden`` sizes G's layers and, unless ``d_hidden`` is given, D's too;
    ``g_batch_norm`` puts batch norm after each of G's layers; ``choices``: G turns that
    many more noise coordinates into one discrete choice (models.DiscreteChoice), the
    ``latent_dim`` others scaled by ``choice_noise``;
    ``lr`` and ``betas`` are (D, G) learning rates and Adam's (beta1, beta2); ``r1`` and
    ``r2`` the gammas of the R1 and R2 penalties (``gankit.GAN``).
    ``steps_per_execution``: Keras runs this many steps per call into TensorFlow.
    Networks this small spend most of a step in Python overhead, so 20 steps
    per call train about twice as fast (callbacks then run every 20 steps); PyTorch
    always runs one. ``jit_compile=True`` compiles the step with XLA on TensorFlow too
    (JAX always does): a slower start (about 10 s), then faster steps.
    """
    if keras.backend.backend() == "torch":
        steps_per_execution = 1  # Keras runs PyTorch one step per call
    g = mlp_generator(latent_dim=latent_dim + (choices or 0), output_shape=(2,), hidden=hidden,
                      output_activation=None, batch_norm=g_batch_norm, choices=choices,
                      choice_noise=choice_noise)
    d = mlp_discriminator((2 * pack,), hidden=hidden if d_hidden is None else d_hidden,
                          norm=d_norm, minibatch_std=minibatch_std)
    gan = GAN(g, d, loss=loss, d_steps=d_steps, gradient_penalty=gradient_penalty,
              clip_weights=clip_weights, label_smoothing=label_smoothing,
              instance_noise=instance_noise, pack=pack, ema=ema, seed=seed, r1=r1, r2=r2,
              info={"recipe": name or "toy", "kind": "points", "dataset": dataset})
    if optimizer == "rmsprop":  # WGAN with clipping: momentum made it unstable (Arjovsky 2017)
        gan.compile(keras.optimizers.RMSprop(lr[0]), keras.optimizers.RMSprop(lr[1]),
                    steps_per_execution=steps_per_execution, jit_compile=_jit(jit_compile))
    else:
        gan.compile(_adam(lr[0], *betas), _adam(lr[1], *betas),
                    steps_per_execution=steps_per_execution, jit_compile=_jit(jit_compile))
    return gan


# The plain recipes: the standard GAN of Metz et al. 2017 (the unrolled-GAN paper,
# whose ring figure made mode collapse famous): the original minimax loss, 256-d
# noise, G with two 128-unit layers, D with one, Adam 1e-4 and beta1 0.5. It collapses
# as the papers report (benchmarks/README.md). PacGAN's settings, toy_gan's defaults
# and the baseline of benchmarks/remedies.py, do not collapse within minutes here.
PLAIN_TOY = dict(latent_dim=256, hidden=(128, 128), d_hidden=(128,), loss="minimax",
                 lr=(1e-4, 1e-4), betas=(0.5, 0.999), steps_per_execution=20)


# The course's best on the mixtures (benchmarks/README.md, "The 2D recipes against
# PacGAN"): a discrete choice of 64 in front of G (models.DiscreteChoice: a continuous G
# cannot jump from one mode to the next, so without it some samples lie on bridges between
# modes), batch norm in G, a wider D with minibatch standard deviation and a lazy R1
# penalty (gamma 0.01), ten times PacGAN's learning rate with beta1 0.5, falling over the
# second half of the steps to a fifth (ring) or a tenth (grid): to 0, G's modes end
# narrower than the data's. The ring trains on batches of 512 for 6,000 steps, the grid
# on 256 for 12,000.
BEST_TOY = dict(hidden=(128, 128, 128), d_hidden=(256, 256, 256), g_batch_norm=True,
                choices=64, minibatch_std=True, lr=(1e-3, 1e-3), betas=(0.5, 0.999),
                steps_per_execution=20, jit_compile=True)


# WGAN-GP on the ring (benchmarks/README.md, "WGAN-GP on the ring"): the paper's loss, 5
# critic steps and Adam betas (0, 0.9), on BEST_TOY's networks without minibatch std (a
# WGAN-GP critic sees no batch statistics), the critic ten times faster than G. Lambda 1, not
# the paper's 10: at 10 the critic loses the distance (at the end it scores G's samples above
# real ones) and G's samples stay in a cloud about 20 standard deviations round each mode.
# The paper's own code for its toys used 0.1 ("Smaller lambda seems to help for toy tasks
# specifically", gan_toy.py in igul222/improved_wgan_training).
WGAN_GP_TOY = dict(loss="wasserstein", gradient_penalty=1.0, d_steps=5, lr=(1e-3, 1e-4),
                   betas=(0.0, 0.9), hidden=(128, 128, 128), d_hidden=(256, 256, 256),
                   g_batch_norm=True, choices=64, steps_per_execution=20, jit_compile=True)


def _xla():
    """XLA for the recipes that use it, except in smoke runs: its compile (10-25 s)
    pays off over minutes of training, not over the seconds of a test."""
    return pick(full=True, smoke="auto")


# WGAN with weight clipping on the ring (benchmarks/README.md, "WGAN with weight clipping on
# the ring"): the paper's loss, 5 critic steps and RMSprop at 5e-5 for both, on WGAN_GP_TOY's
# networks and batch with the penalty off. Clipping at 0.1, not the paper's 0.01: at 0.01 a
# critic of three 256-unit layers is almost flat (its slope 0.01 or less) and G gets no direction.
WGAN_TOY = {**WGAN_GP_TOY, "gradient_penalty": 0.0, "clip_weights": 0.1, "lr": (5e-5, 5e-5),
            "optimizer": "rmsprop"}


def toy_recipe_gan(seed, name, dataset, kind="plain"):
    """A named 2D recipe's GAN: ``kind`` "plain" (PLAIN_TOY), "best" (BEST_TOY), "r3gan"
    (R3GAN_TOY), "wgan-gp" (WGAN_GP_TOY) or "wgan" (WGAN_TOY), XLA-compiled except in
    smoke runs for all but the first."""
    if kind == "plain":
        return toy_gan(seed, dataset, name, **PLAIN_TOY)
    settings = {"best": BEST_TOY, "r3gan": R3GAN_TOY, "wgan-gp": WGAN_GP_TOY,
                "wgan": WGAN_TOY}[kind]
    return toy_gan(seed, dataset, name, **{**settings, "jit_compile": _xla()})


def wgan_gp_fashion(seed=0, name="wgan-gp-fashion", lr=(1e-4, 1e-4), gradient_penalty=10.0):
    """WGAN-GP at its paper's settings for images (Gulrajani et al. 2017: lambda 10, 5
    critic steps per G step, Adam 1e-4 with betas (0, 0.9)) on ``dcgan-fashion``'s lean
    DCGAN, with layer norm in the critic, as the paper advises: the penalty treats each
    image alone, and batch norm would mix them. XLA-compiled except in smoke runs."""
    return fashion_gan(seed, name=name, loss="wasserstein", gradient_penalty=gradient_penalty,
                       d_steps=5, d_norm="layer", lr=lr, betas=(0.0, 0.9), jit_compile=_xla())


def pix2pix_fashion(seed=0, name="pix2pix-outlines", task="outlines", base_filters=16,
                    content_weight=100.0, lr=(2e-4, 2e-4)):
    """A compiled Pix2Pix for 28x28 Fashion-MNIST pairs of ``task`` (pix2pix.TASKS): the
    paper's L1 weight (100) and Adam settings, a small U-Net (16-32 filters) and a PatchGAN
    D that sees 7x7 patches of (output, input) pairs; XLA-compiled step (except in smoke
    runs). ``pix2pix-denoise`` weights L1 by 10: at 100 the adversarial term hardly shows
    in 500 updates (benchmarks/denoise.py)."""
    from .pix2pix import Pix2Pix, patch_discriminator, unet_generator

    g = unet_generator((28, 28, 1), base_filters=base_filters)
    d = patch_discriminator((28, 28, 1), (28, 28, 1), base_filters=base_filters)
    gan = Pix2Pix(g, d, content_weight=content_weight, seed=seed,
                  info={"recipe": name, "kind": "images", "dataset": "fashion-mnist",
                        "task": task})
    gan.compile(_adam(lr[0]), _adam(lr[1]), jit_compile=_jit(_xla()))
    return gan


def srgan_fashion(seed=0, name="srgan-fashion", content_weight=100.0, lr=(2e-4, 2e-4),
                  warmup_steps=1000, icnr=False):
    """A compiled SRGAN for 7x7 -> 28x28 (4x per side): a sub-pixel G (32 filters, two
    residual blocks at 7x7) and a PatchGAN D that sees the large image alone, as in the
    paper; MSE content loss weighted 100 against the adversarial loss, which switches
    on after ``warmup_steps`` G updates on the content loss alone (the paper's start
    from a trained SRResNet)."""
    from .pix2pix import patch_discriminator
    from .srgan import SRGAN, sr_generator

    gan = SRGAN(sr_generator((7, 7, 1), factor=4, icnr=icnr), patch_discriminator((28, 28, 1)),
                content_weight=content_weight, warmup_steps=warmup_steps, seed=seed,
                info={"recipe": name, "kind": "images", "dataset": "fashion-mnist",
                      "task": "low-res-7"})
    gan.compile(_adam(lr[0]), _adam(lr[1]), jit_compile=_jit(_xla()))
    return gan


def lapgan_fashion(seed=0, name="lapgan-fashion", base_filters=16, lr=2e-4,
                   detail_content_weight=10.0, top_ema=None):
    """A compiled LAPGAN for 28x28: an MLP GAN for the 7x7 thumbnails, then a
    conditional U-Net/PatchGAN pair for the 14x14 and 28x28 details, with an L1 term
    (x10) on the details: a deviation from the paper that sharpens short runs. ``top_ema``
    (an average of the 7x7 G's weights): tried in benchmarks/README.md ("LAPGAN against
    the DCGAN in the same time") and not kept."""
    from .lapgan import LAPGAN, lapgan_levels

    gan = LAPGAN(lapgan_levels((7, 14, 28), base_filters=base_filters, seed=seed,
                               detail_content_weight=detail_content_weight,
                               top_ema=top_ema),
                 info={"recipe": name, "kind": "images", "dataset": "fashion-mnist"})
    gan.compile(lr, jit_compile=_jit(_xla()))
    return gan


def cyclegan_fashion(seed=0, name="cyclegan-outlines", base_filters=16, cycle_weight=10.0,
                     identity_weight=0.0, lr=(2e-4, 2e-4)):
    """A compiled CycleGAN between outline drawings (A) and garments (B), unpaired: two
    small U-Nets and two PatchGANs, the paper's least-squares loss and cycle weight 10.
    No identity loss by default: an outline is not a garment, so "leave a garment
    unchanged" would ask G_ab to be the identity on images it never gets."""
    from .cyclegan import CycleGAN
    from .pix2pix import patch_discriminator, unet_generator

    gs = [unet_generator((28, 28, 1), base_filters=base_filters, name=n) for n in ("g_ab", "g_ba")]
    ds = [patch_discriminator((28, 28, 1), base_filters=base_filters, name=n)
          for n in ("d_a", "d_b")]
    gan = CycleGAN(*gs, *ds, cycle_weight=cycle_weight, identity_weight=identity_weight,
                   seed=seed, info={"recipe": name, "kind": "images", "dataset": "fashion-mnist",
                                    "task": "outlines"})
    gan.compile(_adam(lr[0]), _adam(lr[1]), jit_compile=_jit(_xla()))
    return gan


def dvdgan_sprites(seed=0, name="dvdgan-sprites", temporal_weight=1.0):
    """A compiled DVD-GAN for 8-frame 16x16 clips of bouncing sprites (``video.dvdgan``:
    no XLA on a CPU-only TensorFlow, which ran 3D transposed convolutions far slower)."""
    from .video import dvdgan

    return dvdgan(temporal_weight=temporal_weight, seed=seed,
                  info={"recipe": name, "kind": "videos", "dataset": "bouncing-sprites"})


def text2image_shapes(seed=0, name="text2image-shapes", mismatch_weight=0.5, interpolate=1.0,
                      attribute_weight=3.0, attribute_head="colour-blind", imagine=1.0):
    """A compiled GAN-CLS (with GAN-INT) for 16x16 captioned scenes, on a text encoder
    trained here first (a few seconds) to name the attributes of captions. It learns from
    text alone, captions of the whole grammar: one that learnt from the training captions
    only reads "red square" with the wrong colour (lesson 17). D also has a colour-blind
    attribute critic, and G also learns on imagined captions of the whole grammar: with
    both, G draws most held-out pairs right; without, few (benchmarks/README.md,
    "Composing: a colour-blind attribute critic and imagined captions")."""
    from .captions import shape_scenes, train_text_encoder
    from .text2image import text2image_gan

    _, captions, attributes = shape_scenes(2048, seed=seed + 30, which="all")  # the words only
    encoder, _ = train_text_encoder(captions, attributes, seed=seed)
    return text2image_gan(encoder, mismatch_weight=mismatch_weight, interpolate=interpolate,
                          lr=(5e-4, 5e-4), seed=seed, attribute_weight=attribute_weight,
                          attribute_head=attribute_head, imagine=imagine,
                          info={"recipe": name, "kind": "images", "dataset": "shape-scenes"})


# R3GAN (Huang et al. 2024) on the grid: the relativistic pairing loss with R1 and R2 on a
# plain MLP pair (none of BEST_TOY's tricks: no discrete choice, batch norm or minibatch
# std), Adam with beta1 0 and beta2 0.99 as in the paper, G's weights averaged, the gamma
# falling tenfold over the steps.
R3GAN_TOY = dict(hidden=(256, 256, 256), loss="relativistic", r1=0.1, r2=0.1, ema=0.999,
                 lr=(1e-3, 1e-3), betas=(0.0, 0.99), steps_per_execution=20)


def r3gan_fashion(seed=0, name="r3gan-fashion", gamma=1.0, lr=(4e-4, 4e-4)):
    """The lean DCGAN with R3GAN's objective: the relativistic loss, R1 + R2 (``gamma``),
    Adam (0, 0.99), G averaged (EMA 0.999); D without batch norm (its statistics would
    mix the images whose slopes the penalties measure), layer norm instead. Not
    XLA-compiled: with the two slope penalties, XLA's step ran slower on CPU
    (benchmarks/README.md, "R3GAN on Fashion-MNIST")."""
    return fashion_gan(seed, name=name, loss="relativistic", d_norm="layer", r1=gamma,
                       r2=gamma, ema=0.999, lr=lr, betas=(0.0, 0.99))


def little_data_gan(seed=0, name="fashion-1pct", augment=None, ada_target=None):
    """``dcgan-fashion``'s GAN for the little-data recipes (600 images): as it is, with
    DiffAugment (``augment``) or with ADA (``ada_target``); XLA except in smoke runs."""
    return fashion_gan(seed, name=name, augment=augment, ada_target=ada_target,
                       jit_compile=_xla())
