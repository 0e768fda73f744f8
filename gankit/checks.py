"""Checks for the course's assignments: each failure says what was expected and what came.

The autograder tests in ``assignments/`` call these instead of bare ``assert``s, so a
student who runs ``grader.check("q1")`` reads what to fix, not only that something is
wrong. Every check raises ``AssertionError`` (what otter-grader counts as a failed test)
and returns the value it checked, as a NumPy array where that makes sense.
"""
import time

import numpy as np


def _fmt(x):
    arr = np.asarray(x)
    if arr.size > 8:
        return f"an array of shape {arr.shape}, first values {np.round(arr.ravel()[:4], 4)}"
    return np.array2string(np.round(arr.astype("float64"), 4), separator=", ") if \
        arr.dtype.kind in "fiub" else repr(x)


def defined(value, name, hint="run the cell that defines it (and every cell above it)"):
    """``value`` is the notebook's variable ``name``; otter passes None when it is missing."""
    if value is None:
        raise AssertionError(f"`{name}` is not defined (or is None): {hint}.")
    return value


def numbers(value, name):
    """``value`` as a float64 NumPy array, with a clear error if it is no tensor or array."""
    if value is None or value is Ellipsis:
        raise AssertionError(
            f"{name} is {value!r}, not a number or a tensor: fill in the `...` and make the "
            "function `return` its result.")
    try:
        import keras

        arr = np.asarray(keras.ops.convert_to_numpy(value), "float64")
    except Exception as e:  # a tuple of tensors, None, a string...
        raise AssertionError(
            f"{name} should be a number or a tensor; got {type(value).__name__} ({e}).") from None
    return arr


def close(got, expected, name, atol=1e-5, rtol=1e-5, why=""):
    """``got`` matches ``expected`` within the tolerances (np.allclose), shapes included."""
    got_arr, exp_arr = numbers(got, name), np.asarray(expected, "float64")
    if got_arr.shape != exp_arr.shape and got_arr.size == exp_arr.size == 1:
        got_arr, exp_arr = got_arr.reshape(()), exp_arr.reshape(())
    if got_arr.shape != exp_arr.shape:
        raise AssertionError(f"{name} should have shape {exp_arr.shape}; got {got_arr.shape}.")
    if not np.isfinite(got_arr).all():
        raise AssertionError(f"{name} contains NaN or inf: expected {_fmt(exp_arr)}, got "
                             f"{_fmt(got_arr)}.{(' ' + why) if why else ''}")
    if not np.allclose(got_arr, exp_arr, atol=atol, rtol=rtol):
        raise AssertionError(f"{name}: expected {_fmt(exp_arr)}, got {_fmt(got_arr)}"
                             f" (tolerance {atol:g}).{(' ' + why) if why else ''}")
    return got_arr


def shape(got, expected, name):
    """``got`` (a tensor or array) has shape ``expected``; None in ``expected`` matches any."""
    got_shape = tuple(np.shape(numbers(got, name)))
    ok = len(got_shape) == len(expected) and all(
        e is None or e == g for e, g in zip(expected, got_shape))
    if not ok:
        raise AssertionError(f"{name} should have shape {tuple(expected)}; got {got_shape}.")
    return got_shape


def at_least(got, bar, name, why=""):
    """A score that should reach ``bar`` (higher is better)."""
    if not got >= bar:
        raise AssertionError(f"{name}: expected at least {bar:g}, got {got:g}."
                             f"{(' ' + why) if why else ''}")
    return got


def at_most(got, bar, name, why=""):
    """A score that should stay at or below ``bar`` (lower is better)."""
    if not got <= bar:
        raise AssertionError(f"{name}: expected at most {bar:g}, got {got:g}."
                             f"{(' ' + why) if why else ''}")
    return got


def weights_changed(before, after):
    """How many weight arrays differ between two lists of arrays (from get_weights())."""
    return sum(not np.array_equal(b, a) for b, a in zip(before, after))


class within_seconds:
    """A block that must finish within ``seconds`` of wall-clock time (a busy laptop is
    allowed for: the limit is a generous cap, not a benchmark)."""

    def __init__(self, seconds, what):
        self.seconds, self.what = float(seconds), what

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, kind, value, tb):
        took = time.perf_counter() - self.start
        if kind is None and took > self.seconds:
            raise AssertionError(
                f"{self.what} took {took:.0f} s; the limit is {self.seconds:.0f} s. Make it "
                "smaller or simpler (the autograder runs on a 2-core laptop).")
        return False


# --- What the exercise checks share -------------------------------------------------

def run(fn, call, *args, **kwargs):
    """``fn(*args, **kwargs)``; an error inside the student's function becomes an
    AssertionError that names the call, so the check says what went wrong."""
    try:
        return fn(*args, **kwargs)
    except AssertionError:
        raise
    except Exception as e:  # a shape error, a missing return...
        raise AssertionError(f"{call} raised {type(e).__name__}: {e}") from None


def parts(out, n, call):
    """``out`` as a tuple of ``n`` answers, or a clear error."""
    if not isinstance(out, (tuple, list)) or len(out) != n:
        size = f" of length {len(out)}" if hasattr(out, "__len__") else ""
        raise AssertionError(f"{call} should return {n} things (a tuple); got "
                             f"{type(out).__name__}{size}.")
    return out


def generator_images(G, latent_dim, expected, call, hint):
    """G's images for 4 wide noise vectors (std 5, to reach the tanh's ends), checked to
    be numbers of shape ``expected`` (what ``call`` should give) within [-1, 1];
    ``hint`` says how to keep them there."""
    z = np.random.default_rng(0).normal(0, 5, (4, latent_dim)).astype("float32")
    images = numbers(G(z, training=False), "G(z)")
    shape(images, expected, call)
    if np.abs(images).max() > 1:
        raise AssertionError(f"G's pixels should lie in [-1, 1]; they reach "
                             f"{np.abs(images).max():.2f}. {hint}")
    return images


def random_images(n, size=28, seed=0):
    """n random images in [-1, 1] (no data set needed)."""
    return np.random.default_rng(seed).uniform(-1, 1, (n, size, size, 1)).astype("float32")


def small_pair():
    """A tiny MLP G and D for 2D points: what a check trains for a step or two."""
    from .models import mlp_discriminator, mlp_generator

    return (mlp_generator(2, (2,), hidden=(16, 16), output_activation=None),
            mlp_discriminator((2,), hidden=(16, 16)))
