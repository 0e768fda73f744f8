"""Video: clips of bouncing sprites and a small DVD-GAN (Clark et al. 2019).

A video GAN must get two things right: every frame must look like a real frame, and
the frames together must move like real motion. DVD-GAN gives each job its own critic:

- the **spatial** discriminator judges ``k`` frames picked at random from each clip,
  one at a time, at full resolution: "is this a plausible single frame?";
- the **temporal** discriminator judges the whole clip, every frame, at half the
  resolution (average-pooled by 2) with 3D convolutions: "does this move like a
  real clip?". Shrinking the frames is what makes it cheap: motion is visible at
  low resolution, detail is the spatial critic's job.

G's loss is the sum of both adversarial terms, so it must please both critics.
``temporal_weight=0`` is the ablation: the temporal critic still trains (so it can
say how badly the clips move), but G no longer listens to it.

The data are made here, deterministic from a seed: one sprite (a disk or a square)
moving at constant velocity and bouncing off the walls. Real clips therefore have
zero acceleration except at bounces, which gives a motion metric that needs no
trained network: track each frame's centre of mass (:func:`motion_stats`).

Everything in the model is ``keras.ops``: DVDGAN only replaces the losses of
:class:`gankit.GAN`, which trains it on TensorFlow, JAX and PyTorch alike.
"""
import keras
import numpy as np
from keras import layers, ops

from .data import check_images
from .errors import BadInputError
from . import backend
from .gan import GAN

SPRITES = ("disk", "square")


# --- the data ---------------------------------------------------------------------------

def _bounce(start, velocity, t, lo, hi):
    """Positions at times t of a point that starts at ``start`` and moves at ``velocity``,
    reflected off walls at lo and hi (a triangle wave: exact, no simulation)."""
    span = hi - lo
    p = (start - lo) + velocity * t
    p = np.mod(p, 2 * span)
    return lo + np.where(p > span, 2 * span - p, p)


def bouncing_sprites(n, frames=8, size=16, radius=2.5, speed=(1.0, 2.0), seed=0):
    """``n`` clips of one sprite moving at constant velocity and bouncing off the walls.

    Returns float32 clips of shape (n, frames, size, size, 1) in [-1, 1] (background -1,
    sprite 1, soft edges). Each clip draws its sprite (a disk or a square of half-width
    ``radius``), start position, direction and speed (pixels per frame, uniform in
    ``speed``) from ``seed``: same seed, same clips.
    """
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise BadInputError(f"n should be a positive whole number of clips; got {n!r}.")
    if frames < 3 or size < 8 or not 1 <= radius < size / 4:
        raise BadInputError(f"Need frames >= 3, size >= 8 and 1 <= radius < size / 4; got "
                            f"frames={frames}, size={size}, radius={radius}.")
    rng = np.random.default_rng(seed)
    lo, hi = radius, size - 1 - radius
    start = rng.uniform(lo, hi, (n, 2))
    angle = rng.uniform(0, 2 * np.pi, n)
    v = rng.uniform(*speed, n)[:, None] * np.stack([np.cos(angle), np.sin(angle)], 1)
    kind = rng.integers(len(SPRITES), size=n)
    t = np.arange(frames)[None, :, None]
    centres = _bounce(start[:, None, :], v[:, None, :], t, lo, hi)  # (n, T, 2): (row, col)
    grid = np.arange(size, dtype="float64")
    dr = grid[None, None, :, None] - centres[:, :, 0, None, None]
    dc = grid[None, None, None, :] - centres[:, :, 1, None, None]
    disk = np.sqrt(dr ** 2 + dc ** 2)
    square = np.maximum(np.abs(dr), np.abs(dc))
    dist = np.where((kind == 0)[:, None, None, None], disk, square)
    ink = np.clip(radius + 0.5 - dist, 0.0, 1.0)
    return (2.0 * ink - 1.0).astype("float32")[..., None]


def check_clips(clips, shape=None, name="clips"):
    """Clips as float32 (N, T, H, W, C) in [-1, 1], or a BadInputError that says what to do.

    The axes and the shape are checked here; the values, frame by frame, by
    :func:`gankit.check_images`."""
    x = np.asarray(clips)
    if x.ndim != 5:
        raise BadInputError(f"{name} should have shape (N, frames, height, width, channels); got "
                            f"{x.shape}. One clip? Add the batch axis: clip[None].")
    if shape is not None and tuple(x.shape[1:]) != tuple(shape):
        raise BadInputError(f"{name} should have shape (N, {', '.join(map(str, shape))}); "
                            f"got {x.shape}.")
    check_images(x.reshape((-1,) + x.shape[2:]), name=name)
    return x.astype("float32", copy=False)


# --- measuring motion and frames --------------------------------------------------------

def centres_of_mass(clips):
    """Each frame's centre of mass (row, col) in pixels, weighting pixels by (x + 1) / 2:
    shape (N, T, 2). A frame with no ink gets the frame's centre."""
    x = (check_clips(clips)[..., 0] + 1.0) / 2.0  # (N, T, H, W) in [0, 1]
    h, w = x.shape[2:]
    mass = x.sum((2, 3))
    safe = np.where(mass > 1e-6, mass, 1.0)
    rows = (x.sum(3) * np.arange(h)).sum(2) / safe
    cols = (x.sum(2) * np.arange(w)).sum(2) / safe
    rows = np.where(mass > 1e-6, rows, (h - 1) / 2)
    cols = np.where(mass > 1e-6, cols, (w - 1) / 2)
    return np.stack([rows, cols], -1)


def motion_stats(clips, reference=None, smooth=0.5):
    """How a clip's sprite moves, from its frames' centres of mass.

    - ``speed``: mean displacement per frame (pixels);
    - ``acceleration``: mean size of the change of displacement from frame to frame
      (pixels per frame^2): near 0 for constant velocity (real clips: only the bounces);
    - ``smooth_share``: share of frame triples whose acceleration is below ``smooth``;
    - ``relative_acceleration``: acceleration / speed. A sprite that barely moves also
      barely accelerates, so a slow, jittery G can look smooth by the two numbers above;
      this one cannot be won by moving slowly (real clips: about 0.33);
    - ``acc_distance`` (with ``reference``, e.g. real clips): the 1D Wasserstein distance
      between the two sets' acceleration sizes (0 = moves like the reference).
    """
    c = centres_of_mass(clips)
    vel = np.diff(c, axis=1)
    acc = np.linalg.norm(np.diff(vel, axis=1), axis=-1).ravel()
    out = {"speed": float(np.linalg.norm(vel, axis=-1).mean()),
           "acceleration": float(acc.mean()),
           "smooth_share": float((acc < smooth).mean())}
    out["relative_acceleration"] = out["acceleration"] / max(out["speed"], 1e-6)
    if reference is not None:
        ref = np.linalg.norm(np.diff(np.diff(centres_of_mass(reference), axis=1), axis=1),
                             axis=-1).ravel()
        q = np.linspace(0, 1, 201)
        out["acc_distance"] = float(np.abs(np.quantile(acc, q) - np.quantile(ref, q)).mean())
    return out


def frame_kid(clips, real_clips, n=1000, seed=0):
    """KID between single frames of two sets of clips, on the frames' pixels (the
    course's KID with the pixels as features): per-frame quality, blind to motion."""
    from .metrics import kernel_inception_distance

    rng = np.random.default_rng(seed)

    def frames(x):
        x = check_clips(x)
        flat = x.reshape((-1,) + x.shape[2:])
        return flat[rng.choice(len(flat), min(n, len(flat)), replace=False)].reshape(
            min(n, len(flat)), -1)

    return kernel_inception_distance(frames(real_clips), frames(clips), subsets=10,
                                     subset_size=n, seed=seed)[0]


def empty_frames(clips, min_pixels=5):
    """The share of clips whose frame t shows no sprite, for each t: shape (T,).

    A frame is empty when fewer than ``min_pixels`` of its pixels are closer to ink than
    to background (value above 0). A real sprite lights 16 to 25 pixels, so the default
    5 counts black frames and faint specks as empty, and never a real frame. Frame KID
    averages over frames, so a model can score well with its first or last frame blank;
    this number cannot."""
    x = check_clips(clips)
    lit = (x[..., 0] > 0.0).sum(axis=(2, 3))  # (N, T)
    return (lit < min_pixels).mean(axis=0)


# --- the networks ------------------------------------------------------------------------

GENERATOR_KINDS = ("2+1d", "3d")


def clip_generator(latent_dim=32, frames=8, size=16, filters=64, kind="2+1d",
                   name="clip_generator"):
    """Noise -> a clip (frames, size, size, 1) in [-1, 1]: a dense layer to a few small
    (size/4 by size/4) frames, then layers that double time and space, then tanh.

    ``kind="2+1d"`` (the default) splits time from space, as DVD-GAN's own G does: time
    is doubled and mixed by (3, 1, 1) convolutions, and each frame is drawn by 2D
    transposed convolutions shared by all frames. ``kind="3d"`` doubles both with 3D
    transposed convolutions: several times slower a step on a CPU, with worse frames at
    the same steps (``benchmarks/video.py --g 2+1d 3d``; figures in benchmarks/README.md)."""
    if frames % 2 or size % 4:
        raise BadInputError(f"frames should be even and size a multiple of 4; got "
                            f"{frames}, {size}.")
    if kind not in GENERATOR_KINDS:
        raise BadInputError(f"kind should be one of {GENERATOR_KINDS}; got {kind!r}.")
    def start(frames):
        return [keras.Input((latent_dim,)),
                layers.Dense(frames * (size // 4) ** 2 * filters, use_bias=False),
                layers.BatchNormalization(), layers.ReLU(),
                layers.Reshape((frames, size // 4, size // 4, filters))]

    if kind == "3d":
        return keras.Sequential(start(frames // 2) + [
            layers.Conv3DTranspose(filters // 2, 4, strides=(2, 2, 2), padding="same",
                                   use_bias=False),
            layers.BatchNormalization(), layers.ReLU(),
            layers.Conv3DTranspose(filters // 4, (3, 4, 4), strides=(1, 2, 2), padding="same",
                                   use_bias=False),
            layers.BatchNormalization(), layers.ReLU(),
            layers.Conv3D(1, 3, padding="same", activation="tanh"),
        ], name=name)
    per_frame = layers.TimeDistributed  # the same 2D layer on every frame
    # Two frames more at each end, which the two time mixes use up ("valid"): every frame
    # is mixed from real neighbours, none from zero padding. With "same" padding the first
    # and last frames were made differently from the rest, and stayed black in training.
    return keras.Sequential(start(frames // 2 + 2) + [
        layers.UpSampling3D((2, 1, 1)),  # twice the frames: frames + 4
        layers.Conv3D(filters, (3, 1, 1), padding="valid", use_bias=False),  # mix in time
        layers.BatchNormalization(), layers.ReLU(),
        per_frame(layers.Conv2DTranspose(filters // 2, 4, strides=2, padding="same",
                                         use_bias=False)),  # twice the size
        layers.Conv3D(filters // 2, (3, 1, 1), padding="valid", use_bias=False),
        layers.BatchNormalization(), layers.ReLU(),
        per_frame(layers.Conv2DTranspose(1, 4, strides=2, padding="same",
                                         activation="tanh")),
    ], name=name)


def spatial_discriminator(size=16, filters=32, name="spatial_d"):
    """Judges one frame (size, size, 1) at full resolution: a small strided CNN."""
    return keras.Sequential([
        keras.Input((size, size, 1)),
        layers.Conv2D(filters, 4, strides=2, padding="same"), layers.LeakyReLU(0.2),
        layers.Conv2D(2 * filters, 4, strides=2, padding="same"), layers.LeakyReLU(0.2),
        layers.Flatten(), layers.Dense(1),
    ], name=name)


def temporal_discriminator(frames=8, size=16, filters=32, pool=2, name="temporal_d"):
    """Judges a whole clip at lower resolution: average-pool each frame by ``pool`` (2:
    half resolution, as DVD-GAN; 1: none), then 3D convolutions that look at several
    frames at once (motion)."""
    if pool < 1 or size % pool:
        raise BadInputError(f"pool should be a whole number >= 1 that divides size={size}; "
                            f"got {pool}.")
    return keras.Sequential([
        keras.Input((frames, size, size, 1)),
        layers.AveragePooling3D((1, pool, pool)),
        layers.Conv3D(filters, 3, strides=(1, 2, 2), padding="same"), layers.LeakyReLU(0.2),
        layers.Conv3D(2 * filters, 3, strides=2, padding="same"), layers.LeakyReLU(0.2),
        layers.Flatten(), layers.Dense(1),
    ], name=name)


# --- the model ---------------------------------------------------------------------------

@keras.saving.register_keras_serializable(package="gankit")
class DVDGAN(GAN):
    """A clip generator judged by a spatial and a temporal discriminator.

    Args:
        generator: noise (latent_dim,) -> clip (T, H, W, C), e.g. :func:`clip_generator`.
        spatial_d: one frame (H, W, C) -> one score, e.g. :func:`spatial_discriminator`.
        temporal_d: one clip (T, H, W, C) -> one score (it pools the frames itself), e.g.
            :func:`temporal_discriminator`.
        frames_judged: k, the frames of each clip the spatial critic sees (DVD-GAN: 8 of 48).
        temporal_weight: weight of the temporal critic's term in G's loss (1 in the paper;
            0 = the ablation: the temporal critic trains but G ignores it).
        **kwargs: what :class:`gankit.GAN` takes, but ``gradient_penalty``, ``clip_weights``
            and ``pack``.

    Fit it on clips: ``gan.fit(clips, batch_size=32)``. ``generate(n)`` makes clips.
    The logs show ``d_real``/``d_fake`` for the spatial critic and ``t_real``/``t_fake``
    for the temporal one (probabilities that the clip is real).
    """

    LOGS = GAN.LOGS + ("t_real", "t_fake")
    makes = "videos"  # what `python -m gankit sample` writes (see sample_arrays)

    def __init__(self, generator, spatial_d, temporal_d, frames_judged=2, temporal_weight=1.0,
                 **kwargs):
        for key in ("gradient_penalty", "clip_weights", "r1", "r2"):
            if kwargs.get(key):
                raise BadInputError(f"DVDGAN does not take {key}.")
        if int(kwargs.get("pack", 1)) != 1:
            raise BadInputError("DVDGAN judges one clip at a time: pack must be 1.")
        shape = tuple(generator.outputs[0].shape[1:])
        if len(shape) != 4:
            raise BadInputError(f"The generator should make clips (frames, height, width, "
                                f"channels); it makes {shape}.")
        if tuple(spatial_d.inputs[0].shape[1:]) != shape[1:]:
            raise BadInputError(f"spatial_d should judge single frames of shape {shape[1:]}; "
                                f"it takes {tuple(spatial_d.inputs[0].shape[1:])}.")
        if tuple(temporal_d.inputs[0].shape[1:]) != shape:
            raise BadInputError(f"temporal_d should judge whole clips of shape {shape}; "
                                f"it takes {tuple(temporal_d.inputs[0].shape[1:])}.")
        if not 1 <= int(frames_judged) <= shape[0]:
            raise BadInputError(f"frames_judged should be 1 to {shape[0]}; got {frames_judged}.")
        if float(temporal_weight) < 0:
            raise BadInputError(f"temporal_weight should be >= 0; got {temporal_weight}.")
        clip = keras.Input(shape, name="clip")
        picked = keras.Input((int(frames_judged),) + shape[1:], name="frames")
        critics = keras.Model([clip, picked],
                              [temporal_d(clip), layers.TimeDistributed(spatial_d)(picked)],
                              name="critics")
        super().__init__(generator, critics, **kwargs)
        self.spatial_d, self.temporal_d = spatial_d, temporal_d
        self.frames_judged = int(frames_judged)
        self.temporal_weight = float(temporal_weight)

    def check_discriminator(self, discriminator):
        pass  # checked in __init__, critic by critic

    def pick_frames(self, clips):
        """k distinct frames of each clip, chosen at random: (B, k, H, W, C). A one-hot
        matrix picks them (an einsum), which every backend differentiates."""
        frames = self.sample_shape[0]
        u = self.uniform((ops.shape(clips)[0], frames))
        idx = ops.argsort(u, axis=1)[:, :self.frames_judged]
        return ops.einsum("bkt,bthwc->bkhwc", ops.one_hot(idx, frames), clips)

    def critics(self, clips):
        """(temporal score per clip, spatial scores of k random frames per clip)."""
        clips = self.noisy(clips)
        return self.discriminator([clips, self.pick_frames(clips)], training=True)

    # --- the losses (keras.ops only) ----------------------------------------------------

    def d_loss(self, real, labels):
        """Both critics learn, whatever temporal_weight says: real clips vs fresh fakes."""
        fake = ops.stop_gradient(self.generator(self.noise(ops.shape(real)[0]), training=True))
        t_real, s_real = self.critics(real)
        t_fake, s_fake = self.critics(fake)
        smooth = 1.0 - self.label_smoothing
        loss = (self.loss_pair.d_loss(s_real, s_fake, smooth)
                + self.loss_pair.d_loss(t_real, t_fake, smooth))
        return loss, {"d_real": self.as_probability(s_real), "d_fake": self.as_probability(s_fake),
                      "t_real": self.as_probability(t_real), "t_fake": self.as_probability(t_fake)}

    def g_loss(self, real, labels):
        """G: fool the spatial critic, plus temporal_weight times fool the temporal one."""
        t_fake, s_fake = self.critics(self.generator(self.noise(ops.shape(real)[0]),
                                                     training=True))
        t_real = s_real = None
        if self.loss_pair.paired:   # a paired loss compares them with the critics' real scores
            t_real, s_real = self.critics(real)
        return (self.loss_pair.g_loss(s_fake, s_real)
                + self.temporal_weight * self.loss_pair.g_loss(t_fake, t_real)), {}

    # --- using the trained model ---------------------------------------------------------

    def check_data(self, x, labels=None):
        if isinstance(x, np.ndarray):
            check_clips(x, self.sample_shape, name="real clips")

    def discriminate(self, x, labels=None, batch_size=500):
        """The temporal critic's probability that each clip is real, shape (N,)."""
        x = check_clips(x, self.sample_shape)
        self.sync()
        with backend.no_grad():
            s = np.concatenate([ops.convert_to_numpy(self.temporal_d(x[i:i + batch_size],
                                                                     training=False))
                                for i in range(0, len(x), batch_size)])[:, 0]
        return 0.5 * (1.0 + np.tanh(0.5 * s))

    def sample_arrays(self, n, seed=None):
        """What ``python -m gankit sample`` writes: ``videos`` (N, T, H, W, C) in [-1, 1],
        and ``images``, the first frames (the command line's contract)."""
        videos = self.generate(n, seed=seed).astype("float32")
        return {"videos": videos, "images": videos[:, 0]}

    def get_config(self):
        ser = keras.saving.serialize_keras_object
        config = super().get_config()
        del config["discriminator"]
        return {**config, "spatial_d": ser(self.spatial_d), "temporal_d": ser(self.temporal_d),
                "frames_judged": self.frames_judged, "temporal_weight": self.temporal_weight}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "spatial_d", "temporal_d"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)


def dvdgan(frames=8, size=16, latent_dim=32, frames_judged=2, temporal_weight=1.0,
           lr=(6e-4, 6e-4), temporal_pool=2, g_kind="2+1d", seed=0, **kwargs):
    """A compiled DVDGAN of the course's size: :func:`clip_generator`, a spatial critic
    on ``frames_judged`` frames per clip and a temporal critic at half resolution.
    ``g_kind`` is :func:`clip_generator`'s ``kind``. Adam 6e-4 (beta1 0.5): with 2e-4 the
    sprites moved far slower than real ones in the same minutes. ``temporal_pool=1`` lets
    the temporal critic see full-resolution frames: the speed came right but the sprites
    jumped (benchmarks/video.py --pool 2 1; figures in benchmarks/README.md)."""
    keras.utils.set_random_seed(int(seed))
    gan = DVDGAN(clip_generator(latent_dim, frames, size, kind=g_kind),
                 spatial_discriminator(size),
                 temporal_discriminator(frames, size, pool=temporal_pool),
                 frames_judged=frames_judged, temporal_weight=temporal_weight, seed=seed,
                 **kwargs)
    # Keras's "auto": no XLA on a CPU-only TensorFlow, where it runs the 3D transposed
    # convolutions about 30 times slower (nor on PyTorch). JAX always runs them with XLA,
    # and without jit_compile it would also run the step op by op (2.7 s a step instead of
    # 2.1, and 37 s instead of 16 before the first).
    gan.compile(keras.optimizers.Adam(lr[0], beta_1=0.5),
                keras.optimizers.Adam(lr[1], beta_1=0.5), jit_compile="auto")
    return gan


# --- showing clips --------------------------------------------------------------------

def clip_gif(clips, ncols=8, scale=4, duration=150):
    """Clips (N, T, H, W, 1) as one animated GIF (bytes): the clips side by side in a grid,
    all playing at once. Small enough to save inside a notebook."""
    import io

    from PIL import Image

    x = check_clips(clips)[..., 0]
    n, t, h, w = x.shape
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    canvas = np.full((t, nrows * (h + 1) + 1, ncols * (w + 1) + 1), 128, "uint8")
    pix = np.round((x + 1.0) * 127.5).astype("uint8")
    for i in range(n):
        r, c = divmod(i, ncols)
        canvas[:, 1 + r * (h + 1):1 + r * (h + 1) + h, 1 + c * (w + 1):1 + c * (w + 1) + w] = pix[i]
    frames = [Image.fromarray(f).resize((f.shape[1] * scale, f.shape[0] * scale), Image.NEAREST)
              for f in canvas]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:],
                   duration=duration, loop=0)
    return buf.getvalue()


def show_clips(clips, ncols=8, title=None, scale=4):
    """Display clips as an animation in the notebook (a GIF in an <img>, no file)."""
    import base64

    from IPython.display import HTML

    data = base64.b64encode(clip_gif(clips, ncols=ncols, scale=scale)).decode("ascii")
    head = f"<b>{title}</b><br>" if title else ""
    return HTML(f'{head}<img src="data:image/gif;base64,{data}">')


def filmstrip(clips, n=4, title=None):
    """A figure with one row per clip and one column per frame (``gankit.image_grid``,
    with the frames' times under the columns)."""
    from .plots import image_grid

    x = check_clips(clips)[:n]
    rows, t, h, w = x.shape[:4]
    fig = image_grid(x.reshape((rows * t,) + x.shape[2:]), ncols=t, title=title,
                     row_labels=[f"clip {r + 1}" for r in range(rows)])
    ax = fig.axes[0]
    ax.set_xticks([c * (w + 1) + w / 2 - 0.5 for c in range(t)])
    ax.set_xticklabels([f"t={c}" for c in range(t)], fontsize=8)
    fig.tight_layout()
    return fig
