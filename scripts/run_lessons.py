"""Run lesson notebooks in full (not smoke) mode and save them with their outputs.

    python scripts/run_lessons.py lessons/00_setup.ipynb [more.ipynb ...]

It states the wall time in the markdown cell marked ``<!-- wall-time -->``, and
refuses to save a notebook whose outputs show a machine path or a warning, so
what students read is clean. It also lists the figures in the lesson's prose that
its new outputs no longer back (``unbacked_figures``): fix those before committing.
Run it on a 2-core CPU with nothing else busy.
"""
import datetime
import os
import pathlib
import platform
import re
import sys
import time

import nbformat
from nbclient import NotebookClient

PATH_RE = re.compile(r"(/root/|/home/[a-z]|/tmp/|/work/|/Users/|[A-Z]:\\\\Users)")
WARN_RE = re.compile(r"(Warning:|WARNING|warnings.warn)")
# A C++ log line (TensorFlow, XLA, absl): "E0000 00:00:1796397226.947739  545 file.cc:967] ..."
CPP_LOG_RE = re.compile(r"^[IWEF]\d{4} \d\d:\d\d:\d\d", re.M)


def cpu_count():
    return os.cpu_count() or 0


def problems(nb):
    found = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            text = out.get("text", "") or "".join(
                v for k, v in out.get("data", {}).items()
                if k.startswith("text/") and isinstance(v, str))
            if PATH_RE.search(text):
                found.append(f"cell {i}: machine path in output: {PATH_RE.search(text).group(0)}")
            if out.get("name") == "stderr" and WARN_RE.search(text):
                found.append(f"cell {i}: warning in output: {text.strip()[:200]}")
            if out.get("name") == "stderr" and CPP_LOG_RE.search(text):
                found.append(f"cell {i}: C++ log line in output: {text.strip()[:200]}")
            if out.get("output_type") == "error":
                found.append(f"cell {i}: error {out.get('ename')}: {out.get('evalue')}")
    return found


# --- figures in the prose: each one printed by the run, or quoted with its source -------
# A measured figure: "N of M", a percentage, a decimal, a number of modes, or a range of
# any of them (a range sums up runs: it must be printed as it stands). Maths ($...$) and code (`...`) are not prose.
_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)
_CODE = re.compile(r"```.*?```|`[^`\n]+`", re.S)
_TAGS = re.compile(r"<!--.*?-->|<[^>]+>", re.S)
_LINK = re.compile(r"\]\([^)]*\)")
_FIGURE = re.compile(
    r"(?<![\w.,/-])("
    r"\d[\d,]*\s+of\s+(?:the\s+|its\s+)?\d[\d,]*(?![\d,]*\.\d)"        # 7 of 8
    r"|\d+(?:\.\d+)?\s?[-\u2013]\s?\d+(?:\.\d+)?\s?%"                  # 61-71%
    r"|\d+(?:\.\d+)?\s?%"                                               # 94.4%
    r"|\d+(?:\.\d+)?[-\u2013]\d+(?:\.\d+)?(?!\s?%)"                        # 4-7
    r"|\d+(?:\s?[-\u2013]\s?\d+)?\s+modes?\b"                            # 4-7 modes
    r"|\d*\.\d+"                                                         # 0.67
    r")(?![\w.]*\d)")
# Where a quoted figure comes from: a paper (a year, "et al.", "Table 1"), another lesson,
# the benchmarks or the README.
SOURCE = re.compile(r"(?i:et al|\b(?:19|20)\d\d\b|benchmarks/|\bpaper\b|\blessons? \d+|README)"
                    r"|\bTable \d")
# Exact values of the theory (D's ideal answer) are not measurements.
EXACT = {"0.5", "1.0", "0.0"}


def _units(text):
    """Sentences and list items; a table is one unit with the sentence before it."""
    units = []
    for para in re.split(r"\n\s*\n", text):
        if re.search(r"^\s*\|", para, re.M):
            units.append(para)
            continue
        units += re.split(r"(?<=[.!?])\s+(?=[A-Z(*])|\n\s*[-*]\s|\n\s*\d+\.\s", para)
    merged = []
    for unit in units:
        if unit.lstrip().startswith("|") and merged:
            merged[-1] += "\n" + unit
        else:
            merged.append(unit)
    return merged


def _run_text(nb):
    """What the run printed, with the code that printed it (settings are figures too)."""
    parts = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        parts.append(cell.source.replace("_", ""))
        for out in cell.get("outputs", []):
            parts.append(out.get("text", "") or "")
            parts += [v for k, v in out.get("data", {}).items()
                      if k.startswith("text/") and isinstance(v, str)]
    return "\n".join(parts).replace(",", "")


def _printed(figure, text):
    figure = figure.replace(",", "")
    number = r"(?<![\d.]){}(?![\d])"
    if " of " in figure:
        a, b = re.findall(r"\d+", figure)
        return re.search(rf"\b{a} of (?:the |its )?{b}\b|\b{a}\s*/\s*{b}\b", text) is not None
    if figure.endswith("%"):
        values = re.findall(r"\d+(?:\.\d+)?", figure)
        return all(re.search(number.format(re.escape(v)) + r"\s?%", text) or re.search(
            number.format(re.escape(f"{float(v) / 100:.{len(v.partition('.')[2]) + 2}f}")),
            text) for v in values)
    if figure.endswith(("mode", "modes")):   # the run says "7 modes" or "7 of 8"
        return all(re.search(rf"\b{n}\s+(?:of\s+\d+\s+)?modes?|\b{n}\s+of\s+\d+\b", text)
                   for n in re.findall(r"\d+", figure))
    return re.search(number.format(re.escape(figure)), text) is not None


def unbacked_figures(nb):
    """The figures in the lesson's markdown cells that its outputs (or code) do not show
    and that name no source: (cell index, figure, the sentence it is in)."""
    text = _run_text(nb)
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for unit in _units(_TAGS.sub(" ", cell.source)):
            if SOURCE.search(unit):
                continue
            prose = _LINK.sub("]", _CODE.sub(" ", _MATH.sub(" ", unit)))
            for match in _FIGURE.finditer(prose):
                figure = match.group(1)
                if figure not in EXACT and not _printed(figure, text):
                    found.append((i, figure, " ".join(unit.split())[:160]))
    return found


def student_minutes(nb, seconds):
    """A student's time for the lesson, an estimate: its prose at 180 words a minute, its
    code at 15 lines a minute, the full run's wall time, and 5 minutes per exercise."""
    words = sum(len(c.source.split()) for c in nb.cells if c.cell_type == "markdown")
    lines = sum(len(c.source.splitlines()) for c in nb.cells if c.cell_type == "code")
    exercises = sum(c.source.count("### Exercise ") for c in nb.cells
                    if c.cell_type == "markdown")
    reading = words / 180 + lines / 15 + seconds / 60
    return 5 * round(reading / 5), 5 * exercises


def stamp(nb, seconds):
    """State the full run's wall time, and a student's time, in the ``wall-time`` cell."""
    import keras

    minutes, secs = divmod(int(round(seconds)), 60)
    reading, exercises = student_minutes(nb, seconds)
    line = (f"*Full run: {minutes} min {secs:02d} s on a {cpu_count()}-core CPU "
            f"({platform.machine()}, Keras {keras.__version__}, "
            f"{os.environ.get('KERAS_BACKEND', 'tensorflow')} backend), "
            f"{datetime.date.today().isoformat()}. Time for a student: about {reading} min to "
            f"read and run it, and {exercises} min for the exercises (an estimate: 180 words "
            f"and 15 lines of code a minute, plus the run).*")
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "<!-- wall-time -->" in cell.source:
            head, _, _ = cell.source.partition("<!-- wall-time -->")
            cell.source = head + "<!-- wall-time -->\n" + line
            return line
    raise SystemExit("No markdown cell with <!-- wall-time --> to state the wall time in.")


def main(paths):
    os.environ.pop("GANKIT_SMOKE", None)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # as course.py sets it for JupyterLab
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    ok = True
    for path in map(pathlib.Path, paths):
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=1200, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        start = time.perf_counter()
        client.execute()
        seconds = time.perf_counter() - start
        line = stamp(nb, seconds)
        bad = problems(nb)
        for b in bad:
            print(f"{path.name}: {b}")
        if bad:
            ok = False
            print(f"{path.name}: NOT saved ({len(bad)} problems)")
            continue
        nbformat.write(nb, path)
        size = path.stat().st_size / 1e6
        print(f"{path.name}: saved, {line} ({size:.2f} MB)")
        for i, figure, sentence in unbacked_figures(nb):
            ok = False
            print(f"{path.name}: cell {i}: {figure!r} is not in this run's outputs and names "
                  f"no source: {sentence}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
