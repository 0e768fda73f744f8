"""Checks for the lessons' exercises: write your answer, run the cell, read what came.

Each exercise cell of a lesson ends with a check, e.g.

    gankit.exercises.check("00.2", digits_shape, digits_range)

While an answer is still ``...`` the check says the exercise is not done yet. A wrong
answer raises an ``AssertionError`` that says what was expected and what came; a right
one says so. Worked solutions are in ``lessons/solutions/``: try first, then compare.

A check is a function registered with ``@exercise("LL.N")`` that raises
``AssertionError`` (through ``gankit.checks``) or returns a short remark.
"""
import dis

from .errors import unknown_name

_CHECKS = {}


def exercise(key):
    """Register the check of exercise ``key`` ("lesson.number", e.g. "03.2")."""
    def register(fn):
        _CHECKS[key] = fn
        return fn
    return register


def keys():
    """Every exercise that has a check, in course order."""
    return sorted(_CHECKS, key=lambda k: tuple(int(p) for p in k.split(".")))


def _body_is_empty(code):
    """True for the code of a function whose body is only ``...`` or ``pass`` (a docstring
    and arguments allowed): its instructions just return None."""
    steps = [(i.opname, i.argval) for i in dis.get_instructions(code)
             if i.opname not in ("RESUME", "NOP", "CACHE")]
    return steps in ([("LOAD_CONST", None), ("RETURN_VALUE", None)], [("RETURN_CONST", None)])


def _not_done(answer):
    """``...``, a function whose body is still only ``...`` (or ``pass``), or a class whose
    own methods are all still like that (an exercise that asks for a subclass or a callback)."""
    if isinstance(answer, type):
        methods = [v for k, v in vars(answer).items()
                   if callable(v) and (k == "__init__" or not k.startswith("__"))]
        return bool(methods) and all(_not_done(v) for v in methods)
    code = getattr(answer, "__code__", None)
    return answer is Ellipsis or (code is not None and _body_is_empty(code))


def check(key, *answers, **context):
    """Check the answers to exercise ``key``; True when right, False while not done."""
    if key not in _CHECKS:
        raise unknown_name("exercise", key, _CHECKS)
    if any(_not_done(a) for a in answers):
        print(f"Exercise {key}: not done yet. Replace each ... with your answer and run "
              "the cell again.")
        return False
    remark = _CHECKS[key](*answers, **context)
    print(f"Exercise {key}: right.{' ' + remark if remark else ''}")
    return True


# the checks, one module per part of the course; each registers its own with @exercise
from . import (  # noqa: E402,F401
    exercises_applications, exercises_basics, exercises_images, exercises_training)
