"""Build the student versions of the assignments and grade submissions, all offline.

    python assignments/manage.py assign [NAME ...] [--out DIR] [--check]
    python assignments/manage.py grade SUBMISSIONS [--assignment NAME] [--out CSV]

`python3 course.py assign` and `python3 course.py grade` call this with the course's
Python. The sources are the solved notebooks in assignments/source/ in otter-grader's
format; otter assign strips solutions and hidden tests out of the student versions.
Grading runs each submission through `otter run` (no Docker, no hosted service) in a
child process of its own, so a submission that crashes or hangs costs that student
the questions that did not run, never the whole grading run.
"""
import argparse
import csv
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

HERE = pathlib.Path(__file__).resolve().parent
SOURCE = HERE / "source"
DIST = HERE / "dist"
CELL_TIMEOUT = 900      # seconds any one cell may run when graded (the tests run in one cell)
SUBMISSION_TIMEOUT = 1800  # seconds a whole submission may take (a backstop)


def sources():
    """{name: path} of the solved source notebooks, in course order."""
    return {p.stem: p for p in sorted(SOURCE.glob("[0-9][0-9]_*.ipynb"))}


def _pick(names):
    known = sources()
    unknown = [n for n in names if n not in known]
    if unknown:
        sys.exit(f"No assignment called {', '.join(unknown)}; the assignments are: "
                 f"{', '.join(known)}.")
    return {n: known[n] for n in names} if names else known


def grading_env():
    """The environment a graded notebook runs in: the full budgets (never the test suite's
    smoke mode), no downloads, no windows, TensorFlow (the assignments use its GradientTape)."""
    env = dict(os.environ)
    env.pop("GANKIT_SMOKE", None)
    env.update(GANKIT_OFFLINE="1", MPLBACKEND="Agg", KERAS_BACKEND="tensorflow",
               TF_CPP_MIN_LOG_LEVEL="3", PYTHONWARNINGS="ignore")
    return env


# --- assign ------------------------------------------------------------------------

def assign(names=(), out=DIST, check=False, quiet=False):
    """Run otter assign on each source: ``out/NAME/student/`` (the notebook and its public
    tests, also zipped as ``out/NAME/NAME-student.zip`` to hand out) and
    ``out/NAME/autograder/`` with ``out/NAME/NAME-autograder.zip``, what grading needs.
    ``check`` also runs every test against the solutions (otter's run_tests)."""
    import contextlib
    import io
    import logging
    import warnings

    with warnings.catch_warnings():  # otter's own traitlets deprecation notes: not for users
        warnings.simplefilter("ignore", DeprecationWarning)
        from otter.assign import main as otter_assign

    logging.getLogger("otter").setLevel(logging.ERROR)
    out = pathlib.Path(out)
    built = {}
    for name, path in _pick(list(names)).items():
        start = time.perf_counter()
        target = out / name
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        log = io.StringIO()
        # otter assign runs in the source folder's name space: give it a copy, so
        # nothing it writes (its .OTTER_LOG, its checkpoints) lands in assignments/source/
        with tempfile.TemporaryDirectory() as tmp:
            master = pathlib.Path(tmp) / path.name
            shutil.copy(path, master)
            try:
                with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
                    otter_assign(str(master), str(target), no_pdfs=True, no_run_tests=not check)
            except Exception as e:
                print(log.getvalue(), file=sys.stderr)
                raise SystemExit(f"otter assign failed on {path.name}: {e}")
        zips = list((target / "autograder").glob("*-autograder_*.zip"))
        if len(zips) != 1:
            raise SystemExit(f"otter assign made {len(zips)} autograder zips for {name}; expected 1.")
        shutil.copy(zips[0], target / f"{name}-autograder.zip")
        handout = target / f"{name}-student.zip"
        with zipfile.ZipFile(handout, "w", zipfile.ZIP_DEFLATED) as z:
            for f in sorted((target / "student").rglob("*")):
                if f.is_file() and ".ipynb_checkpoints" not in f.parts:
                    z.write(f, pathlib.Path(name) / f.relative_to(target / "student"))
        built[name] = target
        if not quiet:
            print(f"{name}: student version in {_rel(target / 'student')}, hand-out "
                  f"{_rel(handout)}, grading bundle {_rel(target / (name + '-autograder.zip'))}"
                  f" ({time.perf_counter() - start:.0f} s)", flush=True)
    return built


def _rel(path):
    try:
        return str(pathlib.Path(path).resolve().relative_to(pathlib.Path.cwd()))
    except ValueError:
        return str(path)


# --- grade -------------------------------------------------------------------------

def _assignment_of(notebook):
    """The assignment name otter wrote into a student notebook's metadata, or None."""
    try:
        nb = json.loads(pathlib.Path(notebook).read_text(encoding="utf-8"))
        return nb.get("metadata", {}).get("otter", {}).get("assignment_name")
    except (OSError, ValueError):
        return None


def _student_of(path, root):
    """The student a submission belongs to: its folder under SUBMISSIONS (what an LMS
    export gives, one folder per student), or its file name when it lies at the top."""
    rel = pathlib.Path(path).relative_to(root)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _questions(bundle):
    """The question names (q1, q2...), from the grading bundle's test files."""
    with zipfile.ZipFile(bundle) as z:
        return sorted(pathlib.PurePath(n).stem for n in z.namelist()
                      if n.startswith("tests/") and n.endswith(".py"))


def grade_one(submission, bundle, cell_timeout=CELL_TIMEOUT):
    """Grade one notebook with otter (in this process): {question: (score, possible)}.
    A cell that runs past ``cell_timeout`` seconds is interrupted and counts as an error;
    the cells after it still run."""
    import contextlib
    import io

    import otter.execute
    from otter.run import main as otter_run
    from traitlets.config import Config

    class WithTimeout(Config):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.ExecutePreprocessor.timeout = cell_timeout
            self.ExecutePreprocessor.interrupt_on_timeout = True

    otter.execute.Config = WithTimeout
    log = io.StringIO()
    with contextlib.redirect_stdout(log):
        results = otter_run(str(submission), autograder=str(bundle), output_dir=None,
                            no_logo=True)
    if results.has_catastrophic_failure():
        raise RuntimeError(str(results.catastrophic_error))
    scores = {}
    for name, tf in results.results.items():
        scores[name] = (float(tf.score), float(tf.possible))
    errors = [o["ename"] for c in results.notebook.cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    return {"scores": scores, "errors": errors, "report": results.summary()}


def _children_cpu():
    """CPU seconds used so far by finished child processes (and theirs: the kernels)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _grade_in_child(submission, bundle, cell_timeout, timeout):
    """grade_one in a fresh Python: (result dict or None, note)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / "result.json"
        cmd = [sys.executable, str(pathlib.Path(__file__).resolve()), "_grade_one",
               str(pathlib.Path(submission).resolve()), str(pathlib.Path(bundle).resolve()),
               str(out), str(cell_timeout)]
        try:
            proc = subprocess.run(cmd, env=grading_env(), cwd=tmp, capture_output=True,
                                  text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, f"grading stopped after {timeout} s (the notebook runs too long)"
        if proc.returncode != 0 or not out.exists():
            last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
            return None, f"could not be graded: {last[:200]}"
        return json.loads(out.read_text()), ""


def _table_path(out, root, name, n_tables):
    """Where assignment ``name``'s CSV table goes (its reports/ folder sits beside it).

    ``out`` is None (the submissions folder ``root``), a folder (anything that exists as
    one or does not end in .csv), or a CSV file; with several assignments graded at once,
    a CSV file's name gets ``_NAME`` so that each assignment keeps its own table.
    """
    if out is None:
        return pathlib.Path(root) / f"grades_{name}.csv"
    out = pathlib.Path(out)
    if out.is_dir() or out.suffix.lower() != ".csv":
        return out / f"grades_{name}.csv"
    return out if n_tables == 1 else out.with_name(f"{out.stem}_{name}.csv")


def grade(submissions, assignment=None, out=None, bundles=DIST, cell_timeout=CELL_TIMEOUT,
          timeout=SUBMISSION_TIMEOUT, quiet=False, jobs=1):
    """Grade every notebook under ``submissions``; one CSV table per assignment.

    Returns {assignment: [row dicts]}. Each row: student, file, one column per question,
    total, possible, note. ``bundles``: the folder `assign` wrote (it holds
    NAME/NAME-autograder.zip). ``jobs``: submissions graded at once (each in its own
    process; 2 suits a 2-core laptop, where much of grading waits on Python, not maths).
    """
    root = pathlib.Path(submissions).resolve()
    if not root.is_dir():
        sys.exit(f"{submissions} is not a folder: put the submitted notebooks in one folder "
                 "(one sub-folder per student also works) and pass its path.")
    notebooks = sorted(p for p in root.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if not notebooks:
        sys.exit(f"No .ipynb files under {submissions}.")
    bundles = pathlib.Path(bundles)
    tables = {}
    todo = []
    for nb in notebooks:
        name = assignment or _assignment_of(nb)
        if name is None:
            print(f"skipped {nb.relative_to(root)}: not a student notebook of an assignment "
                  "(no otter metadata); pass --assignment NAME to grade it anyway.",
                  file=sys.stderr)
            continue
        bundle = bundles / name / f"{name}-autograder.zip"
        if not bundle.exists():
            sys.exit(f"No grading bundle for {name!r} at {bundle}: run `python3 course.py "
                     f"assign {name}` first.")
        todo.append((nb, name, bundle))

    def run(item):
        nb, name, bundle = item
        start = time.perf_counter()
        result, note = _grade_in_child(nb, bundle, cell_timeout, timeout)
        seconds = time.perf_counter() - start
        if not quiet:
            print(f"graded {nb.relative_to(root)} in {seconds:.0f} s", flush=True)
        return result, note, seconds

    from concurrent.futures import ThreadPoolExecutor

    cpu_start = _children_cpu()
    with ThreadPoolExecutor(max(1, int(jobs))) as pool:
        done = list(pool.map(run, todo))
    cpu = _children_cpu() - cpu_start
    for (nb, name, bundle), (result, note, seconds) in zip(todo, done):
        questions = _questions(bundle)
        row = {"student": _student_of(nb, root), "file": str(nb.relative_to(root))}
        total = possible = 0.0
        for q in questions:
            score, poss = (result["scores"].get(q, (0.0, None)) if result else (0.0, None))
            row[q] = score
            total += score
            possible += poss or 0.0
        row["total"], row["possible"] = total, possible if result else None
        if result and result["errors"]:
            errs = sorted(set(result["errors"]))
            if "KeyboardInterrupt" in errs:
                errs[errs.index("KeyboardInterrupt")] = (
                    f"KeyboardInterrupt: a cell ran past {cell_timeout} s and was stopped")
            note = (f"{len(result['errors'])} cell(s) raised an error ({', '.join(errs)}); "
                    "their questions score what their tests could check")
        row["note"] = note
        row["seconds"] = round(seconds)
        # every test's message, public and hidden: feedback to hand back, or to check a score
        reports = _table_path(out, root, name, 1).parent / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        (reports / f"{row['student']}_{name}.txt").write_text(
            (result["report"] if result else note) + "\n", encoding="utf-8")
        tables.setdefault(name, []).append(row)
    if not quiet:
        print(f"{len(todo)} submission(s) graded with {cpu:.0f} s of CPU time", flush=True)
    for name, rows in tables.items():
        questions = _questions(bundles / name / f"{name}-autograder.zip")
        poss = next((r["possible"] for r in rows if r["possible"] is not None), None)
        for r in rows:
            r["possible"] = poss
        path = _table_path(out, root, name, len(tables))
        path.parent.mkdir(parents=True, exist_ok=True)
        fields = ["student", "file", *questions, "total", "possible", "seconds", "note"]
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fields)
            w.writeheader()
            w.writerows(rows)
        if not quiet:
            print(f"\n{name}: {len(rows)} submission(s), table in {_rel(path)}")
            print(format_table(rows, ["student", *questions, "total", "note"]))
    return tables


def format_table(rows, columns):
    """A plain-text table, for the terminal."""
    def cell(v):
        return f"{v:g}" if isinstance(v, float) else str(v)
    widths = {c: max([len(c)] + [len(cell(r.get(c, ""))) for r in rows]) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns)]
    lines += ["  ".join(cell(r.get(c, "")).ljust(widths[c]) for c in columns) for r in rows]
    return "\n".join(line.rstrip() for line in lines)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_grade_one":  # internal: one submission, in a child process
        submission, bundle, out, cell_timeout = argv[1:5]
        pathlib.Path(out).write_text(json.dumps(grade_one(submission, bundle,
                                                          int(cell_timeout))))
        return 0
    parser = argparse.ArgumentParser(prog="course.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    a = sub.add_parser("assign", help="make the student versions and the grading bundles")
    a.add_argument("names", nargs="*", help=f"assignments (default: all of {', '.join(sources())})")
    a.add_argument("--out", default=DIST, help="output folder (default: assignments/dist)")
    a.add_argument("--check", action="store_true",
                   help="also run every test against the solutions (slower)")
    g = sub.add_parser("grade", help="grade a folder of submitted notebooks into a table")
    g.add_argument("submissions", help="folder of .ipynb files (sub-folders per student are fine)")
    g.add_argument("--assignment", help="grade every notebook as this assignment (default: "
                   "the assignment named in each notebook)")
    g.add_argument("--bundles", default=DIST, help="where `assign` wrote its output "
                   "(default: assignments/dist)")
    g.add_argument("--out", help="CSV file or folder to write the table to (default: "
                   "SUBMISSIONS/grades_NAME.csv; reports/ goes beside it)")
    g.add_argument("--cell-timeout", type=int, default=CELL_TIMEOUT,
                   help=f"seconds one cell may run (default {CELL_TIMEOUT})")
    g.add_argument("--timeout", type=int, default=SUBMISSION_TIMEOUT,
                   help=f"seconds one submission may run (default {SUBMISSION_TIMEOUT})")
    g.add_argument("--jobs", type=int, default=1,
                   help="submissions graded at the same time (default 1)")
    args = parser.parse_args(argv)
    if args.command == "assign":
        assign(args.names, args.out, args.check)
    else:
        grade(args.submissions, args.assignment, args.out, args.bundles, args.cell_timeout,
              args.timeout, jobs=args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
