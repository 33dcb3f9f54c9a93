"""SUHNPFParetoClassifier: a front of heads certified by the Fritz-John conditions."""

from __future__ import annotations

import copy
from numbers import Real

import numpy as np
import torch
from sklearn.utils._param_validation import Interval

from ._docs import fill_doc
from ._utils import torch_seeded
from ._validation import COUNT, DEPRECATED, HEAD_CONSTRAINTS, NON_NEGATIVE
from .base import BaseParetoClassifier
from .cba import CBAClassifier, fit_start_head
from .criteria import FairnessObjectives
from .objectives import with_weight_decay
from .solvers import FritzJohnSolver

__all__ = [
    "SUHNPFParetoClassifier",
    "epsilon_levels",
]


@fill_doc
class SUHNPFParetoClassifier(BaseParetoClassifier):
    """Accuracy-fairness front whose members are Fritz-John points (SUHNPF, Gupta et al. 2022).

    Like the CBA seed paper, ``fit`` first trains the accuracy-optimal head (a
    :class:`CBAClassifier` with ``alpha=1``, through skorch). From there
    :class:`~skfairpareto.solvers.FritzJohnSolver` traces the front of f1 (mean cross-entropy)
    against f2 (squared gap of the groups' expected rates of the ``constraints`` criterion) by
    continuation on ``f2 <= eps``, each
    point warm-started from its neighbour and accepted only when its FJ residual is below
    ``tol``. The targets are evenly spaced in ``sqrt(f2)``, from the gap of the polished accuracy
    end (the start head after the solver's L-BFGS polish; at most ``max_gap``) down to 0; a target
    no head reaches leaves an uncertified point (infeasible), excluded unless
    ``keep_uncertified``. More fairness objectives take a grid of such levels, one axis per gap.
    Fritz-John points need not minimise any weighted sum, so non-convex parts of the front are
    reached. The certificate says that a member is Pareto-stationary for the surrogate objectives
    (f1 with its L2 penalty, and each f2) on the training data, to the tolerance: no direction
    lowers all of them at once. It certifies nothing about the hard decisions, which the decision
    threshold (``threshold``) sets afterwards on held-out data.

    Members that fail the tolerance are excluded from ``front_`` (with ``keep_uncertified=True``
    they are kept and flagged in ``front_results_["certified"]``). Each member's
    ``front_results_`` row holds its FJ residual, its multipliers on (f1, f2) -- the local price
    of fairness in accuracy -- and ``alpha``, the accuracy weight on the normalised objectives
    at which it is stationary.

    Parameters
    ----------
    n_members : int or None, default=None
        Number of front points to trace (members, when all certify): ``None`` is 21 for two
        objectives, and for more a grid of at most 36 points, as many levels per fairness
        objective as that allows (6 for three objectives, 36 points; 3 for four, 27;
        :func:`~skfairpareto.suhnpf.epsilon_levels`). 21 points instead of 11 raised the test
        hypervolume on each of the benchmark suite's sixteen two-objective problems (0.2-4.3 %),
        at about 40 % more fit time (docs/suhnpf.md, "How many points").
    tol : float in (0, 1], default=1e-3
        Largest accepted FJ residual (relative; see :class:`~skfairpareto.solvers.FritzJohnSolver`).
    max_iter : int, default=30
        Augmented-Lagrangian iterations per point.
    max_gap : float or None, default=None
        Upper bound on ``sqrt(f2)`` of every member (for two groups and one rate, the gap of the
        groups' expected rates; an inequality constraint): the front is traced only where it
        holds.
    {{constraints}}
    {{sensitive_objectives}}
    keep_uncertified : bool, default=False
        Keep points whose residual exceeds ``tol`` (flagged) instead of dropping them.
    {{group_aware}}
    {{hidden_layer_sizes}}
    {{dropout}}
    {{weight_decay}}
    {{standardize}}
        In the start head and the Fritz-John solve alike (without it the solve converges to the
        exact, unregularised optimum).
    {{start_parameters}}
    {{batch_size}}
    {{threshold}}
    {{selection_parameters}}
    {{reference_point}}
    {{device}}
    {{random_state}}
    verbose : int, default=0
        Progress bar over the front points when > 0.
    n_points : int, default="deprecated"
        Renamed ``n_members`` in 0.2; removed in 0.3.
    lr : float, default="deprecated"
        Renamed ``start_lr`` in 0.2; removed in 0.3.
    max_epochs : int, default="deprecated"
        Renamed ``start_max_epochs`` in 0.2; removed in 0.3.

    Attributes
    ----------
    {{front_attributes}}
    n_iter_ : ndarray of shape (n_members,)
        Augmented-Lagrangian iterations each traced point took (at most ``max_iter``).
    solver_result_ : FritzJohnResult
        Every traced point, with its certificate (the candidates' log is empty: the fit does not
        train the solver's indicator network). A point's ``params`` are the head's weights as the
        solver moved them: on the standardised features where ``feature_scaling_`` is set (the
        members read X as given).

    See Also
    --------
    skfairpareto.solvers.FritzJohnSolver : the solver, on any torch objectives.
    PHNParetoClassifier : a front from one hypernetwork, any ray after training.

    References
    ----------
    .. [1] S. Gupta, G. Singh, R. Bollapragada and M. Lease, "Scalable Unidirectional Pareto
       Optimality for Multi-Task Learning with Constraints", UAI 2022.

    Examples
    --------
    >>> import numpy as np
    >>> from skfairpareto import SUHNPFParetoClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(300, 4)).astype("float32")
    >>> s = rng.randint(0, 2, 300)
    >>> y = (X[:, 0] + s * X[:, 1] > 0).astype(int)
    >>> clf = SUHNPFParetoClassifier(n_members=4, start_max_epochs=30, random_state=0)
    >>> clf = clf.fit(X, y, sensitive_features=s)
    >>> len(clf.front_) >= 2
    True
    """

    def __init__(
        self,
        n_members=None,
        *,
        tol=1e-3,
        max_iter=30,
        max_gap=None,
        constraints="error_rate_parity",
        sensitive_objectives="joint",
        keep_uncertified=False,
        group_aware=False,
        hidden_layer_sizes=(),
        dropout=0.0,
        start_lr=0.05,
        weight_decay="auto",
        standardize="auto",
        start_max_epochs=200,
        batch_size=-1,
        threshold="auto",
        selection="knee",
        fairness_metric=None,
        validation_fraction=0.2,
        reference_point=None,
        device="auto",
        random_state=None,
        verbose=0,
        n_points="deprecated",
        lr="deprecated",
        max_epochs="deprecated",
    ):
        self.n_members = n_members
        self.tol = tol
        self.max_iter = max_iter
        self.max_gap = max_gap
        self.constraints = constraints
        self.sensitive_objectives = sensitive_objectives
        self.keep_uncertified = keep_uncertified
        self.group_aware = group_aware
        self.hidden_layer_sizes = hidden_layer_sizes
        self.dropout = dropout
        self.start_lr = start_lr
        self.weight_decay = weight_decay
        self.standardize = standardize
        self.start_max_epochs = start_max_epochs
        self.batch_size = batch_size
        self.threshold = threshold
        self.selection = selection
        self.fairness_metric = fairness_metric
        self.validation_fraction = validation_fraction
        self.reference_point = reference_point
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        self.n_points = n_points
        self.lr = lr
        self.max_epochs = max_epochs

    _parameter_constraints: dict = {
        **BaseParetoClassifier._parameter_constraints,
        "start_lr": HEAD_CONSTRAINTS["lr"],
        "start_max_epochs": HEAD_CONSTRAINTS["max_epochs"],
        "batch_size": HEAD_CONSTRAINTS["batch_size"],
        "n_members": [COUNT, None],
        "n_points": [COUNT, DEPRECATED],
        "lr": HEAD_CONSTRAINTS["lr"] + [DEPRECATED],
        "max_epochs": HEAD_CONSTRAINTS["max_epochs"] + [DEPRECATED],
        "tol": [Interval(Real, 0, 1, closed="right")],
        "max_iter": [COUNT],
        "max_gap": [NON_NEGATIVE, None],
        "keep_uncertified": ["boolean"],
    }

    _RENAMED_PARAMS = {"n_points": "n_members", "lr": "start_lr", "max_epochs": "start_max_epochs"}

    def _fit_front(self, X, y, codes, validation=None):
        start, features = fit_start_head(self, X, y, codes)
        # The solver moves float64 parameters (start_ stays put): with float32 ones the FJ residual
        # of a 12k-sample front stalled near 1.5e-3, above tol. The products with X stay in
        # float32, through a float32 copy of the head: X is not copied to float64, and on 896-d
        # features the fit took 23.5 s instead of 33.8 s with the same certified front (same
        # test errors and gaps). Members get float32 copies of the certified weights.
        module = copy.deepcopy(start.net_.module_).double()
        shell = copy.deepcopy(start.net_.module_).float().train(False)
        device = start.net_.device
        Xt = torch.as_tensor(features, device=device)  # the start's input: X laid out for the head's passes
        yt = torch.as_tensor(y, device=device)
        gt = torch.as_tensor(codes, device=device)
        names = [n for n, p in module.named_parameters() if p.requires_grad]
        params = [p for p in module.parameters() if p.requires_grad]
        objectives_model = self.objectives_

        def objectives(_params):
            logits = torch.func.functional_call(shell, {n: p.float() for n, p in zip(names, params)}, (Xt,),
                                                {"groups": gt})
            return with_weight_decay(objectives_model.objectives(logits.double(), yt, gt), params, self.weight_decay_)

        def gap_constraints(_params):  # every squared gap below max_gap ** 2
            return (objectives(_params)[1:] - float(self.max_gap) ** 2).reshape(-1)

        constraints = None if self.max_gap is None else gap_constraints

        with torch_seeded(self.random_state):
            module.train(False)  # dropout off: the FJ system is about the deterministic head
            with torch.no_grad():
                scales = np.maximum(objectives(params).double().cpu().numpy(), 1e-8)
            levels = self.objectives_.epsilon_levels(self._param("n_members"))
            solver = FritzJohnSolver(n_points=len(levels), tol=self.tol, max_iter=self.max_iter, verbose=self.verbose)

            def targets(f_polished):
                # Each gap's target is a share (its level) of that gap's reach in sqrt(f_j), from the
                # *polished* f1 end: the solver's L-BFGS polish lowers the gaps well below the start
                # head's (on 896-d features 0.0039 -> 0.0017), and targets above them all return the
                # f1 end (4 of 11 points did). ``max_gap`` caps the reach.
                top = f_polished[1:] if self.max_gap is None else np.minimum(f_polished[1:], float(self.max_gap) ** 2)
                return (np.sqrt(top) * levels) ** 2

            result = solver.solve(objectives, params, constraints=constraints, targets=targets, scales=scales)
        self.solver_result_ = result
        self.n_iter_ = np.array([point.n_iter for point in result.points])

        m = len(scales)
        columns = ("fj_residual", *(f"multiplier_f{j + 1}" for j in range(m)), *(f"train_f{j + 1}" for j in range(m)),
                   *(f"target_f{j + 2}" for j in range(m - 1)), "certified")
        members, coords = [], {k: [] for k in ("weights", *columns)}
        for point in result.points:
            if not point.accepted and not self.keep_uncertified:
                continue
            full_state = module.state_dict()
            full_state.update({k: torch.as_tensor(v, device=device) for k, v in zip(names, point.params)})
            # The weights on the normalised objectives at which the member is stationary: its
            # Fritz-John multipliers times the scales, on the simplex.
            weights = point.multipliers * scales / np.sum(point.multipliers * scales)
            members.append(CBAClassifier._from_module_state(
                {**self._member_params(), "alpha": float(weights[0]), "weights": tuple(float(v) for v in weights)},
                {k: v.detach().clone() for k, v in full_state.items()},
                classes=self.classes_, group_names=self.groups_, n_features=X.shape[1], scales=scales,
                objectives=self.objectives_,
            ))
            coords["weights"].append(weights)
            for key, value in zip(columns, (point.residual, *point.multipliers, *point.objectives,
                                            *np.atleast_1d(point.target), point.accepted)):
                coords[key].append(value)
        return members, coords


def epsilon_levels(n_objectives, n_members=None):
    """The epsilon grid of a SUHNPF front over ``n_objectives`` objectives (see
    :meth:`~skfairpareto.criteria.FairnessObjectives.epsilon_levels`).

    Examples
    --------
    >>> from skfairpareto.suhnpf import epsilon_levels
    >>> epsilon_levels(2, 3).ravel().tolist()
    [1.0, 0.5, 0.0]
    >>> epsilon_levels(3, 9).tolist()[:4]
    [[1.0, 1.0], [1.0, 0.5], [1.0, 0.0], [0.5, 0.0]]
    >>> len(epsilon_levels(2)), len(epsilon_levels(3)), len(epsilon_levels(4))
    (21, 36, 27)
    """
    return FairnessObjectives.of_size(n_objectives).epsilon_levels(n_members)
