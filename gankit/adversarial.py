"""Two networks, two optimizers, one alternating step: what every GAN in gankit shares.

:class:`AdversarialModel` is a ``keras.Model`` holding a generator and a discriminator,
each with its own optimizer. A subclass writes ``train_step`` (D's update, then G's) with
two tools from here:

- ``self.update(network, optimizer, loss_fn, *args)``: one gradient step on ``loss_fn``'s
  loss for that network's weights alone. "Freeze D while G trains" means exactly this: G's
  gradients are taken for G's weights and handed to G's optimizer, so D cannot move.
- ``self.track(d_loss=..., g_loss=..., ...)``: the numbers ``fit()`` shows. Each name in the
  class's ``LOGS`` gets a ``keras.metrics.Mean``; a subclass adds a log by adding a name.

Keras carries one optimizer per model through ``fit()`` (and shards it across devices under
``keras.distribution``); :class:`OptimizerGroup` is that one optimizer for a GAN: it holds D's
and G's, and its variables are both of theirs.
"""
import keras
from keras import ops

from . import backend
from .errors import BadInputError
from .losses import check_smoothing, get_loss

DEFAULT_LR = 2e-4


def default_optimizer():
    # DCGAN's settings: beta1 0.5 (0.9 oscillated in the paper)
    return keras.optimizers.Adam(DEFAULT_LR, beta_1=0.5)


def without_gan_options(cls, config):
    """A saved config without the noise-to-sample GAN's options (gradient penalty, clipping,
    packing) for the models that do not take them: translation models saved them, neutral,
    when they were subclasses of GAN (files saved before gankit's split still load)."""
    config = dict(config)
    if not getattr(cls, "takes_gan_options", False):
        for key, neutral in (("gradient_penalty", 0.0), ("clip_weights", None), ("pack", 1)):
            if config.get(key, neutral) == neutral:
                config.pop(key, None)
    return config


class OptimizerGroup(keras.optimizers.Optimizer):
    """Several optimizers seen as one: ``variables`` are all of theirs, so ``fit()`` and the
    distribution API carry and shard them as they would any model's optimizer. Each member
    updates its own network (``GAN.update``); the group itself never applies a gradient, and
    its members save their own state (under ``d_optimizer`` and ``g_optimizer``)."""

    def __init__(self, optimizers, name="optimizer_group"):
        super().__init__(learning_rate=0.0, name=name)
        self.members = list(optimizers)

    @property
    def variables(self):
        return [v for opt in self.members for v in opt.variables]

    @property
    def iterations(self):   # the last member's count: G's steps in a GAN
        return self.members[-1].iterations

    def build(self, variables):
        self.built = True   # each member is built for its own network (AdversarialModel)

    def save_own_variables(self, store):
        pass

    def load_own_variables(self, store):
        pass


class AdversarialModel(keras.Model):
    """A generator and a discriminator trained against each other with ``fit()``.

    Args:
        generator, discriminator: the two networks.
        loss: a name from ``gankit.LOSSES`` ("minimax", "non-saturating", "least-squares",
            "hinge", "wasserstein", "relativistic").
        d_steps: discriminator updates per generator update (WGAN uses 5).
        label_smoothing: the real label becomes 1 - label_smoothing (one-sided).
        instance_noise: std of Gaussian noise added to everything D sees; a variable, so it
            can change while training runs.
        ema: sample from a moving average of G's weights with this decay (e.g. 0.999): it
            smooths out G's last oscillating steps (Yazici et al. 2019). None = off.
        seed: seeds the random numbers the model draws, for repeatable runs.
        info: a dict saved with the model (the recipe's name, the data kind...).
    """

    LOGS = ("d_loss", "g_loss", "d_real", "d_fake")

    def __init__(self, generator, discriminator, loss="non-saturating", d_steps=1,
                 label_smoothing=0.0, instance_noise=0.0, ema=None, seed=None, info=None,
                 **kwargs):
        super().__init__(**kwargs)
        if backend.name() not in ("tensorflow", "jax", "torch"):
            raise RuntimeError(
                f"gankit trains GANs on TensorFlow, JAX and PyTorch; KERAS_BACKEND is "
                f"{backend.name()!r}. Set KERAS_BACKEND=tensorflow (the course's default) "
                "before Python imports keras, or jax or torch after `python3 course.py backends`.")
        self.generator = generator
        self.discriminator = discriminator
        self.loss_pair = get_loss(loss)
        check_smoothing(loss, float(label_smoothing))
        if int(d_steps) < 1:
            raise BadInputError(f"d_steps should be 1 or more; got {d_steps}.")
        self.d_steps = int(d_steps)
        self.label_smoothing = float(label_smoothing)
        self.seed = seed
        self.info = dict(info or {})
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.instance_noise = keras.Variable(float(instance_noise), trainable=False,
                                             name="instance_noise")
        if ema is not None and not 0.0 < float(ema) < 1.0:
            raise BadInputError(f"ema is a decay between 0 and 1 (e.g. 0.999) or None; got {ema}.")
        self.ema = None if ema is None else float(ema)
        self.ema_generator = None
        if self.ema is not None:
            self.ema_generator = keras.models.clone_model(generator)
            self.ema_generator.set_weights(generator.get_weights())
            self.ema_generator.trainable = False
        self.log_names = list(self.LOGS)
        self.d_optimizer = self.g_optimizer = None
        self.built = True   # both networks are built already

    @property
    def metrics(self):
        """The logs' running means (fit() resets them every epoch), made by compile()."""
        return [getattr(self, f"{n}_tracker") for n in self.log_names
                if hasattr(self, f"{n}_tracker")]

    # --- compile: an optimizer for each network ---------------------------------------

    def compile(self, d_optimizer=None, g_optimizer=None, **kwargs):
        """Give each network its own optimizer (defaults: Adam 2e-4, beta1 0.5). Other
        keyword arguments (``jit_compile``, ``steps_per_execution``...) go to Keras."""
        d_optimizer = keras.optimizers.get(d_optimizer or default_optimizer())
        g_optimizer = keras.optimizers.get(g_optimizer or default_optimizer())
        if d_optimizer is g_optimizer:
            raise BadInputError(
                "D and G need separate optimizer objects: each keeps its own moment "
                "estimates. Pass two instances, e.g. keras.optimizers.Adam(2e-4) twice.")
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer
        super().compile(optimizer=OptimizerGroup([d_optimizer, g_optimizer]), **kwargs)
        self._compile_kwargs = {k: v for k, v in kwargs.items()
                                if k in ("jit_compile", "steps_per_execution", "run_eagerly")}
        for name in self.log_names:   # a subclass's __init__ may have added names
            if not hasattr(self, f"{name}_tracker"):
                setattr(self, f"{name}_tracker", keras.metrics.Mean(name=name))
        self.build_optimizers()

    def build_optimizers(self):
        """Create both optimizers' slots now, each for its own network's weights: JAX's
        fit() collects its state before the first step, and a GAN saved before any
        training then loads with its optimizers' state."""
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    def get_compile_config(self):
        if self.d_optimizer is None:
            return {}
        return {"d_optimizer": keras.optimizers.serialize(self.d_optimizer),
                "g_optimizer": keras.optimizers.serialize(self.g_optimizer),
                **getattr(self, "_compile_kwargs", {})}

    def compile_from_config(self, config):
        if not config:
            return
        config = dict(config)
        if backend.name() == "torch":
            config.pop("jit_compile", None)   # XLA, saved by TensorFlow or JAX: eager here
        self.compile(keras.optimizers.deserialize(config.pop("d_optimizer")),
                     keras.optimizers.deserialize(config.pop("g_optimizer")), **config)

    # --- the tools of a training step ---------------------------------------------------

    def update(self, network, optimizer, loss_fn, *args):
        """One gradient step on ``loss_fn(*args) -> (loss, logs)`` for ``network``'s weights
        alone, with its own optimizer; returns (loss, logs). Weights the loss does not reach
        (D's last bias under R1) are left out rather than drawing Keras's warning."""
        weights = network.trainable_variables
        loss, logs, grads = backend.gradients(self, lambda: loss_fn(*args), weights)
        pairs = [(g, w) for g, w in zip(grads, weights) if g is not None]
        with backend.no_grad():
            optimizer.apply([g for g, _ in pairs], [w for _, w in pairs])
        return loss, logs

    def track(self, **values):
        """Add this step's numbers to their running means; returns every log's mean."""
        with backend.no_grad():
            for name, value in values.items():
                getattr(self, f"{name}_tracker").update_state(ops.stop_gradient(value))
            return {m.name: m.result() for m in self.metrics}

    def as_probability(self, scores):
        """What the logs call D(x): a probability for the cross-entropy losses, the raw
        score for the others (their D is a critic or a regressor)."""
        if self.loss_pair.name in ("minimax", "non-saturating"):
            return ops.mean(ops.sigmoid(scores))
        return ops.mean(scores)

    def normal(self, shape):
        """N(0, 1) numbers for this step, repeatable from the model's seed."""
        return backend.this_replica(
            lambda s: keras.random.normal(s, seed=self.seed_generator), shape)

    def uniform(self, shape, low=0.0, high=1.0):
        return backend.this_replica(
            lambda s: keras.random.uniform(s, low, high, seed=self.seed_generator), shape)

    def integers(self, shape, high):
        """Whole numbers in [0, high) for this step (random labels or codes)."""
        return backend.this_replica(
            lambda s: keras.random.randint(s, 0, high, seed=self.seed_generator), shape)

    def noisy(self, x):
        """Instance noise: blur the line between real and fake for D (0 = off)."""
        return x + self.instance_noise * self.normal(ops.shape(x))

    def g_adversarial(self, fake_scores, real_scores):
        """G's adversarial loss on D's scores for its fakes. ``real_scores``: a function
        that scores a real batch; it runs only for a paired loss (the relativistic one),
        the only kind whose G loss reads them, so the others pay nothing for it."""
        return self.loss_pair.g_loss(fake_scores,
                                     real_scores() if self.loss_pair.paired else None)

    def update_ema(self):
        """Move the averaged generator a small step towards the current one; the decay
        warms up, min(ema, (1 + t) / (10 + t)), so a short run does not keep its start."""
        if self.ema_generator is None:
            return
        with backend.no_grad():
            t = ops.cast(self.g_optimizer.iterations, "float32")
            decay = ops.minimum(self.ema, (1.0 + t) / (10.0 + t))
            for avg, w in zip(self.ema_generator.weights, self.generator.weights):
                avg.assign(decay * avg + (1.0 - decay) * ops.cast(w, avg.dtype))

    @property
    def sampler(self):
        """The network that makes samples: the averaged generator when ``ema`` is on."""
        return self.ema_generator if self.ema_generator is not None else self.generator

    def sync(self):
        """On JAX, fit() holds the newest weights outside the variables while it runs;
        copy them back before the weights are read directly (Keras's own jax_state_sync)."""
        if backend.name() == "jax":
            self.jax_state_sync()

    # --- fit: checked data, a clean Ctrl-C, a guard against NaN -------------------------

    def check_data(self, x, y=None):
        """Raise a clear error for data this model cannot train on (NumPy input only)."""

    def fit(self, *args, **kwargs):
        """``keras.Model.fit``, made safe for a student (gankit.safety): the data is checked
        first, Ctrl-C keeps what was learned, a NaN restores the last good weights."""
        from .safety import safe_fit

        if self.d_optimizer is None:
            self.compile()
        self.build_optimizers()
        x = args[0] if args else kwargs.get("x")
        y = args[1] if len(args) > 1 else kwargs.get("y")
        self.check_data(x, y)
        return safe_fit(self, super().fit, *args, **kwargs)

    # --- saving ---------------------------------------------------------------------------

    def get_config(self):
        return {"generator": keras.saving.serialize_keras_object(self.generator),
                "discriminator": keras.saving.serialize_keras_object(self.discriminator),
                "loss": self.loss_pair.name, "d_steps": self.d_steps,
                "label_smoothing": self.label_smoothing,
                "instance_noise": float(ops.convert_to_numpy(self.instance_noise)),
                "ema": self.ema, "seed": self.seed, "info": self.info, "name": self.name}

    @classmethod
    def from_config(cls, config):
        config = without_gan_options(cls, config)
        for key in ("generator", "discriminator"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)
