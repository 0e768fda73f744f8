"""The assignments: the student versions leak nothing, the solutions earn every point,
the untouched stubs earn none, typical mistakes lose the points of their question, and
grading survives a broken submission.

One build of every assignment (otter assign) and one grading run over a folder with the
solved and the unsolved notebook of each, and the typical mistakes, serve the tests below.
How the graded bars were set: assignments/seed_spread.py and assignments/README.md.
"""
import csv
import json
import pathlib
import re
import shutil
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "assignments"))
import manage  # noqa: E402

NAMES = list(manage.sources())
# Grading runs every assignment twice (solved and unsolved), training included: minutes.
pytestmark = pytest.mark.timeout(2400)
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "# SOLUTION", "BEGIN TESTS", "END TESTS",
           "BEGIN QUESTION", "# HIDDEN", "ASSIGNMENT CONFIG")


def code_cells(path):
    nb = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def solution_lines(source):
    """Every line of solution code in a source notebook: those between BEGIN and END
    SOLUTION, and the answer part of one-line `# SOLUTION` answers."""
    lines, inside = [], False
    for cell in code_cells(source):
        for line in cell.splitlines():
            text = line.strip()
            if text.endswith("# END SOLUTION"):
                inside = False
            elif inside and text and not text.startswith("#"):
                lines.append(text)
            elif text.endswith("# BEGIN SOLUTION"):
                inside = True
            elif re.search(r"# ?SOLUTION$", text):
                answer = re.sub(r"\s*# ?SOLUTION$", "", text)
                assigned = re.match(r"^[\w.]+(?:\s*,\s*[\w.]+)*\s*=(?!=)\s*(.+)$", answer)
                lines.append(assigned.group(1) if assigned else answer)
    return lines


def test_course_has_the_five_assignments():
    assert NAMES == ["01_losses", "02_train_step", "03_dcgan_quality", "04_fix_collapse",
                     "05_gradient_penalty"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    manage.assign(out=out, quiet=True)
    return out


@pytest.mark.parametrize("name", NAMES)
def test_student_version_leaks_no_solution(built, name):
    student = built / name / "student" / f"{name}.ipynb"
    student_code = "\n".join(code_cells(student))
    answers = solution_lines(manage.SOURCE / f"{name}.ipynb")
    assert answers, f"{name}: found no solution in the source; are its markers right?"
    leaked = [line for line in answers if line in student_code]
    assert not leaked, f"{name}: solution lines left in the student notebook: {leaked[:5]}"
    text = student.read_text(encoding="utf-8")
    left = [m for m in MARKERS if m in text]
    assert not left, f"{name}: otter markers left in the student notebook: {left}"
    # the hand-out zip holds the same notebook and the public tests only
    with __import__("zipfile").ZipFile(built / name / f"{name}-student.zip") as z:
        assert f"{name}/{name}.ipynb" in z.namelist()
        assert z.read(f"{name}/{name}.ipynb").decode() == text


@pytest.mark.parametrize("name", NAMES)
def test_hidden_tests_only_in_the_grading_bundle(built, name):
    source = "\n".join(code_cells(manage.SOURCE / f"{name}.ipynb"))
    hidden = re.findall(r"# HIDDEN\s*\ndef (\w+)", source)
    public = re.findall(r"(?<!# HIDDEN\n)^def (test_\w+)", source, flags=re.M)
    public = [t for t in public if t not in hidden]
    assert hidden and public, f"{name}: every assignment needs public and hidden tests"
    student_tests = "\n".join(p.read_text() for p in (built / name / "student" / "tests").glob("*.py"))
    grading_tests = "\n".join(p.read_text() for p in (built / name / "autograder" / "tests").glob("*.py"))
    for test in hidden:
        assert f"def {test}(" not in student_tests, f"{name}: hidden test {test} given to students"
        assert f"def {test}(" in grading_tests, f"{name}: hidden test {test} missing from grading"
    for test in public:
        assert f"def {test}(" in student_tests, f"{name}: public test {test} missing for students"
    assert "hidden=True" not in student_tests


# Typical wrong answers, made from the solved notebook by changing one thing: (assignment,
# student, the question that must lose points, the solution's text, the wrong text).
MISTAKES = [
    ("01_losses", "swapped-d-labels", "q1",
     "return ops.mean(real_term) + ops.mean(ops.softplus(fake_logits))",
     "return ops.mean(ops.softplus(real_logits)) + ops.mean(ops.softplus(-fake_logits))"),
    ("01_losses", "swapped-g-losses", "q2",
     "    return -ops.mean(ops.softplus(fake_logits))",
     "    return ops.mean(ops.softplus(-fake_logits))"),
    ("02_train_step", "frozen-d-updated", "q1",
     "self.g_optimizer.apply(g_grads, G.trainable_variables)",
     "self.g_optimizer.apply(g_grads + tape2.gradient(g_loss, D.trainable_variables), "
     "G.trainable_variables + D.trainable_variables)"),
    ("02_train_step", "swapped-d-labels", "q1",
     "d_loss = d_loss_fn(real_logits, fake_logits)",
     "d_loss = d_loss_fn(fake_logits, real_logits)"),
    ("05_gradient_penalty", "penalty-on-real-samples", "q2",
     "    mixed = interpolate(real, fake, alpha)\n",
     "    mixed = ops.convert_to_tensor(real, 'float32')\n"),
]


def _wrong_version(solved, mistake):
    """The solved notebook with one mistake in it (and, for a mistake that needs a second
    gradient, a tape that keeps its recording)."""
    _, _, _, right, wrong = mistake
    nb = json.loads(pathlib.Path(solved).read_text(encoding="utf-8"))
    changed = 0
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if right in source:
            source = source.replace(right, wrong)
            if "tape2" in wrong:
                source = source.replace("with tf.GradientTape() as tape:\n            fake_logits",
                                        "with tf.GradientTape(persistent=True) as tape:\n"
                                        "            fake_logits").replace("tape2", "tape")
            cell["source"] = source
            changed += 1
    assert changed, f"{mistake[1]}: {right!r} is not in the solution any more"
    return nb


@pytest.fixture(scope="module")
def graded(built, tmp_path_factory):
    """One grading run: the solved notebook (otter's autograder version) as student
    "solution", the untouched student notebook as student "stub", and each typical
    mistake as a student of its own."""
    subs = tmp_path_factory.mktemp("submissions")
    for name in NAMES:
        for who, version in (("solution", "autograder"), ("stub", "student")):
            (subs / who).mkdir(exist_ok=True)
            shutil.copy(built / name / version / f"{name}.ipynb", subs / who / f"{name}.ipynb")
    for mistake in MISTAKES:
        name, who = mistake[:2]
        (subs / who).mkdir(exist_ok=True)
        wrong = _wrong_version(built / name / "autograder" / f"{name}.ipynb", mistake)
        (subs / who / f"{name}.ipynb").write_text(json.dumps(wrong), encoding="utf-8")
    tables = manage.grade(subs, bundles=built, quiet=True, jobs=2)
    return subs, tables


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: f"{m[0]}-{m[1]}")
def test_a_typical_mistake_loses_the_points_of_its_question(graded, built, mistake):
    subs, tables = graded
    name, who, question = mistake[:3]
    row = next(r for r in tables[name] if r["student"] == who)
    report = (subs / "reports" / f"{who}_{name}.txt").read_text()
    solution = next(r for r in tables[name] if r["student"] == "solution")
    assert row[question] < solution[question], (
        f"{name}: the mistake {who!r} still earned {row[question]} of {question}'s "
        f"{solution[question]} points:\n{report}")


def _questions(built, name):
    return manage._questions(built / name / f"{name}-autograder.zip")


@pytest.mark.parametrize("name", NAMES)
def test_solutions_pass_every_test(built, graded, name):
    subs, tables = graded
    row = next(r for r in tables[name] if r["student"] == "solution")
    report = (subs / "reports" / f"solution_{name}.txt").read_text()
    assert row["possible"] and row["total"] == row["possible"], (
        f"{name}: the solution scored {row['total']} of {row['possible']}:\n{report}")
    assert row["note"] == "", row["note"]


@pytest.mark.parametrize("name", NAMES)
def test_unsolved_stubs_fail_every_question(built, graded, name):
    _, tables = graded
    row = next(r for r in tables[name] if r["student"] == "stub")
    scored = {q: row[q] for q in _questions(built, name) if row[q] > 0}
    assert not scored, f"{name}: the unsolved notebook earned points on {scored}"
    assert row["possible"] > 0


def test_grades_table_is_written(graded):
    subs, tables = graded
    for name in NAMES:
        rows = list(csv.DictReader(open(subs / f"grades_{name}.csv", encoding="utf-8")))
        wrong = sorted(m[1] for m in MISTAKES if m[0] == name)
        assert sorted(r["student"] for r in rows) == sorted(["solution", "stub", *wrong])
        assert set(rows[0]) >= {"student", "file", "total", "possible", "note"}


def test_table_path_takes_a_csv_file_or_a_folder(tmp_path):
    """--out may name a CSV file or a folder (existing or not); the default is the
    submissions folder; several assignments never share one CSV file."""
    subs = tmp_path / "subs"
    assert manage._table_path(None, subs, "01_losses", 1) == subs / "grades_01_losses.csv"
    assert manage._table_path(tmp_path, subs, "01_losses", 1) == tmp_path / "grades_01_losses.csv"
    assert (manage._table_path(tmp_path / "marks", subs, "01_losses", 2)
            == tmp_path / "marks" / "grades_01_losses.csv")
    assert manage._table_path(tmp_path / "g.csv", subs, "01_losses", 1) == tmp_path / "g.csv"
    assert (manage._table_path(tmp_path / "g.csv", subs, "01_losses", 2)
            == tmp_path / "g_01_losses.csv")


def test_broken_submission_is_graded_not_fatal(built, tmp_path):
    """A cell that hangs is stopped, a cell that crashes is noted, and the notebook goes on:
    the question whose code ran still scores, the others get 0."""
    name = "01_losses"
    nb = json.loads((built / name / "student" / f"{name}.ipynb").read_text())
    init = nb["cells"][0]
    assert "otter.Notebook" in "".join(init["source"])
    solved = next(c for c in json.loads((built / name / "autograder" / f"{name}.ipynb")
                                        .read_text())["cells"]
                  if "def optimal_d" in "".join(c["source"]))

    def cell(source):
        return dict(init, source=source, outputs=[], execution_count=None,
                    id=f"c{len(nb['cells'])}")

    # no TensorFlow in the notebook's cells, so a short cell time limit is safe on a busy machine
    nb["cells"] = [init, cell("import numpy as np\n"), cell("import time\ntime.sleep(600)\n"),
                   cell("raise RuntimeError('a student bug')\n"), solved]
    (tmp_path / "subs").mkdir()
    (tmp_path / "subs" / "alice.ipynb").write_text(json.dumps(nb))
    (tmp_path / "subs" / "notes.ipynb").write_text(json.dumps({"cells": [], "metadata": {},
                                                                 "nbformat": 4,
                                                                 "nbformat_minor": 5}))
    tables = manage.grade(tmp_path / "subs", bundles=built, cell_timeout=20, quiet=True)
    (row,) = tables[name]  # notes.ipynb is no assignment: skipped, not graded
    assert row["student"] == "alice"
    assert row["q3"] == 2 and row["q1"] == row["q2"] == 0, row
    assert row["total"] == 2 and row["possible"] == 10, row
    assert "KeyboardInterrupt" in row["note"] and "RuntimeError" in row["note"], row


def test_student_checks_work_offline_from_the_handout(built, tmp_path):
    """What a student does: unzip the hand-out, run the notebook in its folder, read what
    grader.check says. Unsolved, every check fails with a message that says what came."""
    import zipfile

    import nbformat
    from nbclient import NotebookClient

    name = "01_losses"
    with zipfile.ZipFile(built / name / f"{name}-student.zip") as z:
        z.extractall(tmp_path)
    path = tmp_path / name / f"{name}.ipynb"
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, allow_errors=True, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    checks = {}
    for cell in nb.cells:
        match = re.match(r'grader\.check\("(q\d+)"\)', cell.source)
        if match:
            checks[match.group(1)] = "".join(
                o.get("data", {}).get("text/plain", "") + o.get("text", "")
                for o in cell.outputs)
    assert set(checks) == {"q1", "q2", "q3"}, checks
    for q, text in checks.items():
        assert "failed" in text, f"{q}: expected a failed check, got {text[:300]!r}"
    assert "is None, not a number or a tensor" in checks["q1"], checks["q1"][:500]
