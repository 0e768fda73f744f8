"""Pictures: sample grids, loss curves, 2D views of D and G, and animations.

Every function returns a matplotlib Figure (or an animation) with a title and
labelled axes; a notebook shows it, a script can ``fig.savefig(...)`` it.
"""
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
            axes[0].plot(_smooth(hist[key]), style, label=key)
    axes[0].set(title="Losses", xlabel=xlabel, ylabel="loss")
    axes[0].legend()
    for key, label, style in (("d_real", "D(x), real", "C2"), ("d_fake", "D(G(z)), fake", "C3")):
        if key in hist:
            axes[1].plot(_smooth(hist[key]), style, label=label)
    axes[1].set(title="What D says", xlabel=xlabel, ylabel="mean D output")
    axes[1].legend()
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def _smooth(values, width=None):
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


def discriminator_field(gan, lim, resolution=60):
    """D's probability of "real" on a grid over [-lim, lim]^2, and the generator's
    push: the gradient of D's score, by central differences on the grid.

    Returns (xs, ys, prob, grad_x, grad_y); no backend-specific gradient code needed.
    """
    xs = np.linspace(-lim, lim, resolution, dtype="float32")
    gx, gy = np.meshgrid(xs, xs)
    pts = np.stack([gx.ravel(), gy.ravel()], 1)
    prob = gan.discriminate(pts).reshape(resolution, resolution)
    logit = np.log(np.clip(prob, 1e-7, 1)) - np.log(np.clip(1 - prob, 1e-7, 1))
    grad_y, grad_x = np.gradient(logit, xs, xs)
    return xs, xs, prob, grad_x, grad_y


def plot_2d_gan(gan, real, n=500, seed=0, lim=None, arrows=True, title=None, ax=None):
    """The GAN Lab picture: D's heatmap, real and fake points, and arrows showing
    where D's gradient pushes each fake point (the way G will move it).

    ``gan`` is anything with ``generate(n, seed=)`` and ``discriminate(x)``
    methods, like :class:`gankit.GAN`."""
    real = np.asarray(real)
    fake = gan.generate(n, seed=seed)
    if lim is None:
        # frame the real data, and fakes that wandered off too (up to 3x further out)
        reach = np.abs(real).max()
        reach = max(reach, min(np.percentile(np.abs(fake), 99), 3 * reach))
        lim = float(np.ceil(reach * 1.2 * 2) / 2)
    xs, ys, prob, gx, gy = discriminator_field(gan, lim)
    if ax is None:
        fig, ax = plt.subplots(figsize=(4.6, 4))
    else:
        fig = ax.figure
    mesh = ax.pcolormesh(xs, ys, prob, cmap="RdYlGn", vmin=0, vmax=1, shading="auto", alpha=0.6)
    fig.colorbar(mesh, ax=ax, label="D(x): probability real")
    ax.scatter(real[:n, 0], real[:n, 1], s=4, c="C0", label="real")
    ax.scatter(fake[:, 0], fake[:, 1], s=4, c="k", label="generated")
    if arrows:
        ix = np.clip(np.searchsorted(xs, fake[:, 0]), 0, len(xs) - 1)
        iy = np.clip(np.searchsorted(ys, fake[:, 1]), 0, len(ys) - 1)
        u, v = gx[iy, ix], gy[iy, ix]
        norm = np.sqrt(u ** 2 + v ** 2).max() + 1e-9
        k = slice(None, None, max(1, n // 100))
        ax.quiver(fake[k, 0], fake[k, 1], u[k] / norm, v[k] / norm, color="k", alpha=0.6,
                  scale=12, width=0.004)
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), xlabel="x1", ylabel="x2", aspect="equal",
           title=title or "D's view and G's push")
    ax.legend(loc="upper right", fontsize=7, markerscale=2)
    return fig


def training_dashboard(gan, history, n=16, seed=0, real=None, step=None):
    """One figure for live training: curves on the left, samples on the right."""
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.2))
    for key, color in (("d_loss", "C0"), ("g_loss", "C1")):
        if history.get(key):
            axes[0].plot(_smooth(history[key]), color, label=key)
    axes[0].set(title="Losses", xlabel="step")
    axes[0].legend(fontsize=8)
    for key, label, color in (("d_real", "D(x)", "C2"), ("d_fake", "D(G(z))", "C3")):
        if history.get(key):
            axes[1].plot(_smooth(history[key]), color, label=label)
    axes[1].set(title="What D says", xlabel="step")
    axes[1].legend(fontsize=8)
    if len(gan.sample_shape) == 3:
        image_grid(gan.generate(n, seed=seed), ax=axes[2], title="Samples from fixed noise")
    else:
        fake = gan.generate(max(n, 500), seed=seed)
        if real is not None:
            plot_points(real[:500], fake, ax=axes[2], title="Real and generated")
        else:
            plot_points(fake, ax=axes[2], title="Generated")
    fig.suptitle(f"Training, step {step}" if step is not None else "Training")
    fig.tight_layout()
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
