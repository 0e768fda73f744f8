"""The shape every lesson promises (COURSE.md), read from the saved notebooks.

nbval runs each lesson in smoke mode; these checks are about what a student opens: a
notebook saved from a full run (scripts/run_lessons.py) that states its wall time within
the 10-minute budget, with the parts every lesson has, and clean outputs.
"""
import json
import pathlib
import re
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
sys.path.insert(0, str(ROOT / "scripts"))
import run_lessons  # noqa: E402

FULL_RUN = re.compile(r"\*Full run: (\d+) min (\d\d) s on a 2-core CPU")
PARTS = ["## Exercises", "## Summary", "## Try it", "Quiz("]


def test_lessons_are_numbered_in_order():
    numbers = [int(p.name[:2]) for p in LESSONS]
    assert numbers == sorted(set(numbers)) and numbers[0] == 0 and len(numbers) >= 12


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name[:2])
def test_lesson_is_saved_from_a_full_run_within_10_minutes(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    text = "\n".join("".join(c["source"]) for c in nb["cells"])
    assert nb["cells"][0]["cell_type"] == "markdown"
    assert "".join(nb["cells"][0]["source"]).startswith(f"# Lesson {int(path.name[:2]):02d}") \
        or "".join(nb["cells"][0]["source"]).startswith(f"# Lesson {int(path.name[:2])}")
    stated = FULL_RUN.search(text)
    assert stated, (f"{path.name} states no full-run wall time: run "
                    f"`python scripts/run_lessons.py lessons/{path.name}`")
    assert int(stated.group(1)) * 60 + int(stated.group(2)) <= 600, stated.group(0)
    for part in PARTS:
        assert part in text, f"{path.name} has no {part!r}"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert sum(bool(c.get("outputs")) for c in code) >= len(code) // 2, "saved without outputs"
    cells = [json.loads(json.dumps(c)) for c in nb["cells"]]
    for c in cells:  # problems() reads cells as nbformat does: outputs' text as one string
        for out in c.get("outputs", []):
            if isinstance(out.get("text"), list):
                out["text"] = "".join(out["text"])
            for k, v in out.get("data", {}).items():
                if isinstance(v, list):
                    out["data"][k] = "".join(v)
    assert run_lessons.problems(type("NB", (), {"cells": cells})) == []
