"""Saving and loading trained GANs in the Keras format, so that nothing is lost.

- ``check_writable(path)`` before training: a run that cannot save is refused at once,
  not after its whole budget.
- ``save(model, path)`` writes beside the target and then renames, so a crash or Ctrl-C
  while saving leaves the previous file whole.
- ``load(path)`` says what a file is when it is not a gankit model: missing, not a
  ``.keras`` file, truncated or damaged, or a model of another kind.
"""
import os
import pathlib
import tempfile
import zipfile

from .errors import BadInputError


def _keras_path(path, what="out"):
    path = pathlib.Path(path)
    if path.suffix != ".keras":
        raise BadInputError(f"{what} should be a path ending in .keras (the Keras format); "
                            f"got {str(path)!r}.")
    return path


def check_writable(path):
    """Raise a clear error unless a model can be saved at ``path`` (a .keras file)."""
    path = _keras_path(path)
    if path.is_dir():
        raise BadInputError(f"{path} is a folder; give a file name ending in .keras inside it.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".gankit-write-test-"):
            pass
    except OSError as e:
        raise BadInputError(
            f"Cannot save a model to {path}: {e.strerror or e}. Choose a folder you can "
            "write to (e.g. --out runs/model.keras) before spending time on training.") from None
    return path


def save(model, path):
    """Save ``model`` to ``path`` (.keras) atomically: write beside it, then rename."""
    path = check_writable(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".keras")
    os.close(fd)
    try:
        model.save(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def load(path):
    """Load a GAN (or LAPGAN) that gankit saved, with a clear error if it is not one."""
    import keras

    from .adversarial import AdversarialModel
    from .lapgan import LAPGAN

    path = pathlib.Path(path)
    if not path.exists():
        raise BadInputError(f"No model at {path}. Train one first: "
                            "python -m gankit train RECIPE --minutes M --out PATH.keras")
    _keras_path(path, "the model file")
    if not zipfile.is_zipfile(path):
        raise BadInputError(
            f"{path} is not a Keras model file (a .keras file is a zip archive; this one is "
            f"{path.stat().st_size:,} bytes of something else): it may be truncated or "
            "damaged. Train the model again.")
    try:
        model = keras.saving.load_model(path)
    except Exception as e:   # a damaged archive, or a model of classes gankit does not know
        raise BadInputError(
            f"{path} could not be loaded as a gankit model ({type(e).__name__}: "
            f"{str(e).splitlines()[0][:200] if str(e) else 'no details'}). It may be damaged, "
            "or saved by another program; train the model again with gankit.") from None
    if not isinstance(model, (AdversarialModel, LAPGAN)):
        raise BadInputError(f"{path} holds a {type(model).__name__}, not a gankit GAN.")
    return model
