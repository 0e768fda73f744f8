"""Every remedy of lesson 10 as keywords of the recipe builders, so that a lesson, a
benchmark and a student's own run build the same set-up from one name.

Each entry of ``REMEDIES`` is what it changes in ``recipes.toy_gan`` (points) or, through
``image_options``, in ``recipes.fashion_gan`` (images), at its paper's settings: WGAN
with clipping trains with RMSprop at 5e-5, WGAN-GP with Adam betas (0, 0.9), both with
5 critic steps per G step.
"""
from .recipes import BEST_TOY

REMEDIES = {
    "GAN, non-saturating (baseline)": {},
    "GAN, minimax (saturating)": {"loss": "minimax"},
    "LSGAN": {"loss": "least-squares"},
    "WGAN, weight clipping": {"loss": "wasserstein", "clip_weights": 0.01, "d_steps": 5,
                              "lr": (5e-5, 5e-5), "optimizer": "rmsprop"},
    "WGAN-GP": {"loss": "wasserstein", "gradient_penalty": 10.0, "d_steps": 5,
                "lr": (1e-4, 1e-4), "betas": (0.0, 0.9)},
    "hinge + spectral norm": {"loss": "hinge", "d_norm": "spectral", "lr": (2e-4, 2e-4),
                              "betas": (0.5, 0.999)},
    "TTUR (D 4e-4, G 1e-4)": {"lr": (4e-4, 1e-4)},
    "one-sided label smoothing 0.1": {"label_smoothing": 0.1},
    "instance noise 0.05": {"instance_noise": 0.05},
    "minibatch std-dev": {"minibatch_std": True},
    "PacGAN2 (packing)": {"pack": 2},
    "course best (best-* recipes)": BEST_TOY,
}
# the remedies together: trained as the best-* recipe itself, with its batch and its schedule
BEST = "course best (best-* recipes)"


def image_options(options):
    """The image version of a remedy: the dcgan-fashion rate 4e-4 unless the remedy sets
    its own; TTUR's rates become 4e-4 for D and 2e-4 for G (1e-4 on points); WGAN-GP needs
    a critic without batch norm; packing puts the packed images side by side as channels."""
    options = {k: v for k, v in options.items() if k not in ("latent_dim", "choices")}
    if options.get("gradient_penalty"):
        options.setdefault("d_norm", "layer")
    if "lr" not in options:
        options["lr"] = (4e-4, 4e-4)  # the dcgan-fashion rate, not PacGAN's 2D one
    elif options["lr"] == (4e-4, 1e-4):
        options["lr"] = (4e-4, 2e-4)
    return options
