"""Pictures: sample grids, loss curves, 2D views of D and G, and animations.

Every function returns a matplotlib Figure (or an animation) with a title and
labelled axes; a notebook shows it, a script can ``fig.savefig(...)`` it.
"""
import dataclasses

import matplotlib.pyplot as plt
import numpy as np

from .errors import BadInputError


def _to_display(images):
    images = np.asarray(images, dtype="float32")
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim not in (3, 4):
        raise BadInputError(
            f"image_grid expects images of shape (N, H, W) or (N, H, W, C); got {images.shape}.")
    return np.clip((images + 1.0) / 2.0, 0.0, 1.0)  # [-1, 1] -> [0, 1]


def grid_canvas(images, ncols=None):
    """Images in [-1, 1] tiled on one array in [0, 1], with 1-pixel white gaps:
    the picture ``image_grid`` shows (live views update it with ``set_data``)."""
    imgs = _to_display(images)
    n = len(imgs)
    ncols = ncols or int(np.ceil(np.sqrt(n)))
    nrows = int(np.ceil(n / ncols))
    h, w = imgs.shape[1:3]
    canvas = np.ones((nrows * (h + 1) - 1, ncols * (w + 1) - 1) + imgs.shape[3:], "float32")
    for i, img in enumerate(imgs):
        r, c = divmod(i, ncols)
        canvas[r * (h + 1): r * (h + 1) + h, c * (w + 1): c * (w + 1) + w] = img
    return canvas


def image_grid(images, ncols=None, title=None, row_labels=None, size=0.9, ax=None):
    """Show images in [-1, 1] as a grid. ``row_labels`` names each row (e.g. classes)."""
    canvas = grid_canvas(images, ncols)
    n, h, w = np.asarray(images).shape[:3]
    ncols = ncols or int(np.ceil(np.sqrt(n)))
    nrows = int(np.ceil(n / ncols))
    if ax is None:
        extra = 1.2 if row_labels is not None else 0.0
        cell = max(size * 0.8 * w / 28, 0.45)  # inches per image; tiny images get enlarged
        fig, ax = plt.subplots(figsize=(ncols * cell + extra + 0.4, nrows * cell * h / w + 0.5))
    else:
        fig = ax.figure
    ax.imshow(canvas, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks([])
    if row_labels is not None:
        ax.set_yticks([r * (h + 1) + h / 2 for r in range(nrows)])
        ax.set_yticklabels(list(row_labels)[:nrows], fontsize=8)
    else:
        ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def plot_history(history, title="Training curves", ax=None, kid=None):
    """Loss curves and D's outputs from a History, a dict of lists, or LiveTraining.history.

    Left: d_loss and g_loss. Right: D(x) on real and D(G(z)) on fake samples.
    ``kid``: a :class:`gankit.KIDMonitor` adds a third panel, KID over the same steps
    (the losses say who is winning; KID says whether the samples get better).
    """
    per_epoch = hasattr(history, "history")  # fit()'s History: one value per epoch
    hist = getattr(history, "history", history)
    if not isinstance(hist, dict) or not hist:
        raise BadInputError("plot_history needs fit()'s History or a dict of metric lists.")
    xlabel = "epoch" if per_epoch else "step"
    if kid is not None:
        fig, axes = plt.subplots(1, 3, figsize=(10, 3))
        plot_kid(kid, ax=axes[2], title="KID (lower is better)")
    else:
        fig, axes = plt.subplots(1, 2, figsize=(9, 3))
    for key, style in (("d_loss", "C0"), ("g_loss", "C1")):
        if key in hist:
            axes[0].plot(smooth(hist[key]), style, label=key)
    axes[0].set(title="Losses", xlabel=xlabel, ylabel="loss")
    axes[0].legend()
    for key, label, style in (("d_real", "D(x), real", "C2"), ("d_fake", "D(G(z)), fake", "C3")):
        if key in hist:
            axes[1].plot(smooth(hist[key]), style, label=label)
    axes[1].set(title="What D says", xlabel=xlabel, ylabel="mean D output")
    axes[1].legend()
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def smooth(values, width=None):
    """A running mean over about a fiftieth of the curve: noisy per-step values made
    readable (shorter by the window's width)."""
    values = np.asarray(values, "float64")
    width = width or max(1, len(values) // 50)
    if width <= 1 or len(values) < 2 * width:
        return values
    kernel = np.ones(width) / width
    return np.convolve(values, kernel, mode="valid")


def plot_points(real, fake=None, title="Real and generated samples", ax=None, lim=None):
    """Scatter 2D real (and fake) samples; 1D samples are shown as histograms."""
    real = np.asarray(real)
    if ax is None:
        fig, ax = plt.subplots(figsize=(4, 4))
    else:
        fig = ax.figure
    if real.ndim == 2 and real.shape[1] == 1:
        bins = np.linspace(min(real.min(), -4), max(real.max(), 4), 60)
        ax.hist(real[:, 0], bins=bins, density=True, alpha=0.5, label="real", color="C0")
        if fake is not None:
            ax.hist(np.asarray(fake)[:, 0], bins=bins, density=True, alpha=0.5,
                    label="generated", color="C1")
        ax.set(xlabel="x", ylabel="density", title=title)
    else:
        ax.scatter(real[:, 0], real[:, 1], s=3, alpha=0.4, label="real", color="C0")
        if fake is not None:
            fake = np.asarray(fake)
            ax.scatter(fake[:, 0], fake[:, 1], s=3, alpha=0.6, label="generated", color="C1")
        ax.set(xlabel="x1", ylabel="x2", title=title, aspect="equal")
        if lim is not None:
            ax.set(xlim=(-lim, lim), ylim=(-lim, lim))
    ax.legend(loc="upper right", fontsize=8, markerscale=3)
    return fig


# How a heatmap colours D's raw score s for each loss: (how, vmin, vmax, colour-bar label).
# A sigmoid loss reads s as a probability; the others have no probability to show.
SCORE_SCALES = {
    "minimax": ("sigmoid", 0.0, 1.0, "D(x): probability real"),
    "non-saturating": ("sigmoid", 0.0, 1.0, "D(x): probability real"),
    "least-squares": ("score", 0.0, 1.0, "D(x): score (1 real, 0 fake)"),
    "hinge": ("score", -1.0, 1.0, "D(x): score (+1 real, -1 fake)"),
    "wasserstein": ("centred", -1.0, 1.0, "critic score, scaled"),
}


def score_scale(gan):
    """How to colour ``gan``'s D: the entry of :data:`SCORE_SCALES` for its loss. A model
    without gankit's losses (lesson 03's own GAN) is read as a probability."""
    name = getattr(getattr(gan, "loss_pair", None), "name", "non-saturating")
    return SCORE_SCALES.get(name, SCORE_SCALES["non-saturating"])


def discriminator_field(gan, lim, resolution=60, dim=2):
    """D's view over [-lim, lim] (a square for 2D data, a line for 1D), coloured as its
    loss reads it, and G's push: the gradient of D's raw score (the way G's loss moves
    a fake), by central differences on the grid, so no backend's gradient code.

    ``gan`` needs ``scores(x)`` (D's raw output, as :class:`gankit.GAN` has) or
    ``discriminate(x)`` (a probability). Returns a :class:`Field`.
    """
    xs = np.linspace(-lim, lim, resolution, dtype="float32")
    pts = np.stack([a.ravel() for a in np.meshgrid(xs, xs)], 1) if dim == 2 else xs[:, None]
    if hasattr(gan, "scores"):
        scores = np.asarray(gan.scores(pts), "float64")
    else:
        p = np.clip(np.asarray(gan.discriminate(pts), "float64"), 1e-7, 1 - 1e-7)
        scores = np.log(p) - np.log1p(-p)
    how = score_scale(gan)[0]
    if how == "sigmoid":
        colour = 1.0 / (1.0 + np.exp(-np.clip(scores, -30, 30)))
    elif how == "centred":  # a critic's scores have no fixed range: centre and scale them
        centre = np.median(scores)
        colour = (scores - centre) / (np.percentile(np.abs(scores - centre), 98) + 1e-9)
    else:
        colour = scores
    if dim == 2:
        scores = scores.reshape(resolution, resolution)
        grad_y, grad_x = np.gradient(scores, xs, xs)
        return Field(xs, colour.reshape(resolution, resolution), (grad_x, grad_y))
    return Field(xs, colour, (np.gradient(scores, xs),))


@dataclasses.dataclass
class Field:
    """What :func:`discriminator_field` computed: the grid ``xs``, D's ``colour`` on it
    (a square for 2D, a line for 1D) and ``grads``, the push along each axis."""
    xs: np.ndarray
    colour: np.ndarray
    grads: tuple

    def push_at(self, points):
        """The push at each point (the nearest grid node), as unit-scaled arrows."""
        index = [np.clip(np.searchsorted(self.xs, points[:, i]), 0, len(self.xs) - 1)
                 for i in range(len(self.grads))]
        if len(self.grads) == 1:
            u = self.grads[0][index[0]]
            return u / (np.abs(u).max() + 1e-9), np.zeros_like(u)
        u, v = (g[index[1], index[0]] for g in self.grads)
        norm = np.sqrt(u ** 2 + v ** 2).max() + 1e-9
        return u / norm, v / norm


class FieldView:
    """D's heatmap and G's arrows on a 2D ``ax``, drawn once and redrawn with
    :meth:`update`: the still picture of :func:`plot_2d_gan` and each frame of the
    playground are the same drawing."""

    def __init__(self, ax, gan, lim, n_fakes, resolution=60, arrows=100):
        _, vmin, vmax, label = score_scale(gan)
        self.lim, self.resolution = lim, resolution
        self.pick = np.arange(0, n_fakes, max(1, n_fakes // arrows))  # fakes with an arrow
        self.heat = ax.imshow(np.zeros((resolution, resolution)), origin="lower", cmap="RdYlGn",
                              extent=(-lim, lim, -lim, lim), vmin=vmin, vmax=vmax, alpha=0.6,
                              interpolation="bilinear")
        ax.figure.colorbar(self.heat, ax=ax, label=label, fraction=0.046, pad=0.03)
        self.push = ax.quiver(*np.zeros((4, len(self.pick))), color="k", alpha=0.6, scale=12,
                              width=0.004)

    def update(self, gan, fake):
        """Recolour the heatmap for D now, and put the arrows at the fakes."""
        field = discriminator_field(gan, self.lim, self.resolution)
        self.heat.set_data(field.colour)
        at = np.asarray(fake)[self.pick]
        self.push.set_offsets(at)
        self.push.set_UVC(*field.push_at(at))
        return field


def plot_2d_gan(gan, real, n=500, seed=0, lim=None, arrows=True, title=None, ax=None):
    """The GAN Lab picture: D's heatmap, real and fake points, and arrows showing
    where D's gradient pushes each fake point (the way G will move it).

    ``gan`` is anything with ``generate(n, seed=)`` and ``scores(x)`` or
    ``discriminate(x)`` methods, like :class:`gankit.GAN`."""
    real = np.asarray(real)
    fake = gan.generate(n, seed=seed)
    if lim is None:
        # frame the real data, and fakes that wandered off too (up to 3x further out)
        reach = np.abs(real).max()
        reach = max(reach, min(np.percentile(np.abs(fake), 99), 3 * reach))
        lim = float(np.ceil(reach * 1.2 * 2) / 2)
    if ax is None:
        fig, ax = plt.subplots(figsize=(4.6, 4))
    else:
        fig = ax.figure
    view = FieldView(ax, gan, lim, n)
    view.update(gan, fake)
    view.push.set_visible(arrows)
    ax.scatter(real[:n, 0], real[:n, 1], s=4, c="C0", label="real")
    ax.scatter(fake[:, 0], fake[:, 1], s=4, c="k", label="generated")
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), xlabel="x1", ylabel="x2", aspect="equal",
           title=title or "D's view and G's push")
    ax.legend(loc="upper right", fontsize=7, markerscale=2)
    return fig


def animate_samples(frames, ncols=None, interval=300, title="Samples from fixed noise"):
    """An animation of Snapshots.frames, as HTML that a notebook shows inline.

    Keep frames few and small (it is saved inside the notebook).
    """
    from matplotlib import animation
    from IPython.display import HTML

    if not frames:
        raise BadInputError("No frames to animate: train with a Snapshots callback first.")
    first = np.asarray(frames[0][1])
    fig, ax = plt.subplots(figsize=(3.2, 3.4))
    if first.ndim == 4:
        def draw(i):
            ax.clear()
            step, imgs = frames[i]
            image_grid(imgs, ncols=ncols, ax=ax, title=f"{title}\nstep {step}")
    else:
        lim = float(np.abs(np.concatenate([f[1] for f in frames])).max()) * 1.1

        def draw(i):
            ax.clear()
            step, pts = frames[i]
            ax.scatter(pts[:, 0], pts[:, 1], s=3, c="C1")
            ax.set(xlim=(-lim, lim), ylim=(-lim, lim), aspect="equal",
                   title=f"{title}\nstep {step}")
    anim = animation.FuncAnimation(fig, draw, frames=len(frames), interval=interval)
    html = HTML(anim.to_jshtml(default_mode="once"))
    plt.close(fig)
    return html


def plot_nearest_neighbours(fake, train, indices, distances=None, n=6,
                            title="Generated images and their nearest training images"):
    """The memorisation check: each row shows a generated image, then the training
    images closest to it (from :func:`gankit.metrics.nearest_neighbours`).

    A row of near-identical images with distance about 0 means the generator copied.
    """
    fake, train = _to_display(fake), _to_display(train)
    indices = np.asarray(indices)
    if indices.ndim != 2 or len(indices) < len(fake[:n]):
        raise BadInputError(
            f"indices should be (N, k), one row per generated image, as returned by "
            f"gankit.metrics.nearest_neighbours; got shape {indices.shape}.")
    rows, k = min(n, len(fake)), indices.shape[1]
    fig, axes = plt.subplots(rows, k + 1, figsize=(1.1 * (k + 1) + 0.4, 1.15 * rows + 0.6),
                             squeeze=False)
    for r in range(rows):
        panels = [(fake[r], "generated" if r == 0 else None, None)]
        for j in range(k):
            dist = None if distances is None else float(np.asarray(distances)[r, j])
            panels.append((train[indices[r, j]], f"nearest {j + 1}" if r == 0 else None, dist))
        for c, (img, head, dist) in enumerate(panels):
            ax = axes[r, c]
            ax.imshow(img, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if head:
                ax.set_title(head, fontsize=8)
            if dist is not None:
                ax.set_xlabel(f"d = {dist:.2f}", fontsize=7, labelpad=2)
            if c == 0:
                for side in ax.spines.values():
                    side.set_color("C1")
                    side.set_linewidth(2)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_kid(kid, ax=None, title="KID during training (lower is better)"):
    """KID over training steps, with its standard deviation as a band, from a
    :class:`gankit.KIDMonitor` (or its ``history``: a list of (step, kid, kid_std))."""
    history = getattr(kid, "history", kid)
    if not history:
        raise BadInputError("No KID values to plot: train with a gankit.KIDMonitor callback.")
    steps, values, stds = (np.asarray(v, "float64") for v in zip(*history))
    if ax is None:
        fig, ax = plt.subplots(figsize=(4.5, 3))
    else:
        fig = ax.figure
    ax.plot(steps, values, "o-", color="C4", ms=3, label="KID")
    ax.fill_between(steps, values - stds, values + stds, color="C4", alpha=0.2,
                    label="± std over subsets")
    ax.axhline(0, color="gray", lw=0.8)
    ax.set(title=title, xlabel="step", ylabel="KID")
    ax.legend(fontsize=8)
    return fig
