#!/usr/bin/env python3
"""Set up and open the GAN course, or run its tests. Needs only Python 3.11+.

    python3 course.py           # install what is missing, open JupyterLab on lessons/
                                # (--port=N: start looking for a free port at N)
    python3 course.py test      # the same plus JAX and PyTorch (CPU), run the whole test suite
    python3 course.py test --fast   # only the unit tests: a few minutes, while changing gankit
    python3 course.py backends  # only add JAX and PyTorch (CPU) to .venv/
    python3 course.py assign    # assignments: student versions and grading bundles
    python3 course.py grade DIR # grade a folder of submitted notebooks into a table
    python3 course.py site      # build the course as a website in _site/ (offline)

Everything goes into a virtual environment in .venv/ inside this folder; delete
it to start over. Extra arguments after `test` go to pytest (e.g. -k data); after
`assign` and `grade`, see `python3 course.py assign --help` (assignments/README.md).
The course itself needs only TensorFlow; JAX and PyTorch are the two other Keras 3
backends, which the tests also train every GAN on (requirements-backends.txt).
"""
import hashlib
import os
import pathlib
import secrets
import signal
import socket
import subprocess
import sys
import venv

ROOT = pathlib.Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".course-installed"
# PyTorch's CPU-only wheels (the +cpu builds); plain PyPI has the multi-GB CUDA build on Linux.
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"


# `test --fast`: the unit tests of gankit alone. Not the lessons, the browser, the other
# backends, the several-device check, the graders or the exercises' solutions, and no
# test marked slow: what to run after each change to gankit, before the whole suite.
FAST = ["tests", "-m", "not slow", "--ignore=tests/browser", "--ignore=tests/test_backends.py",
        "--ignore=tests/test_devices.py", "--ignore=tests/test_assignments.py",
        "--ignore=tests/test_exercises.py"]


def venv_python():
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def wanted(backends=False):
    """What the installed environment should match: the pins and the package metadata,
    and the optional backends' pins when they are installed too."""
    h = hashlib.sha256()
    for name in ("requirements.txt", "pyproject.toml"):
        h.update((ROOT / name).read_bytes())
    if backends:
        h.update(b"\0backends\0" + (ROOT / "requirements-backends.txt").read_bytes())
    return h.hexdigest()


def run(cmd, **kwargs):
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kwargs)


def ensure_environment(backends=False):
    """Create .venv/ and install the pins (and the JAX/PyTorch ones if ``backends``) unless
    the stamp says they are there already. A full install also satisfies the plain one."""
    if sys.version_info < (3, 11):
        sys.exit(f"The course needs Python 3.11 or newer (its pinned Keras, NumPy and JAX do); "
                 f"this is {sys.version.split()[0]}. Run this file with a newer python3.")
    if not venv_python().exists():
        print(f"Creating a virtual environment in {VENV.name}/ ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = STAMP.read_text().strip() if STAMP.exists() else None
    if stamp == wanted(True) or (stamp == wanted(False) and not backends):
        return
    py = venv_python()
    if stamp != wanted(False):
        print("Installing the course's packages (the first time takes a few minutes) ...",
              flush=True)
        run([py, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
        run([py, "-m", "pip", "install", "--quiet", "-r", ROOT / "requirements.txt"])
        run([py, "-m", "pip", "install", "--quiet", "--no-deps", "-e", ROOT])
        STAMP.write_text(wanted(False))
    if backends and install_backends(py):
        STAMP.write_text(wanted(True))


def install_backends(py):
    """JAX and the CPU build of PyTorch from requirements-backends.txt. pip tries its
    usual indexes first (a mirror or a wheel folder may have the +cpu build), then
    PyTorch's CPU index. Returns False, with advice, when neither works (offline)."""
    print("Installing JAX and PyTorch (CPU) for the tests on every Keras backend ...",
          flush=True)
    # -c: the course's own pins (NumPy, Keras...) stay exactly as requirements.txt says
    pins = [py, "-m", "pip", "install", "--quiet", "-r", ROOT / "requirements-backends.txt",
            "-c", ROOT / "requirements.txt"]
    for extra in ([], ["--extra-index-url", TORCH_CPU_INDEX]):
        if subprocess.run([str(c) for c in pins + extra]).returncode == 0:
            return True
    print("Could not install JAX and PyTorch: the tests on those backends will skip (or "
          "fail where GANKIT_REQUIRE_BACKENDS=1). Install them by hand with\n  "
          f"{py} -m pip install -r requirements-backends.txt --extra-index-url "
          f"{TORCH_CPU_INDEX}", file=sys.stderr, flush=True)
    return False


def main(argv):
    if not argv or (argv[0].startswith("--") and argv[0] != "--help"):
        argv = ["open", *argv]                  # python3 course.py [--port=N]
    command = argv[0]
    if command in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    if command not in ("open", "test", "backends", "assign", "grade", "site"):
        print(f"Unknown command {command!r}: use `python3 course.py` to open the course, "
              "`python3 course.py test` to run the tests, `python3 course.py backends` "
              "to add JAX and PyTorch, `python3 course.py assign` / `grade` for the "
              "assignments, or `python3 course.py site` for the website.", file=sys.stderr)
        return 2
    fast = command == "test" and "--fast" in argv
    argv = [a for a in argv if a != "--fast"] if fast else argv
    ensure_environment(backends=command == "backends" or (command == "test" and not fast))
    if command == "backends":
        ok = STAMP.read_text().strip() == wanted(True)
        print("JAX and PyTorch are installed: start Jupyter or Python with KERAS_BACKEND=jax "
              "or KERAS_BACKEND=torch." if ok else "JAX and PyTorch are not installed.")
        return 0 if ok else 1
    py = str(venv_python())
    env = dict(os.environ)
    env.setdefault("KERAS_BACKEND", "tensorflow")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # hide TensorFlow's C++ log lines (as gankit does)
    if command == "test":
        args = [*FAST, *argv[1:]] if fast else argv[1:]
        return subprocess.run([py, "-m", "pytest", *args], cwd=ROOT, env=env).returncode
    if command == "site":
        return subprocess.run([py, str(ROOT / "website" / "build.py"), *argv[1:]],
                              env=env).returncode
    if command in ("assign", "grade"):
        # otter-grader is pinned in requirements.txt; the work is done by the course's Python
        return subprocess.run([py, str(ROOT / "assignments" / "manage.py"), command, *argv[1:]],
                              env=env).returncode
    return open_course(py, env, list(argv[1:]))


def free_port(first=8888, tries=50):
    """The first port from ``first`` on that nothing listens on (on 127.0.0.1)."""
    for port in range(first, first + tries):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            if os.name != "nt":   # as the server will: a port just freed is free
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    sys.exit(f"Ports {first} to {first + tries - 1} are all taken: stop another Jupyter "
             "server, or ask for another port: python3 course.py --port=9999")


def has_display():
    """Whether a web browser could open a window here (Linux needs an X or Wayland screen)."""
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def open_course(py, env, extra):
    """JupyterLab on lessons/, from any folder, as root too, with or without a screen.
    The URL with its token is printed before the server starts; Ctrl-C stops it (status 0)."""
    args = ["--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
            "--ServerApp.answer_yes=True"]   # one Ctrl-C stops it, no y/n question
    wanted_port = 8888
    for a in list(extra):                       # python3 course.py --port=9000
        if a.startswith("--port="):
            wanted_port = int(a.split("=", 1)[1])
            extra.remove(a)
    port = free_port(wanted_port)
    if port != wanted_port:
        print(f"Port {wanted_port} is taken (another Jupyter?); using port {port}.", flush=True)
    args.append(f"--ServerApp.port={port}")
    token = secrets.token_hex(24)
    args.append(f"--IdentityProvider.token={token}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        print("You are root (as in many Docker containers, cloud machines and WSL set-ups). "
              "Jupyter refuses root by default because notebook code runs with root's rights; "
              "the course allows it here: open only your own notebooks.", flush=True)
        args.append("--ServerApp.allow_root=True")
    if not has_display():
        args.append("--no-browser")
    print("Opening JupyterLab on the lessons. Start with 00_setup.ipynb; "
          "press Ctrl-C here to stop.", flush=True)
    print(f"Open the course in your browser: http://127.0.0.1:{port}/lab?token={token}",
          flush=True)
    # Ctrl-C must reach both of us even when we were started from a place that ignores it
    # (a background job of a script: an ignored signal stays ignored in every child)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    server = subprocess.Popen([py, "-m", "jupyter", "lab", *args, *extra],
                              cwd=ROOT / "lessons", env=env)
    if hasattr(signal, "SIGTERM"):   # stopped by a process manager: stop the server too
        signal.signal(signal.SIGTERM, lambda *_: server.terminate())
    try:
        return server.wait()
    except KeyboardInterrupt:    # the server got the same Ctrl-C and is stopping its kernels
        try:
            server.wait(timeout=30)
        except (KeyboardInterrupt, subprocess.TimeoutExpired):
            # A server that has not stopped in 30 s (rarely, a kernel slow to shut down) is
            # asked once more, then stopped: one Ctrl-C must be enough. Its kernels exit on
            # their own when their parent is gone (ipykernel watches it).
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        print("JupyterLab stopped.", flush=True)
        return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit("Stopped (Ctrl-C).")
