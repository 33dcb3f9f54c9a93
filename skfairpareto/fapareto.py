"""FaParetoEnsemble: multi-objective evolution of a population of heads (FaPareto)."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import torch
from joblib import Parallel, delayed
from sklearn.utils._param_validation import Interval, StrOptions

from ._docs import fill_doc
from ._utils import draw_seed, torch_seeded
from ._validation import COUNT, DEPRECATED, HEAD_CONSTRAINTS, NON_NEGATIVE, aligned
from .base import BaseParetoClassifier
from ._net import make_net
from .cba import CBAClassifier, fit_start_head
from .heads import HeadEnsemble, MLPHead
from .solvers.evolution import MERGE_METHODS, MergeEvolution

__all__ = [
    "FaParetoEnsemble",
    "events_per_parameter",
]

# Spread of the Gaussian step a child's preference alpha takes from its parents' mean.
_ALPHA_JITTER = 0.1


#: Individuals fine-tuned side by side in one ensemble (a linear head's epoch then reads X once for
#: all of them). A constant, so that the fronts do not depend on ``n_jobs``, which spreads the chunks.
_ENSEMBLE_SIZE = 8

#: ``validation_fraction="auto"``: the share held out when the data are too few for the head, and
#: the events per parameter from which they are not (the evolution then evaluates on the training
#: data).
_HELD_OUT = 0.2
_MIN_EVENTS_PER_PARAMETER = 10


def events_per_parameter(y_codes, n_features, hidden_layer_sizes=(), n_outputs=1, n_offsets=0):
    """Rows of the rarest class per parameter of a head (the "events per variable" of logistic regression).

    Parameters
    ----------
    y_codes : array-like of int
        Class codes of the training rows.
    n_features : int
        Width of the features.
    hidden_layer_sizes : tuple of int, default=()
        The head's hidden widths.
    n_outputs : int, default=1
        Its logits (1 for two classes, K for K).
    n_offsets : int, default=0
        Parameters added by group offsets (``group_aware=True``).

    Examples
    --------
    >>> from skfairpareto.fapareto import events_per_parameter
    >>> events_per_parameter([0] * 300 + [1] * 110, n_features=10)  # 110 events, 11 weights
    10.0
    """
    with torch.device("meta"):  # the real architecture, counted without allocating or drawing weights
        head = MLPHead(int(n_features), tuple(hidden_layer_sizes), n_outputs=int(n_outputs))
    n_params = sum(p.numel() for p in head.parameters()) + int(n_offsets)
    return float(np.bincount(np.asarray(y_codes)).min()) / n_params


def _finetune(params, states, preferences, scales, epochs, seed, X, y, codes, classes, group_names, objectives):
    """New fitted CBAClassifiers: each of ``states`` trained ``epochs`` more epochs at its ``preferences`` row.

    The heads train side by side (:class:`~skfairpareto.heads.HeadEnsemble`), each on its own
    scalarised objective with its own Adam state, as if alone. Module-level so joblib can ship it
    to worker processes; seeded, so the result does not depend on which worker runs it.
    """
    shell = CBAClassifier._from_module_state({**params, "max_epochs": int(epochs)}, states[0], classes=classes,
                                             group_names=group_names, n_features=X.shape[1], scales=scales,
                                             objectives=objectives)
    ensemble = HeadEnsemble(shell.net_.module_, states=states)
    with torch_seeded(seed):
        net = make_net("ensemble", ensemble, {}, lr=shell.lr, max_epochs=int(epochs), batch_size=shell.batch_size,
                       device=shell.net_.device, optimizer=shell.optimizer, weights=[tuple(p) for p in preferences],
                       scales=tuple(scales), objectives=objectives, weight_decay=shell.weight_decay)
        net.initialize()
        net.partial_fit({"X": aligned(X), "groups": codes}, y)  # X may arrive unpickled, unaligned
    members = []
    for i, preference in enumerate(preferences):
        weights = tuple(float(w) for w in preference)
        member = CBAClassifier._from_module_state(
            {**params, "alpha": weights[0], "weights": weights, "max_epochs": int(epochs)}, ensemble.state(i),
            classes=classes, group_names=group_names, n_features=X.shape[1], scales=scales, objectives=objectives)
        member.history_ = net.history
        members.append(member)
    return members


def _state(member):
    return {k: v.detach().cpu().clone() for k, v in member.net_.module_.state_dict().items()}


@fill_doc
class FaParetoEnsemble(BaseParetoClassifier):
    """Accuracy-fairness front by multi-objective evolution of heads (FaPareto, Zhang et al. 2024).

    ``fit`` trains the accuracy-optimal head (a :class:`CBAClassifier` with ``alpha=1``), the
    shared base of a population of ``population_size`` heads. Every individual carries a
    preference ``alpha`` (the initial ones evenly spaced in [0, 1]) and is fine-tuned on the
    scalarised objective at it, so fine-tuning pulls individuals toward different trade-offs.
    Each generation:

    1. fine-tune every individual for ``finetune_epochs`` epochs;
    2. evaluate on held-out data (the validation split, else the training data) the error and
       ``fairness_metric`` -- the real metrics, not the surrogates;
    3. pick ``population_size`` parent pairs by binary tournament on Pareto rank and crowding;
    4. make each child by merging its parents relative to the shared base (``merge``), Gaussian
       mutation of its weights, and a short fine-tune at the parents' mean ``alpha`` (plus a
       small Gaussian step);
    5. keep ``population_size`` of parents and children by NSGA-II survival.

    An archive keeps every non-dominated individual ever evaluated; ``front_`` is that archive,
    ordered from the most accurate to the fairest on the evolution's evaluation data. Sorting,
    survival, tournament and hypervolume are pymoo's; fine-tuning goes through joblib
    (``n_jobs``), so a dask or ray joblib backend can distribute it.

    Every individual is evaluated with its decision threshold (``threshold="auto"``) tuned to its
    own preference on the evolution's data, so the archive, and ``front_``, hold the trade-offs the
    members really make. Because the archive is chosen on the validation split, the figures there
    are in-sample for that choice: they are named ``search_*`` (``evaluation_split_ == "search"``),
    not ``val_*``. Judge the front on data it never saw (:meth:`score_front`).

    Parameters
    ----------
    population_size : int, default=8
        Individuals kept per generation (at least 2).
    n_generations : int, default=10
        Generations after the initial population.
    merge : {"ties", "average", "task_arithmetic"}, default="ties"
        Crossover by model merging (see :class:`~skfairpareto.solvers.MergeEvolution`).
    merge_scaling : float, default=1.0
        Scaling coefficient of the merged task vector (``task_arithmetic`` and ``ties``).
    trim_ratio : float in [0, 1), default=0.8
        Share of each task vector's smallest-magnitude entries TIES zeroes.
    mutation_rate : float in [0, 1], default=0.1
        Share of weights perturbed in a child.
    mutation_scale : float, default=0.05
        Standard deviation of the Gaussian perturbation.
    finetune_epochs : int, default=10
        Full-batch epochs of each fine-tune.
    {{fairness_metric}}
        It is also the evolution's fairness objective (FaPareto's ΔTPR is
        ``constraints="true_positive_rate_parity"``).
    {{constraints}}
    {{sensitive_objectives}}
    {{group_aware}}
    {{hidden_layer_sizes}}
    {{dropout}}
    finetune_lr : float, default=0.05
        Learning rate (Adam) of every fine-tune.
    {{weight_decay}}
    {{standardize}}
    {{batch_size}}
        Of the start head and of every fine-tune.
    {{start_parameters}}
    {{threshold}}
    {{selection}}
    validation_fraction : float in (0, 1), "auto" or None, default="auto"
        Share of the training data held out (stratified by group and label) on which the
        evolution evaluates its population and chooses the archive; ``None`` evaluates on the
        training data. ``"auto"`` holds out 0.2 unless the training data have at least 10 rows
        of their rarest class per parameter of the head (the "rule of ten" events per variable
        of logistic regression, Peduzzi et al. 1996;
        :func:`~skfairpareto.fapareto.events_per_parameter`). With that many, the head cannot
        overfit much, so every row trains and the evolution evaluates on all of them. On the
        benchmark suite's ten problems with 10 or more events per parameter (tabular, 10 to 100
        features), evaluating on the training data raised the mean test hypervolume on eight
        (by 1.7 to 19 %) and lowered it on two (0.7 and 9.7 %). On the tweets' 896 features,
        with 0.1 to 4 events per parameter, it is what overfits: the 2,000-tweet front chosen on
        its training data fell from 1.84x its peer to 1.17x.
        ``fit(X_val=...)`` overrides it.
    {{reference_point}}
        The evolution's hypervolume history uses it too.
    n_jobs : int or None, default=None
        Parallel fine-tunes (joblib; ``None`` = 1 unless in a ``parallel_backend`` context): the
        individuals of a generation train in ensembles of eight (each read of the features serves
        eight heads), and ``n_jobs`` spreads the ensembles. The front does not depend on it.
    {{device}}
    {{random_state}}
    verbose : int, default=0
        Progress bar over generations when > 0.
    lr : float, default="deprecated"
        Renamed ``finetune_lr`` in 0.2 (``lr`` is the head's learning rate elsewhere); removed in 0.3.

    Attributes
    ----------
    {{front_attributes}}
        ``front_results_`` adds each member's ``alpha`` and the ``generation`` it was born in.
    population_ : list of CBAClassifier
        The final population.
    history_ : list of dict
        Per generation (0 = the initial population): ``population_objectives`` (error, gap
        rows), ``population_preferences``, ``hypervolume`` of the archive and
        ``population_hypervolume`` (at ``reference_point``), ``archive_size`` and ``seconds``.

    See Also
    --------
    skfairpareto.solvers.MergeEvolution : the evolution, on any torch heads.
    fairlearn.reductions.GridSearch : fairlearn's sweep of one constraint's multiplier.

    References
    ----------
    .. [1] Zhang et al., FaPareto, arXiv:2411.14500, 2024.

    Examples
    --------
    >>> import numpy as np
    >>> from skfairpareto import FaParetoEnsemble
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(300, 4)).astype("float32")
    >>> s = rng.randint(0, 2, 300)
    >>> y = (X[:, 0] + s * X[:, 1] > 0).astype(int)
    >>> est = FaParetoEnsemble(population_size=4, n_generations=2, start_max_epochs=30, random_state=0)
    >>> est = est.fit(X, y, sensitive_features=s)
    >>> len(est.history_), len(est.front_) >= 1
    (3, True)
    """

    def __init__(
        self,
        population_size=8,
        n_generations=10,
        *,
        merge="ties",
        merge_scaling=1.0,
        trim_ratio=0.8,
        mutation_rate=0.1,
        mutation_scale=0.05,
        finetune_epochs=10,
        fairness_metric=None,
        constraints="error_rate_parity",
        sensitive_objectives="joint",
        group_aware=False,
        hidden_layer_sizes=(),
        dropout=0.0,
        finetune_lr=0.05,
        weight_decay="auto",
        standardize="auto",
        batch_size=-1,
        start_lr=0.05,
        start_max_epochs=200,
        threshold="auto",
        selection="knee",
        validation_fraction="auto",
        reference_point=None,
        n_jobs=None,
        device="auto",
        random_state=None,
        verbose=0,
        lr="deprecated",
    ):
        self.population_size = population_size
        self.n_generations = n_generations
        self.merge = merge
        self.merge_scaling = merge_scaling
        self.trim_ratio = trim_ratio
        self.mutation_rate = mutation_rate
        self.mutation_scale = mutation_scale
        self.finetune_epochs = finetune_epochs
        self.fairness_metric = fairness_metric
        self.constraints = constraints
        self.sensitive_objectives = sensitive_objectives
        self.group_aware = group_aware
        self.hidden_layer_sizes = hidden_layer_sizes
        self.dropout = dropout
        self.finetune_lr = finetune_lr
        self.weight_decay = weight_decay
        self.standardize = standardize
        self.batch_size = batch_size
        self.start_lr = start_lr
        self.start_max_epochs = start_max_epochs
        self.threshold = threshold
        self.selection = selection
        self.validation_fraction = validation_fraction
        self.reference_point = reference_point
        self.n_jobs = n_jobs
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        self.lr = lr

    _RENAMED_PARAMS = {"lr": "finetune_lr"}

    _parameter_constraints: dict = {
        **BaseParetoClassifier._parameter_constraints,
        "finetune_lr": HEAD_CONSTRAINTS["lr"],
        "lr": HEAD_CONSTRAINTS["lr"] + [DEPRECATED],
        "batch_size": HEAD_CONSTRAINTS["batch_size"],
        "start_lr": HEAD_CONSTRAINTS["lr"],
        "population_size": [Interval(Integral, 2, None, closed="left")],
        "n_generations": [COUNT],
        "merge": [StrOptions(set(MERGE_METHODS))],
        "merge_scaling": [NON_NEGATIVE],
        "trim_ratio": [Interval(Real, 0, 1, closed="left")],
        "mutation_rate": [Interval(Real, 0, 1, closed="both")],
        "mutation_scale": [NON_NEGATIVE],
        "finetune_epochs": [COUNT],
        "start_max_epochs": [COUNT],
        "n_jobs": [Integral, None],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither"), StrOptions({"auto"}), None],
    }

    _SELECTS_ON_VALIDATION = True

    def _validation_fraction(self, y_codes, n_features):
        if self.validation_fraction != "auto":
            return self.validation_fraction
        n_outputs = self.objectives_.n_outputs
        epp = events_per_parameter(y_codes, n_features, self.hidden_layer_sizes, n_outputs,
                                   len(self.groups_) * n_outputs if self.group_aware else 0)
        return None if epp >= _MIN_EVENTS_PER_PARAMETER else _HELD_OUT

    def _check_members(self):
        self.objectives_.check_members("population_size", self.population_size)

    def _front_order(self, coords):
        # The archive is mutually non-dominated: ascending error is most accurate to fairest.
        gaps = sum(coords[f"evolution_{name}"] for name in self.objectives_.names)
        return np.lexsort((gaps, coords["evolution_error"]))

    def _fit_front(self, X, y, codes, validation=None):
        seed = draw_seed(self.random_state)
        start, _ = fit_start_head(self, X, y, codes)
        objectives = self.objectives_
        evolution = MergeEvolution(
            _state(start), self.population_size, self.n_generations, merge=self.merge,
            merge_scaling=self.merge_scaling, trim_ratio=self.trim_ratio, mutation_rate=self.mutation_rate,
            mutation_scale=self.mutation_scale, alpha_jitter=_ALPHA_JITTER, seed=seed,
            reference_point=self._reference_point(), initial_preferences=objectives.initial_preferences,
            step_preference=objectives.step_preference,
        )
        # Every individual is judged as it will decide: its threshold tuned to its own preference
        # on the evolution's data (held out, or the training data for label-free rates), so the
        # archive holds the members' real trade-offs.
        X_ev, y_ev, codes_ev = validation if validation is not None else (X, y, codes)
        hard = objectives.hard(y_ev, codes_ev, metrics=self._metrics_)
        tuned = self._tunes(held_out=validation is not None)
        scales = hard.scales(self._logits(start, X_ev, codes_ev)) if tuned else None
        params, objective_scales = {**self._member_params(), "lr": self._param("finetune_lr")}, start.objective_scales_
        parallel = Parallel(n_jobs=self.n_jobs)
        from tqdm.auto import tqdm

        with tqdm(total=self.n_generations + 1, desc="FaPareto generations", disable=not self.verbose) as bar:
            while not evolution.is_done():
                candidates = evolution.ask()
                chunks = [candidates[i:i + _ENSEMBLE_SIZE] for i in range(0, len(candidates), _ENSEMBLE_SIZE)]
                members = [member for fitted in parallel(
                    delayed(_finetune)(params, [c.state for c in chunk], [c.preference for c in chunk],
                                       objective_scales, self.finetune_epochs, chunk[0].seed, X, y, codes,
                                       self.classes_, self.groups_, objectives)
                    for chunk in chunks) for member in fitted]
                F = []
                for member, candidate in zip(members, candidates):
                    z = self._logits(member, X_ev, codes_ev)
                    if tuned:
                        member.threshold_, member.hard_scales_ = hard.tune(z, candidate.preference, scales), scales
                    else:
                        member.threshold_ = self._fixed_threshold(member)
                    F.append(hard.values(hard.decisions(z, member.threshold_)))
                evolution.tell(members, F, [_state(m) for m in members])
                bar.update(evolution.generation - bar.n)
        self.history_, self.population_ = evolution.history, self._name_features(evolution.population)
        archive = evolution.archive
        coords = {
            "weights": np.asarray(archive["preference"], dtype=float),
            "threshold": [m.threshold_ for m in archive["individuals"]],
            "generation": np.asarray(archive["generation"]),
            **{f"evolution_{name}": archive["F"][:, j] for j, name in enumerate(objectives.objective_names)},
        }
        return archive["individuals"], coords

    def plot_history(self, axes=None):
        """Hypervolume per generation, and the population's objectives coloured by generation.

        Returns
        -------
        ndarray of two matplotlib Axes
        """
        import matplotlib.pyplot as plt
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "history_")
        if axes is None:
            _, axes = plt.subplots(1, 2, figsize=(10, 4))
        gens = [h["generation"] for h in self.history_]
        axes[0].plot(gens, [h["hypervolume"] for h in self.history_], "o-", label="archive")
        axes[0].plot(gens, [h["population_hypervolume"] for h in self.history_], "s--", label="population")
        axes[0].set_xlabel("generation")
        axes[0].set_ylabel(f"hypervolume (reference {self._reference_point()})")
        axes[0].legend()
        cmap = plt.get_cmap("viridis")
        for h in self.history_:
            F = h["population_objectives"]
            axes[1].scatter(F[:, 0], F[:, 1:].sum(1), color=cmap(h["generation"] / max(gens[-1], 1)), s=14)
        axes[1].set_xlabel("error (evolution data)")
        axes[1].set_ylabel(" + ".join(self.objectives_.names) + " (evolution data)")
        axes[1].set_title("population by generation (dark = early)")
        return np.asarray(axes)
