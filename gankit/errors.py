"""Errors a student can act on.

Each one says what was expected, what came, and what to do. They subclass the
built-in error a Python programmer would expect (ValueError, LookupError, ...)
so ``except ValueError`` still works.
"""


class GanKitError(Exception):
    """Base class for every gankit error."""


class BadInputError(GanKitError, ValueError):
    """Wrong shape, range or type of something passed in."""


class UnknownNameError(GanKitError, KeyError):
    """An unknown recipe, dataset, loss or similar name."""

    def __str__(self):  # KeyError would print the message inside quotes
        return str(self.args[0]) if self.args else ""


class DataUnavailableError(GanKitError, FileNotFoundError):
    """A dataset that cannot be found on disk and cannot be downloaded."""


class TrainingDivergedError(GanKitError, FloatingPointError):
    """A loss or weight became NaN or infinite during training."""


def unknown_name(kind, name, known):
    """Build the error for an unknown ``name`` of ``kind``, listing what exists."""
    import difflib

    known = sorted(known)
    close = difflib.get_close_matches(str(name), known, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return UnknownNameError(
        f"Unknown {kind} {name!r}.{hint} Choose one of: {', '.join(known)}.")
