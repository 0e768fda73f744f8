"""Sphinx settings for the course's website (`python3 course.py site`, see build.py).

The pages are the saved notebooks, rendered without running them (MyST-NB), in the
Sphinx book theme, with MathJax served from the site itself: the site works offline."""
project = "Generative Adversarial Networks with Keras 3"
author = "the course's authors"
copyright = "the course's authors, MIT licence"

extensions = [
    "myst_nb",                  # notebooks and Markdown pages
    "sphinx.ext.autodoc",       # gankit's pages from its docstrings
    "sphinx.ext.napoleon",      # ... whose "Args:" sections are Google style
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",   # MathJax copied into the site, not fetched from a CDN
]
nb_execution_mode = "off"       # the saved outputs of the full runs are the content
# A widget's live view needs a kernel: the site shows what the widget saved beside it
# (its picture, or for a quiz the questions with their answers behind a click).
nb_mime_priority_overrides = [
    ("html", "application/vnd.jupyter.widget-view+json", None),
]
nb_ipywidgets_js = {}            # ... and so fetches no widget JavaScript from a CDN
nb_render_markdown_format = "myst"  # the figures a run prints as Markdown keep their maths
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_dmath_double_inline = True  # $$...$$ inside a paragraph, as JupyterLab renders it
myst_heading_anchors = 3
suppress_warnings = ["myst.header", "misc.highlighting_failure"]

autodoc_default_options = {"members": True, "undoc-members": True, "member-order": "bysource"}
autodoc_typehints = "none"
autodoc_inherit_docstrings = False  # Keras's own docstrings are not gankit's

html_theme = "sphinx_book_theme"
html_title = "GANs with Keras 3"
html_theme_options = {
    "use_download_button": True,    # each lesson page offers its .ipynb
    "show_toc_level": 2,
    "navigation_with_keys": False,
}
html_show_sourcelink = False
html_last_updated_fmt = None
