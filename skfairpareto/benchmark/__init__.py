"""The main job: every front estimator against fairlearn's mitigators on one split.

:func:`run_benchmark` runs it in three parts, each in its own module:

1. data (``_data.py``): :func:`prepare_split` loads the texts, makes a seeded 80/20 split
   stratified by group and label and builds the features (cached) that every method gets;
2. methods (``_methods.py``): our estimators and fairlearn's ``ExponentiatedGradient``,
   ``GridSearch`` (both with the matching constraint over logistic regression),
   ``ThresholdOptimizer`` and ``AdversarialFairnessClassifier``;
3. report (``_report.py``): every model (front member, grid point, bound) scored on the test
   split, the summary, ``results.json``, ``results.md``, ``fronts.png``,
   ``model_comparison.png`` (fairlearn's ``plot_model_comparison``) and ``dashboard.html``
   (:class:`~skfairpareto.dashboard.FairnessDashboard`: every member and every fairlearn model).

The command line ``skfairpareto benchmark`` calls it; the scripts under ``benchmarks/`` use
:func:`prepare_split` so that they measure on the same data.
"""

from __future__ import annotations

import json
import time
from numbers import Integral, Real
from pathlib import Path

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from .._utils import atomic_write
from ._data import BenchmarkSplit, load_table, prepare_split
from ._methods import (
    AWARE,
    GROUP_AWARE_PEERS,
    METHODS,
    MULTICLASS_PEERS,
    OUR_METHODS,
    PEER_METHODS,
    fairlearn_moment,
    fit_multiclass_peer,
    fit_ours,
    fit_peer,
    is_group_aware,
    label,
    method_runs,
    peer_criteria,
    settings,
)
from ._report import (
    SUMMARY_COUNTS, dashboard, majority_error, markdown, plots, score_predictions, summarize, table3,
)

__all__ = [
    "AWARE", "BenchmarkSplit", "DEFAULT_METHODS", "GROUP_AWARE_PEERS", "METHODS", "MULTICLASS_PEERS", "OUR_METHODS", "PEER_METHODS", "REFERENCE_POINT",
    "REFERENCE_POINTS", "REFERENCE_POINTS_MULTICLASS", "check_benchmark_options", "is_group_aware", "label", "load_table", "peer_criteria",
    "prepare_split", "run_benchmark", "score_predictions",
]

#: Hypervolume reference point (error, gap) per criterion on the bundled data: a little worse than
#: the accuracy-optimal logistic regression's gap (0.06 accuracy gap, 0.04 TPR gap, 0.45 FPR and
#: equalized-odds gap, 0.20 selection-rate gap on the seed-0 split) and an error that spans the
#: criterion's fair end (demographic parity costs about 10 points of accuracy at parity). Our
#: estimators get it as ``reference_point``, so their ``hypervolume_`` is measured alike.
REFERENCE_POINTS = {
    "error_rate_parity": (0.15, 0.10),
    "true_positive_rate_parity": (0.15, 0.05),
    "false_positive_rate_parity": (0.15, 0.50),
    "equalized_odds": (0.15, 0.50),
    "demographic_parity": (0.25, 0.25),
}
REFERENCE_POINT = REFERENCE_POINTS["error_rate_parity"]
#: The same for three classes (hate, offensive, neither), a little worse than multinomial logistic
#: regression's gaps on the seed-0 split (docs/multiclass.md).
REFERENCE_POINTS_MULTICLASS = {
    "error_rate_parity": (0.20, 0.10),
    "true_positive_rate_parity": (0.20, 0.50),
    "false_positive_rate_parity": (0.20, 0.60),
    "equalized_odds": (0.20, 0.60),
    "demographic_parity": (0.30, 0.35),
}
#: Methods of a run without ``methods``: ours and the peers that train for the target.
DEFAULT_METHODS = {"binary": OUR_METHODS + PEER_METHODS, "multiclass": OUR_METHODS + ("multinomial", "expgrad-ovr")}

# The options' declared constraints (scikit-learn's parameter tables, for a function); the
# criterion is checked by resolve_criterion, the method names below.
_OPTIONS = {
    "methods": [list, tuple, None],
    "target": [StrOptions({"binary", "multiclass"})],
    "n_samples": [Interval(Integral, 20, None, closed="left"), None],
    "aae_threshold": [Interval(Real, 0, 1, closed="right")],
    "gap_loss": [StrOptions({"expected_error", "bce"})],
    "reference_point": ["array-like", None],
    "features": [StrOptions({"hybrid", "minilm", "lexical"})],
    "backend": [StrOptions({"auto", "torch", "onnx-int8", "static"})],
    "validation_fraction": [Interval(Real, 0, 1, closed="neither"), None],
}


@validate_params(_OPTIONS, prefer_skip_nested_validation=True)
def check_benchmark_options(*, methods=None, target="binary", n_samples=None, aae_threshold=0.5,
                            constraints="error_rate_parity", gap_loss="expected_error", reference_point=None,
                            features="hybrid", backend="auto", validation_fraction=None):
    """Check :func:`run_benchmark`'s options before any work; returns the criteria (a list, one per
    fairness objective), the reference point and the methods.

    Raises a ``ValueError`` naming the first bad option (the command line turns it into a usage
    error), before any data is loaded.
    """
    from ..criteria import resolve_objectives

    methods = DEFAULT_METHODS[target] if methods is None else tuple(methods)
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise ValueError(f"unknown method(s) {unknown}; choose from {list(METHODS)}")
    wrong = [m for m in methods if m in (MULTICLASS_PEERS if target == "binary" else PEER_METHODS)]
    if wrong:
        raise ValueError(f"method(s) {wrong} do not train for target={target!r}; its peers are "
                         f"{list(PEER_METHODS if target == 'binary' else MULTICLASS_PEERS)}")
    criteria = resolve_objectives(constraints)
    if gap_loss != "expected_error":
        erp = [c for c in criteria if c.name == "error_rate_parity"]
        if not erp:
            raise ValueError(f"gap_loss applies to error_rate_parity only, not to constraints="
                             f"{[c.name for c in criteria] if len(criteria) > 1 else criteria[0].name!r}")
        erp[0].set_params(gap_loss=gap_loss)
    if any(m in PEER_METHODS or m == "expgrad-ovr" for m in methods):
        for criterion in criteria:  # a user criterion has no fairlearn counterpart: say so now
            fairlearn_moment(criterion)
    if reference_point is None:
        points = REFERENCE_POINTS if target == "binary" else REFERENCE_POINTS_MULTICLASS
        missing = [type(c).__name__ for c in criteria if c.name not in points]
        if missing:
            raise ValueError(f"pass reference_point=(error, gap, ...) for the criterion {missing[0]}")
        # Several criteria: the largest of their errors (the fair ends cost the most), and each gap.
        reference_point = (max(points[c.name][0] for c in criteria), *(points[c.name][1] for c in criteria))
    size = len(criteria) + 1
    if np.shape(reference_point) != (size,) or not np.all(np.asarray(reference_point, float) > 0):
        raise ValueError(f"reference_point must be {size} positive numbers (error, then one gap per criterion), "
                         f"got {reference_point!r}")
    return criteria, tuple(float(v) for v in reference_point), methods


def run_benchmark(*, methods=None, target="binary", quick=False, n_samples=None, seed=0, aae_threshold=0.5, data=None,
                  text_column="text", label_column="label", group_column="group", constraints="error_rate_parity",
                  gap_loss="expected_error", reference_point=None, features="hybrid", backend="auto",
                  group_aware=False, validation_fraction=None, device="auto", cache_dir=None,
                  output_dir="skfairpareto-output", verbose=1):
    """Run the benchmark and return its results (also written to ``output_dir``).

    Parameters
    ----------
    methods : sequence of str or None
        Any of ``METHODS``: ours (``cba``, ``suhnpf``, ``phn-ls``, ``phn-epo``, ``fapareto``) and,
        for two classes, fairlearn's (``expgrad``, ``gridsearch``, ``threshold``,
        ``adversarial``), for K classes ``MULTICLASS_PEERS``; ``None``: :data:`DEFAULT_METHODS`.
    target : {"binary", "multiclass"}
        The bundled tweets' two classes or three (hate, offensive, neither); for the user's data,
        whether more than two labels are allowed.
    quick : bool
        Smaller settings and, unless ``n_samples`` says otherwise, a 2,000-text subsample.
    n_samples : int or None
        Stratified subsample of the data.
    seed : int
        Seeds the subsample, the split and every method.
    aae_threshold : float
        Dialect threshold of the bundled data (ignored with ``data``).
    data : path or None
        CSV/TSV of the user's own data with ``text_column``, ``label_column`` (binary) and
        ``group_column``; default the bundled hate-speech tweets.
    text_column, label_column, group_column : str
        The columns of ``data``.
    constraints : str or list of str
        The fairness criterion, as fairlearn names it (:data:`skfairpareto.criteria.CRITERIA`):
        our fronts train for it, ``ExponentiatedGradient`` and ``GridSearch`` use the matching
        fairlearn constraint, ``ThresholdOptimizer`` the matching ``constraints`` string
        (equalized odds for ``error_rate_parity``, which it lacks), and every model is scored
        by its fairlearn metric. A list of criteria gives fronts over the error and one gap per
        criterion (``constraints=[...]`` of the estimators); fairlearn trains for one criterion at
        a time, so each of its methods is the union of its models for each criterion, and for
        equalized odds where true- and false-positive-rate parity are both listed
        (:func:`peer_criteria`). Rows then hold every
        criterion's gap (``gaps``) and their sum (``gap``).
    gap_loss : {"expected_error", "bce"}
        Surrogate of ``error_rate_parity`` (:class:`skfairpareto.criteria.ErrorRateParity`):
        ``"bce"`` is the seed paper's loss gap. Other criteria take only the default.
    reference_point : sequence of float or None
        Hypervolume reference point (error, then one gap per criterion); default
        :data:`REFERENCE_POINTS` of the criterion (several: the largest of their errors and
        each one's gap).
    features : {"hybrid", "minilm", "lexical"}
        What every method (ours and fairlearn's) is trained on
        (:class:`~skfairpareto.features.TextFeatures`, fitted on the training split only):
        sentence embeddings beside the SVD of TF-IDF n-grams (the default: it won the
        five-seed comparison of docs/features.md), the embeddings alone, or the n-grams alone.
    backend : {"auto", "torch", "onnx-int8", "static"}
        Inference backend of the sentence embeddings (:class:`~skfairpareto.SentenceEmbedder`).
    group_aware : bool
        Also fit each of our methods with ``group_aware=True`` (rows ``<method>-aware``). They
        use the group at prediction time, so they are reported apart, beside
        ``ThresholdOptimizer``, their fair peer, and drawn in a panel of their own.
    validation_fraction : float or None
        Passed to the front estimators. ``None`` (default) trains them on the whole training
        split, the data fairlearn's mitigators get; a fraction holds that share out to select
        the deployed member, as the estimators do by default (the benchmark scores every member
        on the test split, so selection does not enter its figures).
    device : str
        Torch device of the embeddings and our heads.
    cache_dir : path-like or None
        Embedding and feature cache (default ``$SKFAIRPARETO_CACHE`` or ``~/.cache/skfairpareto``).
    output_dir : path-like
        Where the results and plots go.
    verbose : int
        Progress output.

    Returns
    -------
    dict
        ``rows`` (one per model on the test split), ``summary`` (per method), ``table3`` (our
        methods at alpha 1, 0.5, 0) and the run's configuration.
    """
    import matplotlib

    matplotlib.use("Agg")
    from tqdm.auto import tqdm

    criteria, reference_point, methods = check_benchmark_options(
        methods=methods, target=target, n_samples=n_samples, aae_threshold=aae_threshold, constraints=constraints,
        gap_loss=gap_loss, reference_point=reference_point, features=features, backend=backend,
        validation_fraction=validation_fraction)
    say = print if verbose else (lambda *a, **k: None)
    s = settings(quick)
    split = prepare_split(seed=seed, quick=quick, n_samples=n_samples, data=data, target=target,
                          aae_threshold=aae_threshold,
                          text_column=text_column, label_column=label_column, group_column=group_column,
                          features=features, backend=backend, device=device, cache_dir=cache_dir, verbose=verbose)
    X_tr, X_te, y_tr, y_te = split.X_train, split.X_test, split.y_train, split.y_test
    g_tr, g_te = split.groups_train, split.groups_test

    classes = split.classes if len(split.classes) > 2 else None
    n_classes = len(split.classes)

    def probabilities(labels):
        """Our members' hard predictions as P(y_hat = 1) (two classes) or one-hot rows (K)."""
        labels = np.asarray(labels, dtype=int)
        return labels if n_classes == 2 else np.eye(n_classes)[labels]

    rows, seconds, predictions, n_certified, members_of = [], {}, {}, {}, {}
    draw = np.random.RandomState(seed)  # one seeded draw of randomised models, for fairlearn's plot
    runs = method_runs(methods, group_aware)
    for method in tqdm(runs, desc="methods", disable=not verbose):
        t0 = time.perf_counter()
        if method.removesuffix(AWARE) in OUR_METHODS:
            members, est = fit_ours(method.removesuffix(AWARE), s, X_tr, y_tr, g_tr, device=device, seed=seed,
                                    constraints=criteria, validation_fraction=validation_fraction,
                                    reference_point=reference_point, group_aware=method.endswith(AWARE))
            models = [(a, lambda Z, G, m=m: probabilities(m.predict(Z, sensitive_features=G))) for a, m in members]
            members_of[method] = [m for _, m in members]
            if method.startswith("suhnpf"):
                n_certified[method] = int(np.sum(est.front_results_["certified"]))
        elif method in MULTICLASS_PEERS:
            models = fit_multiclass_peer(method, s, X_tr, y_tr, g_tr, seed, criteria)
        else:
            models = fit_peer(method, s, X_tr, y_tr, g_tr, seed, criteria)
        seconds[method] = time.perf_counter() - t0
        for i, (coordinate, model) in enumerate(models):
            p = np.asarray(model(X_te, g_te), dtype=float)
            drawn = (draw.random_sample(len(p)) < p).astype(int) if p.ndim == 1 else p.argmax(1)
            predictions.setdefault(method, {})[f"{method}:{i}"] = drawn
            rows.append({"method": method, "coordinate": None if coordinate is None else float(coordinate),
                         **score_predictions(y_te, p, g_te, criteria, split.classes)})
        say(f"{label(method)}: {len(models)} model(s) in {seconds[method]:.1f} s")

    majority = majority_error(y_tr, y_te)  # what "beats predicting the majority class" means here
    metrics = [c.metric if classes is None or c.metric == "accuracy_score_difference" else f"multiclass_{c.metric}"
               for c in criteria]
    one = len(criteria) == 1  # one criterion: its name and metric; several: lists of them

    payload = {"source": split.source, "target": target, "positive_label": str(split.positive_label),
               "classes": None if classes is None else [str(c) for c in classes], "n_texts": int(split.n_texts),
               "n_test": int(len(y_te)), "seed": seed, "quick": quick,
               "constraints": criteria[0].name if one else [c.name for c in criteria],
               "fairness_metric": metrics[0] if one else metrics,
               "gap_loss": gap_loss,
               "validation_fraction": validation_fraction, "features": features, "n_features": int(X_tr.shape[1]),
               "embedding_backend": split.embedding_backend, "featurize_fit_seconds": split.fit_seconds,
               "featurize_transform_seconds": split.transform_seconds, "features_from_cache": split.from_cache,
               "reference_point": list(reference_point), "groups": sorted(np.unique(np.concatenate([g_tr, g_te]))),
               "majority_error": majority, "summary_counts": SUMMARY_COUNTS,
               "rows": rows, "summary": summarize(rows, runs, seconds, n_certified, reference_point, majority=majority),
               "table3": table3(rows, runs)}
    text = markdown(payload)
    say(text)
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write(out / "results.json", lambda fh: fh.write(json.dumps(payload, indent=2).encode()))
    atomic_write(out / "results.md", lambda fh: fh.write(text.encode()))
    plots(payload, predictions, y_te, g_te, out)
    t0 = time.perf_counter()
    dashboard(members_of, predictions, X_te, y_te, g_te, split.classes, out, criteria[0].metric)
    payload["dashboard_seconds"] = time.perf_counter() - t0
    atomic_write(out / "results.json", lambda fh: fh.write(json.dumps(payload, indent=2).encode()))
    say(f"wrote results.json, results.md, fronts.png, model_comparison.png and dashboard.html to {out}")
    return payload
