#!/usr/bin/env python3
"""Set up and open the GAN course, or run its tests. Needs only Python 3.10+.

    python3 course.py          # install what is missing, open JupyterLab on lessons/
    python3 course.py test     # install what is missing, run the whole test suite

Everything goes into a virtual environment in .venv/ inside this folder; delete
it to start over. Extra arguments after `test` go to pytest (e.g. -k data).
"""
import hashlib
import os
import pathlib
import subprocess
import sys
import venv

ROOT = pathlib.Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".course-installed"


def venv_python():
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def wanted():
    """What the installed environment should match: the pins and the package metadata."""
    h = hashlib.sha256()
    for name in ("requirements.txt", "pyproject.toml"):
        h.update((ROOT / name).read_bytes())
    return h.hexdigest()


def run(cmd, **kwargs):
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kwargs)


def ensure_environment():
    if sys.version_info < (3, 10):
        sys.exit(f"The course needs Python 3.10 or newer (3.11 is tested); this is "
                 f"{sys.version.split()[0]}. Run this file with a newer python3.")
    if not venv_python().exists():
        print(f"Creating a virtual environment in {VENV.name}/ ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if STAMP.exists() and STAMP.read_text().strip() == wanted():
        return
    py = venv_python()
    print("Installing the course's packages (the first time takes a few minutes) ...",
          flush=True)
    run([py, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    run([py, "-m", "pip", "install", "--quiet", "-r", ROOT / "requirements.txt"])
    run([py, "-m", "pip", "install", "--quiet", "--no-deps", "-e", ROOT])
    STAMP.write_text(wanted())


def main(argv):
    command = argv[0] if argv else "open"
    if command in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    if command not in ("open", "test"):
        print(f"Unknown command {command!r}: use `python3 course.py` to open the course "
              "or `python3 course.py test` to run the tests.", file=sys.stderr)
        return 2
    ensure_environment()
    py = str(venv_python())
    env = dict(os.environ)
    env.setdefault("KERAS_BACKEND", "tensorflow")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # hide TensorFlow's start-up chatter
    if command == "test":
        return subprocess.run([py, "-m", "pytest", *argv[1:]], cwd=ROOT, env=env).returncode
    print("Opening JupyterLab on the lessons. Start with 00_setup.ipynb; "
          "press Ctrl-C here to stop.", flush=True)
    try:
        return subprocess.run([py, "-m", "jupyter", "lab", *argv[1:]],
                              cwd=ROOT / "lessons", env=env).returncode
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
