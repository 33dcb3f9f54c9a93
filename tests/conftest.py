import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest


@pytest.fixture
def biased_data():
    """Small synthetic problem whose best classifier is less accurate on group 1."""
    rng = np.random.RandomState(0)
    n = 400
    X = rng.normal(size=(n, 5)).astype(np.float32)
    s = rng.randint(0, 2, n)
    noise = rng.normal(scale=0.3 + 0.9 * s, size=n)
    y = (X[:, 0] + 0.5 * X[:, 1] + noise > 0).astype(int)
    return X, y, np.where(s == 1, "B", "A")


ROOT = Path(__file__).resolve().parents[1]


def load_script(path):
    """A script of the repository (benchmarks/, tests/data/) imported as a module."""
    spec = importlib.util.spec_from_file_location(Path(path).stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # as importlib's recipe does: dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def make_front_data(seed=0, n=600):
    """``n`` samples, groups "A"/"B" with different label noise: the front estimators' test problem."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 5)).astype(np.float32)
    s = rng.randint(0, 2, n)
    y = (X[:, 0] + 0.5 * X[:, 1] + rng.normal(scale=0.3 + 0.9 * s) > 0).astype(int)
    return X, y, np.where(s == 1, "B", "A")


@pytest.fixture(scope="session")
def bench_script():
    """``bench_script("bench_seeds")``: benchmarks/bench_seeds.py as a module."""
    return lambda name: load_script(ROOT / "benchmarks" / f"{name}.py")


@pytest.fixture(scope="session")
def make_data():
    """``make_data(seed, n)``: :func:`make_front_data` for tests that need several problems."""
    return make_front_data


@pytest.fixture(scope="module")
def front_data():
    """600 samples, groups "A"/"B" with different noise: the front estimators' test problem."""
    return make_front_data()


@pytest.fixture(scope="session")
def make_estimator():
    """Fast-to-fit instances of every public estimator by name (front ones and CBA)."""
    from skfairpareto import CBAClassifier, FaParetoEnsemble, PHNParetoClassifier, SUHNPFParetoClassifier

    defaults = {
        "cba": (CBAClassifier, dict(alpha=0.5, max_epochs=40)),
        "suhnpf": (SUHNPFParetoClassifier, dict(n_members=4, start_max_epochs=60)),
        "phn-epo": (PHNParetoClassifier, dict(n_members=4, hnet_max_epochs=30, start_max_epochs=60)),
        "phn-ls": (PHNParetoClassifier, dict(n_members=4, solver="ls", hnet_max_epochs=30, start_max_epochs=60)),
        # validation_fraction=0.2: the held-out path, which "auto" takes only on data too few for the
        # head (these 600 rows have enough for its few weights; tests/test_fapareto.py covers "auto").
        "fapareto": (FaParetoEnsemble, dict(population_size=4, n_generations=2, finetune_epochs=5,
                                            start_max_epochs=60, validation_fraction=0.2)),
    }

    def make(name, **params):
        cls, fast = defaults[name]
        return cls(**{**fast, "random_state": 0, **params})

    return make
