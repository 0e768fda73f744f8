"""The course's front door, as a student meets it: the README's first command.

`python3 course.py` runs as a subprocess from another folder, exactly as typed (as root
too, as CI runs); the test reads the URL it prints, opens it in Chromium, runs every cell
of lesson 00 in the real kernel in full mode (not the tests' smoke mode), checks that no
cell failed and that the figures appeared, then stops the command with Ctrl-C.
"""
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
LESSON = "00_setup.ipynb"
URL_LINE = re.compile(r"Open the course in your browser: (http://[\w.:]+)/lab\?token=(\w+)")
pytestmark = pytest.mark.timeout(900)


def _saved_images(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return sum("image/png" in out.get("data", {})
               for c in nb["cells"] for out in c.get("outputs", []))


@pytest.fixture
def front_door(tmp_path):
    """`python3 course.py` started in an empty folder; yields (base_url, token, output)."""
    python3 = shutil.which("python3")
    assert python3, "no python3 on the PATH: the README's first command needs one"
    env = dict(os.environ)
    env.pop("GANKIT_SMOKE", None)           # a student's full run, not the tests' smoke run
    env.pop("MPLBACKEND", None)             # the kernel's own inline backend, as for a student
    env.pop("DISPLAY", None)                # no screen: the URL is the way in
    env.pop("WAYLAND_DISPLAY", None)
    # Where JupyterLab keeps its state: here, not in the student's home. Autosave is off, so
    # running the lesson in the browser leaves the saved notebook as it is.
    settings = tmp_path / "settings" / "@jupyterlab" / "docmanager-extension"
    settings.mkdir(parents=True)
    (settings / "plugin.jupyterlab-settings").write_text('{"autosave": false}')
    # The test drives JupyterLab through its app object (the commands its menus run), which
    # Lab shows the page only when configured to: a config file, not a flag on the command.
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "jupyter_lab_config.json").write_text(
        '{"LabApp": {"expose_app_in_browser": true}}')
    env.update(JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    proc = subprocess.Popen([python3, str(ROOT / "course.py")], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            errors="replace", start_new_session=True)   # its own group, as a terminal's job
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 300        # a first call may still install packages
        found = None
        while found is None:
            found = next((URL_LINE.search(line) for line in list(lines)
                          if URL_LINE.search(line)), None)
            if found is None and (proc.poll() is not None or time.monotonic() > deadline):
                pytest.fail("`python3 course.py` printed no URL:\n" + "".join(lines)[-3000:])
            time.sleep(0.2)
        url, token = found.groups()
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not answer at the printed URL:\n"
                                + "".join(lines)[-3000:])
                time.sleep(0.3)
        yield url, token, proc, lines
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_course_command_opens_and_runs_lesson_00(front_door, page, lab_at):
    url, token, proc, lines = front_door
    lesson = ROOT / "lessons" / LESSON
    saved = lesson.read_bytes()
    before = "".join(lines)
    # Said before the server's log: why root is allowed, and the URL as the last line.
    if os.geteuid() == 0:
        assert "You are root" in before, before[:2000]
    ours = [line for line in lines if not line.startswith("[")]
    assert URL_LINE.search(ours[-1]), f"the URL is not the last line before the log: {ours}"

    lab = lab_at(url, token)
    try:
        lab.open(LESSON, timeout=120)
        lab.run_through(None, timeout=600)      # every cell, full mode; fails on an error
    except Exception as e:
        raise AssertionError(f"{e}\nJupyterLab's log:\n" + "".join(lines)[-4000:]) from None
    outputs = page.evaluate(
        f"""() => {lab.PANEL}.content.widgets.filter(c => c.model.type === 'code')
                 .flatMap(c => c.model.outputs.toJSON())""")
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= _saved_images(lesson), (
        f"{len(images)} figures appeared; the saved lesson has {_saved_images(lesson)}")
    text = "".join("".join(o.get("text", "")) for o in outputs)
    assert "Smoke mode (tiny budgets for the tests): off" in text, text[:1000]
    assert "steps in" in text                   # the GAN at the end trained
    # The first figure is really drawn in the page (not only sent to it).
    figure = page.locator(".jp-OutputArea-output img").first
    figure.scroll_into_view_if_needed()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 100",
                         figure.element_handle())

    os.killpg(proc.pid, signal.SIGINT)          # Ctrl-C in the terminal
    try:
        code = proc.wait(90)    # course.py gives the server 30 s, then stops it (at most ~45 s)
    except subprocess.TimeoutExpired:
        raise AssertionError("one Ctrl-C did not stop `python3 course.py` within 90 s:\n"
                             + "".join(lines)[-3000:]) from None
    assert code == 0, "".join(lines)[-3000:]
    time.sleep(0.5)
    after = "".join(lines)
    assert "Traceback" not in after, after[-3000:]
    assert "JupyterLab stopped." in after
    assert lesson.read_bytes() == saved, "running the lesson in the browser changed the file"
