"""Measuring a GAN. For now: modes captured on the 2D mixtures.

The protocol follows PacGAN (Lin et al. 2018) and VEEGAN: draw 2,500 samples;
each belongs to its nearest mode centre; a sample is *high quality* when it
lies within 3 standard deviations of that centre; a mode is *captured* when at
least one high-quality sample belongs to it.
"""
import numpy as np

from .data import MIXTURES
from .errors import BadInputError, unknown_name


def mode_stats(points, dataset):
    """Modes captured and share of high-quality samples for ``dataset``
    ("ring8" or "grid25"). Returns a dict: modes, total_modes, high_quality
    (a fraction in [0, 1]) and counts (high-quality samples per mode)."""
    if dataset not in MIXTURES:
        raise unknown_name("mixture", dataset, MIXTURES)
    pts = np.asarray(points, dtype="float64")
    if pts.ndim != 2 or pts.shape[1] != 2:
        raise BadInputError(f"points should have shape (N, 2); got {pts.shape}.")
    if not np.isfinite(pts).all():
        raise BadInputError("points contain NaN or infinite values: the generator diverged.")
    centers, std = MIXTURES[dataset]
    dist = np.linalg.norm(pts[:, None, :] - centers[None, :, :], axis=-1)
    nearest = dist.argmin(1)
    good = dist[np.arange(len(pts)), nearest] <= 3 * std
    counts = np.bincount(nearest[good], minlength=len(centers))
    return {"modes": int((counts > 0).sum()), "total_modes": len(centers),
            "high_quality": float(good.mean()) if len(pts) else 0.0, "counts": counts}
