"""The course's website (`python3 course.py site`), built from this checkout's saved
notebooks and opened page by page in a real Chromium with the network cut off.

Every page: no broken link, image or resource; nothing fetched from outside the site;
no raw LaTeX left once MathJax has run; no traceback. Every lesson page shows at least
as many images as its notebook has image outputs, offers the notebook for download,
says how to run it locally, and keeps the quiz's answers behind a click."""
import ast
import functools
import http.server
import json
import pathlib
import re
import subprocess
import sys
import threading
import urllib.parse

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
RAW_TEX = re.compile(r"\$\$|\\(?:frac|mathbb|mathcal|nabla|sum_|log\b|left[(\[|]|begin\{)")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site built into a temporary folder, served on 127.0.0.1; yields (url, folder)."""
    out = tmp_path_factory.mktemp("site") / "_site"
    done = subprocess.run([sys.executable, str(ROOT / "course.py"), "site", "--out", str(out)],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert "The course's website:" in done.stdout and (out / "index.html").exists()
    # nothing left beside the site (MyST-NB's jupyter_execute/ once landed in the repository)
    assert sorted(p.name for p in out.parent.iterdir()) == ["_site"]
    handler = functools.partial(_QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", out
    finally:
        server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _image_outputs(notebook):
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return sum(1 for cell in nb["cells"] for out in cell.get("outputs", [])
               if any(k.startswith("image/") for k in out.get("data", {})))


def _visit(page, url):
    """Open ``url`` with every request outside the site refused and recorded; wait for
    MathJax. Returns (requests refused, resources that failed)."""
    outside, failed = [], []
    host = urllib.parse.urlparse(url).netloc

    def route(r):
        if urllib.parse.urlparse(r.request.url).netloc not in (host, ""):
            outside.append(r.request.url)
            return r.abort()
        return r.continue_()

    def response(resp):
        if resp.status >= 400:
            failed.append(f"{resp.status} {resp.url}")

    page.unroute("**/*")
    page.route("**/*", route)
    page.on("response", response)
    try:
        page.goto(url, wait_until="load")
        page.wait_for_function("() => !window.MathJax || (window.MathJax.startup && "
                               "window.MathJax.startup.promise)", timeout=30_000)
        page.evaluate("() => window.MathJax && window.MathJax.startup.promise")
    finally:
        page.remove_listener("response", response)
    return outside, failed


def _prose(page):
    """The page's visible text outside code (where a $ or a backslash is code)."""
    return page.evaluate("""() => {
        const main = document.querySelector('main') || document.body;
        const copy = main.cloneNode(true);
        copy.querySelectorAll('pre, code, mjx-container, script, style, .highlight')
            .forEach(e => e.remove());
        return copy.innerText;
    }""")


def test_every_page_of_the_site_works_offline(site, page):
    url, out = site
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html")
                   if not p.relative_to(out).parts[0].startswith("_"))
    assert "index.html" in pages and len(pages) >= 18 + 5 + 1
    problems = []
    for name in pages:
        outside, failed = _visit(page, f"{url}/{name}")
        problems += [f"{name}: fetched from outside the site: {u}" for u in outside]
        problems += [f"{name}: failed to load: {f}" for f in failed]
        broken = page.evaluate("""() => [...document.images]
            .filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src.slice(0, 80))""")
        problems += [f"{name}: broken image {b}" for b in broken]
        links = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
        for link in links:
            parsed = urllib.parse.urlparse(link)
            if parsed.netloc != urllib.parse.urlparse(url).netloc or parsed.scheme not in ("http",):
                continue
            target = out / urllib.parse.unquote(parsed.path).lstrip("/")
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                problems.append(f"{name}: broken link to {parsed.path}")
        text = _prose(page)
        if RAW_TEX.search(text):
            problems.append(f"{name}: raw LaTeX left: ...{text[max(0, RAW_TEX.search(text).start() - 60):RAW_TEX.search(text).end() + 40]!r}")
        if "Traceback (most recent call last)" in text or page.locator(".output.traceback").count():
            problems.append(f"{name}: a traceback on the page")
    assert not problems, "\n".join(problems[:40])


@pytest.mark.parametrize("notebook", sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb")),
                         ids=lambda p: p.name[:2])
def test_each_lesson_page_shows_its_figures_and_hides_the_quiz_answers(site, page, notebook):
    url, out = site
    _visit(page, f"{url}/lessons/{notebook.stem}.html")
    images = page.locator("main img").count()
    assert images >= _image_outputs(notebook), (
        f"{notebook.name}: the page shows {images} images, the notebook has "
        f"{_image_outputs(notebook)} image outputs")
    assert page.locator(f"a[href$='{notebook.name}']").count() >= 1, "no download of the notebook"
    assert "run the lesson yourself" in page.locator("main").first.inner_text()
    assert page.locator("main a[href*='quick-start']").count(), "no link to the Quick start"
    assert page.locator("main h1").first.inner_text().startswith("Lesson")
    # MathJax typeset every piece of maths on the page
    maths = json.loads(notebook.read_text(encoding="utf-8"))
    has_maths = any("$" in "".join(c["source"]) for c in maths["cells"]
                    if c["cell_type"] == "markdown")
    left = page.evaluate("() => [...document.querySelectorAll('main .math')]"
                         ".filter(e => !e.querySelector('mjx-container')).length")
    assert left == 0, f"{left} pieces of maths not typeset"
    assert page.locator("mjx-container").count() > 0 or not has_maths, "no rendered maths"
    # the quiz: every question there, each answer folded away until clicked
    questions = json.loads((ROOT / "lessons" / "quizzes" / f"{notebook.name[:2]}.json")
                           .read_text(encoding="utf-8"))["questions"]
    answers = page.locator("main details:has(summary:text('Show the answer'))")
    assert answers.count() == len(questions), (
        f"{answers.count()} quiz answers behind a click, {len(questions)} questions")
    assert not any(answers.evaluate_all("els => els.map(e => e.open)"))
    assert not page.get_by_text(questions[0]["why"][:60]).first.is_visible(), \
        "a quiz answer is shown before the student clicks"


def test_search_finds_the_lessons(site, page):
    url, _ = site
    _visit(page, f"{url}/search.html?q=discriminator")
    page.wait_for_function(
        "() => document.querySelectorAll('#search-results li, ul.search li').length > 0",
        timeout=30_000)
    hits = page.evaluate("() => [...document.querySelectorAll('#search-results li a, "
                         "ul.search li a')].map(a => a.getAttribute('href'))")
    assert any("lessons/" in h for h in hits), hits[:10]


def test_assignments_are_the_student_versions(site):
    _, out = site
    for source in sorted((ROOT / "assignments" / "source").glob("[0-9][0-9]_*.ipynb")):
        html = (out / "assignments" / f"{source.stem}.html").read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in html and "# SOLUTION" not in html
        assert "grader.check(" in html
        assert (out / "_downloads").exists()


def test_each_gankit_module_has_a_page_from_its_docstrings(site):
    _, out = site
    for module in sorted((ROOT / "gankit").glob("[a-z]*.py")):
        page = out / "api" / f"{module.stem}.html"
        assert page.exists(), f"no page for gankit.{module.stem}"
        html = page.read_text(encoding="utf-8")
        public = [n.name for n in ast.parse(module.read_text(encoding="utf-8")).body
                  if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name[0] != "_"]
        # autodoc imported the module: its functions and classes are listed with signatures
        for name in public:
            assert f'id="gankit.{module.stem}.{name}"' in html, f"gankit.{module.stem}.{name}: no entry"
