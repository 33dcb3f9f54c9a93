"""Operators of FaPareto's multi-objective evolution (Zhang et al. 2024): merge-crossover,
Gaussian mutation, and the NSGA-II machinery borrowed from pymoo.

Models are dicts of tensors (``state_dict``-like, same keys and shapes). Crossover merges
parents *relative to a shared base model* (the start every individual descends from), on
their task vectors ``tau_i = theta_i - theta_base``:

* ``"average"``: ``theta_base + mean_i tau_i`` (weight averaging);
* ``"task_arithmetic"``: ``theta_base + scaling * sum_i tau_i`` (Ilharco et al. 2023);
* ``"ties"``: TIES-merging (Yadav et al. 2023): trim each task vector to its largest-magnitude
  entries (``trim_ratio`` of them are zeroed), elect per entry the sign with the larger total
  mass, average the entries that agree with it, ``theta_base + scaling * merged``.

Non-dominated sorting, rank-and-crowding survival, binary tournament selection and the
hypervolume are pymoo's; :class:`MergeEvolution` runs them as an ask/tell loop. Nothing here
knows about text or scikit-learn.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import torch

from .pareto import hypervolume, pareto_mask

__all__ = [
    "MergeEvolution",
    "Candidate",
    "merge_models",
    "ties_merge",
    "gaussian_mutation",
    "rank_and_crowding_survival",
    "tournament_pairs",
    "lattice_preferences",
    "gaussian_preference_step",
]

MERGE_METHODS = ("average", "task_arithmetic", "ties")


def _flatten(state, keys):
    return torch.cat([state[k].reshape(-1).to(torch.float64) for k in keys])


def _unflatten(vec, like):
    out, i = {}, 0
    for k, t in like.items():
        out[k] = vec[i : i + t.numel()].reshape(t.shape).to(t.dtype)
        i += t.numel()
    return out


def merge_models(base, models, method="ties", scaling=1.0, trim_ratio=0.8):
    """Merge ``models`` (dicts of tensors) relative to ``base`` by ``method`` (see module doc).

    Examples
    --------
    >>> import torch
    >>> base = {"w": torch.zeros(2)}
    >>> merge_models(base, [{"w": torch.tensor([1.0, 2.0])}, {"w": torch.tensor([3.0, 0.0])}], "average")["w"]
    tensor([2., 1.])
    """
    if method not in MERGE_METHODS:
        raise ValueError(f"merge must be one of {list(MERGE_METHODS)}, got {method!r}")
    if not models:
        raise ValueError("merge_models needs at least one model")
    keys = list(base)
    theta0 = _flatten(base, keys)
    tau = torch.stack([_flatten(m, keys) - theta0 for m in models])
    if method == "average":
        merged = tau.mean(0)
    elif method == "task_arithmetic":
        merged = scaling * tau.sum(0)
    else:
        merged = scaling * ties_merge(tau, trim_ratio)
    return _unflatten(theta0 + merged, base)


def ties_merge(task_vectors, trim_ratio=0.8):
    """TIES merge of stacked task vectors (shape ``(n_models, n_params)``): trim, elect, mean."""
    if not 0.0 <= trim_ratio < 1.0:
        raise ValueError(f"trim_ratio must be in [0, 1), got {trim_ratio}")
    tau = task_vectors.clone()
    n_keep = max(1, int(round((1.0 - trim_ratio) * tau.shape[1])))
    if n_keep < tau.shape[1]:
        # Trim: keep each model's n_keep largest-magnitude entries.
        cutoff = tau.abs().topk(n_keep, dim=1).values[:, -1:]
        tau[tau.abs() < cutoff] = 0.0
    sign = torch.sign(tau.sum(0))  # elected sign: the side with the larger total mass
    agree = (torch.sign(tau) == sign) & (tau != 0)
    count = agree.sum(0).clamp_min(1)
    return (tau * agree).sum(0) / count


def gaussian_mutation(state, rate, scale, generator=None):
    """Add ``N(0, scale^2)`` noise to a random share ``rate`` of every tensor's entries."""
    out = {}
    for k, t in state.items():
        mask = torch.rand(t.shape, generator=generator) < rate
        noise = torch.randn(t.shape, generator=generator) * scale
        out[k] = t + (mask * noise).to(t.dtype).to(t.device)
    return out


def _pymoo_population(F):
    from pymoo.core.population import Population

    return Population.new("F", np.asarray(F, dtype=float))


def _problem(n_objectives=2):
    from pymoo.core.problem import Problem

    return Problem(n_var=1, n_obj=n_objectives)


def rank_and_crowding_survival(F, n_survive, random_state=None):
    """Indices of the survivors of objective rows ``F``: NSGA-II's rank and crowding (pymoo
    ``RankAndCrowding``) for up to three objectives, NSGA-III's reference-direction niching
    (pymoo ``ReferenceDirectionSurvival``, Das-Dennis directions) for more, where crowding
    distances stop telling points apart."""
    F = np.asarray(F, dtype=float)
    pop = _pymoo_population(F)
    if F.shape[1] <= 3:
        from pymoo.operators.survival.rank_and_crowding import RankAndCrowding

        survival = RankAndCrowding()
    else:
        from pymoo.algorithms.moo.nsga3 import ReferenceDirectionSurvival
        from pymoo.util.ref_dirs import get_reference_directions

        survival = ReferenceDirectionSurvival(get_reference_directions("das-dennis", F.shape[1], n_partitions=3))
    return np.asarray(survival.do(_problem(F.shape[1]), pop, n_survive=n_survive, random_state=random_state,
                                  return_indices=True))


def tournament_pairs(F, n_pairs, random_state=None):
    """``(n_pairs, 2)`` parent indices by NSGA-II binary tournament (dominance, then crowding)."""
    from pymoo.algorithms.moo.nsga2 import binary_tournament
    from pymoo.operators.selection.tournament import TournamentSelection
    from pymoo.operators.survival.rank_and_crowding import RankAndCrowding

    pop = _pymoo_population(F)
    problem = _problem(np.shape(F)[1])
    # Survival of everyone sets the rank and crowding attributes the tournament compares.
    RankAndCrowding().do(problem, pop, n_survive=len(pop), random_state=random_state)
    algorithm = SimpleNamespace(tournament_type="comp_by_dom_and_crowding", random_state=random_state)
    P = TournamentSelection(func_comp=binary_tournament).do(
        problem, pop, n_pairs, n_parents=2, to_pop=False, random_state=random_state, algorithm=algorithm
    )
    return np.asarray(P, dtype=int)


@dataclass
class Candidate:
    """One individual the evolution asks to have fine-tuned and evaluated."""

    state: dict  # model weights (name -> tensor)
    preference: np.ndarray  # the weight per objective it is fine-tuned at, a point of the simplex
    seed: int  # seeds its fine-tune, so the result does not depend on who runs it

    @property
    def alpha(self):
        """The preference's weight on the first objective (the accuracy weight)."""
        return float(self.preference[0])


def lattice_preferences(n_objectives, n, rng):
    """``n`` points of the simplex from pymoo's Riesz-energy lattice (its corners first), most accurate
    first: the evolution's default starting preferences."""
    from pymoo.util.ref_dirs import get_reference_directions

    w = get_reference_directions("energy", n_objectives, n, seed=int(rng.randint(2**31 - 1)))
    return w[np.argsort(-w[:, 0], kind="stable")]


def gaussian_preference_step(mean, scale, rng):
    """A Gaussian step of spread ``scale`` from ``mean`` on the simplex: every weight jittered, clipped at 0
    and renormalised (the evolution's default child preference)."""
    m = len(mean)
    w = np.clip(np.asarray(mean) + rng.normal(0.0, scale, m), 0.0, None)
    return w / w.sum() if w.sum() > 0 else np.full(m, 1.0 / m)


class MergeEvolution:
    """FaPareto's NSGA-II over models, as an ask/tell object (like pymoo's ``Algorithm``).

    Every individual is a model (a dict of tensors) with a preference, a weight per objective on
    the simplex. Generation 0 is ``population_size`` Gaussian mutations of ``base`` at the
    starting preferences (``initial_preferences``); each later generation asks twice: to refresh
    the population (fine-tune and re-evaluate it), then for offspring (binary tournament on rank
    and crowding, merge relative to ``base``, Gaussian mutation, a step from the parents' mean
    preference: ``step_preference``), and keeps ``population_size`` of both by NSGA-II survival.
    An archive keeps every non-dominated individual told.

    The caller fine-tunes and evaluates what :meth:`ask` returns and hands the results to
    :meth:`tell`: ``individuals`` (any objects; the archive returns them), their objective rows
    ``F`` (to minimise) and their fine-tuned states, which later merges start from::

        evolution = MergeEvolution(base, 8, 10, seed=0)
        while not evolution.is_done():
            candidates = evolution.ask()
            individuals = [finetune(c) for c in candidates]
            evolution.tell(individuals, evaluate(individuals), [state_of(i) for i in individuals])

    Parameters
    ----------
    base : dict of tensors
        The shared start every individual descends from, and the merges' reference.
    population_size : int
        Individuals kept per generation (at least 2).
    n_generations : int
        Generations after the initial one.
    merge, merge_scaling, trim_ratio :
        Crossover (:func:`merge_models`).
    mutation_rate, mutation_scale :
        Gaussian mutation (:func:`gaussian_mutation`).
    alpha_jitter : float, default=0.1
        Spread of the Gaussian step of a child's preference from its parents' mean.
    initial_preferences : callable or None, default=None
        ``initial_preferences(n, rng) -> (n, m)``: the starting preferences, most accurate first;
        default :func:`lattice_preferences`.
    step_preference : callable or None, default=None
        ``step_preference(mean, scale, rng) -> (m,)``: a child's preference; default
        :func:`gaussian_preference_step`.
    seed : int
        Seeds every draw (a numpy RandomState, and a torch Generator seeded from it).
    reference_point : tuple of float, default=(1.0, 1.0)
        Reference point of the history's hypervolumes, one value per objective (its length sets
        the number of objectives).

    Attributes
    ----------
    generation : int
        The generation being built.
    population, population_F, population_preferences :
        The current population, its objective rows and its preferences (rows of ``m``).
    archive : dict
        ``individuals``, ``F``, ``preference`` and ``generation`` of the non-dominated individuals.
    history : list of dict
        Per finished generation: the population's objectives and preferences, the archive's and
        the population's hypervolume (at ``reference_point``), the archive size and the seconds taken.
    """

    def __init__(self, base, population_size, n_generations, *, merge="ties", merge_scaling=1.0, trim_ratio=0.8,
                 mutation_rate=0.1, mutation_scale=0.05, alpha_jitter=0.1, seed=0, reference_point=(1.0, 1.0),
                 initial_preferences=None, step_preference=None):
        if population_size < 2:
            raise ValueError(f"population_size must be at least 2, got {population_size}")
        self.base, self.population_size, self.n_generations = base, population_size, n_generations
        self.merge, self.merge_scaling, self.trim_ratio = merge, merge_scaling, trim_ratio
        self.mutation_rate, self.mutation_scale, self.alpha_jitter = mutation_rate, mutation_scale, alpha_jitter
        self.reference_point = tuple(reference_point)
        self.n_objectives = len(self.reference_point)
        self.initial_preferences = initial_preferences or (lambda n, rng: lattice_preferences(self.n_objectives, n, rng))
        self.step_preference = step_preference or gaussian_preference_step
        self.rng = np.random.RandomState(seed)
        self.torch_generator = torch.Generator().manual_seed(int(self.rng.randint(2**31 - 1)))
        self.generation, self._phase = 0, "initial"
        self.population, self.population_F, self.population_preferences, self._states = [], None, None, []
        self.archive = {"individuals": [], "F": np.empty((0, len(reference_point))), "preference": [],
                        "generation": []}
        self.history, self._asked, self._t0 = [], None, None

    def is_done(self):
        """Whether every generation has been told."""
        return self.generation > self.n_generations

    def _candidates(self, states, preferences):
        seeds = self.rng.randint(2**31 - 1, size=len(states))
        return [Candidate(st, np.asarray(p, dtype=float), int(sd)) for st, p, sd in zip(states, preferences, seeds)]

    def ask(self):
        """The candidates to fine-tune and evaluate next (a list of :class:`Candidate`)."""
        if self.is_done():
            raise RuntimeError("the evolution is done; read archive and population")
        if self._phase != "offspring":
            self._t0 = time.perf_counter()
        P, gen = self.population_size, self.torch_generator
        if self._phase == "initial":
            preferences = self.initial_preferences(P, self.rng)
            states = [gaussian_mutation(self.base, self.mutation_rate, self.mutation_scale, gen) for _ in range(P)]
        elif self._phase == "refresh":
            preferences, states = self.population_preferences, self._states
        else:
            pairs = tournament_pairs(self.population_F, P, random_state=np.random.default_rng(self.rng.randint(2**31 - 1)))
            preferences, states = [], []
            for a, b in pairs:
                merged = merge_models(self.base, [self._states[a], self._states[b]], self.merge, self.merge_scaling,
                                      self.trim_ratio)
                states.append(gaussian_mutation(merged, self.mutation_rate, self.mutation_scale, gen))
                mean = (self.population_preferences[a] + self.population_preferences[b]) / 2
                preferences.append(self.step_preference(mean, self.alpha_jitter, self.rng))
        self._asked = self._candidates(states, preferences)
        return self._asked

    def tell(self, individuals, F, states):
        """Hand back the fine-tuned ``individuals``, their objective rows and their states."""
        if self._asked is None or len(individuals) != len(self._asked):
            raise ValueError(f"tell() expects one result per candidate of the last ask(), got {len(individuals)}")
        F = np.asarray(F, dtype=float)
        preferences = np.array([c.preference for c in self._asked])  # (n, m)
        self._update_archive(list(individuals), F, preferences)
        if self._phase == "offspring":  # NSGA-II survival over parents and children
            everyone, all_F = self.population + list(individuals), np.vstack([self.population_F, F])
            all_states = self._states + list(states)
            all_preferences = np.concatenate([self.population_preferences, preferences], axis=0)
            keep = rank_and_crowding_survival(all_F, self.population_size,
                                              random_state=np.random.default_rng(self.rng.randint(2**31 - 1)))
            self._set_population([everyone[i] for i in keep], all_F[keep], all_preferences[keep],
                                 [all_states[i] for i in keep])
        else:
            self._set_population(list(individuals), F, preferences, list(states))
        self._asked = None
        if self._phase == "refresh":
            self._phase = "offspring"
            return
        self._finish_generation()

    def _set_population(self, individuals, F, preferences, states):
        self.population, self.population_F, self.population_preferences, self._states = (individuals, F, preferences,
                                                                                          states)

    def _update_archive(self, individuals, F, preferences):
        archive = self.archive
        allF = np.vstack([archive["F"], F])
        keep = np.flatnonzero(pareto_mask(allF))
        # Of individuals with identical objective values keep the first (oldest).
        keep = keep[np.sort(np.unique(allF[keep], axis=0, return_index=True)[1])]
        pool = {"individuals": archive["individuals"] + individuals,
                "preference": archive["preference"] + list(preferences),
                "generation": archive["generation"] + [self.generation] * len(individuals)}
        for key, values in pool.items():
            archive[key] = [values[i] for i in keep]
        archive["F"] = allF[keep]

    def _finish_generation(self):
        self.history.append({
            "generation": self.generation,
            "population_objectives": self.population_F.copy(),
            "population_preferences": np.asarray(self.population_preferences, float).copy(),
            "hypervolume": hypervolume(self.archive["F"], self.reference_point),
            "population_hypervolume": hypervolume(self.population_F, self.reference_point),
            "archive_size": len(self.archive["individuals"]),
            "seconds": time.perf_counter() - self._t0,
        })
        self.generation += 1
        self._phase = "refresh"
