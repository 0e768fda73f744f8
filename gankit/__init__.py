"""gankit: the helper package of the Keras 3 GAN course.

One module per idea, each short enough to read in one sitting; the README's table says
what each holds. The lessons show the code first, then call it from here: as
``gankit.NAME`` for what they use most (imported below), as ``gankit.MODULE.NAME`` for
the rest.
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

# What the lessons and the README call as gankit.NAME; the rest is used as gankit.MODULE.NAME.
from .errors import (  # noqa: E402
    BadInputError, DataUnavailableError, GanKitError, TrainingDivergedError, UnknownNameError)
from .settings import describe_environment, pick, seed_everything  # noqa: E402
from .data import (  # noqa: E402
    FASHION_CLASSES, check_images, data_source, load, load_digits8, load_fashion_mnist,
    mixture1d, ring8, to_pixels)
from .models import (  # noqa: E402
    DiscreteChoice, MinibatchStdDev, dcgan_discriminator, dcgan_generator, mlp_discriminator,
    mlp_generator)
from .losses import LOSSES, get_loss  # noqa: E402
from .gan import GAN, count_params  # noqa: E402
from .callbacks import KIDMonitor, Snapshots  # noqa: E402
from .schedule import (DecayLearningRates, DecayPenalties, LazyR1, StepBudget,  # noqa: E402
                       TimeBudget)
from .metrics import mode_stats  # noqa: E402
from .plots import (  # noqa: E402
    animate_samples, image_grid, plot_2d_gan, plot_history, plot_nearest_neighbours,
    plot_points)
from .live import LiveTraining, TrainingPanel  # noqa: E402
from .playground import Playground  # noqa: E402
from .quiz import Quiz  # noqa: E402
from .recipes import get_recipe  # noqa: E402
from .training import train_recipe  # noqa: E402
from .acgan import ACGAN  # noqa: E402
from .infogan import InfoGAN  # noqa: E402
from .pix2pix import Pix2Pix, patch_discriminator, unet_generator  # noqa: E402
from .srgan import SRGAN, sr_generator  # noqa: E402
from .lapgan import LAPGAN  # noqa: E402
from .cyclegan import CycleGAN  # noqa: E402
from .video import DVDGAN, bouncing_sprites, motion_stats  # noqa: E402
from .text2image import TextGAN  # noqa: E402
from . import (  # noqa: E402,F401  the modules the lessons use by name
    anomaly, augment, captions, checks, evaluation, exercises, failures, recipes, text_networks)

__version__ = "0.1.0"
