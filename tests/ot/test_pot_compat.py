"""POT's own tests of ``ot.sinkhorn``, ``ot.sinkhorn2`` and ``ot.da.SinkhornTransport``, run
against sparselearn's drop-ins.

POT's ``test/test_bregman.py`` and ``test/test_da.py`` ship in its source distribution only (the
wheel has no tests): a session fixture fetches the sdist of the installed POT version once,
extracts those two files into a cache directory (``~/.cache/sparselearn/pot-tests/<version>``,
or ``$SPARSELEARN_POT_TESTS``) and skips, saying why, when that is impossible (offline). Nothing
of POT's is committed here.

Each file then runs in a pytest subprocess whose conftest (written below) provides POT's
fixtures for the NumPy backend (``nx``, ``pytest.skip_backend``, ``pytest.skip_arg``) and
rebinds ``ot.sinkhorn``, ``ot.sinkhorn2``, ``ot.bregman.sinkhorn``, ``ot.bregman.sinkhorn2``
and ``ot.da.SinkhornTransport`` to sparselearn's. Every test whose calls sparselearn covers runs;
the others are deselected by the explicit lists below, each with its reason. The assertion
message names every failing test with its error.
"""

import hashlib
import importlib.metadata
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import sparselearn

_NOT_DROP_IN = "does not call a sparselearn drop-in (ot.sinkhorn, ot.sinkhorn2, SinkhornTransport)"
_GREENKHORN = "calls method='greenkhorn', which sparselearn does not implement (ValueError)"
_TF = "TensorFlow-only test (sparselearn is NumPy-only; tensorflow is not installed)"

# test name, or name[parameter id] -> reason it is not run against sparselearn
EXCLUDED_BREGMAN = {
    "test_convergence_warning[greenkhorn]": _GREENKHORN,
    "test_nan_warning": (
        "reg=0: POT divides by zero and warns; sparselearn refuses reg <= 0 with a ValueError "
        "naming reg (issue 14's clear-error rule)"
    ),
    "test_sinkhorn2_gradients": "torch-only test (torch is not installed: its body is a no-op)",
    "test_sinkhorn_empty": _GREENKHORN + " (the [] weights it checks are tested in test_sinkhorn.py)",
    "test_sinkhorn_variants": _GREENKHORN,
    "test_sinkhorn_variants_dtype_device[greenkhorn]": _GREENKHORN,
    "test_sinkhorn2_variants_device_tf": _TF,
    "test_sinkhorn_variants_log": _GREENKHORN,
    "test_implemented_methods": _GREENKHORN + " and ot.bregman.barycenter",
    "test_screenkhorn": "ot.bregman.screenkhorn, not implemented by sparselearn",
    "test_geomloss_solver": "geomloss / torch backend test (not installed), and not a drop-in",
    "test_empirical_sinkhorn_divergence_gradient": "torch-only test (torch is not installed)",
    **{
        name: _NOT_DROP_IN
        for name in (
            "test_barycenter",
            "test_free_support_sinkhorn_barycenter",
            "test_barycenter_assymetric_cost",
            "test_barycenter_debiased",
            "test_convergence_warning_barycenters",
            "test_barycenter_stabilization",
            "test_wasserstein_bary_2d",
            "test_wasserstein_bary_2d_dtype_device",
            "test_wasserstein_bary_2d_debiased",
            "test_wasserstein_bary_2d_debiased_dtype_device",
            "test_unmix",
            "test_empirical_sinkhorn",
            "test_lazy_empirical_sinkhorn",
            "test_empirical_sinkhorn_divergence",
            "test_convolutional_barycenter_non_square",
            "test_empirical_sinkhorn_warmstart",
            "test_empirical_sinkhorn_divergence_warmstart",
        )
    },
    **{
        name: _TF
        for name in ("test_wasserstein_bary_2d_device_tf", "test_wasserstein_bary_2d_debiased_device_tf")
    },
}

EXCLUDED_DA = {
    "test_class_jax_tf": "TensorFlow / JAX backend test of SinkhornLpl1Transport (not installed)",
    # test_log_da[SinkhornTransport] runs
    **{
        f"test_log_da[{cls}]": _NOT_DROP_IN
        for cls in ("EMDTransport", "SinkhornLpl1Transport", "SinkhornL1l2Transport0",
                    "SinkhornL1l2Transport1")
    },
    **{
        name: _NOT_DROP_IN
        for name in (
            "test_sinkhorn_lpl1_transport_class",
            "test_sinkhorn_l1l2_transport_class",
            "test_emd_transport_class",
            "test_semisupervised_cost_correction",
            "test_mapping_transport_class",
            "test_mapping_transport_class_specific_seed",
            "test_linear_mapping_class",
            "test_linear_gw_mapping_class",
            "test_jcpot_transport_class",
            "test_jcpot_barycenter",
            "test_emd_laplace_class",
            "test_nearest_brenier_potential",
            "test_emd_laplace",
            "test_sinkhorn_l1l2_gl_cost_vectorized",
            "test_sinkhorn_lpl1_vectorization",
        )
    },
}

# Run, and must fail exactly as stated (strict xfail, only with the exception type named).
XFAIL_DA = {
    "test_sinkhorn_transport_class": (
        "its last line expects SinkhornTransport(out_of_sample_map='unknown') to raise in the "
        "constructor; scikit-learn's check_do_not_raise_errors_in_init_or_set_params (part of "
        "check_estimator) forbids that, so sparselearn raises the ValueError in fit. Only "
        "pytest's 'DID NOT RAISE' Failed is accepted: every earlier assertion must pass"
    ),
}

# conftest.py of the subprocess: POT's fixtures for the NumPy backend, the rebinding, and the
# selection above (read from the JSON file named by SPARSELEARN_POT_SELECTION)
_CONFTEST = '''
import json
import os

import numpy as np
import pytest

import ot
import ot.da
import sparselearn.ot as slot

ot.sinkhorn = ot.bregman.sinkhorn = slot.sinkhorn
ot.sinkhorn2 = ot.bregman.sinkhorn2 = slot.sinkhorn2
ot.da.SinkhornTransport = slot.SinkhornTransport

_SELECTION = json.loads(open(os.environ["SPARSELEARN_POT_SELECTION"]).read())


def _backend_marker(name, reason=None):
    # POT's pytest.skip_backend: only the NumPy backend runs here
    return pytest.mark.skipif(name == "numpy", reason=reason or "skipped on numpy")


def _skip_arg(*args, **kwargs):
    # POT's pytest.skip_arg skips combinations involving tf / jax backends only
    return lambda function: function


pytest.skip_backend = _backend_marker
pytest.skip_arg = _skip_arg


@pytest.fixture
def nx():
    return ot.backend.NumpyBackend()


def _key(item):
    name = item.name
    return name, name.split("[")[0]


def pytest_collection_modifyitems(config, items):
    excluded = _SELECTION["excluded"]
    xfail = _SELECTION["xfail"]
    with open(_SELECTION["collected_file"], "w") as handle:
        json.dump([item.name for item in items], handle)
    kept, dropped = [], []
    for item in items:
        full, base = _key(item)
        if full in excluded or base in excluded:
            dropped.append(item)
            continue
        reason = xfail.get(full, xfail.get(base))
        if reason is not None:
            item.add_marker(
                pytest.mark.xfail(reason=reason, strict=True, raises=pytest.fail.Exception)
            )
        kept.append(item)
    config.hook.pytest_deselected(items=dropped)
    items[:] = kept


@pytest.fixture(autouse=True)
def _check_rebinding():
    assert ot.sinkhorn is slot.sinkhorn and ot.da.SinkhornTransport is slot.SinkhornTransport
'''


def _fetch_sdist(version, dest):
    """The sdist of POT ``version`` in ``dest`` (PyPI's simple index, then ``pip download``)."""
    name = f"pot-{version}.tar.gz"
    errors = []
    try:
        request = urllib.request.Request(
            "https://pypi.org/simple/pot/",
            headers={"Accept": "application/vnd.pypi.simple.v1+json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            files = json.load(response)["files"]
        entry = next(f for f in files if f["filename"] == name)
        with urllib.request.urlopen(entry["url"], timeout=60) as response:
            data = response.read()
        if hashlib.sha256(data).hexdigest() != entry["hashes"]["sha256"]:
            raise OSError("sha256 mismatch")
        (dest / name).write_bytes(data)
        return dest / name
    except Exception as exc:  # noqa: BLE001 - any failure falls back to pip
        errors.append(f"PyPI simple index: {exc!r}")
    # pip download of an sdist prepares its metadata (POT's setup needs Cython and numpy)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "download", f"pot=={version}", "--no-deps",
         "--no-binary", ":all:", "--no-build-isolation", "-d", str(dest)],
        capture_output=True, text=True, timeout=300,
    )
    if (dest / name).exists():
        return dest / name
    errors.append(f"pip download: {result.stderr.strip().splitlines()[-1:]}")
    raise OSError("; ".join(errors))


@pytest.fixture(scope="session")
def pot_test_files():
    """Directory holding POT's test_bregman.py and test_da.py for the installed version."""
    version = importlib.metadata.version("pot")
    default = Path.home() / ".cache" / "sparselearn" / "pot-tests" / version
    cache = Path(os.environ.get("SPARSELEARN_POT_TESTS", default))
    wanted = ("test_bregman.py", "test_da.py")
    if all((cache / f).exists() for f in wanted):
        return cache
    try:
        with tempfile.TemporaryDirectory() as tmp:
            archive = _fetch_sdist(version, Path(tmp))
            cache.mkdir(parents=True, exist_ok=True)
            with tarfile.open(archive) as tar:
                for member in tar.getmembers():
                    if member.isfile() and Path(member.name).parts[-2:-1] == ("test",) and (
                        Path(member.name).name in wanted
                    ):
                        data = tar.extractfile(member).read()
                        (cache / Path(member.name).name).write_bytes(data)
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"POT {version}'s test files are unavailable (offline?): {exc}")
    missing = [f for f in wanted if not (cache / f).exists()]
    if missing:
        pytest.skip(f"POT {version}'s sdist has no {missing}")
    return cache


def _run_pot_tests(source, excluded, xfail, tmp_path):
    """Run one POT test file in a pytest subprocess; return the per-test outcomes."""
    (tmp_path / "conftest.py").write_text(_CONFTEST)
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts =\n")
    (tmp_path / source.name).write_text(source.read_text())
    selection = tmp_path / "selection.json"
    collected_file = tmp_path / "collected.json"
    selection.write_text(json.dumps(
        {"excluded": excluded, "xfail": xfail, "collected_file": str(collected_file)}
    ))
    report = tmp_path / "report.xml"
    env = dict(os.environ)
    env["SPARSELEARN_POT_SELECTION"] = str(selection)
    root = str(Path(sparselearn.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join([root, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
         f"--junitxml={report}", source.name],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )
    assert report.exists(), f"POT's {source.name} did not run:\n{proc.stdout}\n{proc.stderr}"
    outcomes = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        children = {child.tag: child for child in case}
        if "failure" in children or "error" in children:
            node = children.get("failure", children.get("error"))
            outcomes[case.get("name")] = ("failed", (node.get("message") or "")[:300])
        elif "skipped" in children:
            node = children["skipped"]
            kind = "xfailed" if node.get("type") == "pytest.xfail" else "skipped"
            outcomes[case.get("name")] = (kind, node.get("message") or "")
        else:
            outcomes[case.get("name")] = ("passed", "")
    collected = json.loads(collected_file.read_text())
    return outcomes, collected, proc


@pytest.mark.parametrize(
    "file_name, excluded, xfail",
    [("test_bregman.py", EXCLUDED_BREGMAN, {}), ("test_da.py", EXCLUDED_DA, XFAIL_DA)],
    ids=["test_bregman", "test_da"],
)
def test_pot_suite_against_sparselearn(pot_test_files, file_name, excluded, xfail, tmp_path):
    outcomes, collected, proc = _run_pot_tests(pot_test_files / file_name, excluded, xfail,
                                               tmp_path)
    # every exclusion names a test POT has (no stale entries hiding a rename)
    bases = {name.split("[")[0] for name in collected}
    stale = [key for key in excluded if key not in collected and key not in bases]
    assert not stale, f"exclusions matching no test of POT's {file_name}: {stale}"
    failed = {name: msg for name, (kind, msg) in outcomes.items() if kind == "failed"}
    skipped = {name: msg for name, (kind, msg) in outcomes.items() if kind == "skipped"}
    counts = {kind: sum(k == kind for k, _ in outcomes.values())
              for kind in ("passed", "failed", "skipped", "xfailed")}
    summary = f"POT's {file_name} against sparselearn: {counts}, {len(collected)} collected"
    assert not failed, summary + "; failing:\n" + "\n".join(
        f"  {name}: {msg}" for name, msg in sorted(failed.items())
    ) + "\n" + proc.stdout[-3000:]
    # a covered test that skips tests nothing: every one must run
    assert not skipped, summary + f"; skipped: {skipped}"
    assert counts["passed"] > 0, summary
    assert counts["xfailed"] == len(xfail), summary
    print(summary)
