"""The only code in gankit that differs between Keras's backends: one function per idea.

A GAN's step needs three things that each backend does its own way:

- ``gradients(model, loss_fn, variables)``: the gradient of a loss with respect to one
  network's weights. TensorFlow records the forward pass on a ``GradientTape``; PyTorch's
  autograd fills ``.grad`` as ``backward()`` runs; JAX differentiates a *pure function* of
  the weights, which ``keras.StatelessScope`` (the mechanism behind ``Layer.stateless_call``)
  makes of any Keras code.
- ``input_gradient(fn, x)``: the gradient of ``sum(fn(x))`` with respect to the input
  itself, for the gradient penalties; it stays differentiable.
- ``train_step``: how ``fit()`` calls the step. TensorFlow and PyTorch pass the batch and let
  the step change the variables; JAX passes ``(state, batch)`` and wants ``(logs, state)``
  back. The decorator runs the same step on the state Keras carries (the model's trainable,
  non-trainable, optimizer and metrics variables, the four groups of Keras's JAX trainer).

And for several devices: ``replicas()`` and ``this_replica(...)`` make a step under
``tf.distribute.MirroredStrategy`` give the update one device gives for the same global batch
(its optimizers sum the replicas' gradients, so each replica's loss is divided by their
number, and each replica draws its own slice of the global batch's noise). Under JAX's
``keras.distribution.DataParallel`` the step sees the global batch and XLA splits the work:
nothing to do.
"""
import contextlib
import functools

import keras
from keras import ops


def name():
    return keras.backend.backend()


def no_grad():
    """A block whose results need no gradient: on PyTorch no autograd graph is built."""
    if name() == "torch":
        import torch

        return torch.no_grad()
    return contextlib.nullcontext()


def state_groups(model):
    """The variables Keras's JAX trainer carries through ``fit()``, in its order."""
    optimizer = getattr(model, "optimizer", None)
    optimizer = optimizer.variables if optimizer is not None else []
    return (model.trainable_variables, model.non_trainable_variables, optimizer,
            model.metrics_variables)


def _all_variables(model):
    return [v for group in state_groups(model) for v in group]


def gradients(model, loss_fn, variables):
    """Run ``loss_fn() -> (loss, logs)`` and return ``(loss, logs, grads)``, the gradient of
    the loss with respect to ``variables`` (one network's weights) and nothing else."""
    backend = name()
    if backend == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            loss, logs = loss_fn()
            scaled = loss / replicas()   # the optimizer sums the replicas' gradients
        return loss, logs, tape.gradient(scaled, variables)
    if backend == "torch":
        for v in variables:              # G's backward() also reached D's weights: clear
            v.value.grad = None
        loss, logs = loss_fn()
        loss.backward()
        return loss, logs, [v.value.grad for v in variables]
    import jax

    everything = _all_variables(model)
    current = [v.value for v in everything]
    position = {id(v): i for i, v in enumerate(everything)}

    def pure(values):
        mapping = list(zip(everything, current))
        for v, x in zip(variables, values):
            mapping[position[id(v)]] = (v, x)
        with keras.StatelessScope(state_mapping=mapping) as scope:
            loss, logs = loss_fn()
        return loss, (logs, [scope.get_current_value(v) for v in model.non_trainable_variables])

    (loss, (logs, changed)), grads = jax.value_and_grad(pure, has_aux=True)(
        [v.value for v in variables])
    for v, x in zip(model.non_trainable_variables, changed):   # batch-norm statistics, seeds
        v.assign(x)
    return loss, logs, grads


def input_gradient(model, fn, x):
    """The gradient of ``sum(fn(x))`` with respect to ``x``, itself differentiable (a
    gradient penalty is a loss made of a gradient)."""
    backend = name()
    if backend == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:   # nested in gradients()'s tape
            tape.watch(x)
            scores = fn(x)
        return tape.gradient(scores, x)
    if backend == "torch":
        import torch

        x = x.detach().requires_grad_(True)
        (grads,) = torch.autograd.grad(ops.sum(fn(x)), x, create_graph=True)
        return grads
    import jax

    everything = _all_variables(model)
    current = [v.value for v in everything]

    def pure(x):
        with keras.StatelessScope(state_mapping=list(zip(everything, current))) as scope:
            total = ops.sum(fn(x))
        return total, [scope.get_current_value(v) for v in model.non_trainable_variables]

    grads, changed = jax.grad(pure, has_aux=True)(x)
    for v, value in zip(model.non_trainable_variables, changed):
        v.assign(value)
    return grads


def train_step(step):
    """Make ``step(model, data) -> logs`` the ``train_step`` that ``fit()`` calls on every
    backend. On JAX, ``fit()`` passes ``(state, data)``: the step runs inside a
    ``keras.StatelessScope`` that maps every variable to its value in ``state`` and records
    what the step assigns, and the recorded values are the new state. Called with the batch
    alone (one model's step inside another's), it runs as written."""
    if name() != "jax":
        return step

    @functools.wraps(step)
    def stateless(model, *args):
        if len(args) == 1:
            return step(model, args[0])
        state, data = args
        groups = state_groups(model)
        mapping = [(v, x) for group, values in zip(groups, state) for v, x in zip(group, values)]
        with keras.StatelessScope(state_mapping=mapping) as scope:
            logs = step(model, data)
        return logs, tuple([scope.get_current_value(v) for v in group] for group in groups)

    return stateless


def compile_function(model, fn):
    """``fn(*tensors)`` made fast the way ``fit()`` would, for steps taken outside ``fit()``
    (the playground's buttons, lazy R1): a ``tf.function`` on TensorFlow (with XLA when the
    model's step uses it), ``jax.jit`` of its pure version on JAX, as it is on PyTorch."""
    backend = name()
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.function(fn, jit_compile=getattr(model, "jit_compile", False) is True)
    if backend == "torch":
        return fn
    import jax

    @jax.jit
    def pure(values, *args):
        everything = _all_variables(model)
        with keras.StatelessScope(state_mapping=list(zip(everything, values))) as scope:
            out = fn(*args)
        return out, [scope.get_current_value(v) for v in everything]

    def run(*args):
        everything = _all_variables(model)
        out, values = pure([v.value for v in everything], *args)
        for v, x in zip(everything, values):
            v.assign(x)
        return out

    return run


# --- several devices -------------------------------------------------------------------

def replicas():
    """How many replicas run this step at once (TensorFlow's MirroredStrategy); 1 elsewhere,
    and on JAX, whose DataParallel runs one step on the global batch."""
    if name() != "tensorflow":
        return 1
    import tensorflow as tf

    if not tf.distribute.has_strategy() or tf.distribute.in_cross_replica_context():
        return 1
    return tf.distribute.get_strategy().num_replicas_in_sync


def strategy_replicas():
    """How many devices the TensorFlow strategy in scope trains on (1 without one): what a
    model built now will run on."""
    if name() != "tensorflow":
        return 1
    import tensorflow as tf

    if not tf.distribute.has_strategy():
        return 1
    return tf.distribute.get_strategy().num_replicas_in_sync


def this_replica(draw, shape):
    """``draw(shape)`` of random numbers, as one device would draw them for the global batch:
    each replica draws the whole global batch's numbers (the same, from the same seed) and
    keeps its own slice, so N replicas use the numbers one device would."""
    n = replicas()
    if n == 1:
        return draw(shape)
    import tensorflow as tf

    replica = tf.distribute.get_replica_context().replica_id_in_sync_group
    everything = draw((shape[0] * n,) + tuple(shape[1:]))
    return ops.take(ops.reshape(everything, (n, -1) + tuple(shape[1:])), replica, axis=0)
