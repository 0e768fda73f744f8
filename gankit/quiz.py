"""Self-check quizzes: multiple-choice questions that say right or wrong, and why.

Each lesson keeps its questions in ``lessons/quizzes/NN.json``, out of sight of the
notebook, so that reading the lesson does not give the answers away:

    quiz = gankit.Quiz.load("quizzes/03.json")
    quiz.show()

In JupyterLab each question gets radio buttons and a Check button that explains the
answer once the student has picked one. A saved notebook and a web page show the
questions with each answer folded away behind a click. ``quiz.check(i, choice)`` is the
same check in code.
"""
import html
import json
import pathlib
from dataclasses import dataclass

from .errors import BadInputError


@dataclass(frozen=True)
class Question:
    text: str
    options: tuple
    answer: int
    why: str


class Quiz:
    """A list of (question, options, index of the right option, explanation)."""

    def __init__(self, questions, title="Quiz"):
        self.title = title
        self.questions = []
        for i, q in enumerate(questions):
            text, options, answer, why = q
            if len(options) < 2 or not 0 <= answer < len(options):
                raise BadInputError(
                    f"Question {i + 1}: answer index {answer} is not one of the "
                    f"{len(options)} options (0 to {len(options) - 1}).")
            self.questions.append(Question(text, tuple(options), int(answer), why))

    @classmethod
    def load(cls, path):
        """A quiz from a JSON file: {"title": ..., "questions": [{"text", "options",
        "answer", "why"}, ...]} (``answer`` counts the options from 0)."""
        path = pathlib.Path(path)
        try:
            spec = json.loads(path.read_text(encoding="utf-8"))
            questions = [(q["text"], q["options"], q["answer"], q["why"])
                         for q in spec["questions"]]
        except FileNotFoundError:
            raise BadInputError(f"No quiz file at {path}: run the notebook from its own "
                                "folder (lessons/), where quizzes/ lives.") from None
        except (ValueError, KeyError, TypeError) as e:
            raise BadInputError(f"{path} is not a quiz file ({e}): it should hold a title "
                                "and questions with text, options, answer and why.") from None
        return cls(questions, title=spec.get("title", "Quiz"))

    def __len__(self):
        return len(self.questions)

    def check(self, index, choice):
        """(correct?, feedback) for picking option ``choice`` of question ``index``."""
        q = self.questions[index]
        if choice is None:
            return False, "Pick an answer first."
        if choice == q.answer:
            return True, f"Right. {q.why}"
        return False, (f"Not quite: the answer is \"{q.options[q.answer]}\". {q.why}")

    def answer_key(self):
        """The right option of each question, as text (for instructors and tests)."""
        return [q.options[q.answer] for q in self.questions]

    def __str__(self):
        """The questions and their options, without the answers."""
        lines = [self.title]
        for i, q in enumerate(self.questions):
            lines.append(f"{i + 1}. {q.text}")
            lines += [f"   {chr(97 + j)}) {o}" for j, o in enumerate(q.options)]
        return "\n".join(lines)

    def _repr_html_(self):
        """The questions for a page without a kernel: each answer folded behind a click."""
        parts = [f"<h4>{html.escape(self.title)}</h4>"]
        for i, q in enumerate(self.questions):
            options = "".join(f"<li>{html.escape(o)}</li>" for o in q.options)
            parts.append(
                f"<p><b>{i + 1}. {html.escape(q.text)}</b></p><ol type='a'>{options}</ol>"
                f"<details><summary>Show the answer</summary><p>"
                f"{chr(97 + q.answer)}) {html.escape(q.options[q.answer])}. "
                f"{html.escape(q.why)}</p></details>")
        return "\n".join(parts)

    def widget(self):
        """The quiz as an ipywidgets box (one block per question)."""
        import ipywidgets as w

        blocks = [w.HTML(f"<h4>{html.escape(self.title)}</h4>")]
        self._controls = []
        for i, q in enumerate(self.questions):
            radio = w.RadioButtons(options=[(o, j) for j, o in enumerate(q.options)],
                                   value=None, layout=w.Layout(width="auto"))
            button = w.Button(description="Check", button_style="info")
            feedback = w.HTML("")

            def on_click(_, i=i, radio=radio, feedback=feedback):
                ok, msg = self.check(i, radio.value)
                color = "green" if ok else "#b00"
                feedback.value = f"<span style='color:{color}'>{html.escape(msg)}</span>"

            button.on_click(on_click)
            self._controls.append((radio, button, feedback))
            blocks.append(w.VBox([w.HTML(f"<b>{i + 1}. {html.escape(q.text)}</b>"), radio,
                                  w.HBox([button, feedback])]))
        return w.VBox(blocks)

    def show(self):
        """Display the quiz: widgets in a notebook (with the folded page version saved
        beside them for readers without a kernel), text elsewhere."""
        from .callbacks import in_notebook

        if not in_notebook():
            print(self)
            return
        from IPython.display import display

        box = self.widget()
        bundle = box._repr_mimebundle_()
        bundle.update({"text/plain": str(self), "text/html": self._repr_html_()})
        display(bundle, raw=True)
