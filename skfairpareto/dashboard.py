"""A fairness dashboard for fronts: one self-contained HTML page to compare models and pick one.

fairlearn's interactive ``FairlearnDashboard`` was removed in fairlearn 0.7 with no replacement
for its model-comparison view, and its successor (raiwidgets' ``FairnessDashboard``) pins an old
fairlearn, numpy and pandas. :class:`FairnessDashboard` takes the models as that dashboard did (a
dict of names to fitted estimators or predictions; a fitted front contributes every member) and
writes one HTML file with plotly's JavaScript inlined: it opens offline, needs no server, and can
be mailed as a report.

* **Model comparison**: one point per model, a performance metric against any fairlearn
  ``*_difference`` or ``*_ratio``, for the chosen sensitive feature (and class, for K classes; or
  a pair of a front's own objectives, for fronts over more than two). Each front is a line; the
  models another model dominates in the view are grey. Hovering shows a model's name, ``alpha``
  or ray, threshold and metrics.
* **Single model**, opened by clicking a point: per group, the accuracy, selection rate, false-
  and false-negative rates and counts (per class for K classes) with bootstrap confidence
  intervals, and the line of code that gets the model. The sensitive feature carries over.

Plotly, not bokeh: its figures redraw from data in the page (``Plotly.react``), so every selector
recomputes the metrics in the browser from per-group confusion counts computed here once, and the
page holds counts, not a figure per combination of selectors (docs/dashboard.md).
"""

from __future__ import annotations

import html
import json
from numbers import Integral
from pathlib import Path

import numpy as np

from ._utils import atomic_write

__all__ = [
    "FairnessDashboard",
    "PERFORMANCE_METRICS",
    "FAIRNESS_METRICS",
]

#: Performance metrics of the comparison view (each from the confusion counts; higher is better
#: but for the error).
PERFORMANCE_METRICS = ("accuracy_score", "balanced_accuracy_score", "f1_score", "precision_score", "recall_score",
                       "selection_rate", "zero_one_loss")
#: fairlearn's group metrics the page computes, by the rate each compares (``equalized_odds``: the
#: true- and false-positive rates, the worse of the two).
_RATES = {"accuracy_score": "accuracy", "zero_one_loss": "error", "selection_rate": "selection_rate",
          "demographic_parity": "selection_rate", "true_positive_rate": "tpr", "equal_opportunity": "tpr",
          "false_positive_rate": "fpr", "false_negative_rate": "fnr", "true_negative_rate": "tnr",
          "equalized_odds": "equalized_odds"}
#: Every fairness metric of the comparison view: fairlearn's ``*_difference`` and ``*_ratio`` names.
FAIRNESS_METRICS = tuple(f"{base}_{kind}" for base in _RATES for kind in ("difference", "ratio"))


def _code_of(name, index=None, front_name=None):
    if front_name is not None:
        return f"{front_name}.front_[{index}]"
    return f"models[{name!r}]"


class FairnessDashboard:
    """Compare models' accuracy and fairness, and inspect one, in a self-contained HTML page.

    Parameters
    ----------
    models : dict
        Names to models: a fitted front estimator (each member of ``front_`` becomes a model,
        ``name[i]``), a list of fitted classifiers (one model each, ``name[i]``; CBA members keep
        their ``alpha``), a fitted classifier (``predict(X)``, or ``predict(X,
        sensitive_features=...)`` when it takes the groups, as fairlearn's ``ThresholdOptimizer``
        and group-aware fronts do), or an array of predictions, as fairlearn's dashboard took
        ``y_pred={name: ...}``.
    X : array-like or None
        Features the estimators predict from; None when every model is given as predictions.
    y : array-like of shape (n_samples,)
        True labels.
    sensitive_features : array-like of shape (n_samples,) or (n_samples, n_features) or DataFrame
        One sensitive feature, or several (a selector chooses which; a DataFrame's columns name
        them).
    performance_metric : str, default="accuracy_score"
        The comparison view's x axis at first; one of :data:`PERFORMANCE_METRICS`.
    fairness_metric : str, default="demographic_parity_difference"
        Its y axis at first; one of :data:`FAIRNESS_METRICS`.
    n_boot : int, default=200
        Bootstrap resamples of the per-group confidence intervals (as fairlearn's
        ``MetricFrame(n_boot=...)``); 0 shows none.
    ci_quantiles : tuple of two floats, default=(0.025, 0.975)
        The interval's quantiles (as ``MetricFrame(ci_quantiles=...)``).
    random_state : int or None, default=0
        Seeds the bootstrap.
    title : str, default="Fairness dashboard"
        The page's title.

    Attributes
    ----------
    models_ : list of dict
        One per model: its name, kind, ``alpha``, ray and threshold where it has them, and the
        code that gets it.
    predictions_ : ndarray of shape (n_models, n_samples)
        Every model's predicted class codes.
    classes_ : ndarray
        The labels, sorted.

    Examples
    --------
    >>> import numpy as np
    >>> from skfairpareto.dashboard import FairnessDashboard
    >>> y = np.array([0, 1, 1, 0, 1, 0]); groups = ["a", "a", "a", "b", "b", "b"]
    >>> board = FairnessDashboard({"always 1": np.ones(6, int), "perfect": y}, None, y, sensitive_features=groups,
    ...                           n_boot=0)
    >>> [m["name"] for m in board.models_]
    ['always 1', 'perfect']
    """

    def __init__(self, models, X, y, *, sensitive_features, performance_metric="accuracy_score",
                 fairness_metric="demographic_parity_difference", n_boot=200, ci_quantiles=(0.025, 0.975),
                 random_state=0, title="Fairness dashboard"):
        import pandas as pd

        if not isinstance(models, dict) or not models:
            raise ValueError(f"models must be a non-empty dict of names to fitted estimators or predictions, got "
                             f"{type(models).__name__}")
        if performance_metric not in PERFORMANCE_METRICS:
            raise ValueError(f"performance_metric={performance_metric!r} is not one of {list(PERFORMANCE_METRICS)}")
        if fairness_metric not in FAIRNESS_METRICS:
            raise ValueError(f"fairness_metric={fairness_metric!r} is not one of fairlearn's metrics here: "
                             f"{list(FAIRNESS_METRICS)}")
        if not isinstance(n_boot, Integral) or n_boot < 0:
            raise ValueError(f"n_boot must be a non-negative integer, got {n_boot!r}")
        lo, hi = (float(q) for q in ci_quantiles)
        if not 0.0 <= lo < hi <= 1.0:
            raise ValueError(f"ci_quantiles must be two increasing numbers in [0, 1], got {ci_quantiles!r}")
        y = np.asarray(y)
        if y.ndim != 1 or len(y) == 0:
            raise ValueError(f"y must be a non-empty 1-d array of labels, got shape {y.shape}")
        frame = sensitive_features if isinstance(sensitive_features, pd.DataFrame) else pd.DataFrame(
            np.asarray(sensitive_features, dtype=object).reshape(len(y), -1) if np.ndim(sensitive_features) == 2
            else np.asarray(sensitive_features, dtype=object)[:, None])
        if len(frame) != len(y):
            raise ValueError(f"sensitive_features has {len(frame)} rows but y has {len(y)}")
        if not isinstance(sensitive_features, pd.DataFrame):
            frame.columns = ["sensitive feature"] if frame.shape[1] == 1 else [f"feature {j}" for j in
                                                                                range(frame.shape[1])]
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError(f"y holds a single label {self.classes_.tolist()}; a dashboard compares classifiers")
        self.performance_metric, self.fairness_metric = performance_metric, fairness_metric
        self.n_boot, self.ci_quantiles, self.random_state, self.title = int(n_boot), (lo, hi), random_state, title
        self._frame = frame.astype(str)
        self._y = np.searchsorted(self.classes_, y)
        self.models_, rows, self._fronts = [], [], {}
        for name, model in models.items():
            for entry, predicted in self._expand(str(name), model, X, sensitive_features, y):
                unknown = sorted(set(np.unique(predicted).tolist()) - set(self.classes_.tolist()))
                if unknown:
                    raise ValueError(f"model {entry['name']!r} predicts labels {unknown[:5]} that y does not hold "
                                     f"({self.classes_.tolist()})")
                self.models_.append(entry)
                rows.append(np.searchsorted(self.classes_, predicted))
        self.predictions_ = np.vstack(rows)

    # -- models to predictions ---------------------------------------------------------------------

    def _expand(self, name, model, X, sensitive_features, y):
        """``(entry, predictions)`` of every model ``model`` stands for."""
        from .base import BaseParetoClassifier

        if isinstance(model, BaseParetoClassifier):
            members = getattr(model, "front_", None)
            if members is None:
                raise ValueError(f"model {name!r} is a front estimator that is not fitted")
            self._fronts[name] = model
            return [self._one(f"{name}[{i}]", m, X, sensitive_features, y, front=name, index=i)
                    for i, m in enumerate(members)]
        if isinstance(model, (list, tuple)) and model and all(hasattr(m, "predict") for m in model):
            return [self._one(f"{name}[{i}]", m, X, sensitive_features, y, front=name, index=i, listed=True)
                    for i, m in enumerate(model)]
        return [self._one(name, model, X, sensitive_features, y)]

    def _one(self, name, model, X, sensitive_features, y, front=None, index=None, listed=False):
        entry = {"name": name, "front": front, "kind": type(model).__name__}
        if hasattr(model, "predict"):
            if X is None:
                raise ValueError(f"model {name!r} is an estimator, so X is needed to predict; pass X (or its "
                                 "predictions instead of the model)")
            try:
                predicted = _predict(model, X, sensitive_features)
            except Exception as exc:  # noqa: BLE001 - any failure is the model's, named
                raise ValueError(f"model {name!r} ({type(model).__name__}) failed to predict: "
                                 f"{type(exc).__name__}: {exc}") from exc
            for attribute, key in (("alpha", "alpha"), ("weights", "ray"), ("threshold_", "threshold")):
                value = getattr(model, attribute, None)
                if value is not None and not callable(value):
                    entry[key] = np.asarray(value, dtype=float).round(6).tolist()
            entry["code"] = (f"{front}[{index}]" if listed else _code_of(name, index, front))
        else:
            predicted = np.asarray(model)
            entry["code"] = f"y_pred[{name!r}]"
            entry["kind"] = "predictions"
        predicted = np.asarray(predicted).reshape(-1) if np.ndim(predicted) == 2 and np.shape(predicted)[1] == 1 \
            else np.asarray(predicted)
        if predicted.ndim != 1 or len(predicted) != len(y):
            raise ValueError(f"model {name!r} gives predictions of shape {predicted.shape}, but y has {len(y)} labels")
        return entry, predicted

    # -- what the page shows -------------------------------------------------------------------------

    def _counts(self, codes, n_groups, weights=None):
        """Per model, group and class: ``[tp, fp, fn, tn]`` one-vs-rest, and per model and group the
        number of rows and of correct predictions; ``weights`` counts each row that many times."""
        K = len(self.classes_)
        y, P = self._y, self.predictions_
        n_models = len(P)
        cell = (codes * K + y)[None, :] * K + P  # (models, n): group, true class, predicted class
        offsets = (np.arange(n_models) * n_groups * K * K)[:, None]
        w = None if weights is None else np.broadcast_to(weights, P.shape).ravel()
        confusion = np.bincount((cell + offsets).ravel(), weights=w, minlength=n_models * n_groups * K * K)
        confusion = confusion.reshape(n_models, n_groups, K, K)  # [model, group, true, predicted]
        total = confusion.sum(axis=(2, 3))
        correct = np.trace(confusion, axis1=2, axis2=3)
        tp = np.diagonal(confusion, axis1=2, axis2=3)
        fp = confusion.sum(axis=2) - tp
        fn = confusion.sum(axis=3) - tp
        tn = total[:, :, None] - tp - fp - fn
        return np.stack([tp, fp, fn, tn], axis=-1), total, correct

    def _bootstrap(self, codes, n_groups):
        """Per model, group and class, the ``ci_quantiles`` of accuracy, selection rate, FPR and FNR over
        ``n_boot`` resamples of the rows (drawn with replacement from all rows, as fairlearn's
        ``MetricFrame`` draws them).

        Hand-written rather than ``MetricFrame(n_boot=...)``: that rebuilds the whole frame per
        resample and model (the main job's 76 models took minutes); resampling weights on the
        confusion counts gives the same quantiles in about a second.
        """
        if not self.n_boot:
            return None
        rng = np.random.RandomState(self.random_state)
        n = len(self._y)
        samples = []
        for _ in range(self.n_boot):
            weights = np.bincount(rng.randint(0, n, n), minlength=n).astype(float)
            c, total, correct = self._counts(codes, n_groups, weights)
            samples.append(_rates(c, total, correct))
        stacked = np.stack(samples)  # (boot, metric, model, group, class)
        with np.errstate(all="ignore"), __import__("warnings").catch_warnings():
            __import__("warnings").simplefilter("ignore", RuntimeWarning)
            q = np.nanquantile(stacked, self.ci_quantiles, axis=0)
        return np.round(q, 6)

    def _objectives(self, codes_by_feature):
        """For every front over more than two objectives: its objectives of every model, on these data."""
        out = {}
        for name, front in self._fronts.items():
            objectives = front.objectives_
            if objectives.n_objectives < 3:
                continue
            codes, _ = _front_codes(front, self._frame)
            y = np.searchsorted(front.classes_, self.classes_[self._y])
            hard = objectives.hard(y, codes)
            values = [hard.values(np.searchsorted(front.classes_, self.classes_[p])).round(6).tolist()
                      for p in self.predictions_]
            out[name] = {"names": objectives.objective_names, "values": values}
        return out

    def _payload(self):
        features = {}
        codes_by_feature = {}
        for column in self._frame.columns:
            names, codes = np.unique(self._frame[column].to_numpy(), return_inverse=True)
            counts, total, correct = self._counts(codes, len(names))
            boot = self._bootstrap(codes, len(names))
            codes_by_feature[column] = codes
            features[str(column)] = {
                "groups": names.tolist(),
                "counts": counts.astype(int).tolist(),  # [model][group][class] -> tp, fp, fn, tn
                "total": total.astype(int).tolist(),
                "correct": correct.astype(int).tolist(),
                "ci": None if boot is None else boot.tolist(),  # [quantile][metric][model][group][class]
            }
        return {"title": self.title, "classes": [str(c) for c in self.classes_], "models": self.models_,
                "features": features, "performance": list(PERFORMANCE_METRICS), "fairness": list(FAIRNESS_METRICS),
                "performance_metric": self.performance_metric, "fairness_metric": self.fairness_metric,
                "ci_metrics": ["accuracy", "selection_rate", "fpr", "fnr"],
                "ci_quantiles": list(self.ci_quantiles), "n_boot": self.n_boot,
                "objectives": self._objectives(codes_by_feature), "n_samples": int(len(self._y))}

    def to_html(self):
        """The page, as a string: plotly's JavaScript inlined, the data embedded, no request leaves it."""
        from plotly.offline import get_plotlyjs

        payload = json.dumps(self._payload(), separators=(",", ":")).replace("</", "<\\/")
        return (_TEMPLATE.replace("%%TITLE%%", html.escape(self.title))
                .replace("%%PLOTLY%%", get_plotlyjs().replace("</script", "<\\/script"))
                .replace("%%DATA%%", payload).replace("%%APP%%", _APP))

    def save(self, path):
        """Write the page to ``path`` atomically; returns the path."""
        text = self.to_html().encode()
        return atomic_write(Path(path), lambda fh: fh.write(text))

    def _repr_html_(self):
        """The page in a Jupyter cell (inside an iframe, so its scripts run apart from the notebook's)."""
        return (f'<iframe srcdoc="{html.escape(self.to_html(), quote=True)}" style="width:100%;height:900px;'
                'border:none"></iframe>')


def _front_codes(front, frame):
    """The front's joint group codes of the dashboard's sensitive features (as the front was fitted)."""
    from ._validation import check_sensitive_features

    return check_sensitive_features(frame if frame.shape[1] > 1 else frame.iloc[:, 0].to_numpy(), len(frame),
                                    groups=front.groups_)


def _predict(model, X, sensitive_features):
    """``model.predict(X)``, with the groups where the model takes them."""
    import inspect

    try:
        takes = "sensitive_features" in inspect.signature(model.predict).parameters
    except (TypeError, ValueError):
        takes = False
    return model.predict(X, sensitive_features=sensitive_features) if takes else model.predict(X)


def _rates(counts, total, correct):
    """``(4, model, group, class)``: accuracy, selection rate, FPR and FNR from the counts (NaN where undefined)."""
    tp, fp, fn, tn = np.moveaxis(counts, -1, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        accuracy = np.broadcast_to((correct / total)[:, :, None], tp.shape)
        selection = (tp + fp) / total[:, :, None]
        fpr = fp / (fp + tn)
        fnr = fn / (fn + tp)
    return np.stack([accuracy, selection, fpr, fnr])


_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>%%TITLE%%</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:">
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:16px;color:#222}
h1{font-size:20px;margin:0 0 8px} h2{font-size:16px;margin:16px 0 6px}
.controls label{margin-right:14px;font-size:13px} select{font-size:13px}
.views{display:flex;flex-wrap:wrap;gap:24px} #comparison{width:620px;height:540px} #single-plot{width:560px;height:280px}
table{border-collapse:collapse;font-size:13px} td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}
th{background:#f3f3f3} td:first-child{text-align:left} code{background:#f3f3f3;padding:2px 4px}
.note{font-size:12px;color:#555}
</style></head><body>
<h1>%%TITLE%%</h1>
<div class="controls">
<label>sensitive feature <select id="feature"></select></label>
<label>performance <select id="performance"></select></label>
<label>fairness <select id="fairness"></select></label>
<label id="class-box">class <select id="class"></select></label>
<label id="axes-box">axes <select id="axes"></select></label>
</div>
<div class="views">
<div><h2>Model comparison</h2><div id="comparison"></div>
<p class="note">One point per model; each front is a line. Grey: another model is better on both axes. Click a point to inspect it.</p></div>
<div id="single"><h2>Single model: <span id="model-name"></span></h2>
<p>In code: <code id="model-code"></code></p>
<div id="single-plot"></div><div id="single-table"></div>
<p class="note" id="ci-note"></p></div>
</div>
<script>%%PLOTLY%%</script>
<script>const DATA = %%DATA%%;</script>
<script>%%APP%%</script>
</body></html>
"""

_APP = r"""
"use strict";
const $ = (id) => document.getElementById(id);
const state = {feature: Object.keys(DATA.features)[0], performance: DATA.performance_metric,
               fairness: DATA.fairness_metric, klass: DATA.classes.length === 2 ? 1 : 0, axes: "metrics", model: 0};
const RATES = {accuracy_score: "accuracy", zero_one_loss: "error", selection_rate: "selection_rate",
  demographic_parity: "selection_rate", true_positive_rate: "tpr", equal_opportunity: "tpr",
  false_positive_rate: "fpr", false_negative_rate: "fnr", true_negative_rate: "tnr", equalized_odds: "equalized_odds"};
const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22"];
function fill(select, options, value) {
  select.innerHTML = "";
  for (const [v, text] of options) { const o = document.createElement("option"); o.value = v; o.textContent = text; select.appendChild(o); }
  select.value = value;
}
function rateOf(kind, c, total, correct) {  // c = [tp, fp, fn, tn] of one group and class
  const [tp, fp, fn, tn] = c;
  switch (kind) {
    case "accuracy": return correct / total;
    case "error": return 1 - correct / total;
    case "selection_rate": return (tp + fp) / total;
    case "tpr": return tp / (tp + fn);
    case "fnr": return fn / (fn + tp);
    case "fpr": return fp / (fp + tn);
    case "tnr": return tn / (tn + fp);
  }
}
function groupRates(m, kind) {
  const f = DATA.features[state.feature], k = state.klass;
  return f.groups.map((g, i) => rateOf(kind, f.counts[m][i][k], f.total[m][i], f.correct[m][i])).filter((v) => Number.isFinite(v));
}
function between(values, how) {
  if (values.length < 2) return how === "difference" ? 0 : 1;
  const hi = Math.max(...values), lo = Math.min(...values);
  return how === "difference" ? hi - lo : (hi === 0 ? 1 : lo / hi);
}
function fairness(m, name) {
  const how = name.endsWith("_ratio") ? "ratio" : "difference";
  const kind = RATES[name.slice(0, name.lastIndexOf("_"))];
  if (kind === "equalized_odds") {
    const a = between(groupRates(m, "tpr"), how), b = between(groupRates(m, "fpr"), how);
    return how === "difference" ? Math.max(a, b) : Math.min(a, b);
  }
  return between(groupRates(m, kind), how);
}
function overall(m) {  // counts over all groups of the feature, for the chosen class
  const f = DATA.features[state.feature], k = state.klass;
  const c = [0, 0, 0, 0]; let total = 0, correct = 0;
  f.groups.forEach((g, i) => { for (let j = 0; j < 4; j++) c[j] += f.counts[m][i][k][j]; total += f.total[m][i]; correct += f.correct[m][i]; });
  return {c, total, correct};
}
function performance(m, name) {
  const {c, total, correct} = overall(m); const [tp, fp, fn, tn] = c;
  switch (name) {
    case "accuracy_score": return correct / total;
    case "zero_one_loss": return 1 - correct / total;
    case "balanced_accuracy_score": return DATA.classes.length === 2 ? (tp / (tp + fn) + tn / (tn + fp)) / 2 : macroRecall(m);
    case "precision_score": return tp / (tp + fp);
    case "recall_score": return tp / (tp + fn);
    case "f1_score": return 2 * tp / (2 * tp + fp + fn);
    case "selection_rate": return (tp + fp) / total;
  }
}
function macroRecall(m) {
  const f = DATA.features[state.feature]; let sum = 0;
  for (let k = 0; k < DATA.classes.length; k++) {
    let tp = 0, fn = 0; f.groups.forEach((g, i) => { tp += f.counts[m][i][k][0]; fn += f.counts[m][i][k][2]; }); sum += tp / (tp + fn);
  }
  return sum / DATA.classes.length;
}
const higherBetter = (name) => !["zero_one_loss"].includes(name);
function axes() {  // [x values, y values, x label, y label, x higher better, y higher better]
  const n = DATA.models.length, idx = [...Array(n).keys()];
  if (state.axes !== "metrics") {
    const [front, i, j] = JSON.parse(state.axes); const o = DATA.objectives[front];
    return [idx.map((m) => o.values[m][i]), idx.map((m) => o.values[m][j]), o.names[i], o.names[j], false, false];
  }
  return [idx.map((m) => performance(m, state.performance)), idx.map((m) => fairness(m, state.fairness)),
          state.performance, state.fairness, higherBetter(state.performance), state.fairness.endsWith("_ratio")];
}
function dominated(x, y, hx, hy) {
  const sx = hx ? 1 : -1, sy = hy ? 1 : -1;
  return x.map((xi, a) => x.some((xj, b) => b !== a && sx * xj >= sx * xi && sy * y[b] >= sy * y[a] &&
                                               (sx * xj > sx * xi || sy * y[b] > sy * y[a])));
}
const fmt = (v) => (v === null || v === undefined || !Number.isFinite(v)) ? "–" : v.toFixed(4);
function describe(m) {
  const d = DATA.models[m]; const parts = [d.name];
  if (d.alpha !== undefined) parts.push("alpha " + d.alpha);
  if (d.ray !== undefined && d.ray !== null) parts.push("ray [" + d.ray.join(", ") + "]");
  if (d.threshold !== undefined) parts.push("threshold " + (Array.isArray(d.threshold) ? "[" + d.threshold.join(", ") + "]" : d.threshold));
  return parts.join("<br>");
}
function drawComparison() {
  const [x, y, xl, yl, hx, hy] = axes();
  const grey = dominated(x, y, hx, hy);
  const fronts = [...new Set(DATA.models.map((d) => d.front).filter((f) => f !== null))];
  const colorOf = (m) => { const f = DATA.models[m].front; return f === null ? "#444" : COLORS[fronts.indexOf(f) % COLORS.length]; };
  const traces = fronts.map((f) => {
    const members = DATA.models.map((d, m) => d.front === f ? m : -1).filter((m) => m >= 0).sort((a, b) => x[a] - x[b]);
    return {type: "scatter", mode: "lines", name: f, x: members.map((m) => x[m]), y: members.map((m) => y[m]),
            line: {color: COLORS[fronts.indexOf(f) % COLORS.length], width: 1.5}, hoverinfo: "skip"};
  });
  traces.push({type: "scatter", mode: "markers", name: "models", showlegend: false, x, y, customdata: x.map((v, m) => m),
               marker: {size: 9, color: x.map((v, m) => grey[m] ? "#c8c8c8" : colorOf(m)), line: {width: 1, color: "#fff"}},
               text: x.map((v, m) => describe(m) + "<br>" + xl + " " + fmt(x[m]) + "<br>" + yl + " " + fmt(y[m])),
               hovertemplate: "%{text}<extra></extra>"});
  // The view starts on the models no other beats (with a margin), as the main job's PNG does: a few
  // far-off models would squash every front into a corner. Double-click shows them all.
  const best = x.map((v, m) => m).filter((m) => !grey[m] && Number.isFinite(x[m]) && Number.isFinite(y[m]));
  const span = (v) => { const lo = Math.min(...v), hi = Math.max(...v), pad = 0.15 * Math.max(hi - lo, 1e-3); return [lo - pad, hi + pad]; };
  const xr = best.length ? span(best.map((m) => x[m])) : undefined, yr = best.length ? span(best.map((m) => y[m])) : undefined;
  // The legend sits below the axis title: above the plot, its entries ran under plotly's mode bar.
  Plotly.react("comparison", traces, {margin: {t: 30, r: 10}, xaxis: {title: {text: xl}, range: xr}, yaxis: {title: {text: yl}, range: yr},
                                      hovermode: "closest", showlegend: fronts.length > 0,
                                      legend: {orientation: "h", y: -0.2, yanchor: "top", x: 0}},
               {displaylogo: false, modeBarButtonsToRemove: ["toImage"]});
}
function drawSingle() {
  const m = state.model, d = DATA.models[m], f = DATA.features[state.feature], k = state.klass;
  $("model-name").textContent = d.name; $("model-code").textContent = d.code;
  const rows = f.groups.map((g, i) => {
    const c = f.counts[m][i][k];
    return [g, rateOf("accuracy", c, f.total[m][i], f.correct[m][i]), rateOf("selection_rate", c, f.total[m][i], f.correct[m][i]),
            rateOf("fpr", c, f.total[m][i], f.correct[m][i]), rateOf("fnr", c, f.total[m][i], f.correct[m][i]), f.total[m][i]];
  });
  const ci = (metric, i) => f.ci ? [f.ci[0][metric][m][i][k], f.ci[1][metric][m][i][k]] : null;
  const cell = (v, metric, i) => { const q = ci(metric, i); return fmt(v) + (q ? ` <span class="note">[${fmt(q[0])}, ${fmt(q[1])}]</span>` : ""); };
  const classNote = DATA.classes.length > 2 ? ` (class ${DATA.classes[k]} against the rest)` : "";
  let table = `<table id="group-table"><tr><th>${state.feature}</th><th>accuracy</th><th>selection rate${classNote}</th><th>false positive rate</th><th>false negative rate</th><th>count</th></tr>`;
  rows.forEach((r, i) => { table += `<tr data-group="${r[0]}"><td>${r[0]}</td><td>${cell(r[1], 0, i)}</td><td>${cell(r[2], 1, i)}</td><td>${cell(r[3], 2, i)}</td><td>${cell(r[4], 3, i)}</td><td>${r[5]}</td></tr>`; });
  $("single-table").innerHTML = table + "</table>";
  $("ci-note").textContent = f.ci ? `In brackets: the ${DATA.ci_quantiles[0]}-${DATA.ci_quantiles[1]} bootstrap interval over ${DATA.n_boot} resamples of the ${DATA.n_samples} rows.` : "";
  const metrics = ["accuracy", "selection rate", "false positive rate", "false negative rate"];
  const traces = rows.map((r, i) => ({type: "bar", name: String(r[0]), x: metrics, y: r.slice(1, 5),
    error_y: f.ci ? {type: "data", symmetric: false, array: [0, 1, 2, 3].map((q) => ci(q, i)[1] - r[q + 1]),
                     arrayminus: [0, 1, 2, 3].map((q) => r[q + 1] - ci(q, i)[0])} : undefined}));
  Plotly.react("single-plot", traces, {barmode: "group", margin: {t: 30, r: 10}, yaxis: {range: [0, 1]},
                                       legend: {orientation: "h", y: 1.02, yanchor: "bottom", x: 0}},
               {displaylogo: false, modeBarButtonsToRemove: ["toImage"]});
}
function drawAll() { drawComparison(); drawSingle(); }
function setup() {
  fill($("feature"), Object.keys(DATA.features).map((f) => [f, f]), state.feature);
  fill($("performance"), DATA.performance.map((p) => [p, p]), state.performance);
  fill($("fairness"), DATA.fairness.map((p) => [p, p]), state.fairness);
  fill($("class"), DATA.classes.map((c, k) => [k, c]), state.klass);
  $("class-box").style.display = DATA.classes.length > 2 ? "" : "none";
  const pairs = [["metrics", "performance against fairness"]];
  for (const [front, o] of Object.entries(DATA.objectives))
    for (let i = 0; i < o.names.length; i++) for (let j = i + 1; j < o.names.length; j++)
      pairs.push([JSON.stringify([front, i, j]), `${front}: ${o.names[i]} against ${o.names[j]}`]);
  fill($("axes"), pairs, "metrics");
  $("axes-box").style.display = pairs.length > 1 ? "" : "none";
  $("feature").onchange = (e) => { state.feature = e.target.value; drawAll(); };
  $("performance").onchange = (e) => { state.performance = e.target.value; drawComparison(); };
  $("fairness").onchange = (e) => { state.fairness = e.target.value; drawComparison(); };
  $("class").onchange = (e) => { state.klass = Number(e.target.value); drawAll(); };
  $("axes").onchange = (e) => { state.axes = e.target.value; drawComparison(); };
  drawAll();
  $("comparison").on("plotly_click", (event) => {
    const point = event.points.find((p) => p.customdata !== undefined);
    if (point) { state.model = point.customdata; drawSingle(); }
  });
  // For scripts (and tests): select a model, or zoom out to every model (a double-click does too).
  window.dashboard = {state, select: (m) => { state.model = m; drawSingle(); }, fairness, performance, axes,
                      showAll: () => Plotly.relayout("comparison", {"xaxis.autorange": true, "yaxis.autorange": true})};
}
setup();
"""
