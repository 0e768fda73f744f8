"""gankit reads and writes no private Keras name (a Keras upgrade must not break it), and
models saved before the GAN core was rewritten still load and train."""
import ast
import os
import pathlib

import keras
import numpy as np

import gankit

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODULES = sorted((ROOT / "gankit").glob("*.py"))


def _trees():
    return {p.name: ast.parse(p.read_text(encoding="utf-8")) for p in MODULES}


def test_gankit_uses_no_private_keras_name():
    trees = _trees()
    ours = set()   # every underscore name gankit itself defines
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                ours.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                ours.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                ours.add(node.id)
    found = []
    for name, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                modules = [a.name for a in node.names] + [getattr(node, "module", "") or ""]
                found += [f"{name}: imports {m}" for m in modules if m.startswith("keras.src")]
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                    and not node.attr.startswith("__") and node.attr not in ours \
                    and node.attr != "_repr_mimebundle_":   # IPython's display protocol
                found.append(f"{name}:{node.lineno}: .{node.attr}")
    # and no private name of Keras's objects is overridden or written (v._value = None),
    # whatever the backend (the JAX trainer's names are checked here too)
    keras_objects = [keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)]),
                     keras.layers.Dense(1), keras.optimizers.Adam(), keras.callbacks.Callback(),
                     keras.Variable(1.0), keras.metrics.Mean()]
    try:
        from keras.src.backend.jax.trainer import JAXTrainer   # a test may look inside
        keras_objects.append(JAXTrainer)
    except ImportError:
        pass
    found += [f"overrides or writes Keras's {n}" for n in sorted(ours)
              if n.startswith("_") and not n.startswith("__")
              and any(hasattr(o, n) for o in keras_objects)]
    assert not found, "private names of other packages in gankit:\n" + "\n".join(found)


def test_a_model_saved_before_the_core_rewrite_loads_samples_and_trains():
    path = ROOT / "tests" / "data" / "gan_saved_before_the_core_rewrite.keras"
    gan = keras.saving.load_model(path)
    assert isinstance(gan, gankit.GAN) and gan.gp_weight == 1.0 and gan.ema == 0.9
    expected = np.load(ROOT / "tests" / "data" / "gan_saved_before_the_core_rewrite_samples.npy")
    np.testing.assert_allclose(gan.generate(8, seed=1), expected, atol=1e-5)
    steps = int(keras.ops.convert_to_numpy(gan.g_optimizer.iterations))
    gan.fit(gankit.ring8(128, seed=0), batch_size=64, epochs=1, verbose=0)
    assert int(keras.ops.convert_to_numpy(gan.g_optimizer.iterations)) == steps + 2


def test_importing_gankit_writes_nothing_to_stderr():
    """Jupyter shows whatever reaches file descriptor 2 as red text under the cell:
    TensorFlow's C++ start-up lines must not (a lesson is refused with warning spam)."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    env["KERAS_BACKEND"] = "tensorflow"
    done = subprocess.run([sys.executable, "-c", "import gankit"], capture_output=True,
                          text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", f"import gankit wrote to stderr:\n{done.stderr}"


def test_each_module_is_one_sitting_and_shares_only_public_names():
    """No module of gankit is longer than about 450 lines, no module reaches into another's
    private names (what several need is a public helper in the module of its idea), and no
    code comment carries an issue number."""
    import re

    trees = _trees()
    long = {name: len(p.read_text(encoding="utf-8").splitlines()) for name, p in
            ((p.name, p) for p in MODULES)}
    assert all(n <= 480 for n in long.values()), {k: n for k, n in long.items() if n > 480}
    modules = {p.stem for p in MODULES}
    crossing = []
    for name, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                crossing += [f"{name}: from .{node.module} import {a.name}" for a in node.names
                             if a.name.startswith("_")]
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id in modules and node.attr.startswith("_") \
                    and not node.attr.startswith("__"):
                crossing.append(f"{name}:{node.lineno}: {node.value.id}.{node.attr}")
    assert not crossing, "private names crossing modules:\n" + "\n".join(crossing)
    numbered = [f"{p.name}:{i}" for p in MODULES
                for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                if re.search(r"\bissues? ?#?\d+\b", line, re.IGNORECASE)]
    assert not numbered, numbered


def test_every_docstring_is_valid_restructuredtext():
    """The website renders gankit's docstrings with Sphinx (autodoc, napoleon for "Args:"):
    each must parse as reStructuredText without a warning, as a student reads it there."""
    import io

    import docutils.core
    from docutils import nodes
    from docutils.parsers.rst import roles
    from sphinx.ext.napoleon import Config
    from sphinx.ext.napoleon.docstring import GoogleDocstring

    for role in ("class", "func", "meth", "data", "attr", "mod", "exc", "obj"):
        roles.register_generic_role(role, nodes.literal)   # Sphinx's roles, as plain text
    config = Config(napoleon_use_param=True, napoleon_use_rtype=True)
    bad = []
    for name, tree in _trees().items():
        for node in [tree, *(n for n in ast.walk(tree) if isinstance(
                n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)))]:
            doc = ast.get_docstring(node)
            if not doc:
                continue
            warnings = io.StringIO()
            docutils.core.publish_doctree(
                str(GoogleDocstring(doc, config)),
                settings_overrides={"report_level": 2, "halt_level": 5,
                                    "warning_stream": warnings})
            if warnings.getvalue():
                where = getattr(node, "name", "the module")
                bad.append(f"{name} {where}: {warnings.getvalue().splitlines()[0]}")
    assert not bad, "docstrings that are not valid reStructuredText:\n" + "\n".join(bad)


def test_the_readme_table_gives_every_recipe_its_figures():
    """Each recipe `python -m gankit recipes` lists has a row in README.md's table of what
    the recipes give (its name in backquotes, on a table line)."""
    import gankit

    rows = [line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
            if line.startswith("| `")]
    missing = [name for name in gankit.recipes.RECIPES
               if not any(f"`{name}`" in line.split(" | ")[0] for line in rows)]
    assert not missing, f"README.md's recipe table has no row for {missing}"
