"""Every lesson's quiz lives in lessons/quizzes/NN.json, and the quizzes test understanding.

Over the whole course the right answer must not be findable without reading the question:
its position is spread evenly over the options, and it is rarely the longest option.
"""
import json
import pathlib
from collections import Counter

import pytest

from gankit.quiz import Quiz

ROOT = pathlib.Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
QUIZZES = ROOT / "lessons" / "quizzes"
TOOLING = ["gankit", "smoke", "pick(", "nbval", "pytest", "notebook cell", "data/"]


def quiz_path(lesson):
    return QUIZZES / f"{lesson.name[:2]}.json"


def all_questions():
    return [q for lesson in LESSONS for q in Quiz.load(quiz_path(lesson)).questions]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.name[:2])
def test_quiz_file_is_well_formed(lesson):
    quiz = Quiz.load(quiz_path(lesson))
    assert 5 <= len(quiz) <= 7, f"{len(quiz)} questions"
    for q in quiz.questions:
        assert 3 <= len(q.options) <= 4, q.text
        assert len(set(q.options)) == len(q.options), f"repeated option in: {q.text}"
        assert q.why.strip(), f"no explanation for: {q.text}"
        for word in TOOLING:
            assert word not in " ".join([q.text, *q.options]).lower(), \
                f"{word!r} (course tooling) in: {q.text}"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.name[:2])
def test_saved_output_shows_no_answers(lesson):
    quiz = Quiz.load(quiz_path(lesson))
    shown = str(quiz)
    assert all(q.why not in shown for q in quiz.questions)


def test_right_answers_are_spread_over_the_positions():
    questions = all_questions()
    observed = Counter(q.answer for q in questions)
    for p in range(4):
        expected = sum(1 / len(q.options) for q in questions if len(q.options) > p)
        tolerance = max(3, 0.15 * expected)
        assert abs(observed[p] - expected) <= tolerance, (
            f"position {p}: {observed[p]} right answers, expected {expected:.1f} ± {tolerance:.1f}; "
            f"all positions: {dict(sorted(observed.items()))}")


def test_right_answer_is_rarely_the_longest_option():
    questions = all_questions()
    longest = [q.text for q in questions
               if len(q.options[q.answer]) >= max(len(o) for o in q.options)]
    assert len(longest) <= len(questions) / 3, (
        f"the right answer is the longest option in {len(longest)} of {len(questions)} "
        f"questions (at most a third allowed)")


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.name[:2])
def test_lesson_loads_its_quiz_file(lesson):
    nb = json.loads(lesson.read_text(encoding="utf-8"))
    source = "\n".join("".join(c["source"]) for c in nb["cells"])
    call = f'gankit.Quiz.load("quizzes/{lesson.name[:2]}.json")'
    assert call in source, f"{lesson.name} does not load its quiz with {call}"
