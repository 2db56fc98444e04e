"""Write the intersphinx inventories of numpy, scipy, scikit-learn and POT shipped with the docs.

The docs build offline (CI and the developers' machines reach no documentation site), so
``intersphinx_mapping`` in ``conf.py`` reads these files instead of downloading each project's
``objects.inv``. Each inventory lists the public functions and classes of the installed package
(and the methods of its classes where the project documents them on the class page), with the
address that project's documentation gives them: ``reference/generated/<name>.html`` for numpy
and scipy, ``modules/generated/<name>.html`` for scikit-learn, ``gen_modules/<module>.html`` for
POT. Run it again after upgrading one of them::

    python docs/_inventories/generate.py
"""

import importlib
import inspect
import pkgutil
import zlib
from pathlib import Path

HERE = Path(__file__).parent

#: modules whose public functions and classes are listed, per project
MODULES = {
    "numpy": ["numpy", "numpy.linalg", "numpy.fft", "numpy.random"],
    "scipy": ["scipy.linalg", "scipy.sparse", "scipy.sparse.linalg", "scipy.optimize",
              "scipy.stats", "scipy.special", "scipy.fft", "scipy.spatial.distance"],
    "sklearn": None,  # every public subpackage
    "ot": ["ot", "ot.bregman", "ot.da", "ot.lp", "ot.utils", "ot.datasets", "ot.unbalanced",
           "ot.smooth", "ot.gromov", "ot.optim", "ot.stochastic", "ot.sliced", "ot.backend",
           "ot.mapping", "ot.partial", "ot.plot"],
}

#: numpy.random's classes live on hand-written pages, not generated ones
NUMPY_RANDOM_PAGES = {
    "numpy.random.Generator": "reference/random/generator.html",
    "numpy.random.default_rng": "reference/random/generator.html",
    "numpy.random.RandomState": "reference/random/legacy.html",
}


def public_names(module):
    """The public names ``module`` defines or re-exports."""
    names = getattr(module, "__all__", None)
    if names is None:
        names = [name for name in dir(module) if not name.startswith("_")]
    return [name for name in names if not name.startswith("_")]


def sklearn_modules():
    """Every public subpackage of scikit-learn (not tests, not private modules)."""
    import sklearn

    found = []
    for info in pkgutil.walk_packages(sklearn.__path__, "sklearn."):
        parts = info.name.split(".")
        if any(part.startswith("_") or part in ("tests", "externals", "experimental") for part in parts):
            continue
        found.append(info.name)
    return found


def address(project, module_name, full_name, obj):
    """The documentation page (relative to the project's base address) of ``full_name``."""
    if project == "numpy" and full_name in NUMPY_RANDOM_PAGES:
        return f"{NUMPY_RANDOM_PAGES[full_name]}#{full_name}"
    if project in ("numpy", "scipy"):
        return f"reference/generated/{full_name}.html#{full_name}"
    if project == "sklearn":
        return f"modules/generated/{full_name}.html#{full_name}"
    return f"gen_modules/{module_name}.html#{full_name}"


def module_address(project, module_name):
    """The documentation page of a module."""
    if project == "sklearn":
        return f"api/{module_name}.html#module-{module_name}"
    if project == "scipy":
        return f"reference/{module_name.removeprefix('scipy.')}.html#module-{module_name}"
    if project == "ot":
        return f"gen_modules/{module_name}.html#module-{module_name}"
    return None


def entries(project):
    """``(name, role, uri)`` of every listed object of ``project``."""
    modules = MODULES[project] if MODULES[project] is not None else sklearn_modules()
    seen = {}
    for module_name in modules:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        uri = module_address(project, module_name)
        if uri is not None:
            seen[module_name] = ("py:module", uri)
        for name in public_names(module):
            obj = getattr(module, name, None)
            full = f"{module_name}.{name}"
            if inspect.isclass(obj):
                role = "py:exception" if issubclass(obj, BaseException) else "py:class"
            elif callable(obj):
                role = "py:function"
            else:
                continue
            seen.setdefault(full, (role, address(project, module_name, full, obj)))
            if project == "sklearn" and role == "py:class":
                page = address(project, module_name, full, obj).split("#")[0]
                for method, _ in inspect.getmembers(obj, inspect.isfunction):
                    if not method.startswith("_"):
                        seen.setdefault(f"{full}.{method}", ("py:method", f"{page}#{full}.{method}"))
    return sorted((name, role, uri) for name, (role, uri) in seen.items())


def write(project):
    """Write ``<project>.inv`` in Sphinx's inventory format (version 2)."""
    module = importlib.import_module(project)
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n"
        f"# Version: {module.__version__}\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    body = "".join(f"{name} {role} 1 {uri} -\n" for name, role, uri in entries(project))
    path = HERE / f"{project}.inv"
    path.write_bytes(header.encode() + zlib.compress(body.encode(), 9))
    return path


if __name__ == "__main__":
    for project in MODULES:
        print(write(project))
