"""Fixtures for the real-browser tests: JupyterLab on localhost, headless Chromium.

The browser is Debian's ``chromium`` (or ``GANKIT_CHROMIUM``), driven by Playwright
with ``executable_path`` (Playwright's own browser download is not needed). Where the
browser or Playwright is missing, the tests skip with a message, unless
``GANKIT_REQUIRE_BROWSER=1`` (``.ci/run`` sets it after installing Chromium): then
they fail. The environment of the repo-root conftest.py (GANKIT_SMOKE=1 and the rest)
reaches JupyterLab's kernels, so the lessons run with their smoke budgets.
"""
import os
import pathlib
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
LESSONS = ROOT / "lessons"


def browser_required():
    return os.environ.get("GANKIT_REQUIRE_BROWSER", "").strip().lower() in ("1", "true", "yes")


def missing(why):
    """Skip, or fail when GANKIT_REQUIRE_BROWSER=1."""
    if browser_required():
        pytest.fail(f"{why} GANKIT_REQUIRE_BROWSER=1 asks for the browser tests to run.",
                    pytrace=False)
    pytest.skip(f"{why} Set GANKIT_REQUIRE_BROWSER=1 to make this a failure.")


def find_chromium():
    """The Chromium executable: GANKIT_CHROMIUM when set, else chromium on the PATH."""
    chosen = os.environ.get("GANKIT_CHROMIUM")
    candidates = ([chosen] if chosen else
                  [shutil.which("chromium"), shutil.which("chromium-browser")])
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="module")
def browser():
    path = find_chromium()
    if path is None:
        chosen = os.environ.get("GANKIT_CHROMIUM")
        missing(f"No Chromium at GANKIT_CHROMIUM={chosen!r}." if chosen else
                "No Chromium found: install the Debian package `chromium` (or set "
                "GANKIT_CHROMIUM to a Chromium executable).")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright is not installed (pip install -r requirements.txt).")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, headless=True)
        try:
            yield b
        finally:
            b.close()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def jupyter_lab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 serving a copy of lessons/ (so autosave never touches the
    real notebooks); yields (base_url, token, folder)."""
    folder = tmp_path_factory.mktemp("lab")
    for nb in LESSONS.glob("*.ipynb"):
        shutil.copy(nb, folder / nb.name)
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ)
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"  # as in a student's lab
    env["JUPYTER_CONFIG_DIR"] = str(folder / ".jupyter")
    env["JUPYTER_RUNTIME_DIR"] = str(folder / ".runtime")
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
           "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
           "--ServerApp.allow_root=True", "--ServerApp.terminals_enabled=False",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}",
           "--LabApp.expose_app_in_browser=True",
           f"--LabApp.workspaces_dir={folder / '.workspaces'}",
           f"--LabApp.user_settings_dir={folder / '.settings'}"]
    log = open(folder / "jupyterlab.log", "w")
    proc = subprocess.Popen(cmd, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail("JupyterLab did not start:\n"
                                + (folder / "jupyterlab.log").read_text()[-3000:])
                time.sleep(0.3)
        yield url, token, folder
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def page(browser):
    """One browser tab per test module (its tests may share a running notebook)."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def _screenshot_on_failure(request, tmp_path):
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and "page" in request.fixturenames:
        shot = tmp_path / "failure.png"
        request.getfixturevalue("page").screenshot(path=str(shot), full_page=True)
        print(f"screenshot of the page at the failure: {shot}")


class Lab:
    """One notebook open in JupyterLab in the browser, driven through the app object
    that ``--LabApp.expose_app_in_browser`` puts on ``window.jupyterapp``."""

    PANEL = "window.jupyterapp.shell.currentWidget"

    def __init__(self, page, url, token):
        self.page, self.url, self.token = page, url, token

    def open(self, name, timeout=60):
        self.page.goto(f"{self.url}/lab/tree/{name}?token={self.token}")
        self.page.wait_for_function(
            f"""() => {{
                const w = window.jupyterapp && {self.PANEL};
                const k = w && w.sessionContext && w.sessionContext.session &&
                          w.sessionContext.session.kernel;
                return k && k.connectionStatus === 'connected' && k.status === 'idle' &&
                       w.context.path.endsWith({name!r});
            }}""", timeout=timeout * 1000)

    def run_through(self, marker=None, timeout=90):
        """Clear the saved outputs, then run the cells from the top down to the first
        code cell containing ``marker`` (every cell when None), as a student pressing
        Shift-Enter would; wait until they have run and fail on an error output."""
        last = self.page.evaluate(
            f"""(marker) => {{
                const cells = {self.PANEL}.content.widgets;
                if (marker === null) return cells.length - 1;
                return cells.findIndex(c => c.model.type === 'code' &&
                                            c.model.sharedModel.getSource().includes(marker));
            }}""", marker)
        assert last >= 0, f"no code cell contains {marker!r}"
        # Not awaited: a command's promise only settles when its cells have run.
        self.page.evaluate(
            f"""() => {{
                const w = {self.PANEL};
                const app = window.jupyterapp;
                app.commands.execute('notebook:clear-all-cell-outputs');
                if ({last} === w.content.widgets.length - 1) {{
                    app.commands.execute('notebook:run-all-cells');
                }} else {{
                    w.content.activeCellIndex = {last} + 1;
                    app.commands.execute('notebook:run-all-above');
                }}
            }}""")
        self.wait_idle(last, timeout)

    def wait_idle(self, last=None, timeout=90):
        """Wait until the code cells up to index ``last`` (all when None) have run and
        the kernel is idle; fail on an error output."""
        upto = "w.content.widgets.length" if last is None else str(last + 1)
        cells = f"w.content.widgets.slice(0, {upto}).filter(c => c.model.type === 'code')"
        self.page.wait_for_function(
            f"""() => {{
                const w = {self.PANEL};
                const k = w.sessionContext.session.kernel;
                return k.status === 'idle' &&
                       {cells}.every(c => c.model.executionCount !== null);
            }}""", timeout=timeout * 1000, polling=250)
        errors = self.page.evaluate(
            f"""() => {{
                const w = {self.PANEL};
                return {cells}.flatMap(c => c.model.outputs.toJSON())
                    .filter(o => o.output_type === 'error')
                    .map(o => o.ename + ': ' + o.evalue);
            }}""")
        assert not errors, f"cells failed in JupyterLab: {errors}"

    def add_cell(self, source):
        """Append a code cell to the open notebook; returns its index."""
        return self.page.evaluate(
            f"""(source) => {{
                const model = {self.PANEL}.content.model;
                model.sharedModel.insertCell(model.cells.length,
                                             {{cell_type: 'code', source: source}});
                return model.cells.length - 1;
            }}""", source)

    def wait_cell(self, index, timeout=60):
        """Wait until cell ``index`` has run; fail on an error output."""
        self.page.wait_for_function(
            f"""() => {{
                const w = {self.PANEL};
                return w.sessionContext.session.kernel.status === 'idle' &&
                       w.content.widgets[{index}].model.executionCount !== null;
            }}""", timeout=timeout * 1000, polling=250)
        errors = self.page.evaluate(
            f"""() => {self.PANEL}.content.widgets[{index}].model.outputs.toJSON()
                .filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue)""")
        assert not errors, f"cell {index} failed in JupyterLab: {errors}"

    def run_cell(self, index):
        """Run one cell (by index) without waiting for it."""
        self.page.evaluate(
            f"""() => {{
                const w = {self.PANEL};
                w.content.activeCellIndex = {index};
                window.jupyterapp.commands.execute('notebook:run-cell');
            }}""")

    def image(self, selector):
        """The src of the first <img> under ``selector`` (a blob URL per frame)."""
        return self.page.locator(f"{selector} img, img{selector}").first.get_attribute("src")


@pytest.fixture(scope="module")
def lab(page, jupyter_lab):
    url, token, _ = jupyter_lab
    return Lab(page, url, token)


@pytest.fixture(scope="module")
def lab_at(page):
    """Lab for a JupyterLab that the test started itself: lab_at(base_url, token)."""
    return lambda url, token: Lab(page, url, token)
