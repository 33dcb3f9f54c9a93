"""Training from embeddings on disk: a memory-mapped X is streamed, not copied into memory."""


import numpy as np
import pytest

from skfairpareto import CBAClassifier, PHNParetoClassifier
from skfairpareto._utils import is_memory_mapped


def test_a_fit_from_a_memmap_of_200k_rows_peaks_lower_and_gives_the_same_front(tmp_path, bench_script):
    bench = bench_script("bench_memmap")
    bench.write_data(tmp_path, 200_000, 384)
    rows, identical = bench.compare(tmp_path)
    assert identical
    in_memory, mapped = rows["in_memory"], rows["memmap"]
    x_mb = 200_000 * 384 * 4 / 2**20
    assert in_memory["peak_rss_mb"] - in_memory["baseline_rss_mb"] >= x_mb  # the array itself
    assert mapped["peak_rss_mb"] < in_memory["peak_rss_mb"] - 0.2 * x_mb


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
        PHNParetoClassifier(n_rays=2, max_epochs=2, start_max_epochs=2, validation_fraction=0.2,
                            random_state=0).fit(mapped, y, sensitive_features=s)
    X[7, 2] = np.nan  # the same file: the mapped view sees it
    X.flush()
    with pytest.raises(ValueError, match="Input X contains NaN"):
        CBAClassifier(max_epochs=5).fit(mapped, y, sensitive_features=s)


def test_a_fit_does_not_depend_on_where_x_starts_in_memory():
    # Arrays unpickled on a dask or joblib worker can start at any byte offset; torch's float32
    # kernels sum in another order when a row is not 16-byte aligned, so X is realigned.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(400, 5)).astype(np.float32)
    y, s = (X[:, 0] + rng.normal(size=400) > 0).astype(int), rng.randint(0, 2, 400)
    buffer = np.empty(X.nbytes + 128, dtype=np.uint8)
    fronts = []
    for offset in (0, 4, 8):  # 16-byte aligned, then not
        start = offset - buffer.ctypes.data % 64 + 64
        Z = buffer[start : start + X.nbytes].view(np.float32).reshape(X.shape)
        Z[...] = X
        assert Z.ctypes.data % 64 == offset
        fronts.append(CBAClassifier(max_epochs=5, random_state=0).fit(Z, y, sensitive_features=s).decision_function(X))
    assert np.array_equal(fronts[0], fronts[1]) and np.array_equal(fronts[0], fronts[2])
