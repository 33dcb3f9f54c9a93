"""FaParetoEnsemble: multi-objective evolution of a population of heads (FaPareto)."""

from __future__ import annotations

import time

import numpy as np
import torch
from joblib import Parallel, delayed

from ._validation import check_in_interval, check_option, check_positive_int
from .base import BaseParetoClassifier
from .cba import CBAClassifier, _seed_everything
from .metrics import evaluate_predictions, hypervolume, pareto_mask
from .solvers.evolution import (
    MERGE_METHODS,
    gaussian_mutation,
    merge_models,
    rank_and_crowding_survival,
    tournament_pairs,
)

# Spread of the Gaussian step a child's preference alpha takes from its parents' mean.
_ALPHA_JITTER = 0.1


def _finetune(params, state, alpha, scales, epochs, seed, X, y01, groups, classes, group_names):
    """A new fitted CBAClassifier: ``state`` trained ``epochs`` more epochs at ``alpha``.

    Module-level so joblib can ship it to worker processes; seeded, so the result does not
    depend on which worker runs it.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        member = CBAClassifier._from_module_state(
            {**params, "alpha": float(alpha), "max_epochs": int(epochs)}, state,
            classes=classes, groups=group_names, n_features=X.shape[1], scales=scales,
        )
        net = member.net_
        net.set_params(alpha=float(alpha), scales=tuple(scales))
        net.module_.train()
        net.partial_fit({"X": X, "groups": groups}, y01)
        net.module_.eval()
    member.history_ = net.history
    return member


def _state(member):
    return {k: v.detach().cpu().clone() for k, v in member.net_.module_.state_dict().items()}


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

    Because the archive is chosen on the validation split, its ``val_*`` figures are optimistic;
    judge the front on data it never saw (:meth:`score_front`).

    Parameters
    ----------
    population_size : int, default=8
    n_generations : int, default=10
    merge : {"ties", "average", "task_arithmetic"}, default="ties"
        Crossover by model merging (see :mod:`skfairpareto.solvers.evolution`).
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
    fairness_metric : str, callable or None, default=None
        The fairness objective of the evolution; ``None`` is the fairlearn metric of
        ``constraints`` (FaPareto's ΔTPR is ``constraints="true_positive_rate_parity"``); any
        name :func:`~skfairpareto.metrics.resolve_fairness_metric` accepts or a callable with
        fairlearn's signature.
    constraints, hidden_layer_sizes, dropout, lr, weight_decay :
        Fairness criterion of the surrogate, head, optimiser and L2 penalty of every fine-tune,
        as in :class:`CBAClassifier`.
    group_aware : bool, default=False
        Give every member one learned offset per group (:class:`CBAClassifier`): prediction
        then needs ``sensitive_features``. Compare such fronts only with group-aware peers.
    start_max_epochs : int, default=400
        Epochs of the accuracy-optimal start head.
    selection, validation_fraction :
        See :class:`~skfairpareto.base.BaseParetoClassifier`.
    n_jobs : int or None, default=None
        Parallel fine-tunes (joblib; ``None`` = 1 unless in a ``parallel_backend`` context).
    device : str, default="auto"
    random_state : int or None, default=None
    verbose : int, default=0
        Progress bar over generations when > 0.

    Attributes
    ----------
    front_, front_results_, hypervolume_, selected_index_, classes_, groups_
        See :class:`~skfairpareto.base.BaseParetoClassifier`; ``front_results_`` adds each
        member's ``alpha`` and the ``generation`` it was born in.
    start_ : CBAClassifier
        The shared accuracy-optimal base.
    population_ : list of CBAClassifier
        The final population.
    history_ : list of dict
        Per generation (0 = the initial population): ``population_objectives`` (error,
        unfairness rows), ``population_alphas``, ``hypervolume`` of the archive and
        ``population_hypervolume`` (reference (1, 1)), ``archive_size`` and ``seconds``.

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
        group_aware=False,
        hidden_layer_sizes=(),
        dropout=0.0,
        lr=0.05,
        weight_decay=3e-5,
        start_max_epochs=400,
        selection="knee",
        validation_fraction=0.2,
        n_jobs=None,
        device="auto",
        random_state=None,
        verbose=0,
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
        self.group_aware = group_aware
        self.hidden_layer_sizes = hidden_layer_sizes
        self.dropout = dropout
        self.lr = lr
        self.weight_decay = weight_decay
        self.start_max_epochs = start_max_epochs
        self.selection = selection
        self.validation_fraction = validation_fraction
        self.n_jobs = n_jobs
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    _MEMBER_PARAM_SOURCES = {
        **BaseParetoClassifier._MEMBER_PARAM_SOURCES, "lr": "lr", "weight_decay": "weight_decay",
        "max_epochs": "start_max_epochs",
    }

    def _check_params(self):
        check_positive_int("population_size", self.population_size)
        if self.population_size < 2:
            raise ValueError(f"population_size must be at least 2, got {self.population_size}")
        check_positive_int("n_generations", self.n_generations)
        check_option("merge", self.merge, MERGE_METHODS)
        check_in_interval("merge_scaling", self.merge_scaling, 0.0, np.inf, closed="left")
        check_in_interval("trim_ratio", self.trim_ratio, 0.0, 1.0, closed="left")
        check_in_interval("mutation_rate", self.mutation_rate, 0.0, 1.0)
        check_in_interval("mutation_scale", self.mutation_scale, 0.0, np.inf, closed="left")
        check_positive_int("finetune_epochs", self.finetune_epochs)
        check_positive_int("start_max_epochs", self.start_max_epochs)

    def _front_order(self, coords):
        # The archive is mutually non-dominated: ascending error is most accurate to fairest.
        return np.lexsort((coords["evolution_unfairness"], coords["evolution_error"]))

    def _fit_front(self, X, y01, groups, n_groups, validation=None):
        self._check_params()
        rng = np.random.RandomState(_seed_everything(self.random_state))
        gen = torch.Generator().manual_seed(int(rng.randint(2**31 - 1)))
        start = self._fit_start(X, y01, groups)
        base = _state(start)
        scales = start.objective_scales_
        X_ev, y_ev, g_ev = validation if validation is not None else (X, y01, groups)
        labels_ev, names_ev = self.classes_[y_ev.astype(int)], self.groups_[g_ev]
        params = self._member_params()
        parallel = Parallel(n_jobs=self.n_jobs)

        def finetune(states, alphas):
            seeds = rng.randint(2**31 - 1, size=len(states))
            return parallel(
                delayed(_finetune)(params, st, a, scales, self.finetune_epochs, int(sd), X, y01, groups,
                                   self.classes_, self.groups_)
                for st, a, sd in zip(states, alphas, seeds)
            )

        def evaluate(members):
            rows = [evaluate_predictions(labels_ev, m.predict(X_ev, names_ev), names_ev, self._fairness_metric_,
                                         self.classes_[1]) for m in members]
            return np.array([[r["error"], r["unfairness"]] for r in rows])

        P = self.population_size
        alphas = np.linspace(1.0, 0.0, P)
        states = [gaussian_mutation(base, self.mutation_rate, self.mutation_scale, gen) for _ in range(P)]
        archive = {"members": [], "F": np.empty((0, 2)), "alpha": [], "generation": []}
        self.history_ = []

        def update_archive(members, F, member_alphas, generation):
            allF = np.vstack([archive["F"], F])
            keep = np.flatnonzero(pareto_mask(allF))
            # Of individuals with identical objective values keep the first (oldest).
            keep = keep[np.sort(np.unique(allF[keep], axis=0, return_index=True)[1])]
            pool = {k: archive[k] + list(v) for k, v in
                    (("members", members), ("alpha", member_alphas), ("generation", [generation] * len(members)))}
            for k in pool:
                archive[k] = [pool[k][i] for i in keep]
            archive["F"] = allF[keep]

        from tqdm.auto import trange

        population, pop_F = [], None
        for generation in trange(self.n_generations + 1, desc="FaPareto generations", disable=not self.verbose):
            t0 = time.perf_counter()
            if generation == 0:
                population = finetune(states, alphas)
                pop_F = evaluate(population)
                update_archive(population, pop_F, alphas, 0)
            else:
                # 1-2: fine-tune and re-evaluate every individual.
                population = finetune([_state(m) for m in population], alphas)
                pop_F = evaluate(population)
                update_archive(population, pop_F, alphas, generation)
                # 3-4: offspring from tournament pairs by merge, mutation and a short fine-tune.
                pairs = tournament_pairs(pop_F, P, random_state=np.random.default_rng(rng.randint(2**31 - 1)))
                child_states, child_alphas = [], []
                for a, b in pairs:
                    merged = merge_models(base, [_state(population[a]), _state(population[b])], self.merge,
                                          self.merge_scaling, self.trim_ratio)
                    child_states.append(gaussian_mutation(merged, self.mutation_rate, self.mutation_scale, gen))
                    child_alphas.append(float(np.clip(
                        (alphas[a] + alphas[b]) / 2 + rng.normal(0.0, _ALPHA_JITTER), 0.0, 1.0)))
                children = finetune(child_states, child_alphas)
                child_F = evaluate(children)
                update_archive(children, child_F, child_alphas, generation)
                # 5: NSGA-II survival over parents and children.
                everyone, all_F = population + children, np.vstack([pop_F, child_F])
                all_alphas = np.concatenate([alphas, child_alphas])
                keep = rank_and_crowding_survival(all_F, P, random_state=np.random.default_rng(rng.randint(2**31 - 1)))
                population, pop_F, alphas = [everyone[i] for i in keep], all_F[keep], all_alphas[keep]
            self.history_.append({
                "generation": generation,
                "population_objectives": pop_F.copy(),
                "population_alphas": np.asarray(alphas, float).copy(),
                "hypervolume": hypervolume(archive["F"], (1.0, 1.0)),
                "population_hypervolume": hypervolume(pop_F, (1.0, 1.0)),
                "archive_size": len(archive["members"]),
                "seconds": time.perf_counter() - t0,
            })
        self.population_ = population
        coords = {
            "alpha": np.asarray(archive["alpha"], float),
            "generation": np.asarray(archive["generation"]),
            "evolution_error": archive["F"][:, 0],
            "evolution_unfairness": archive["F"][:, 1],
        }
        return archive["members"], coords

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
        axes[0].set_ylabel("hypervolume (ref. 1, 1)")
        axes[0].legend()
        cmap = plt.get_cmap("viridis")
        for h in self.history_:
            F = h["population_objectives"]
            axes[1].scatter(F[:, 0], F[:, 1], color=cmap(h["generation"] / max(gens[-1], 1)), s=14)
        axes[1].set_xlabel("error (evolution data)")
        axes[1].set_ylabel(self._fairness_metric_.__name__)
        axes[1].set_title("population by generation (dark = early)")
        return np.asarray(axes)
