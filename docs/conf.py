"""Sphinx configuration of the sparselearn documentation.

Build (from the repository root; nothing is fetched from the network)::

    pip install -e ".[docs]" && sphinx-build -W --keep-going -b html docs docs/_build/html

Add ``-D plot_gallery=0`` to skip running the examples (as CI does).
"""

import re
import shutil
import sys
from pathlib import Path

import sparselearn

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "sphinxext"))

project = "sparselearn"
author = "the sparselearn developers"
copyright = "the sparselearn developers, BSD-3-Clause"  # noqa: A001
version = release = sparselearn.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "sphinx_design",
    # ships MathJax 3 and copies it into _static/mathjax: math renders offline, no CDN
    "sphinx-mathjax-offline",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "gallery_src", "gallery_header.rst", "**.ipynb_checkpoints", "README.md"]
root_doc = "index"
default_role = "code"
pygments_style = "sphinx"

# -- autodoc / autosummary / numpydoc ---------------------------------------------------
autosummary_generate = True
autodoc_default_options = {"member-order": "groupwise"}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False

_SKLEARN_PLUMBING = re.compile(r"^(set_\w+_request|get_metadata_routing|set_output)$")


_SHAPE = re.compile(r"of shape \(([^)]*)\)")
_TRAILING_UNDERSCORE = re.compile(r"(?<![`\\\w])([A-Za-z]\w*?)_(?=[,)\s]|$)")


def _escape_shapes(app, what, name, obj, options, lines):
    """Escape fitted-attribute names in ``of shape (n_features_in_,)``.

    Unquoted, reST reads ``n_features_in_`` as a hyperlink reference (scikit-learn quotes it in
    backticks); this keeps the docstrings readable in the terminal and valid for Sphinx.
    """
    def escape(match):
        inner = _TRAILING_UNDERSCORE.sub(r"\1\\_", match.group(1))
        return f"of shape ({inner})"

    joined = []
    for line in lines:
        # ``{"a", "b", \`` + newline continues a parameter type (scikit-learn's habit); in a raw
        # docstring the backslash stays, so join the two lines as Python would.
        # A LaTeX row break ``\\`` at the end of a math line is not a continuation.
        last = joined[-1].rstrip() if joined else ""
        if last.endswith("\\") and not last.endswith("\\\\"):
            joined[-1] = joined[-1].rstrip()[:-1] + line.strip()
        else:
            joined.append(line)
    lines[:] = [_SHAPE.sub(escape, line) for line in joined]


def _skip_member(app, what, name, obj, skip, options):
    """Leave scikit-learn's plumbing (metadata routing, set_output) to scikit-learn's docs."""
    if _SKLEARN_PLUMBING.match(name):
        return True
    module = getattr(obj, "__module__", None) or ""
    if module.startswith("sklearn."):
        return True
    return skip


# -- sphinx-gallery -------------------------------------------------------------------------
# The gallery is built from a copy of ``examples/`` (plus the gallery header kept in docs/):
# the scripts save their figure under ``examples/`` relative to the working directory, which
# sphinx-gallery sets to the script's folder, so the copy gets an ``examples/`` subfolder.
GALLERY_SRC = DOCS / "gallery_src"


def _sync_gallery_sources():
    GALLERY_SRC.mkdir(exist_ok=True)
    (GALLERY_SRC / "examples").mkdir(exist_ok=True)
    wanted = {p.name: p for p in (ROOT / "examples").glob("*.py")}
    wanted["GALLERY_HEADER.rst"] = DOCS / "gallery_header.rst"
    for name, src in wanted.items():
        dst = GALLERY_SRC / name
        if not dst.exists() or dst.read_bytes() != src.read_bytes():
            shutil.copyfile(src, dst)  # only when changed: keeps sphinx-gallery's cache valid
    for stale in GALLERY_SRC.glob("*.py"):
        if stale.name not in wanted:
            stale.unlink()


_sync_gallery_sources()

sphinx_gallery_conf = {
    "examples_dirs": str(GALLERY_SRC),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "sg_scrapers.CapabilityOrder",
    "doc_module": ("sparselearn",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"sparselearn": None},
    "remove_config_comments": True,
    "download_all_examples": False,
    "show_memory": False,
    "min_reported_time": 1,
    # one finished figure per example, after its last block (see sphinxext/sg_scrapers.py)
    "image_scrapers": ("sg_scrapers.finished_figures_scraper",),
    "capture_repr": (),  # show what the examples print, not the repr of their last expression
    "matplotlib_animations": False,
    # the timing pages load a table library from a CDN: nothing may come from the network
    "write_computation_times": False,
}

# -- HTML -----------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"sparselearn {release}"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_show_sourcelink = False
html_copy_source = False
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
    "logo": {"text": "sparselearn"},
}
html_sidebars = {"index": [], "getting_started": [], "benchmarks": []}


def setup(app):
    app.connect("autodoc-skip-member", _skip_member)
    app.connect("autodoc-process-docstring", _escape_shapes, priority=100)  # before numpydoc
