"""Build the course's website into _site/ from the saved notebooks, offline.

    python3 course.py site            # or: python website/build.py [--out DIR]

Nothing is executed: the lessons are rendered with the outputs of their full runs
(MyST-NB in the Sphinx book theme). The README is the landing page; then the lessons in
order, the assignments' student versions (made by otter assign, with no solutions in
them), the benchmarks and a page per gankit module from its docstrings. Open
_site/index.html in a browser; it needs no server and no network.
"""
import argparse
import ast
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
HERE = ROOT / "website"
OUT = ROOT / "_site"

RUN_LOCALLY = (
    "*Reading this on the website? To run the lesson yourself, download the notebook "
    "(the download button at the top of the page) or the whole course, and follow the "
    "[Quick start](../index.md#quick-start): `python3 course.py` opens it in JupyterLab.*")


def lessons():
    return sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))


def modules():
    """gankit's modules that a reader uses, in alphabetical order."""
    return sorted(p.stem for p in (ROOT / "gankit").glob("*.py")
                  if not p.stem.startswith("_"))


def public_names(module):
    """(kind, name) of the functions and classes that ``gankit/module.py`` defines, in the
    order of the source (what the module's page lists; its own names, not its imports)."""
    tree = ast.parse((ROOT / "gankit" / f"{module}.py").read_text(encoding="utf-8"))
    return [("class" if isinstance(node, ast.ClassDef) else "function", node.name)
            for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))
            and not node.name.startswith("_")]


def landing_page():
    """The README, its lesson names turned into links to the lesson pages."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in lessons():
        text = text.replace(f"`{path.name}`", f"[`{path.name}`](lessons/{path.name})")
    toc = ["", "```{toctree}", ":hidden:", ":caption: Lessons", ""]
    toc += [f"lessons/{p.stem}" for p in lessons()]
    toc += ["```", "", "```{toctree}", ":hidden:", ":caption: For instructors and engineers",
            "", "assignments/README", "assignments/student", "benchmarks/README", "api/index",
            "```", ""]
    return text + "\n".join(toc)


# matplotlib's HTML animations link Font Awesome 4 from a CDN; the theme ships its own
# Font Awesome, which draws the same buttons offline.
CDN_FONTS = re.compile(r'<link rel="stylesheet"\s+href="https://maxcdn[^"]*font-awesome[^"]*">\s*')


def lesson_page(path):
    """The saved notebook with a note on running it locally under its title."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["metadata"].pop("widgets", None)     # the widgets' state: for a live kernel only
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            html = out.get("data", {}).get("text/html")
            if html:
                out["data"]["text/html"] = CDN_FONTS.sub("", "".join(html))
    note = {"cell_type": "markdown", "metadata": {}, "source": [RUN_LOCALLY]}
    nb["cells"].insert(1, note)
    return json.dumps(nb)


def student_versions(src):
    """otter assign's student notebooks (and hand-out zips) into src/assignments/."""
    sys.path.insert(0, str(ROOT / "assignments"))
    import manage

    names = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, target in manage.assign(out=tmp, quiet=True).items():
            shutil.copy(target / "student" / f"{name}.ipynb", src / "assignments" / f"{name}.ipynb")
            shutil.copy(target / f"{name}-student.zip", src / "assignments" / f"{name}-student.zip")
            names.append(name)
    lines = ["# The assignments, student versions", "",
             "What students receive: the notebooks without solutions or hidden tests. "
             "Each page offers its notebook; the zip holds it with its public tests.", ""]
    lines += [f"- [{n}]({n}.ipynb) ({{download}}`hand-out zip <{n}-student.zip>`)"
              for n in names]
    lines += ["", "```{toctree}", ":hidden:", ""] + names + ["```", ""]
    (src / "assignments" / "student.md").write_text("\n".join(lines), encoding="utf-8")


def api_pages(src):
    (src / "api").mkdir()
    index = ["# gankit, module by module", "",
             "Each page is the module's docstrings: what each function and class does, and why.",
             "", "```{toctree}", ":maxdepth: 1", ""]
    for name in modules():
        title = f"gankit.{name}"
        lines = [title, "=" * len(title), "", f".. automodule:: gankit.{name}", "   :no-members:", ""]
        for kind, member in public_names(name):
            lines += [f".. auto{kind}:: gankit.{name}.{member}", ""]
        (src / "api" / f"{name}.rst").write_text("\n".join(lines), encoding="utf-8")
        index.append(name)
    (src / "api" / "index.md").write_text("\n".join(index + ["```", ""]), encoding="utf-8")


def build(out=OUT):
    """Write the site into ``out`` (replaced); returns the lines Sphinx warned about
    (mostly docstrings that are not quite reStructuredText)."""
    out = pathlib.Path(out)
    with tempfile.TemporaryDirectory() as tmp:
        src = pathlib.Path(tmp) / "src"
        for sub in ("lessons", "assignments", "benchmarks"):
            (src / sub).mkdir(parents=True)
        (src / "index.md").write_text(landing_page(), encoding="utf-8")
        for path in lessons():
            (src / "lessons" / path.name).write_text(lesson_page(path), encoding="utf-8")
        shutil.copy(ROOT / "assignments" / "README.md", src / "assignments" / "README.md")
        shutil.copy(ROOT / "benchmarks" / "README.md", src / "benchmarks" / "README.md")
        student_versions(src)
        api_pages(src)
        warnings = pathlib.Path(tmp) / "warnings.txt"
        # built in the temporary folder, then moved: MyST-NB leaves its working files
        # (jupyter_execute/) beside the output folder, which must not be the repository
        html = pathlib.Path(tmp) / "build" / "html"
        cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-c", str(HERE),
               "-w", str(warnings), str(src), str(html)]
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"The site did not build (sphinx exited with {done.returncode}):"
                             f"\n{done.stderr[-3000:]}")
        if out.exists():
            shutil.rmtree(out)
        shutil.move(str(html), str(out))
        return warnings.read_text(encoding="utf-8").splitlines()


def weight(out=OUT):
    """The site's size in MB and its number of pages."""
    files = [p for p in pathlib.Path(out).rglob("*") if p.is_file()]
    pages = [p for p in files if p.suffix == ".html"]
    return sum(p.stat().st_size for p in files) / 1e6, len(pages)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(OUT), help="where to write the site (default _site/)")
    parser.add_argument("--show-warnings", action="store_true",
                        help="list what Sphinx warned about (to fix a docstring's markup)")
    args = parser.parse_args(argv)
    warned = build(args.out)
    if args.show_warnings:
        print("\n".join(warned), file=sys.stderr)
    mb, pages = weight(args.out)
    index = pathlib.Path(args.out) / "index.html"
    print(f"The course's website: {pages} pages, {mb:.1f} MB, in {index.parent}"
          f" ({len(warned)} Sphinx warnings: --show-warnings lists them). "
          f"Open {index} in a browser.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
