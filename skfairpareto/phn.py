"""PHNParetoClassifier: one hypernetwork that maps any preference ray to a fitted head."""

from __future__ import annotations

import copy

import numpy as np
import torch
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted

from ._docs import fill_doc
from ._net import HyperNetTrainer, StopOnDivergence, TensorBatchLoader, objectives_of
from ._utils import resolve_device, torch_seeded
from ._validation import COUNT, DEPRECATED, HEAD_CONSTRAINTS, POSITIVE, check_layer_sizes
from .base import BaseParetoClassifier
from .cba import CBAClassifier, fit_start_head
from .solvers.epo import ray_residual
from .solvers.hypernetwork import SOLVERS, HyperNetwork, normalized_losses

__all__ = [
    "PHNParetoClassifier",
    "member_rays",
]


@fill_doc
class PHNParetoClassifier(BaseParetoClassifier):
    """Accuracy-fairness front from a Pareto HyperNetwork (Navon et al., ICLR 2021).

    ``fit`` first trains the accuracy-optimal head (a :class:`CBAClassifier` with ``alpha=1``,
    as the seed paper initialises PHN), then a hypernetwork that maps a preference ray
    ``r = (alpha, 1 - alpha)`` to the weights of a head of the same architecture, starting at
    that head for every ray. Each training step samples rays from a Dirichlet distribution and
    combines, per ray, the objectives ``l = ((f1 - f1*) / f1*, f2 / f2*)`` -- f1 shifted by its
    value ``f1*`` at the accuracy-optimal start, f2 divided by its value ``f2*`` there:

    * ``solver="ls"`` -- linear scalarisation ``r @ l``; ray ``alpha`` then minimises the same
      objective as ``CBAClassifier(alpha)`` (a shift does not move a minimiser);
    * ``solver="epo"`` -- Exact Pareto Optimal search, which steers ``l`` onto the ray
      (``alpha * l1 = (1 - alpha) * l2``); each member records the residual of that.

    ``front_`` holds the heads at ``n_members`` evenly spaced ``alpha`` from 1 to 0, evaluated by
    the shared base; :meth:`member_at` builds the head for any other ray without retraining.

    Parameters
    ----------
    n_members : int or None, default=None
        Members in ``front_``: rays evenly spaced in ``alpha`` for two objectives (``None``: 11),
        a lattice on the simplex for more (``None``: 21 for three; :func:`~skfairpareto.phn.member_rays`).
    solver : {"epo", "ls"}, default="epo"
        How each sampled ray combines the objectives: Exact Pareto Optimal search or linear
        scalarisation (above).
    hnet_hidden_layer_sizes : tuple of int, default=(100,)
        Hidden widths of the hypernetwork's ray MLP.
    concentration : float, default=1.0
        Dirichlet concentration of the training rays (1 = uniform on the simplex; below 1
        favours rays near the ends; the benchmark trains EPO at 0.5, docs/reproducing.md).
    n_rays_per_step : int, default=4
        Rays per training step.
    lr : float, default=1e-3
        Adam learning rate of the hypernetwork.
    max_epochs : int, default=200
        Hypernetwork training epochs.
    {{batch_size}}
    {{constraints}}
    {{sensitive_objectives}}
    {{group_aware}}
    {{hidden_layer_sizes}}
    {{dropout}}
    {{weight_decay}}
        The penalty is on every generated head, and on the start head.
    start_lr : float, default=0.05
        Learning rate (Adam) of the accuracy-optimal start head.
    start_max_epochs : int, default=400
        Epochs of the accuracy-optimal start head.
    {{threshold}}
    {{selection_parameters}}
    {{reference_point}}
    {{device}}
    {{random_state}}
    verbose : int, default=0
        Progress bar over training epochs when > 0.
    n_rays : int, default="deprecated"
        Renamed ``n_members`` in 0.2; removed in 0.3.

    Attributes
    ----------
    {{front_attributes}}
        ``front_results_`` adds ``ray_f1``, ``ray_f2``, ``train_f1``, ``train_f2`` and
        ``ray_residual``.
    net_ : HyperNetTrainer
        The fitted skorch net; ``net_.module_`` is the :class:`~skfairpareto.solvers.HyperNetwork`.
    history_ : skorch.History
        Per-epoch loss, and per-batch mean f1, f2 and ray residual.
    objective_ideal_ : ndarray of shape (2,)
        Shift of the objectives: ``(f1*, 0)``.
    objective_scales_ : ndarray of shape (2,)
        Scale of the objectives: their values at the accuracy-optimal start.

    See Also
    --------
    CBAClassifier : one member of the linear-scalarisation front, trained alone.
    skfairpareto.solvers.epo_weights : the EPO step.

    References
    ----------
    .. [1] A. Navon, A. Shamsian, G. Chechik and E. Fetaya, "Learning the Pareto Front with
       Hypernetworks", ICLR 2021.
    .. [2] D. Mahapatra and V. Rajan, "Multi-Task Learning with User Preferences: Gradient Descent
       with Controlled Ascent in Pareto Optimization", ICML 2020 (EPO).

    Examples
    --------
    >>> import numpy as np
    >>> from skfairpareto import PHNParetoClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(300, 4)).astype("float32")
    >>> s = rng.randint(0, 2, 300)
    >>> y = (X[:, 0] + s * X[:, 1] > 0).astype(int)
    >>> clf = PHNParetoClassifier(n_members=5, max_epochs=20, start_max_epochs=30, random_state=0)
    >>> clf = clf.fit(X, y, sensitive_features=s)
    >>> len(clf.front_), clf.member_at(0.3).predict(X[:2]).shape
    (5, (2,))
    """

    def __init__(
        self,
        n_members=None,
        *,
        solver="epo",
        hnet_hidden_layer_sizes=(100,),
        concentration=1.0,
        n_rays_per_step=4,
        lr=1e-3,
        max_epochs=200,
        batch_size=-1,
        constraints="error_rate_parity",
        sensitive_objectives="joint",
        group_aware=False,
        hidden_layer_sizes=(),
        dropout=0.0,
        weight_decay=3e-5,
        start_lr=0.05,
        start_max_epochs=400,
        threshold="auto",
        selection="knee",
        fairness_metric=None,
        validation_fraction=0.2,
        reference_point=None,
        device="auto",
        random_state=None,
        verbose=0,
        n_rays="deprecated",
    ):
        self.n_members = n_members
        self.solver = solver
        self.hnet_hidden_layer_sizes = hnet_hidden_layer_sizes
        self.concentration = concentration
        self.n_rays_per_step = n_rays_per_step
        self.lr = lr
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.constraints = constraints
        self.sensitive_objectives = sensitive_objectives
        self.group_aware = group_aware
        self.hidden_layer_sizes = hidden_layer_sizes
        self.dropout = dropout
        self.weight_decay = weight_decay
        self.start_lr = start_lr
        self.start_max_epochs = start_max_epochs
        self.threshold = threshold
        self.selection = selection
        self.fairness_metric = fairness_metric
        self.validation_fraction = validation_fraction
        self.reference_point = reference_point
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        self.n_rays = n_rays

    # ``lr`` and ``max_epochs`` are the hypernetwork's; the start head takes its own rate and epochs
    # and the mini-batch size (so a memory-mapped X is streamed in both stages).
    _MEMBER_PARAM_SOURCES = {**BaseParetoClassifier._MEMBER_PARAM_SOURCES, "lr": "start_lr",
                             "max_epochs": "start_max_epochs", "batch_size": "batch_size"}
    _RENAMED_PARAMS = {"n_rays": "n_members"}

    _parameter_constraints: dict = {
        **BaseParetoClassifier._parameter_constraints,
        **{name: HEAD_CONSTRAINTS[name] for name in ("lr", "max_epochs", "batch_size")},
        "n_members": [COUNT, None],
        "n_rays": [COUNT, DEPRECATED],
        "start_lr": HEAD_CONSTRAINTS["lr"],
        "solver": [StrOptions(set(SOLVERS))],
        "hnet_hidden_layer_sizes": ["array-like"],
        "concentration": [POSITIVE],
        "n_rays_per_step": [COUNT],
        "start_max_epochs": [COUNT],
    }

    def _check_params(self):
        check_layer_sizes("hnet_hidden_layer_sizes", self.hnet_hidden_layer_sizes)

    def _fit_front(self, X, y01, groups, validation=None):
        start = fit_start_head(self, X, y01, groups)
        f_start = start.train_objectives_
        m = len(f_start)
        self.objective_ideal_ = np.array([f_start[0], *([0.0] * (m - 1))])
        self.objective_scales_ = np.maximum(f_start, 1e-8)

        with torch_seeded(self.random_state):
            head = copy.deepcopy(start.net_.module_).train(False)
            hnet = HyperNetwork(head, m, tuple(self.hnet_hidden_layer_sizes))
            callbacks = [("stop_on_divergence", StopOnDivergence())]
            if self.verbose:
                from skorch.callbacks import ProgressBar

                callbacks.append(("progress", ProgressBar()))
            net = HyperNetTrainer(
                hnet,
                criterion=torch.nn.BCEWithLogitsLoss,  # unused; the loss is the solver's
                optimizer=torch.optim.Adam,
                lr=self.lr,
                max_epochs=self.max_epochs,
                batch_size=self.batch_size,
                train_split=None,
                iterator_train=TensorBatchLoader,
                iterator_train__shuffle=True,
                device=resolve_device(self.device),
                callbacks=callbacks,
                verbose=0,
                solver=self.solver,
                n_rays_per_step=self.n_rays_per_step,
                concentration=self.concentration,
                ideal=tuple(self.objective_ideal_),
                scales=tuple(self.objective_scales_),
                fairness_criterion=self.criterion_,
                weight_decay=self.weight_decay,
            )
            net.fit({"X": X, "groups": groups}, y01)
        net.module_.eval()
        self.net_ = net
        self.history_ = net.history

        rays = member_rays(m, self._param("n_members"))
        members = [self.member_at(ray) for ray in rays]
        coords = {k: [] for k in ("alpha", *(f"ray_f{j + 1}" for j in range(m)),
                                  *(f"train_f{j + 1}" for j in range(m)), "ray_residual")}
        for ray, member in zip(rays, members):
            f = member.train_objectives_ = objectives_of(member.net_.module_, X, y01, groups, self.criterion_,
                                                         net.device, self.weight_decay)
            shifted = normalized_losses(torch.as_tensor(f), self.objective_ideal_, self.objective_scales_).numpy()
            for key, value in zip(coords, (ray[0], *ray, *f, ray_residual(shifted, ray))):
                coords[key].append(value)
        if m > 2:
            coords["weights"] = np.asarray(rays)
        return members, coords

    def member_at(self, ray):
        """The fitted head for a preference ray, without retraining (milliseconds).

        Parameters
        ----------
        ray : float or array-like of shape (n_objectives,)
            ``alpha`` (two objectives: the ray ``(alpha, 1 - alpha)``) or the ray itself, a point
            of the simplex with one weight per objective (the error first).

        Returns
        -------
        CBAClassifier
            An ordinary fitted classifier whose ``alpha`` is the ray's first coordinate (and whose
            ``weights`` is the ray, for more than two objectives). With ``threshold="auto"`` its
            decision threshold is interpolated, in ``alpha``, between those tuned for the front's
            members (more than two objectives: the nearest member's).
        """
        check_is_fitted(self, "net_")
        m = len(self.objective_ideal_)
        ray = np.asarray([ray, 1.0 - ray] if np.ndim(ray) == 0 else ray, dtype=float)
        if ray.shape != (m,) or np.any(ray < 0) or not np.isclose(ray.sum(), 1.0):
            what = "alpha in [0, 1] or two" if m == 2 else f"{m}"
            raise ValueError(f"ray must be {what} non-negative weights summing to 1 (one per objective), got {ray}")
        hnet = self.net_.module_
        with torch.no_grad():
            params = hnet.generate(torch.as_tensor(ray, dtype=torch.float32, device=self.net_.device))
        state = {k: v.detach().clone() for k, v in params.items()}
        extra = {} if m == 2 else {"weights": tuple(ray.tolist())}
        member = CBAClassifier._from_module_state(
            {**self._member_params(), "alpha": float(ray[0]), **extra}, state,
            classes=self.classes_, groups=self.groups_, n_features=self.n_features_in_,
            scales=self.objective_scales_, criterion=self.criterion_,
        )
        if hasattr(self, "front_results_"):  # fitted: the members' tuned (or fixed) thresholds
            r = self.front_results_
            keys = ["threshold"] if "threshold" in r else [f"threshold[{c}]" for c in self.classes_]
            if m == 2:
                order = np.argsort(r["alpha"])
                values = [float(np.interp(ray[0], r["alpha"][order], r[key][order])) for key in keys]
            else:
                names = self._objective_names()[1:]
                rays = np.column_stack([r["alpha"], *(r[f"weight[{name}]"] for name in names)])
                nearest = int(np.argmin(np.linalg.norm(rays - ray, axis=1)))
                values = [float(r[key][nearest]) for key in keys]
            member.threshold_ = values[0] if len(keys) == 1 else np.array(values)
            member.hard_scales_ = self.front_[0].hard_scales_
        return member


def member_rays(n_objectives, n_members=None):
    """The rays of a PHN front's members, most accurate first.

    Two objectives: ``n_members`` (default 11) evenly spaced ``alpha`` from 1 to 0. More: a
    lattice on the simplex from pymoo, Das-Dennis with as many partitions as keep it near 21
    rays for three objectives (5 partitions; 35 for four, 4 partitions) by default, else
    ``n_members`` rays of least Riesz energy (any count); each includes the simplex's corners.

    Examples
    --------
    >>> from skfairpareto.phn import member_rays
    >>> member_rays(2, 3).tolist()
    [[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]
    >>> member_rays(3).shape
    (21, 3)
    """
    if n_objectives == 2:
        alphas = np.linspace(1.0, 0.0, 11 if n_members is None else n_members)
        return np.column_stack([alphas, 1.0 - alphas])
    from pymoo.util.ref_dirs import get_reference_directions

    if n_members is None:
        partitions = max(2, 8 - n_objectives)  # 5 for three objectives (21 rays), 4 for four (35)
        rays = get_reference_directions("das-dennis", n_objectives, n_partitions=partitions)
    else:
        rays = get_reference_directions("energy", n_objectives, n_members, seed=0)
    # Most accurate first: by descending error weight, then lexicographically.
    order = np.lexsort([*(-rays[:, j] for j in range(n_objectives - 1, -1, -1))])
    return np.asarray(rays[order], dtype=float)
