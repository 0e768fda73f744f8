"""Self-check quizzes: multiple-choice questions that say right or wrong, and why.

    quiz = Quiz([
        ("What does D output?", ["a sample", "a probability that x is real"], 1,
         "D is a binary classifier: real (1) or fake (0)."),
    ])
    quiz.show()

In JupyterLab each question gets radio buttons and a Check button; elsewhere
the questions print as text. ``quiz.check(i, choice)`` is the same check in code.
"""
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
            if not 0 <= answer < len(options):
                raise BadInputError(
                    f"Question {i + 1}: answer index {answer} is not one of the "
                    f"{len(options)} options (0 to {len(options) - 1}).")
            self.questions.append(Question(text, tuple(options), int(answer), why))

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
        lines = [self.title]
        for i, q in enumerate(self.questions):
            lines.append(f"{i + 1}. {q.text}")
            lines += [f"   {chr(97 + j)}) {o}" for j, o in enumerate(q.options)]
        return "\n".join(lines)

    def widget(self):
        """The quiz as an ipywidgets box (one block per question)."""
        import ipywidgets as w

        blocks = [w.HTML(f"<h4>{self.title}</h4>")]
        self._controls = []
        for i, q in enumerate(self.questions):
            radio = w.RadioButtons(options=[(o, j) for j, o in enumerate(q.options)],
                                   value=None, layout=w.Layout(width="auto"))
            button = w.Button(description="Check", button_style="info")
            feedback = w.HTML("")

            def on_click(_, i=i, radio=radio, feedback=feedback):
                ok, msg = self.check(i, radio.value)
                color = "green" if ok else "#b00"
                feedback.value = f"<span style='color:{color}'>{msg}</span>"

            button.on_click(on_click)
            self._controls.append((radio, button, feedback))
            blocks.append(w.VBox([w.HTML(f"<b>{i + 1}. {q.text}</b>"), radio,
                                  w.HBox([button, feedback])]))
        return w.VBox(blocks)

    def show(self):
        """Display the quiz: widgets in a notebook, text elsewhere."""
        from .callbacks import _in_notebook

        if _in_notebook():
            from IPython.display import display

            display(self.widget())
        else:
            print(self)
