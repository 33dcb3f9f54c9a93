"""Docstring entries shared by the estimators, written once (as MNE-Python's ``fill_doc`` does).

A class docstring names an entry on a line of its own, ``{{name}}``, indented as the entry
should be; :func:`fill_doc` replaces the line with the entry. Entries whose default differs
between estimators are written in each estimator instead.
"""

from __future__ import annotations

import re

DOCS = {
    # -- parameters ---------------------------------------------------------------------------
    "constraints": '''constraints : str, criterion object or list of them, default="error_rate_parity"
    The fairness criterion f2 trains for, as fairlearn names it: ``"error_rate_parity"``,
    ``"true_positive_rate_parity"``, ``"false_positive_rate_parity"``, ``"equalized_odds"`` or
    ``"demographic_parity"``; or the matching ``fairlearn.reductions`` object, or a
    :class:`~skfairpareto.criteria.FairnessCriterion` (for example
    ``ErrorRateParity(gap_loss="bce")``, the seed paper's loss gap). A list makes each criterion
    an objective of its own, beside the error: a front over more than two objectives
    (docs/criteria.md).''',
    "sensitive_objectives": '''sensitive_objectives : {"joint", "per_column"}, default="joint"
    With several sensitive-feature columns: ``"joint"`` compares their intersections, one group
    per combination of values, as fairlearn does; ``"per_column"`` makes every column (for every
    criterion of ``constraints``) a fairness objective of its own, on that column's groups, so
    the front trades them off against each other (docs/criteria.md, "More than one fairness
    objective").''',
    "hidden_layer_sizes": '''hidden_layer_sizes : tuple of int, default=()
    Hidden layers of every head; ``()`` is a linear head (logistic regression).''',
    "dropout": '''dropout : float in [0, 1), default=0.0
    Dropout between hidden layers.''',
    "group_aware": '''group_aware : bool, default=False
    Add one learned offset per group to every head's logit
    (:class:`~skfairpareto.heads.GroupOffsets`), trained on the same objective. The model then
    uses the group at prediction time: ``predict``, ``predict_proba``, ``decision_function`` and
    ``score`` need ``sensitive_features`` (requested by default under metadata routing, so
    Pipelines and searches pass them on). Whether that is allowed is a legal and ethical question
    (docs/group_aware.md); compare such models only with
    group-aware peers.''',
    "weight_decay": '''weight_decay : "auto" or float, default="auto"
    L2 penalty ``weight_decay / 2 * ||theta||^2`` of every head, part of f1, so the scalarisation
    weighs it by ``alpha`` like the rest of the accuracy objective. It keeps a parity reached on
    the training data from being an artefact of overfitting. ``"auto"`` is ``0.6 / n_samples``
    of the rows given to ``fit``: ``3e-5`` on the bundled tweets' 19,826 training rows, where
    held-out seeds chose that value, and stronger on less data, as scikit-learn's
    ``LogisticRegression`` penalty ``1 / (2 C n)`` is. The number used is ``weight_decay_``;
    docs/features.md says how the default was chosen.''',
    "standardize": '''standardize : "auto" or bool, default="auto"
    Train the heads on standardised feature columns (each column less its mean, over its standard
    deviation, on the training rows), as scikit-learn's ``StandardScaler`` would give them. The
    standardisation is then folded into each head's first layer, so every fitted model, member
    and start head reads ``X`` as given: nothing to apply before ``predict``. ``"auto"``
    standardises where some column's root mean square exceeds 10 (raw measurements such as an
    age or an amount; ``skfairpareto.heads.AUTO_STANDARDIZE_RMS``), and leaves embeddings,
    one-hot and already standardised columns as they are. The numbers used are
    ``feature_scaling_`` (None where the features were used as given). Where it standardises,
    training reads a standardised copy of X (a memory-mapped X too). A :class:`CBAClassifier`
    with a custom ``module`` reads X as given.''',
    "threshold": '''threshold : "auto" or float, default="auto"
    The decision rule of every head: the logit above which it predicts ``classes_[1]``
    (group-blind, one number; K classes: one offset per class, subtracted before the argmax).
    ``"auto"`` tunes it to the hard predictions' ``alpha * error / e1 + (1 - alpha) * gap / g1``
    (``e1``, ``g1``: the accuracy-optimal head's hard error and gap; gap: the metric of
    ``constraints``; more objectives: one weighted term per gap), so that a head whose
    *expected* rates are at parity is also at parity in the predictions it makes. It is tuned on
    held-out data (the validation split) or, for a criterion whose rates ignore the labels
    (demographic parity), on the training data; else a head keeps its own decisions, since
    training-set rates that use the labels are biased by overfitting them. A rule no more
    accurate than predicting the tuning rows' majority class for everyone is taken only where no
    rule beats it. The accuracy end
    (``alpha = 1``) keeps its own decisions. A number fixes the threshold (0: the head's own
    decisions). The figures reported on the validation split do not come from the rows a
    threshold was tuned on (``front_results_``). See docs/criteria.md, "The fair end".''',
    "start_parameters": '''start_lr : float, default=0.05
    Learning rate (Adam) of the accuracy-optimal start head every front grows from.
start_max_epochs : int, default=200
    Epochs of the start head. It is where the front's training begins (SUHNPF polishes it further
    with L-BFGS; PHN's hypernetwork and FaPareto's population train on from it), so it need not be
    converged; every front estimator takes the same default.''',
    "batch_size": '''batch_size : int, default=-1
    Mini-batch size; ``-1`` trains on the full batch, which keeps f2's estimate unbiased.''',
    "device": '''device : str or torch.device, default="auto"
    Torch device; ``"auto"`` uses CUDA when available.''',
    "random_state": '''random_state : int, RandomState instance or None, default=None
    Seeds weight initialisation, sampling and splits (``check_random_state`` semantics: ``None``
    draws from numpy's global generator).''',
    "selection": '''selection : float, str or dict, default="knee"
    Which member :meth:`predict` uses, chosen on the evaluation split: a float (the member with
    ``alpha`` nearest to it), ``"knee"`` (the member farthest below the line joining the front's
    two ends, in normalised coordinates), ``"most_accurate"``, ``"fairest"``, or
    ``{"max_gap": c}`` (the most accurate member whose fairness metric is at most ``c``; the
    fairest if none is; ``{"max_error": e}`` bounds the error alike, and both can be given). :meth:`select` applies another rule without refitting.''',
    "reference_point": '''reference_point : sequence of float or None, default=None
    Hypervolume reference point, one value per objective (error, then each gap); ``None`` is 1
    for every objective. ``hypervolume_`` and :meth:`hypervolume` use it; the benchmark passes its
    own per-criterion point, so the two are measured alike.''',
    "fairness_metric": '''fairness_metric : str, callable or None, default=None
    The fairness metric members are evaluated and selected by (a fairlearn ``*_difference`` or
    ``*_ratio`` name, or a callable with fairlearn's signature); ``None`` is the fairlearn metric
    of ``constraints``, so what is trained is what is measured.''',
    "validation_fraction": '''validation_fraction : float in (0, 1) or None, default=0.2
    Share of the training data held out (stratified by group and label) to evaluate and select
    members; ``None`` evaluates on the training data. ``fit(X_val=..., ...)`` overrides it.''',
    # -- attributes ---------------------------------------------------------------------------
    "front_attributes": '''front_ : list of CBAClassifier
    Fitted members, one per trade-off, most accurate first. Each is an ordinary classifier
    (``predict``, ``predict_proba``, ``classes_``, pickle, ``clone``). Its ``alpha`` is its
    accuracy weight and its ``weights`` its point of the preference simplex: the ray or
    preference it was trained at (PHN, FaPareto, CBA), or, for a SUHNPF member, the weights at
    which it is stationary (from its Fritz-John multipliers).
front_results_ : dict of ndarray
    One entry per member (like ``cv_results_``): trade-off coordinates (``alpha``, one
    ``weight[<gap>]`` per fairness objective, the decision ``threshold``), surrogate objectives,
    and error, per-group accuracy and each fairness objective's metric (``*_gap``) on the training
    data (``train_*``) and on the evaluation split. ``val_*`` figures are held out: each
    validation row is decided by thresholds tuned on the other half of the validation rows
    (cross-fitting), never by one its own label tuned. ``search_*`` (FaPareto) are the rows its
    evolution chose the members on, so they are in-sample for that choice.
    ``pareto_optimal`` marks members not dominated on the evaluation split.
hypervolume_ : float
    Hypervolume (pymoo) of the members' objectives (error, then every gap) on the evaluation
    split, with reference point ``reference_point``.
selected_index_ : int
    Index in ``front_`` of the member :meth:`predict` uses.
validation_fraction_ : float or None
    The share of the training data held out (``validation_fraction``, resolved); None when
    none was (``validation_fraction=None``, or ``X_val`` given).
evaluation_split_ : {"train", "val", "search"}
    The split members were evaluated and selected on: ``"val"`` (held out), ``"search"`` (the
    validation rows an evolution selected on) or ``"train"`` (no validation data).
{{fitted_attributes}}
start_ : CBAClassifier
    The accuracy-optimal head the front starts from.''',
    "fitted_attributes": '''classes_ : ndarray of shape (n_classes,)
    The class labels.
groups_ : ndarray
    Names of the sensitive groups seen in ``fit`` (intersections of the columns, ``"a|b"``).
objectives_ : FairnessObjectives
    The objectives (the error, then every fairness gap), bound to the groups and classes.
criterion_ : FairnessCriterion
    The first criterion of ``constraints``, bound to the groups (``objectives_.criteria[0]``).
n_features_in_ : int
    Number of features seen in ``fit``.
feature_names_in_ : ndarray of shape (`n_features_in_`,)
    Names of the features seen in ``fit``, when X had string column names.
feature_scaling_ : tuple of ndarray or None
    ``(mean, scale)`` of each feature column on the training rows, where the heads were trained
    on standardised features (``standardize``); the fitted heads fold it into their first layer
    and read X as given. None where they trained on X as given (and for a member built by a
    front, whose own ``feature_scaling_`` says how it was trained).''',
}
# Entries that always come together.
DOCS["selection_parameters"] = "\n".join(DOCS[k] for k in ("selection", "fairness_metric", "validation_fraction"))

_PLACEHOLDER = re.compile(r"^( *)\{\{(\w+)\}\}$", flags=re.M)


def fill_doc(obj):
    """Replace the ``{{name}}`` lines of ``obj.__doc__`` with the entries of :data:`DOCS`."""

    def entry(match):
        indent, name = match.groups()
        return "\n".join(indent + line if line else line for line in DOCS[name].splitlines())

    while _PLACEHOLDER.search(obj.__doc__):  # entries may hold entries
        obj.__doc__ = _PLACEHOLDER.sub(entry, obj.__doc__)
    return obj
