"""Training that never loses work: what ``fit()`` adds for a student.

- Ctrl-C (or the notebook's stop button) asks ``fit()`` to stop after the current step
  instead of raising wherever Python happens to be (a ``KeyboardInterrupt`` raised inside
  TensorFlow's C++ code can be lost, and training would go on); the model keeps everything
  it has learned. A second Ctrl-C raises at once.
- A loss that turns NaN stops training with advice, and the weights go back to the last
  good snapshot (:class:`gankit.callbacks.DivergenceGuard`).
"""
import signal
import threading

import keras


def safe_fit(model, fit, *args, callbacks=None, **kwargs):
    """Run ``fit(*args, **kwargs)`` (a Keras ``fit``) for ``model`` with both guards."""
    from .callbacks import DivergenceGuard

    callbacks = list(callbacks or [])
    if not any(isinstance(c, DivergenceGuard) for c in callbacks):
        callbacks.append(DivergenceGuard())
    interrupted = []
    previous = _catch_ctrl_c(model, interrupted)
    try:
        history = fit(*args, callbacks=callbacks, **kwargs)
    except KeyboardInterrupt:
        interrupted.append(True)
        model.stop_training = True
        history = getattr(model, "history", None)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    if interrupted:
        counter = getattr(model, "g_optimizer", None) or model.optimizer
        steps = int(keras.ops.convert_to_numpy(counter.iterations))
        print(f"\nTraining interrupted after {steps:,} generator steps; "
              "the model keeps what it learned.")
    return history


def _catch_ctrl_c(model, interrupted):
    """While fit runs, SIGINT sets ``model.stop_training``: Keras stops after this step.
    Returns the previous handler (None off the main thread, where Python cannot set one)."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def on_sigint(signum, frame):
        if interrupted:
            raise KeyboardInterrupt
        interrupted.append(True)
        model.stop_training = True

    return signal.signal(signal.SIGINT, on_sigint)
