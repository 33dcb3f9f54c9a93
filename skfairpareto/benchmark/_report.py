"""The benchmark's scores, summary, tables and plots."""

from __future__ import annotations

import textwrap

import numpy as np

from ..metrics import hypervolume, pareto_mask, resolve_fairness_metric
from ._methods import AWARE, METHODS, OUR_METHODS, as_list, is_group_aware, label


def score_predictions(y, p, groups, criteria, classes=None):
    """Test metrics of a model from ``p = P(y_hat = 1)`` (hard 0/1, or expected for randomised models).

    ``p`` of shape ``(n, K)`` holds class probabilities of K classes (one-hot for hard
    predictions; ``classes`` names them): see ``score_multiclass``.

    Accuracy, and per group accuracy, true- and false-positive rate, are expected rates. For each
    of ``criteria`` (a criterion or a list of them), ``gaps[name]`` is the difference of expected
    rates that its fairlearn metric compares
    (:meth:`~skfairpareto.criteria.FairnessCriterion.metric_criterion`), which on hard predictions
    is that metric (``tests/test_benchmark.py`` checks it); ``gap`` is their sum (one criterion:
    its gap).
    """
    if np.ndim(p) == 2:
        return score_multiclass(y, p, groups, criteria, classes)
    # Clipped: a mixture's expected prediction can stray past 1 by rounding, and logit(1 + 1e-16) is NaN.
    y, p, groups = np.asarray(y, dtype=float), np.clip(np.asarray(p, dtype=float), 0.0, 1.0), np.asarray(groups)
    correct = y * p + (1 - y) * (1 - p)
    names, codes = np.unique(groups, return_inverse=True)
    out = {"accuracy": float(correct.mean())}
    for k, name in enumerate(names):
        g = codes == k
        out[f"accuracy_{name}"] = float(correct[g].mean())
        for rate, value in (("tpr", 1), ("fpr", 0)):
            cell = g & (y == value)
            out[f"{rate}_{name}"] = float(p[cell].mean()) if cell.any() else None
    import torch

    logits = torch.logit(torch.as_tensor(p, dtype=torch.float64))
    return {**out, **_gaps(logits, y, codes, criteria, n_groups=len(names))}


def _gaps(logits, y, codes, criteria, **load):
    """``gaps`` (each criterion's metric on the expected rates of ``logits``) and ``gap``, their sum."""
    import torch

    gaps = {c.name: c.metric_criterion().load_data(None, None, **load).gap(logits, torch.as_tensor(y),
                                                                          torch.as_tensor(codes))
            for c in as_list(criteria)}
    return {"gap": float(sum(gaps.values())), "gaps": gaps}


def score_multiclass(y, P, groups, criteria, classes):
    """Test metrics of a K-class model from class probabilities ``P`` (one-hot when hard).

    Accuracy (expected), macro-F1 (of the argmax), and per group: accuracy, and per class its
    recall ``P(y_hat = k | y = k)`` and false-positive rate ``P(y_hat = k | y != k)`` with the
    number of samples behind each (``n_pos_*``, ``n_neg_*``: the sampling noise of a rate ``r``
    is ``sqrt(r (1 - r) / n)``); ``gaps`` holds each criterion's K-class metric on these rates,
    ``gap`` their sum.
    """
    import torch
    from sklearn.metrics import f1_score

    y, P, groups = np.asarray(y, dtype=int), np.clip(np.asarray(P, dtype=float), 0.0, 1.0), np.asarray(groups)
    names, codes = np.unique(groups, return_inverse=True)
    labels = [str(c) for c in classes]
    correct = P[np.arange(len(y)), y]
    out = {"accuracy": float(correct.mean()),
           "macro_f1": float(f1_score(y, P.argmax(1), average="macro", labels=range(P.shape[1])))}
    for g, name in enumerate(names):
        in_g = codes == g
        out[f"accuracy_{name}"] = float(correct[in_g].mean())
        for k, cls in enumerate(labels):
            pos, neg = in_g & (y == k), in_g & (y != k)
            out[f"recall_{cls}_{name}"] = float(P[pos, k].mean()) if pos.any() else None
            out[f"fpr_{cls}_{name}"] = float(P[neg, k].mean()) if neg.any() else None
            out[f"n_pos_{cls}_{name}"], out[f"n_neg_{cls}_{name}"] = int(pos.sum()), int(neg.sum())
    logits = torch.log(torch.as_tensor(P, dtype=torch.float64).clamp_min(1e-300))
    return {**out, **_gaps(logits, y, codes, criteria, n_groups=len(names), classes=np.asarray(classes))}


def _nearest(rows, alpha):
    return min(rows, key=lambda r: abs(r["coordinate"] - alpha))


def majority_error(y_train, y_test):
    """The test error of predicting the training split's most frequent class for everyone."""
    return float(1 - np.mean(np.asarray(y_test) == np.bincount(np.asarray(y_train, dtype=int)).argmax()))


def fairest_gap(errors, gaps, majority):
    """The least of ``gaps`` among the models whose error is below ``majority``; None where none is.

    Those are the models that beat predicting the majority class for everyone (``majority`` is
    that predictor's error, :func:`majority_error`). A model that predicts one class for everyone
    has no gap at all under demographic parity, true- or false-positive-rate parity and equalized
    odds: counted, it would make any method that holds one look perfectly fair, at no use.
    """
    gaps, useful = np.asarray(gaps, dtype=float), beats_majority(errors, majority)
    return float(gaps[useful].min()) if useful.any() else None


def beats_majority(errors, majority):
    """Which models beat predicting the majority class for everyone: an error below ``majority``."""
    return np.asarray(errors, dtype=float) < majority - 1e-12


def mean_fairest_gap(gaps):
    """``(mean, count)`` of per-seed fairest gaps over the seeds that have one (not None): ``(None, 0)``
    where no seed has a model that beats the majority class."""
    kept = [g for g in gaps if g is not None]
    return (float(np.mean(kept)) if kept else None), len(kept)


#: What the summary's fair-end figures count (``summary_counts`` in results.json): runs that
#: wrote none took the best accuracies over every model, and runs without ``majority_error`` the
#: fairest gap too.
SUMMARY_COUNTS = "beats_majority"


def summarize(rows, runs, seconds, n_certified, reference_point, *, majority):
    """Per method: fit time, points, Pareto points, test hypervolume, fairest gap, best accuracies.

    The objectives are the error and every criterion's gap (``gaps``). Both fair-end figures count
    only the models that beat predicting the majority class, whose test error is ``majority``
    (:func:`beats_majority`): the fairest gap is the least ``gap`` (their sum) among them
    (:func:`fairest_gap`), and the best accuracies are theirs at every gap at most 1 or 2 points.
    A model that predicts one class for everyone has no gap under most criteria; counted, it
    would be a front's "best accuracy at a gap of at most 1 point" at no use.
    """
    summary = {}
    for method in runs:
        mine = [r for r in rows if r["method"] == method]
        pts = np.array([[1 - r["accuracy"], *r["gaps"].values()] for r in mine])
        worst = np.where(beats_majority(pts[:, 0], majority), pts[:, 1:].max(1), np.inf)  # inf: never counted
        best = {c: max((r["accuracy"] for r, w in zip(mine, worst) if w <= c + 1e-12), default=None)
                for c in (0.01, 0.02)}
        summary[method] = {"fit_seconds": seconds[method], "n_points": len(mine),
                           "n_pareto_points": int(pareto_mask(pts).sum()),
                           "test_hypervolume": hypervolume(pts, reference_point),
                           "fairest_gap": fairest_gap(pts[:, 0], [r["gap"] for r in mine], majority),
                           "best_accuracy_gap_le_1pt": best[0.01], "best_accuracy_gap_le_2pt": best[0.02],
                           "group_aware": is_group_aware(method)}
        if method in n_certified:
            summary[method]["n_certified"] = n_certified[method]
    return summary


def resummarize(payload):
    """A ``results.json`` payload with its ``summary`` recomputed from its rows by :func:`summarize`.

    The fit times and certificate counts are kept as recorded; the rest follows this version's
    rules, so a run written before a rule of the summary changed reads like a new one.
    """
    if "majority_error" not in payload:
        raise ValueError("this results.json predates majority_error (the error of predicting the majority "
                         "class): its summary cannot be recomputed; run the benchmark again")
    old = payload["summary"]
    summary = summarize(payload["rows"], list(old), {m: v["fit_seconds"] for m, v in old.items()},
                        {m: v["n_certified"] for m, v in old.items() if "n_certified" in v},
                        payload["reference_point"], majority=payload["majority_error"])
    return {**payload, "summary": summary, "summary_counts": SUMMARY_COUNTS}


def table3(rows, runs):
    """Our methods' members nearest alpha = 1, 0.5 and 0 (the seed paper's Table 3 layout)."""
    return {m: {f"{a:g}": _nearest([r for r in rows if r["method"] == m], a) for a in (1.0, 0.5, 0.0)}
            for m in runs if m.removesuffix(AWARE) in OUR_METHODS}


def _fmt(x):
    """A rate as a percentage with two decimals, or a dash when there is none."""
    return "–" if x is None else f"{100 * x:.2f}"


def gap_label(p):
    """What a payload's ``gap`` is: fairlearn's metric, or the sum of the criteria's metrics."""
    return " + ".join(f"`{m}`" for m in as_list(p["fairness_metric"]))


def _fairest_note(p):
    if p.get("summary_counts") == SUMMARY_COUNTS:
        return ("The fairest gap and the best accuracies count only the models that beat predicting the majority "
                f"class for everyone ({_fmt(p['majority_error'])} % error).")
    if "majority_error" in p:  # written before the best accuracies followed the fairest gap's rule
        return ("The fairest gap is the least among the models that beat predicting the majority class for "
                f"everyone ({_fmt(p['majority_error'])} % error); the best accuracies count every model.")
    # A results.json written before the main job recorded majority_error: its fairest gaps count every model.
    return "The fairest gap is the least over every model, also one that predicts one class for everyone."


def markdown(p):
    """The results as Markdown: the summary tables (group-blind, group-aware) and Table 3 and 4."""
    names = as_list(p["constraints"])
    several = len(names) > 1
    lines = [f"Test split: {p['n_test']} of {p['n_texts']} texts ({p['source']}), seed {p['seed']}, "
             f"{p['features']} features; criterion {', '.join(f'`{c}`' for c in names)}, gap = fairlearn's "
             f"{gap_label(p)} (randomised models: of their expected predictions); hypervolume of (error, "
             + ", ".join(["gap"] if not several else [f"{c} gap" for c in names])
             + f") with reference point {tuple(p['reference_point'])}. " + _fairest_note(p)]
    if several:
        lines += ["", "fairlearn trains for one criterion at a time: each of its methods is the union of its "
                  "models for each criterion (and equalized odds where both true- and false-positive-rate "
                  "parity are asked for). The fairest gap is the least sum of the gaps; the best "
                  "accuracies are at every gap at most 1 or 2 points."]
    header = ["| method | fit s | points | Pareto points | test HV | fairest gap | best acc. % at gap <= 1 pt "
              "| at gap <= 2 pt |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for aware, title in ((False, "Group-blind: the group is not an input at prediction time."),
                         (True, "Group-aware: the group is an input at prediction time; compare these only "
                                "with each other.")):
        mine = {m: v for m, v in p["summary"].items() if v["group_aware"] == aware}
        if not mine:
            continue
        lines += ["", title, "", *header]
        for m, v in mine.items():
            points = f"{v['n_points']}" + (f" ({v['n_certified']} certified)" if "n_certified" in v else "")
            lines.append(f"| {label(m)} | {v['fit_seconds']:.1f} | {points} | {v['n_pareto_points']} | "
                         f"{v['test_hypervolume']:.5f} | {_fmt(v['fairest_gap'])} | "
                         f"{_fmt(v['best_accuracy_gap_le_1pt'])} | {_fmt(v['best_accuracy_gap_le_2pt'])} |")
    if p["table3"] and p.get("classes"):
        lines += _multiclass_tables(p)
    elif p["table3"]:
        g = p["groups"]
        gaps = ["gap"] if not several else [f"gap {c}" for c in names]
        lines += ["", "Seed paper's Table 3 and Table 4 layout (members nearest alpha = 1, 0.5, 0; accuracy "
                  "and false-positive rate in %):", "",
                  "| method | alpha | member alpha | overall | " + " | ".join(g) + " | " + " | ".join(gaps) + " | "
                  + " | ".join(f"FPR {x}" for x in g) + " |",
                  "|---|---:|---:|---:|" + "---:|" * (2 * len(g) + len(gaps))]
        for m, by_alpha in p["table3"].items():
            for a, r in by_alpha.items():
                lines.append(f"| {label(m)} | {a} | {r['coordinate']:.3f} | {_fmt(r['accuracy'])} | "
                             + " | ".join(_fmt(r.get(f"accuracy_{x}")) for x in g) + " | "
                             + " | ".join(_fmt(v) for v in r["gaps"].values()) + " | "
                             + " | ".join(_fmt(r.get(f"fpr_{x}")) for x in g) + " |")
    return "\n".join(lines) + "\n"


def _noise(rate, n):
    """A rate with its sampling noise, in %: ``12.3 ± 4.5`` (one standard error)."""
    if rate is None or not n:
        return "–"
    return f"{100 * rate:.1f} ± {100 * np.sqrt(rate * (1 - rate) / n):.1f}"


def _multiclass_tables(p):
    """The seed paper's Table-3 layout with macro-F1, then per-class FPR and recall by group."""
    g, classes = p["groups"], p["classes"]
    lines = ["", "Seed paper's Table 3 layout, K classes (members nearest alpha = 1, 0.5, 0; in %):", "",
             "| method | alpha | member alpha | accuracy | macro-F1 | " + " | ".join(g) + " | gap |",
             "|---|---:|---:|---:|---:|" + "---:|" * (len(g) + 1)]
    peers = {m: [r for r in p["rows"] if r["method"] == m][0] for m in p["summary"] if m in ("multinomial",)}
    for m, by_alpha in [*p["table3"].items(), *[(m, {"–": r}) for m, r in peers.items()]]:
        for a, r in by_alpha.items():
            member = "–" if r["coordinate"] is None else f"{r['coordinate']:.3f}"
            lines.append(f"| {label(m)} | {a} | {member} | {_fmt(r['accuracy'])} | {_fmt(r['macro_f1'])} | "
                         + " | ".join(_fmt(r.get(f"accuracy_{x}")) for x in g) + f" | {_fmt(r['gap'])} |")
    for kind, title in (("fpr", "false-positive rate P(y_hat = k | y != k)"), ("recall", "recall P(y_hat = k | y = k)")):
        n_key = "n_neg" if kind == "fpr" else "n_pos"
        lines += ["", f"Per-class {title} by group, % ± one standard error (sampling noise):", "",
                  "| method | alpha | " + " | ".join(f"{c}: {x}" for c in classes for x in g) + " |",
                  "|---|---:|" + "---:|" * (len(classes) * len(g))]
        for m, by_alpha in [*p["table3"].items(), *[(m, {"–": r}) for m, r in peers.items()]]:
            for a, r in by_alpha.items():
                lines.append(f"| {label(m)} | {a} | " + " | ".join(
                    _noise(r.get(f"{kind}_{c}_{x}"), r.get(f"{n_key}_{c}_{x}")) for c in classes for x in g) + " |")
    return lines


def plots(p, predictions, y_test, groups_test, out):
    """``fronts.png`` (every method's non-dominated test points) and ``model_comparison.png``."""
    import matplotlib.pyplot as plt

    from .._utils import atomic_write

    # The group-aware panel only when our group-aware fronts ran (--group-aware): a lone
    # ThresholdOptimizer point compares with nothing (it stays in the tables).
    panels = [False] + ([True] if any(m.endswith(AWARE) for m in p["summary"]) else [])
    fig, axes = plt.subplots(1, len(panels), figsize=(7 * len(panels), 5), squeeze=False, sharey=True)
    markers = dict(zip(METHODS, "so^v*DPXh<>d"))
    for ax, aware in zip(axes[0], panels):
        for m, v in p["summary"].items():
            if v["group_aware"] != aware:
                continue
            # Several criteria: the (error, summed gap) view of the models non-dominated in it.
            pts = np.array([[1 - r["accuracy"], r["gap"]] for r in p["rows"] if r["method"] == m])
            front = pts[pareto_mask(pts)]
            front = front[np.argsort(front[:, 0])]
            ax.plot(front[:, 0], front[:, 1], marker=markers[m.removesuffix(AWARE)],
                    linestyle="-" if len(front) > 1 else "", label=label(m))
        ax.set_xlabel("test error")
        ax.set_title(("group-aware: the group is an input at prediction time" if aware else
                      "group-blind") + f" ({', '.join(as_list(p['constraints']))})", fontsize=10)
        ax.legend(fontsize=7)
    axes[0][0].set_ylabel(f"test {' + '.join(as_list(p['fairness_metric']))}")
    fig.suptitle("Accuracy-fairness fronts: non-dominated test points of each method", fontsize=11)
    fig.tight_layout()
    atomic_write(out / "fronts.png", lambda fh: fig.savefig(fh, format="png", dpi=120))
    plt.close(fig)

    # fairlearn's own model-comparison plot of every model's test predictions (0/1 labels; one
    # seeded draw of the randomised models), one panel per criterion's metric.
    from fairlearn.metrics import plot_model_comparison
    from sklearn.metrics import accuracy_score

    names = as_list(p["fairness_metric"])
    metrics = [resolve_fairness_metric(name) for name in names]
    drawn = {m: preds for m, preds in predictions.items() if aware_panel_drawn(m, panels)}
    # Every model's accuracy and gaps, once: each panel zooms on the models no other dominates in
    # all of them (with several criteria, a model behind in one panel's view may lead in another's).
    points = {(m, key): (accuracy_score(y_test, pred),
                         *(metric(y_test, pred, sensitive_features=groups_test) for metric in metrics))
              for m, preds in drawn.items() for key, pred in preds.items()}
    fig, axes = plt.subplots(1, len(names), figsize=(7 * len(names), 5), squeeze=False)
    for column, (ax, metric) in enumerate(zip(axes[0], metrics)):
        for m, preds in drawn.items():
            plot_model_comparison(y_preds=preds, y_true=y_test, sensitive_features=groups_test,
                                  x_axis_metric=accuracy_score, y_axis_metric=metric, ax=ax,
                                  marker=markers[m.removesuffix(AWARE)], label=label(m))
        left_out = zoom_on_non_dominated(ax, points, column=column)
        if left_out:
            note = "\n".join(textwrap.wrap(f"outside the view, dominated: {left_out}", 90))
            ax.text(0.01, 0.99, note, transform=ax.transAxes, va="top", fontsize=7, color="0.35")
        ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    atomic_write(out / "model_comparison.png", lambda fh: fig.savefig(fh, format="png", dpi=120))
    plt.close(fig)


def aware_panel_drawn(method, panels):
    """Whether a method's models are drawn: group-aware ones only beside our group-aware fronts."""
    return not is_group_aware(method) or True in panels


def zoom_on_non_dominated(ax, points, margin=0.15, column=0):
    """Limit ``ax`` to the non-dominated (accuracy up, gaps down) models, with a margin.

    ``points`` maps each model to ``(accuracy, gap, ...)``; the view shows accuracy against the
    gap at ``column``, and the models it zooms on are those no other dominates in all the gaps.
    A few badly dominated models (a GridSearch point at 72 % accuracy, say) would otherwise
    squash every front into one corner (fairlearn#1190 asks for such filtering). Returns the
    methods with models left outside the view and how many, as text ("" when none).
    """
    keys = list(points)
    P = np.array([[1 - points[k][0], *points[k][1:]] for k in keys])
    best = P[pareto_mask(P)]
    lo_x, hi_x = 1 - best[:, 0].max(), 1 - best[:, 0].min()
    hi_y = best[:, 1 + column].max()
    pad_x, pad_y = margin * max(hi_x - lo_x, 1e-3), margin * max(hi_y, 1e-3)
    x0, x1, y1 = lo_x - pad_x, hi_x + pad_x, hi_y + pad_y
    ax.set_xlim(x0, x1)
    ax.set_ylim(-pad_y / 2, y1)
    outside = {}
    for (method, _), (acc, *gaps) in points.items():
        if not (x0 <= acc <= x1 and gaps[column] <= y1):
            outside[label(method)] = outside.get(label(method), 0) + 1
    return "; ".join(f"{name} ({count})" for name, count in outside.items())


def dashboard(members_of, predictions, X_test, y_test, groups_test, classes, out, fairness_metric):
    """``dashboard.html``: every member of our fronts and every fairlearn model, on the test split.

    Our members are given as fitted models (the page shows their ``alpha`` and threshold); the
    randomised peers as the one seeded draw of their predictions that ``model_comparison.png``
    shows.
    """
    from ..dashboard import FairnessDashboard

    models = {label(method): members for method, members in members_of.items()}
    for method, preds in predictions.items():
        if method in members_of:
            continue
        for name, pred in preds.items():
            models[f"{label(method)} {name.split(':')[-1]}" if len(preds) > 1 else label(method)] = pred
    # Every model predicts class codes here (the split's y are codes into ``classes``).
    board = FairnessDashboard({k: v if isinstance(v, list) else np.asarray(v, dtype=int) for k, v in models.items()},
                              X_test, y_test, sensitive_features=groups_test, fairness_metric=fairness_metric,
                              title="skfairpareto benchmark: every model on the test split (classes "
                                    + ", ".join(f"{k} = {c}" for k, c in enumerate(classes)) + ")")
    return board.save(out / "dashboard.html")
