"""Run lesson notebooks in full (not smoke) mode and save them with their outputs.

    python scripts/run_lessons.py lessons/00_setup.ipynb [more.ipynb ...]

It states the wall time in the markdown cell marked ``<!-- wall-time -->``, and
refuses to save a notebook whose outputs show a machine path or a warning, so
what students read is clean. Run it on a 2-core CPU with nothing else busy.
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
            if out.get("output_type") == "error":
                found.append(f"cell {i}: error {out.get('ename')}: {out.get('evalue')}")
    return found


def stamp(nb, seconds):
    import keras

    minutes, secs = divmod(int(round(seconds)), 60)
    line = (f"*Full run: {minutes} min {secs:02d} s on a {cpu_count()}-core CPU "
            f"({platform.machine()}, Keras {keras.__version__}, "
            f"{os.environ.get('KERAS_BACKEND', 'tensorflow')} backend), "
            f"{datetime.date.today().isoformat()}.*")
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "<!-- wall-time -->" in cell.source:
            head, _, _ = cell.source.partition("<!-- wall-time -->")
            cell.source = head + "<!-- wall-time -->\n" + line
            return line
    raise SystemExit("No markdown cell with <!-- wall-time --> to state the wall time in.")


def main(paths):
    os.environ.pop("GANKIT_SMOKE", None)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # as course.py sets it for JupyterLab
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
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
