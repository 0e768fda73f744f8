"""Every lesson exercise has a check, and its worked solution passes it.

For each lesson, ``lessons/solutions/NN_*.py`` holds ``exercise_N()`` (the worked
solution, returning what the lesson's check cell takes) and ``mistake_N()`` (a typical
wrong answer). The check must accept the first, refuse the second with a message, and say
"not done yet" for the untouched ``...``; the lesson must show the check it names.
"""
import importlib.util
import json
import pathlib
import re

import pytest

import gankit
from gankit import exercises

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOLUTIONS = sorted((ROOT / "lessons" / "solutions").glob("[0-9][0-9]_*.py"))
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
pytestmark = pytest.mark.timeout(900)


def _module(path):
    spec = importlib.util.spec_from_file_location(f"solutions_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cases():
    for path in SOLUTIONS:
        lesson = path.name[:2]
        for key in exercises.keys():
            if key.startswith(lesson + "."):
                yield pytest.param(path, key, id=key)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name[:2])
def test_every_exercise_has_a_hint_a_check_and_a_solution(path):
    lesson = path.name[:2]
    nb = json.loads(path.read_text(encoding="utf-8"))
    text = "\n".join("".join(c["source"]) for c in nb["cells"])
    section = text.partition("## Exercises")[2].partition("## Summary")[0]
    numbers = re.findall(r"^### Exercise (\d+)", section, flags=re.M)
    assert numbers, f"lesson {lesson} has no '### Exercise N' headings under ## Exercises"
    assert section.count("<summary>Hint</summary>") >= len(numbers), \
        f"lesson {lesson}: every exercise needs a hint"
    for n in numbers:
        assert f'gankit.exercises.check("{lesson}.{n}"' in text, \
            f"lesson {lesson}: exercise {n} has no check cell"
        assert f"{lesson}.{n}" in exercises.keys(), f"no check registered for {lesson}.{n}"
    assert "assignment" in section.lower(), \
        f"lesson {lesson} does not name the graded assignment that practises it"
    solutions = [p for p in SOLUTIONS if p.name.startswith(lesson)]
    assert solutions, f"lesson {lesson} has no worked solutions in lessons/solutions/"
    module = _module(solutions[0])
    for n in numbers:
        assert hasattr(module, f"exercise_{n}") and hasattr(module, f"mistake_{n}"), \
            f"{solutions[0].name} lacks exercise_{n} or mistake_{n}"


@pytest.mark.parametrize("path, key", list(_cases()))
def test_solution_passes_and_mistake_fails(path, key, capsys):
    module = _module(path)
    n = key.split(".")[1]
    assert exercises.check(key, *getattr(module, f"exercise_{n}")()) is True
    with pytest.raises(AssertionError) as refused:
        exercises.check(key, *getattr(module, f"mistake_{n}")())
    assert str(refused.value), f"{key}: the check refused the mistake without saying why"
    args = getattr(module, f"exercise_{n}")()
    assert exercises.check(key, *([...] * len(args))) is False
    assert "not done yet" in capsys.readouterr().out
