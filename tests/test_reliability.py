"""Reliability across every public estimator: bad input, divergence, persistence, caches.

One table per concern, parametrised over the estimators (``make_estimator`` in conftest), so a
new estimator or a new failure mode is one row.
"""

import pickle
import warnings
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import numpy as np
import pytest
import torch
from sklearn.exceptions import NotFittedError
from skorch import NeuralNet

from skfairpareto import ErrorRateParity, load_member, save_member
from skfairpareto.exceptions import TrainingDivergedError

ALL = ["cba", "suhnpf", "phn-epo", "phn-ls", "fapareto"]
FRONT = ALL[1:]


@pytest.fixture(scope="module")
def data(front_data):
    return front_data


@pytest.fixture(scope="module", params=ALL)
def fitted(request, data, make_estimator):
    X, y, s = data
    return request.param, make_estimator(request.param).fit(X, y, sensitive_features=s)


# -- bad input: one table, every estimator ------------------------------------------------------

def _bad(case, X, y, s):
    """(X, y, sensitive_features, extra params) for one bad-input case."""
    X, y = X.copy(), y.copy()
    if case == "missing sensitive_features":
        return X, y, None, {}
    if case == "sensitive_features too short":
        return X, y, s[:-1], {}
    if case == "one group":
        return X, y, np.full(len(s), "A"), {}
    if case == "sensitive_features with NaN":
        return X, y, np.where(np.arange(len(s)) == 3, np.nan, s.astype(object)), {}
    if case == "NaN in X":
        X[5, 1] = np.nan
    elif case == "inf in X":
        X[5, 1] = -np.inf
    elif case == "empty X":
        return X[:0], y[:0], s[:0], {}
    elif case == "1-d X":
        X = X[:, 0]
    elif case == "one class":
        y[:] = 1
    elif case == "continuous y":
        y = np.linspace(0.0, 1.0, len(y))
    elif case == "single-label group, class_balanced":
        return X, (s == "A").astype(int), s, {"constraints": ErrorRateParity(class_balanced=True)}
    elif case == "no positives in a group, TPR parity":
        return X, np.where(s == "A", 0, y), s, {"constraints": "true_positive_rate_parity"}
    elif case == "unknown constraints":
        return X, y, s, {"constraints": "fairness_through_vibes"}
    elif case == "unknown gap_loss":
        return X, y, s, {"constraints": ErrorRateParity(gap_loss="hinge")}
    elif case == "unknown device":
        return X, y, s, {"device": "tpu9"}
    return X, y, s, {}


BAD_INPUT = {
    "missing sensitive_features": "sensitive_features is required",
    "sensitive_features too short": "has 599 rows but X has 600",
    "one group": "single group",
    "sensitive_features with NaN": "missing values",
    "NaN in X": "NaN",
    "inf in X": "infinity",
    "empty X": "0 sample",
    "1-d X": "Expected 2D array",
    "one class": "single class",
    "continuous y": "Unknown label type: 'continuous'",
    "single-label group, class_balanced": "single label value",
    "no positives in a group, TPR parity":
        "constraints='true_positive_rate_parity' compares the groups' true positive rate, but group\\(s\\) 'A' "
        "\\(no positives\\)",
    "unknown constraints": "'constraints' parameter of .* Got 'fairness_through_vibes' instead",
    "unknown gap_loss": "'gap_loss' parameter of ErrorRateParity must be a str among",
    "unknown device": "device must be 'auto', 'cpu', 'cuda'",
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
@pytest.mark.parametrize("name", ALL)
def test_bad_input_is_a_clear_value_error(name, case, data, make_estimator):
    X, y, s, params = _bad(case, *data)
    with pytest.raises(ValueError, match=BAD_INPUT[case]):
        make_estimator(name, **params).fit(X, y, sensitive_features=s)


def _param(name, est):
    return f"The '{name}' parameter of {est} must be"


BAD_OPTIONS = [
    ("cba", {"alpha": 1.5}, _param("alpha", "CBAClassifier") + r" a float in the range \[0.0, 1.0\]. Got 1.5"),
    ("cba", {"alpha": "high"}, _param("alpha", "CBAClassifier")),
    ("cba", {"lr": -1}, _param("lr", "CBAClassifier")),
    ("cba", {"batch_size": 0}, _param("batch_size", "CBAClassifier")),
    ("cba", {"warm_start": "yes"}, _param("warm_start", "CBAClassifier")),
    ("cba", {"normalize_objectives": 3}, _param("normalize_objectives", "CBAClassifier")),
    ("cba", {"hidden_layer_sizes": (8, 0)}, "hidden_layer_sizes entries must be a positive integer, got 0"),
    ("suhnpf", {"selection": "median"}, _param("selection", "SUHNPFParetoClassifier")),
    ("suhnpf", {"fairness_metric": "parity_of_vibes"}, "unknown fairness_metric 'parity_of_vibes'"),
    ("suhnpf", {"tol": 0.0}, _param("tol", "SUHNPFParetoClassifier")),
    ("suhnpf", {"n_members": 0}, _param("n_members", "SUHNPFParetoClassifier")),
    ("suhnpf", {"n_points": 0}, _param("n_points", "SUHNPFParetoClassifier")),
    ("suhnpf", {"reference_point": (1.0, -1.0)}, r"reference_point must be positive numbers, one per objective"),
    ("suhnpf", {"max_gap": -1.0}, _param("max_gap", "SUHNPFParetoClassifier")),
    ("suhnpf", {"keep_uncertified": "no"}, _param("keep_uncertified", "SUHNPFParetoClassifier")),
    ("phn-epo", {"solver": "mgda"}, _param("solver", "PHNParetoClassifier")),
    ("phn-epo", {"concentration": 0}, _param("concentration", "PHNParetoClassifier")),
    ("phn-epo", {"hnet_hidden_layer_sizes": (0,)}, "hnet_hidden_layer_sizes entries must be a positive integer"),
    ("phn-epo", {"selection": {"max_unfair": 0.1}},
     r"selection dict bounds objectives by name.*got the key\(s\) \['max_unfair'\]"),
    ("phn-epo", {"selection": {"max_gap": -0.1}}, r"selection\['max_gap'\] must be a number in \[0.0, inf\]"),
    ("fapareto", {"merge": "slerp"}, _param("merge", "FaParetoEnsemble")),
    ("fapareto", {"population_size": 1}, _param("population_size", "FaParetoEnsemble")),
    ("fapareto", {"mutation_rate": 1.5}, _param("mutation_rate", "FaParetoEnsemble")),
    ("fapareto", {"validation_fraction": 1.0}, _param("validation_fraction", "FaParetoEnsemble")),
]


@pytest.mark.parametrize("name, old, new, value", [
    ("suhnpf", "n_points", "n_members", 3), ("suhnpf", "lr", "start_lr", 0.1),
    ("suhnpf", "max_epochs", "start_max_epochs", 20), ("phn-epo", "n_rays", "n_members", 3),
])
def test_renamed_parameters_still_work_with_a_future_warning(name, old, new, value, data, make_estimator):
    X, y, s = data
    with pytest.warns(FutureWarning, match=f"{old}=...\\) was renamed {new}"):
        est = make_estimator(name, **{old: value}).fit(X, y, sensitive_features=s)
    same = make_estimator(name, **{new: value}).fit(X, y, sensitive_features=s)
    assert len(est.front_) == len(same.front_)
    for a, b in zip(est.front_, same.front_):
        assert np.array_equal(a.decision_function(X), b.decision_function(X))


def test_the_old_selection_bound_name_still_works_with_a_future_warning(data, make_estimator):
    X, y, s = data
    est = make_estimator("phn-ls").fit(X, y, sensitive_features=s)
    with pytest.warns(FutureWarning, match="max_unfairness.*renamed.*max_gap"):
        old = est.select({"max_unfairness": 0.05})
    assert old is est.select({"max_gap": 0.05})


@pytest.mark.parametrize("name, params, match", BAD_OPTIONS)
def test_bad_options_fail_before_any_data_work(name, params, match, make_estimator):
    # No data at all: an option error must come first, before validation, embedding or training.
    with pytest.raises(ValueError, match=match):
        make_estimator(name, **params).fit(None, None, sensitive_features=None)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the CPU-only message")
def test_cuda_on_a_cpu_only_machine_is_named(data, make_estimator):
    X, y, s = data
    with pytest.raises(ValueError, match="torch sees no CUDA device"):
        make_estimator("cba", device="cuda").fit(X, y, sensitive_features=s)


@pytest.mark.parametrize("method", ["predict", "predict_proba", "decision_function"])
@pytest.mark.parametrize("name", ALL)
def test_predict_before_fit_is_not_fitted_error(name, method, data, make_estimator):
    with pytest.raises(NotFittedError):
        getattr(make_estimator(name), method)(data[0])


@pytest.mark.parametrize("call", ["plot_front", "score_front", "select", "member_at", "selected_"])
def test_front_access_before_fit(call, data, make_estimator):
    X, y, s = data
    est = make_estimator("phn-epo")
    with pytest.raises(NotFittedError, match="PHNParetoClassifier instance is not fitted"):
        if call == "plot_front":
            est.plot_front()
        elif call == "score_front":
            est.score_front(X, y, sensitive_features=s)
        elif call == "select":
            est.select("knee")
        elif call == "member_at":
            est.member_at(0.5)
        else:
            est.selected_  # noqa: B018 - the property raises


def test_fitted_attributes_do_not_exist_before_fit(make_estimator):
    # scikit-learn's convention: learned state is absent (AttributeError naming it) until fit.
    est = make_estimator("phn-epo")
    for attribute in ("front_", "front_results_", "hypervolume_", "classes_"):
        with pytest.raises(AttributeError, match=attribute):
            getattr(est, attribute)


@pytest.mark.parametrize("name", ALL)
def test_single_label_group_warns_and_fits(name, data, make_estimator):
    X, y, s = data
    y = np.where(s == "A", 1, y)  # group A is all positive
    with pytest.warns(UserWarning, match="group\\(s\\) 'A' \\(all 1\\) have a single label value"):
        est = make_estimator(name).fit(X, y, sensitive_features=s)
    assert set(est.predict(X)) <= {0, 1}


@pytest.mark.parametrize("name", ALL)
def test_diverging_training_stops_with_a_clear_error(name, data, make_estimator):
    X, y, s = data
    with pytest.raises(TrainingDivergedError, match="diverged"):
        rate = {"cba": "lr", "suhnpf": "start_lr", "fapareto": "finetune_lr"}.get(name, "hnet_lr")
        make_estimator(name, **{rate: 1e30}).fit(X, y, sensitive_features=s)


# -- persistence ----------------------------------------------------------------------------------

def _members(est):
    return getattr(est, "front_", [est])


def _held(obj, path="est", seen=None):
    """``(path, object)`` of every skorch net, torch tensor and torch module an estimator holds.

    The walk stops at those three (a net's own tensors are its business) and descends into
    dicts, lists, tuples and this package's objects (members, solver results).
    """
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return []
    seen.add(id(obj))
    if isinstance(obj, (NeuralNet, torch.Tensor, torch.nn.Module)):
        return [(path, obj)]
    if isinstance(obj, dict):
        items = obj.items()
    elif isinstance(obj, (list, tuple)):
        items = enumerate(obj)
    elif type(obj).__module__.startswith("skfairpareto") and hasattr(obj, "__dict__"):
        items = vars(obj).items()
    else:
        return []
    return [found for k, v in items for found in _held(v, f"{path}.{k}", seen)]


def test_fitted_state_outside_skorch_holds_no_tensors(fitted):
    """skorch nets pickle their tensors through ``torch.save`` and load them with a CPU
    ``map_location`` where CUDA is missing; a CUDA tensor held anywhere else would not load."""
    _, est = fitted
    assert [path for path, obj in _held(est) if not isinstance(obj, NeuralNet)] == []


@pytest.mark.skipif(torch.cuda.is_available(), reason="simulates a CPU-only machine")
def test_a_gpu_fitted_pickle_loads_and_predicts_on_cpu(fitted, data):
    """What a GPU fit pickles is skorch nets whose ``device`` is CUDA; unpickled here (no CUDA),
    skorch maps them to CPU with a DeviceWarning, and members, predictions and new rays work."""
    name, est = fitted
    X = data[0]
    expected = [m.predict_proba(X) for m in _members(est)]
    nets = [obj for _, obj in _held(est) if isinstance(obj, NeuralNet)]
    for net in nets:
        net.device = "cuda"
    try:
        blob = pickle.dumps(est)
    finally:
        for net in nets:
            net.device = "cpu"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loaded = pickle.loads(blob)
    assert any("no CUDA devices" in str(w.message) for w in caught)
    assert all(str(obj.device) == "cpu" for _, obj in _held(loaded) if isinstance(obj, NeuralNet))
    for member, probs in zip(_members(loaded), expected):
        assert np.array_equal(member.predict_proba(X), probs)
    if name.startswith("phn"):
        assert loaded.member_at(0.3).predict(X).shape == (len(X),)


def test_safe_export_round_trip_is_bit_identical(fitted, data, tmp_path):
    name, est = fitted
    X = data[0]
    for i, member in enumerate(_members(est)):
        path = save_member(member, tmp_path / f"{name}-{i}.safetensors")
        assert path.read_bytes()[8:9] == b"{"  # a safetensors header, not a pickle
        loaded = load_member(path)
        assert np.array_equal(loaded.predict_proba(X), member.predict_proba(X))
        assert np.array_equal(loaded.classes_, member.classes_) and loaded.alpha == member.alpha


def test_safe_export_with_string_labels_and_custom_heads(data, tmp_path, make_estimator):
    from skfairpareto.heads import MLPHead

    class Head(MLPHead):
        pass

    X, y, s = data
    labels = np.where(y == 1, "toxic", "ok")
    member = make_estimator("cba", module=Head).fit(X, labels, sensitive_features=s)
    path = save_member(member, tmp_path / "custom.safetensors")
    with pytest.raises(ValueError, match="custom head .*Head.*pass module="):
        load_member(path)
    loaded = load_member(path, module=Head)
    assert list(loaded.classes_) == ["ok", "toxic"]
    assert np.array_equal(loaded.predict(X), member.predict(X))


@pytest.mark.parametrize("damage", ["truncate", "flip header", "not ours"])
def test_damaged_export_is_a_clear_error(damage, data, tmp_path, make_estimator):
    X, y, s = data
    path = save_member(make_estimator("cba").fit(X, y, sensitive_features=s), tmp_path / "m.safetensors")
    blob = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(blob[: len(blob) // 2])
    elif damage == "flip header":
        path.write_bytes(blob[:20] + b"#" + blob[21:])
    else:
        from safetensors.torch import save_file

        save_file({"w": torch.zeros(2)}, str(path))
    with pytest.raises(ValueError, match="not a skfairpareto member file"):
        load_member(path)


def test_save_member_rejects_unfitted_or_foreign_objects(make_estimator, tmp_path):
    with pytest.raises(NotFittedError):
        save_member(make_estimator("cba"), tmp_path / "m.safetensors")
    with pytest.raises(TypeError, match="CBAClassifier"):
        save_member(make_estimator("suhnpf"), tmp_path / "m.safetensors")


# -- caches ---------------------------------------------------------------------------------------

def _write_shards(args):
    from skfairpareto.embedding import EmbeddingCache

    folder, worker = args
    cache = EmbeddingCache(folder)
    rng = np.random.RandomState(worker)
    for i in range(30):
        # Every worker writes the shared keys 0..49 (same rows) and 5 of its own.
        own = np.arange(1000 * (worker + 1) + 5 * i, 1000 * (worker + 1) + 5 * i + 5)
        ids = np.concatenate([np.arange(50), own])
        keys = np.zeros((len(ids), 16), np.uint8)
        keys[:, :8] = ids.astype("<u8").view(np.uint8).reshape(-1, 8)
        cache.save(keys, np.repeat(ids[:, None], 384, 1).astype(np.float32) + rng.rand() * 0)
        cache.load()  # concurrent reads while others write
    return worker


def test_concurrent_cache_writers_do_not_corrupt_it(tmp_path):
    from skfairpareto.embedding import EmbeddingCache

    with ProcessPoolExecutor(4, mp_context=get_context("spawn")) as pool:
        done = sorted(pool.map(_write_shards, [(str(tmp_path), w) for w in range(4)]))
    assert done == [0, 1, 2, 3]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a corrupt shard would warn
        table = EmbeddingCache(tmp_path).load()
    assert len(table) == 50 + 4 * 30 * 5
    for key, row in table.items():
        ident = np.frombuffer(key[:8], "<u8")[0]
        assert np.all(row == ident)
    assert not list(tmp_path.glob("*.tmp"))
