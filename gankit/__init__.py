"""gankit: the helper package of the Keras 3 GAN course.

Each module holds one idea; the notebooks show the code first, then use it
from here. The public API:

- data: load_fashion_mnist, load_mnist, load_digits8, ring8, grid25, spiral,
  moons, mixture1d, load
- models: mlp_generator, mlp_discriminator, dcgan_generator, dcgan_discriminator,
  DiscreteChoice (a one-hot choice made from the noise)
- losses: LOSSES, get_loss
- gan: GAN (a keras.Model with a custom train_step)
- acgan, infogan: ACGAN (D also names the class) and InfoGAN (codes found without
  labels), subclasses of GAN that change only its losses
- callbacks: TimeBudget, StepBudget, DecayLearningRates, LazyR1, ProgressBar, Snapshots, LiveTraining, DivergenceGuard, KIDMonitor
- plots: image_grid, plot_history, plot_points, plot_2d_gan, animate_samples, plot_kid,
  plot_nearest_neighbours
- metrics: mode_stats (modes captured on the 2D mixtures); for images, in
  ``gankit.metrics``: evaluate (every score next to its references), classify, FID, KID,
  inception_score, precision_recall, density_coverage, nearest_neighbours,
  cluster_scores (codes against classes)
- recipes: RECIPES, get_recipe, train_recipe
- pix2pix, srgan, lapgan: image-to-image GANs (lesson 12): Pix2Pix (paired translation:
  G maps an image to an image, D judges (output, input) pairs, L1 + adversarial loss),
  SRGAN (Pix2Pix for super-resolution; psnr, ssim, upsample) and LAPGAN (a Laplacian
  pyramid with one G/D pair per level); cyclegan: CycleGAN (unpaired translation with
  cycle consistency and an identity loss)
- playground: Playground (the 2D playground), TrainingPanel (live fit with buttons)
- quiz: Quiz
- augment, anomaly (lesson 15): ``gankit.augment`` (a classifier with and without
  generated images) and ``gankit.anomaly`` (AUROC, D's score, AnoGAN's latent search,
  baselines), used as modules
"""
import importlib.util
import os
import sys

# TensorFlow's C++ log lines are noise for a student (at level 2 a harmless "remapper
# failed" from its graph optimizer still shows); a real failure raises a Python error.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def _import_tensorflow_quietly():
    """Import TensorFlow with the process's stderr closed for the moment it takes.

    A few of its C++ start-up lines (the oneDNN notice, absl's "log messages before
    InitializeLog") ignore TF_CPP_MIN_LOG_LEVEL and go straight to file descriptor 2,
    which Jupyter shows under the cell as red text. A failed import still raises."""
    if (os.environ["KERAS_BACKEND"] != "tensorflow" or "tensorflow" in sys.modules
            or importlib.util.find_spec("tensorflow") is None):
        return
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)


_import_tensorflow_quietly()

from .callbacks import DivergenceGuard, KIDMonitor, Snapshots  # noqa: E402
from .schedule import (  # noqa: E402
    DecayLearningRates, LazyR1, ProgressBar, StepBudget, TimeBudget)
from .data import (  # noqa: E402
    DATASETS, FASHION_CLASSES, check_images, check_labels, data_source, grid25, load,
    load_digits8, load_fashion_mnist, load_mnist, mixture1d, moons, ring8, spiral,
    to_pixels, to_unit_range)
from .errors import (  # noqa: E402
    BadInputError, DataUnavailableError, GanKitError, TrainingDivergedError, UnknownNameError)
from .gan import GAN, count_params  # noqa: E402
from .acgan import ACGAN  # noqa: E402
from .infogan import InfoGAN  # noqa: E402
from .losses import LOSSES, get_loss  # noqa: E402
from .metrics import mode_stats  # noqa: E402
from .models import (  # noqa: E402
    DiscreteChoice, MinibatchStdDev, UniformNoise, dcgan_discriminator, dcgan_generator,
    mlp_discriminator, mlp_generator)
from .plots import (  # noqa: E402
    animate_samples, grid_canvas, image_grid, plot_2d_gan, plot_history, plot_kid,
    plot_nearest_neighbours, plot_points)
from .live import LiveTraining, TrainingPanel, TrainingRun, TrainingView  # noqa: E402
from .playground import Playground  # noqa: E402
from .quiz import Quiz  # noqa: E402
from .recipes import RECIPES, Recipe, get_recipe  # noqa: E402
from .training import train_recipe  # noqa: E402
# --- image-to-image translation ---
from .pix2pix import Pix2Pix, patch_discriminator, unet_generator  # noqa: E402
from .srgan import SRGAN, sr_generator  # noqa: E402
from .lapgan import LAPGAN  # noqa: E402
from .cyclegan import CycleGAN  # noqa: E402
# --- end of image-to-image translation ---
# --- video ---
from .video import (  # noqa: E402
    DVDGAN, bouncing_sprites, clip_generator, motion_stats, spatial_discriminator,
    temporal_discriminator)
# --- end of video ---
# --- text to image ---
from .captions import encode_captions, shape_scenes, text_encoder, train_text_encoder  # noqa: E402
from .text2image import TextGAN  # noqa: E402
from .text_networks import text_discriminator, text_generator  # noqa: E402
# --- end of text to image ---
from .settings import describe_environment, pick, seed_everything, smoke_mode  # noqa: E402
# What GANs are for (lesson 15): used as modules, gankit.augment and gankit.anomaly
from . import anomaly, augment  # noqa: E402,F401
from . import checks, evaluation, exercises  # noqa: E402,F401

__version__ = "0.1.0"
