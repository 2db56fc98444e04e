import os

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

# One BLAS thread: the test problems are small, and threaded BLAS on a busy 2-core machine
# oversubscribes (measured: some fits 10-60x slower).
threadpool_limits(1)

# Seeds the seeded tests run with; SPARSELEARN_SEEDS="0-9" widens the sweep locally.
_seed_spec = os.environ.get("SPARSELEARN_SEEDS", "0")
if "-" in _seed_spec:
    _lo, _hi = map(int, _seed_spec.split("-"))
    _SEEDS = list(range(_lo, _hi + 1))
else:
    _SEEDS = [int(s) for s in _seed_spec.split(",")]


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: minutes and gigabytes (the acceptance-size runs); "
                                       "skipped unless SPARSELEARN_SLOW=1")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("SPARSELEARN_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow: set SPARSELEARN_SLOW=1 to run it")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(params=_SEEDS)
def global_random_seed(request):
    """Seed fixture, as scikit-learn's: seeded tests must pass for any seed."""
    return request.param


@pytest.fixture
def rng(global_random_seed):
    return np.random.default_rng(global_random_seed)


@pytest.fixture(scope="module")
def client():
    """A dask.distributed client of two in-process workers with one thread each (issue 17's
    LocalCluster setting), shared by the tests of a module; it is the default scheduler while
    it exists."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                       dashboard_address=":0")
    with distributed.Client(cluster) as dask_client:
        yield dask_client
    cluster.close()


@pytest.fixture
def threads():
    """dask's threaded scheduler, even while a module's client exists."""
    dask = pytest.importorskip("dask")
    with dask.config.set(scheduler="threads"):
        yield
