"""Sphinx configuration of the sparselearn documentation.

Build (from the repository root; nothing is fetched from the network)::

    pip install -e ".[docs]" && sphinx-build -W --keep-going -b html docs docs/_build/html

Add ``-D plot_gallery=0`` to skip running the examples (as CI does).
"""

import re
import time
from pathlib import Path

import sparselearn
from sphinx.util import logging
from sphinx_gallery.sorting import ExplicitOrder

logger = logging.getLogger(__name__)

DOCS = Path(__file__).resolve().parent

project = "sparselearn"
author = "the sparselearn developers"
copyright = "the sparselearn developers, BSD-3-Clause"  # noqa: A001
version = release = sparselearn.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "sphinx_design",
    # ships MathJax 3 and copies it into _static/mathjax: math renders offline, no CDN
    "sphinx-mathjax-offline",
]

templates_path = ["_templates"]

# -- intersphinx: links to numpy, scipy, scikit-learn and POT ------------------------------------
# The inventories are shipped in _inventories/ (written by _inventories/generate.py from the
# installed packages), so the build never downloads anything.
_INVENTORIES = Path(__file__).parent / "_inventories"
intersphinx_mapping = {
    "numpy": ("https://numpy.org/doc/stable/", str(_INVENTORIES / "numpy.inv")),
    "scipy": ("https://docs.scipy.org/doc/scipy/", str(_INVENTORIES / "scipy.inv")),
    "sklearn": ("https://scikit-learn.org/stable/", str(_INVENTORIES / "sklearn.inv")),
    "ot": ("https://pythonot.github.io/", str(_INVENTORIES / "ot.inv")),
}
exclude_patterns = ["_build", "**.ipynb_checkpoints", "README.md"]
root_doc = "index"
default_role = "code"
# every cross-reference must resolve (with -W an unresolved :func:/:class: fails the build)
nitpicky = True
pygments_style = "sphinx"
# the page's table of contents lists a class's methods as ``fit()``, not ``SparseRegressor.fit()``
# (the long form runs out of the narrow right sidebar)
toc_object_entries_show_parents = "hide"

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
# The gallery is built from ``examples/``, one section per capability, in the user guide's order.
# Each example saves its figures next to itself (``Path(sys.argv[0])``: sphinx-gallery sets
# ``sys.argv[0]`` to the script and defines no ``__file__``), in its ``examples/<topic>/``.
GALLERY_SECTIONS = ["linear_model", "decomposition", "bayes", "scoring", "ot", "sketching"]

sphinx_gallery_conf = {
    "examples_dirs": "../examples",  # relative to docs/, as sphinx-gallery names the sections
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "subsection_order": ExplicitOrder([f"../examples/{name}" for name in GALLERY_SECTIONS]),
    "within_subsection_order": "FileNameSortKey",
    "doc_module": ("sparselearn",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"sparselearn": None},
    "remove_config_comments": True,
    "download_all_examples": False,
    "show_memory": False,
    "min_reported_time": 1,
    "image_scrapers": ("matplotlib",),  # each figure under the block that draws it
    "capture_repr": (),  # show what the examples print, not the repr of their last expression
    "matplotlib_animations": False,
    # the timing pages load a table library from a CDN: nothing may come from the network
    "write_computation_times": False,
}


_GUIDE_PAGES = {name: name for name in GALLERY_SECTIONS}
_GUIDE_PAGES.update(penalties="linear_model", datafits="linear_model", solvers="linear_model")


def _link_user_guide(app, what, name, obj, options, lines):
    """Add "Read more in the User Guide" under the summary line of each public class and
    function of a capability (scikit-learn's habit), linking the capability's guide page."""
    parts = name.split(".")
    if what not in ("class", "function") or len(parts) != 3 or parts[1] not in _GUIDE_PAGES:
        return
    summary_end = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    lines[summary_end:summary_end] = [
        "", f"Read more in the :doc:`User Guide </user_guide/{_GUIDE_PAGES[parts[1]]}>`."]


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
# single pages of the top bar: no left sidebar (its "Section Navigation" would be empty)
html_sidebars = {page: [] for page in ["index", "installation", "getting_started", "benchmarks",
                                       "changelog", "citing", "contributing", "building_docs"]}


def _runs_examples(config):
    return str(config.plot_gallery).strip().lower() not in ("0", "false", "no", "off")


def _compile_kernels(app):
    """Compile sparselearn's Numba kernels before sphinx-gallery runs the examples.

    Numba compiles each kernel on its first call; without this step the first example to use a
    kernel would pay its compilation, and sphinx-gallery's "Total running time of the script"
    would report it. ``compile_all`` first fills the on-disk cache in worker processes (seconds
    when it is already warm), then once more in this process, which loads every kernel from that
    cache, so each example runs on loaded, compiled kernels and its total time is its own work.
    """
    if not _runs_examples(app.config):
        return
    from sparselearn._compile import cold_kernel_fraction, compile_all

    cold = cold_kernel_fraction()
    start = time.perf_counter()
    compile_all(verbose=False)
    compiled = time.perf_counter() - start
    start = time.perf_counter()
    compile_all(verbose=False, n_jobs=1)
    logger.info(f"sparselearn: kernels compiled in {compiled:.0f} s ({cold:.0%} of them were "
                f"not cached), loaded in {time.perf_counter() - start:.0f} s")


def _figures_need_the_gallery(app, config):
    """The user guide shows the gallery's figures. A build that does not run the examples
    (``-D plot_gallery=0``, as CI's) has no figure files: that is expected there, so the
    missing-image warning is silenced for such builds only (tests/test_docs.py checks that
    every figure named in the guide is one an example makes)."""
    if not _runs_examples(config):
        config.suppress_warnings = [*config.suppress_warnings, "image.not_readable"]


def setup(app):
    app.connect("config-inited", _figures_need_the_gallery)
    # before sphinx-gallery's own builder-inited handler (priority 500), which runs the examples
    app.connect("builder-inited", _compile_kernels, priority=400)
    app.connect("autodoc-skip-member", _skip_member)
    app.connect("autodoc-process-docstring", _escape_shapes, priority=100)  # before numpydoc
    app.connect("autodoc-process-docstring", _link_user_guide, priority=100)
