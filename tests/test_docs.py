"""Documentation checks: API pages cover the public names, snippets run, built HTML is sound.

The HTML checks run when ``docs/_build/html`` exists (after ``sphinx-build -b html docs
docs/_build/html``, as in README.md); otherwise they are skipped.
"""

import dataclasses
import html
import importlib
import pkgutil
import re
import warnings
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

import sparselearn

DOCS = Path(__file__).resolve().parents[1] / "docs"
HTML = DOCS / "_build" / "html"


def _public_subpackages():
    return sorted(
        name for _, name, _ in pkgutil.iter_modules(sparselearn.__path__) if not name.startswith("_")
    )


def _public_names():
    names = set()
    for sub in _public_subpackages():
        module = importlib.import_module(f"sparselearn.{sub}")
        assert hasattr(module, "__all__"), f"sparselearn.{sub} has no __all__"
        names.update(f"{sub}.{name}" for name in module.__all__)
    return names


def _api_text():
    return "\n".join(path.read_text() for path in sorted((DOCS / "api").glob("*.rst")))


def _api_entries():
    """``module.Name`` entries of the autosummary tables of docs/api/*.rst."""
    entries = set()
    for block in re.findall(r"\.\. autosummary::\n((?:[ \t]+.*\n|\n)+)", _api_text()):
        for line in block.splitlines():
            line = line.strip()
            if line and not line.startswith(":"):
                entries.add(line)
    return entries


def test_every_public_name_has_an_api_page_and_nothing_else():
    public, documented = _public_names(), _api_entries()
    assert public, "no public names found"
    missing = sorted(public - documented)
    assert not missing, f"public names without an API page (add them to docs/api/<subpackage>.rst): {missing}"
    stale = sorted(documented - public)
    assert not stale, f"docs/api lists names that are not public: {stale}"


def test_every_public_subpackage_has_an_api_section():
    text = _api_text()
    for sub in _public_subpackages():
        assert f".. automodule:: sparselearn.{sub}\n" in text, sub


def _snippets():
    text = (DOCS / "getting_started.rst").read_text()
    blocks = re.findall(r"\.\. code-block:: python\n\n((?:   .*\n|\n)+)", text)
    return ["\n".join(line[3:] for line in block.splitlines()) for block in blocks]


def test_getting_started_has_one_snippet_per_capability():
    snippets = _snippets()
    for sub in ["linear_model", "decomposition", "bayes", "scoring", "ot", "sketching"]:
        assert any(f"from sparselearn.{sub} import" in s for s in snippets), sub


@pytest.mark.parametrize("index", range(len(_snippets())))
def test_getting_started_snippet_runs(index, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a first example must not warn
        exec(compile(_snippets()[index], f"getting_started[{index}]", "exec"), {})
    assert capsys.readouterr().out.strip(), "each snippet prints its result"


# -- built HTML ------------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids, self.remote = [], set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "name" in attrs:
            self.ids.add(attrs["name"])
        for key in ("href", "src"):
            url = attrs.get(key)
            if url is None:
                continue
            scheme = urlsplit(url).scheme
            if scheme in ("http", "https") or url.startswith("//"):
                # a page may link out, but must not load a script, style, font or image from
                # the network (MathJax and the theme assets are shipped)
                if tag in ("script", "img", "iframe") or (
                    tag == "link" and attrs.get("rel") not in ("canonical",)
                ):
                    self.remote.append(url)
            elif not scheme:
                self.links.append(url)


@pytest.fixture(scope="module")
def built_pages():
    if not (HTML / "index.html").exists():
        pytest.skip("docs not built (sphinx-build -b html docs docs/_build/html)")
    pages = {}
    for path in HTML.rglob("*.html"):
        if path.relative_to(HTML).parts[0] in ("_static", "_sources", ".doctrees"):
            continue  # theme assets (template macros), not pages
        parser = _Links()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        pages[path.resolve()] = parser
    return pages


def test_built_html_has_a_page_per_public_name(built_pages):
    missing = [
        name for name in sorted(_public_names())
        if not (HTML / "api" / "generated" / f"sparselearn.{name}.html").exists()
    ]
    assert not missing, missing


def test_built_html_internal_links_resolve(built_pages):
    # a build without the gallery run (-D plot_gallery=0, as CI's) has no figure files: the
    # guide's links to them are checked by test_user_guide_shows_figures_the_gallery_makes
    gallery_ran = any((HTML / "_images").glob("sphx_glr_*_001.png"))
    broken = []
    for page, parser in built_pages.items():
        for url in parser.links:
            if not gallery_ran and "/images/sphx_glr_" in url:
                continue
            parts = urlsplit(url)
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(HTML)} -> {url}")
            elif parts.fragment and target.suffix == ".html":
                ids = built_pages[target].ids if target in built_pages else set()
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{page.relative_to(HTML)} -> {url} (no such anchor)")
    assert not broken, "\n".join(broken[:50])


def test_built_html_loads_nothing_from_the_network(built_pages):
    remote = sorted({url for parser in built_pages.values() for url in parser.remote})
    assert not remote, remote


def test_built_html_math_uses_the_shipped_mathjax(built_pages):
    page = HTML / "user_guide" / "linear_model.html"
    assert page.exists()
    assert '_static/mathjax/tex-chtml.js' in page.read_text()
    assert (HTML / "_static" / "mathjax" / "tex-chtml.js").exists()
    fonts = HTML / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2"
    assert any(fonts.glob("*.woff")), "MathJax fonts not shipped"


def test_built_html_math_keeps_latex_row_breaks(built_pages):
    """A docstring line ending in the LaTeX row break ``\\\\`` is not a line continuation: the
    piecewise formulas of MCP and SCAD keep ``\\frac`` on the next row."""
    for name in ("MCP", "SCAD"):
        page = (HTML / "api" / "generated" / f"sparselearn.penalties.{name}.html").read_text()
        assert "\\frac" in page
        assert "\\\\frac" not in page


class _ProseText(HTMLParser):
    """Text of a page outside rendered math, code and scripts."""

    SKIP_TAGS = {"script", "style", "pre", "code", "math"}

    def __init__(self):
        super().__init__()
        self.stack = []  # True for each open element whose content is skipped
        self.chunks = []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "meta", "link", "input", "hr", "wbr"):
            return  # void elements never close
        classes = (dict(attrs).get("class") or "").split()
        skipped = tag in self.SKIP_TAGS or "math" in classes or "highlight" in classes
        self.stack.append(skipped or (bool(self.stack) and self.stack[-1]))

    def handle_endtag(self, tag):
        if self.stack and tag not in ("br", "img", "meta", "link", "input", "hr", "wbr"):
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.chunks.append(data)


_LATEX_COMMAND = re.compile(
    r"\\(frac|sum|prod|mathrm|mathbf|mathcal|mathbb|operatorname|sqrt|lambda|alpha|gamma|sigma|"
    r"varepsilon|epsilon|mu|ell|cdot|left|right|langle|rangle|top|leq|geq|infty|partial|nabla|"
    r"min|max|log|exp)(?![A-Za-z])")  # not \b: ``\lambda_0`` has a word character after it


def test_built_html_has_no_latex_outside_rendered_math(built_pages):
    """A LaTeX command in the prose of a page means math that was not rendered (a ``:math:``
    role or ``.. math::`` missing, or a docstring escape lost)."""
    offenders = []
    for page in sorted(built_pages):
        relative = page.relative_to(HTML)
        if relative.parts[0] in ("_modules", "genindex.html", "search.html"):
            continue
        parser = _ProseText()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        for match in _LATEX_COMMAND.finditer(" ".join(parser.chunks)):
            offenders.append(f"{relative}: {match.group(0)}")
    assert not offenders, "\n".join(offenders[:50])



_SCRIPT_OUTPUT = re.compile(r'<div class="sphx-glr-script-out[^"]*">(.*?)</div>\s*</div>', re.S)
_WARNING_LINE = re.compile(r"^\S*:\d+: \w*Warning: .*$", re.M)


def _gallery_outputs(built_pages):
    """``(page, text)`` of every output block of the built example pages."""
    for page in sorted(built_pages):
        relative = page.relative_to(HTML)
        if relative.parts[0] != "auto_examples" or not relative.name.startswith("plot_"):
            continue
        for block in _SCRIPT_OUTPUT.findall(page.read_text(encoding="utf-8", errors="replace")):
            yield relative, html.unescape(re.sub(r"<[^>]+>", "", block))


def test_built_gallery_output_shows_no_warnings(built_pages):
    """An example run as intended prints no warning (a ConvergenceWarning from too short a
    limit, a peer's NumbaPerformanceWarning): raise the limit, or catch the one expected
    category around the call that raises it and say why in the text. Only a build that ran the
    examples has their output; CI's ``-D plot_gallery=0`` build has none to check."""
    offenders = [f"{page}: {line}" for page, text in _gallery_outputs(built_pages)
                 for line in _WARNING_LINE.findall(text)]
    assert not offenders, "\n".join(offenders)


# in printed output any backslash command or $...$ span is LaTeX meant for a figure label
_LATEX_IN_OUTPUT = re.compile(r"\\[A-Za-z]{2,}|\$[^$\n]+\$")


def test_built_gallery_output_has_no_latex(built_pages):
    """What an example prints is plain text: a ``$\\lambda_0$`` meant for a matplotlib label
    shows as LaTeX source in the output block (plot_inverse_ot printed it)."""
    offenders = [f"{page}: {match.group(0)}" for page, text in _gallery_outputs(built_pages)
                 for match in _LATEX_IN_OUTPUT.finditer(text)]
    assert not offenders, "\n".join(offenders)


def _takes_parameters(obj):
    import inspect

    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return False
    return any(name not in ("self", "cls") for name in signature.parameters)


def test_built_html_api_pages_document_their_parameters(built_pages):
    """Every public callable that takes parameters has a Parameters section on its page."""
    missing = []
    for name in sorted(_public_names()):
        sub, attr = name.split(".", 1)
        obj = getattr(importlib.import_module(f"sparselearn.{sub}"), attr)
        if not callable(obj) or not _takes_parameters(obj):
            continue
        page = (HTML / "api" / "generated" / f"sparselearn.{name}.html").read_text(
            encoding="utf-8", errors="replace")
        # a result record (a dataclass the library builds, never the user) lists its fields
        # as Attributes
        section = ">Attributes<" if dataclasses.is_dataclass(obj) else ">Parameters<"
        if section not in page:
            missing.append(name)
    assert not missing, missing


def test_public_dataclasses_document_every_field():
    """A public result record's signature (what its API page shows) lists only fields that its
    Attributes section documents: no undocumented ``name=<factory>``."""
    from numpydoc.docscrape import ClassDoc

    records = []
    for name in sorted(_public_names()):
        sub, attr = name.split(".", 1)
        obj = getattr(importlib.import_module(f"sparselearn.{sub}"), attr)
        if not (isinstance(obj, type) and dataclasses.is_dataclass(obj)):
            continue
        records.append(name)
        documented = {field.strip() for param in ClassDoc(obj)["Attributes"]
                      for field in param.name.split(",")}
        fields = {field.name for field in dataclasses.fields(obj)}
        assert fields <= documented, (name, sorted(fields - documented))
    assert "sketching.ProductSketch" in records


def test_built_html_api_pages_link_their_user_guide(built_pages):
    """Every public class and function of a capability links its user guide page."""
    unlinked = []
    for name in sorted(_public_names()):
        sub, attr = name.split(".", 1)
        if sub in ("datasets",):
            continue
        obj = getattr(importlib.import_module(f"sparselearn.{sub}"), attr)
        if not callable(obj):
            continue
        page = (HTML / "api" / "generated" / f"sparselearn.{name}.html").read_text()
        if "Read more in the" not in page or "user_guide/" not in page:
            unlinked.append(name)
    assert not unlinked, unlinked


def _inventory(project):
    from sphinx.util.inventory import InventoryFile

    with open(DOCS / "_inventories" / f"{project}.inv", "rb") as stream:
        return InventoryFile.load(stream, "", lambda base, uri: uri)


@pytest.mark.parametrize("project, name, role", [
    ("numpy", "numpy.linalg.lstsq", "py:function"),
    ("scipy", "scipy.linalg.clarkson_woodruff_transform", "py:function"),
    ("sklearn", "sklearn.linear_model.Lasso", "py:class"),
    ("sklearn", "sklearn.linear_model.Lasso.fit", "py:method"),
    ("ot", "ot.da.SinkhornTransport", "py:class"),
])
def test_shipped_inventories_list_the_peers_public_names(project, name, role):
    """The offline intersphinx inventories parse and give each name its page on the peer's site."""
    pytest.importorskip("sphinx")
    item = _inventory(project)[role][name]
    uri = getattr(item, "uri", None) or item[2]
    assert uri.split("#")[1] == name
    assert uri.split("#")[0].endswith(".html")


def test_built_html_links_out_to_the_peers_docs(built_pages):
    """Cross-references to numpy, scipy, scikit-learn and POT become links to their sites
    (with ``nitpicky`` and ``-W`` an unresolved one already fails the build)."""
    hosts = ("https://numpy.org/doc/stable/", "https://docs.scipy.org/doc/scipy/",
             "https://scikit-learn.org/stable/", "https://pythonot.github.io/")
    text = "\n".join(path.read_text(encoding="utf-8", errors="replace")
                     for path in (HTML / "user_guide").glob("*.html"))
    text += (HTML / "getting_started.html").read_text(encoding="utf-8", errors="replace")
    text += (HTML / "api" / "generated" / "sparselearn.ot.SinkhornTransport.html").read_text()
    missing = [host for host in hosts[1:] if f'class="reference external" href="{host}' not in text]
    assert not missing, missing
    assert 'href="https://scikit-learn.org/stable/modules/generated/sklearn.linear_model.Lasso.html' in text


_FIGURE = re.compile(r"^\.\. figure:: /auto_examples/(\w+)/images/sphx_glr_(\w+)_(\d{3})\.png$",
                     re.M)


def _figures_made(example):
    """How many figures an example makes (sphinx-gallery numbers them in order of creation)."""
    text = example.read_text()
    return len(re.findall(r"plt\.(?:subplots|figure)\(", text))


def test_user_guide_shows_figures_the_gallery_makes():
    """Every capability page embeds gallery figures, and each one names an example that exists
    and makes at least that many figures (a renamed example or a dropped figure fails here,
    not silently in the docs built without the gallery)."""
    examples = DOCS.parent / "examples"
    bad, bare = [], []
    for page in sorted((DOCS / "user_guide").glob("*.rst")):
        if page.stem in ("index", "scaling"):  # not a capability page
            continue
        found = _FIGURE.findall(page.read_text())
        if not found:
            bare.append(page.name)
        for topic, name, number in found:
            example = examples / topic / f"{name}.py"
            if not example.exists() or _figures_made(example) < int(number):
                bad.append(f"{page.name}: {topic}/{name} figure {number}")
    assert not bare, f"user guide pages without a figure: {bare}"
    assert not bad, bad


# -- gallery timings --------------------------------------------------------------------------


class _RecordingApp:
    """The part of a Sphinx application that ``setup`` functions use: it records ``connect``."""

    def __init__(self):
        self.handlers = []
        self.extensions = {}

    def connect(self, event, handler, priority=500):
        self.handlers.append((event, handler, priority))

    def __getattr__(self, name):  # add_config_value, add_css_file, ...: not recorded
        return lambda *args, **kwargs: None


def _load_conf():
    pytest.importorskip("sphinx_gallery")
    spec = importlib.util.spec_from_file_location("_sparselearn_docs_conf", DOCS / "conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    return conf


def test_docs_build_compiles_the_kernels_before_the_gallery_runs():
    """The gallery's reported times must be those of compiled kernels: ``docs/conf.py`` compiles
    them on ``builder-inited`` at a priority that runs before sphinx-gallery's own handler of
    that event, which executes the examples."""
    from sphinx_gallery import gen_gallery

    conf = _load_conf()
    ours, gallery = _RecordingApp(), _RecordingApp()
    conf.setup(ours)
    gen_gallery.setup(gallery)
    compile_priority = [p for e, h, p in ours.handlers
                        if e == "builder-inited" and h is conf._compile_kernels]
    run_priority = [p for e, h, p in gallery.handlers
                    if e == "builder-inited" and h is gen_gallery.generate_gallery_rst]
    assert compile_priority and run_priority
    assert compile_priority[0] < run_priority[0]


@pytest.mark.parametrize("plot_gallery, runs", [("0", False), ("False", False), ("1", True),
                                                (True, True)])
def test_docs_build_compiles_only_when_it_runs_the_examples(plot_gallery, runs, monkeypatch):
    """``-D plot_gallery=0`` (CI) compiles nothing; a gallery build fills the on-disk cache in
    worker processes, then loads every kernel into the build's own process."""
    import sparselearn._compile as compile_module

    conf = _load_conf()
    calls = []
    monkeypatch.setattr(compile_module, "compile_all",
                        lambda verbose=True, n_jobs=None: calls.append(n_jobs) or [])
    monkeypatch.setattr(compile_module, "cold_kernel_fraction", lambda: 1.0)
    app = type("App", (), {"config": type("Config", (), {"plot_gallery": plot_gallery})()})()
    conf._compile_kernels(app)
    assert calls == ([None, 1] if runs else [])
