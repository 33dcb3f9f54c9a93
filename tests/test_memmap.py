"""Training from embeddings on disk: a memory-mapped X is streamed, not copied into memory."""

import tracemalloc

import numpy as np
import pytest

from skfairpareto import CBAClassifier, PHNParetoClassifier
from skfairpareto._utils import is_memory_mapped


def _numpy_peak_mb(fn):
    """Peak of the memory numpy allocates (tracemalloc sees numpy's buffers) while ``fn`` runs,
    above what was allocated when it started."""
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        result = fn()
        return (tracemalloc.get_traced_memory()[1] - start) / 2**20, result
    finally:
        tracemalloc.stop()


@pytest.mark.numerics
@pytest.mark.parametrize("estimator", ["cba", "phn-ls"])
def test_a_fit_from_a_memmap_never_copies_x_and_gives_the_same_front(estimator, tmp_path, bench_script):
    """Training from disk streams X: no copy of it is ever made, and the front is the in-memory one.

    A robust stand-in for the peak-RSS comparison of benchmarks/bench_memmap.py (RSS depends on the
    machine's allocator and page cache): tracemalloc counts numpy's own buffers, so a copy of the
    147 MB X anywhere in validation, training or prediction would show up whole. (Measured: about
    25 MB at the peak, one prediction block of 8,192 rows in float64.)
    """
    bench_script("bench_memmap").write_data(tmp_path, 100_000, 384)
    y, s = np.load(tmp_path / "y.npy"), np.load(tmp_path / "groups.npy")
    x_mb = 100_000 * 384 * 4 / 2**20
    params = dict(batch_size=8192, random_state=0)
    if estimator == "cba":
        make = lambda: CBAClassifier(max_epochs=3, **params)  # noqa: E731
    else:
        make = lambda: PHNParetoClassifier(n_members=3, solver="ls", start_max_epochs=3, hnet_max_epochs=3,  # noqa: E731
                                           validation_fraction=None, **params)

    def fit_and_predict(X):
        est = make().fit(X, y, sensitive_features=s)
        return np.stack([m.decision_function(X) for m in getattr(est, "front_", [est])])

    in_memory = fit_and_predict(np.load(tmp_path / "X.npy"))  # also imports what a first fit imports
    peak_mb, from_disk = _numpy_peak_mb(lambda: fit_and_predict(np.load(tmp_path / "X.npy", mmap_mode="r")))
    assert peak_mb < 0.5 * x_mb, f"numpy held {peak_mb:.0f} MB at once for a {x_mb:.0f} MB memory-mapped X"
    assert np.array_equal(in_memory, from_disk)  # same process and thread count


def test_validation_keeps_a_memmap_on_disk_and_still_finds_nan(tmp_path):
    X = np.lib.format.open_memmap(tmp_path / "X.npy", mode="w+", dtype=np.float32, shape=(300, 4))
    X[:] = np.random.RandomState(0).normal(size=(300, 4))
    X.flush()
    y, s = (X[:, 0] > 0).astype(int), np.arange(300) % 2
    mapped = np.load(tmp_path / "X.npy", mmap_mode="r")
    clf = CBAClassifier(max_epochs=5, batch_size=64, random_state=0).fit(mapped, y, sensitive_features=s)
    assert np.array_equal(clf.predict(mapped), clf.predict(np.asarray(X)))
    from skfairpareto._validation import validate_features

    assert is_memory_mapped(validate_features(CBAClassifier(), mapped, y)[0])  # a view, not a copy
    with pytest.warns(UserWarning, match="copies the rows of the memory-mapped X"):
        PHNParetoClassifier(n_members=2, hnet_max_epochs=2, start_max_epochs=2, validation_fraction=0.2,
                            random_state=0).fit(mapped, y, sensitive_features=s)
    X[7, 2] = np.nan  # the same file: the mapped view sees it
    X.flush()
    with pytest.raises(ValueError, match="Input X contains NaN"):
        CBAClassifier(max_epochs=5).fit(mapped, y, sensitive_features=s)


def test_a_read_only_memmap_fits_and_predicts_without_a_warning(tmp_path):
    """A memory map opened read-only (``mmap_mode="r"``) is a user's normal input: fitting on it and
    predicting from it warn of nothing. Run in a fresh interpreter, since torch warns of a read-only
    array once per process and an earlier test could have spent that warning."""
    import subprocess
    import sys

    code = f"""
import warnings
import numpy as np
warnings.simplefilter("error")
from skfairpareto import CBAClassifier, PHNParetoClassifier
rng = np.random.RandomState(0)
np.save({str(tmp_path / "X.npy")!r}, rng.normal(size=(400, 6)).astype(np.float32))
X = np.load({str(tmp_path / "X.npy")!r}, mmap_mode="r")
y, s = (X[:, 0] > 0).astype(int), np.arange(400) % 2
# Mini-batches copy their rows, so the first block torch sees over the file is where a front scores its
# members on X (float32) after training; a prediction reads X in float64 blocks. torch warns once per process.
front = PHNParetoClassifier(n_members=2, hnet_max_epochs=2, start_max_epochs=2, validation_fraction=None,
                            batch_size=64, random_state=0).fit(X, y, sensitive_features=s)
clf = CBAClassifier(max_epochs=3, batch_size=64, random_state=0).fit(X, y, sensitive_features=s)
for model in (front, clf):
    model.predict(X), model.predict_proba(X), model.decision_function(X)
print("ok")
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-2000:]


def test_release_freed_heap_runs_on_glibc_and_is_a_no_op_elsewhere():
    import platform

    from skfairpareto._utils import release_freed_heap

    assert release_freed_heap() is (platform.libc_ver()[0] == "glibc")
