"""Fritz-John-certified Pareto front tracing (after SUHNPF, Gupta et al., UAI 2022).

A parameter vector ``theta`` is Pareto-stationary iff there are multipliers ``lambda >= 0``, not
all zero, with ``sum_i lambda_i grad f_i + sum_j mu_j grad g_j = 0`` over the objectives ``f_i``
and the active constraints ``g_j <= 0``. The **FJ residual** is the norm of the minimum-norm
convex combination of those gradients divided by the largest gradient norm: 0 exactly at a
Fritz-John point, at most 1 anywhere.

:class:`FritzJohnSolver` traces a two-objective front by continuation: from a start point (the
``f1``-optimal end) it solves ``min f1 s.t. f2 <= eps`` for a decreasing sequence of ``eps``, each
warm-started from its neighbour, with an augmented Lagrangian whose constraint multiplier is the
FJ multiplier of ``f2``. Every iterate is a candidate; a candidate is **accepted** when it is
feasible and its FJ residual is below ``tol``. Because Fritz-John points need not minimise any
weighted sum, this reaches non-convex parts of a front that linear scalarisation cannot.
On request (``indicator=True``), every candidate trains SUHNPF's learned indicator network of
Pareto-stationary parameters ("diffusive": soft labels ``exp(-residual / tol)``), exposed as
``FritzJohnResult.indicator``; certification does not need it.

This module is the continuation driver; the certificate (:func:`min_norm_multipliers`,
:func:`fritz_john_residual`) and the indicator network (:class:`ParetoIndicator`) live in modules of
their own. None knows anything of text, data or scikit-learn: objectives are callables of a list
of torch parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Real

import numpy as np
import torch

from ..exceptions import TrainingDivergedError
from ._certificate import fritz_john_residual, min_norm_multipliers
from ._indicator import ParetoIndicator

__all__ = [
    "FritzJohnSolver",
    "FritzJohnPoint",
    "FritzJohnResult",
    "ParetoIndicator",
    "fritz_john_residual",
    "min_norm_multipliers",
]


@dataclass
class FritzJohnPoint:
    """One traced point: parameters, objective values and its Fritz-John certificate."""

    params: list  # numpy arrays, in the order of the solved parameters
    objectives: np.ndarray
    multipliers: np.ndarray
    residual: float
    max_violation: float
    target: float
    accepted: bool
    n_iter: int = 0  # augmented-Lagrangian iterations the point took
    penalty: float = 0.0  # the augmented-Lagrangian penalty when its iterations stopped


@dataclass
class FritzJohnResult:
    """What :meth:`FritzJohnSolver.solve` returns."""

    points: list  # one FritzJohnPoint per target, accepted or not, in target order
    candidates: np.ndarray  # (n_candidates, p) flattened parameters of every iterate (indicator=True), else empty
    candidate_residuals: np.ndarray
    candidate_objectives: np.ndarray
    indicator: "ParetoIndicator | None" = None
    n_evaluations: int = 0

    @property
    def accepted(self):
        return [p for p in self.points if p.accepted]


class FritzJohnSolver:
    """Trace a Pareto front with Fritz-John-certified points (two objectives, or more by ε-constraints).

    Parameters
    ----------
    n_points : int, default=11
        Number of front points (``eps`` targets), used when :meth:`solve` gets no ``targets``.
    tol : float, default=1e-3
        A point is accepted when its FJ residual is below ``tol`` and it is feasible.
    max_iter : int, default=30
        Augmented-Lagrangian outer iterations per point.
    inner_iter : int, default=20
        L-BFGS iterations per outer iteration. A point's outer iterations share one L-BFGS
        memory: between two of them only the multipliers (and perhaps the penalty) move, not the
        parameters, so the curvature it has learnt still holds (on the bundled tweets' accuracy-parity
        front of 11 points, 833 evaluations instead of 905; 756 with the continuation of the penalty
        below).
    penalty : float, default=10.0
        Augmented-Lagrangian penalty of the first point, and of every point where the path of
        targets turns; multiplied by ``penalty_growth`` while the constraint is violated and its
        violation does not fall fast enough (``penalty_progress``). Along a straight stretch of
        the path (where the multipliers are extrapolated from the last two points) a
        point starts from its neighbour's final penalty, which the neighbouring point needed.
    penalty_growth : float, default=4.0
        Growth factor of the penalty.
    penalty_progress : float, default=0.5
        The penalty grows only when an outer iteration left the point infeasible and its
        violation above ``penalty_progress`` times the previous iteration's; while the
        multipliers' updates shrink the violation that fast, the penalty stays (the rule of
        Birgin and Martínez's ALGENCAN). ``0`` grows it after every infeasible iteration:
        then the penalty, not the multipliers, makes a point feasible, and at the all-zero
        corner of two gaps held at parity the point was feasible at a penalty of 1.6e5 within
        a few iterations but its residual never fell below ``tol`` on that ill-conditioned
        Lagrangian; held while the violation halves, the multipliers converge first and the
        same point certifies.
    target_tol : float, default=1e-3
        Allowed excess of a bounded objective (``f2`` ...) over a positive target for an
        accepted point, relative to the larger of the target and the objective's scale. The
        targets are a grid, and the certificate is the FJ residual, not the distance to a
        target: at ``1e-4`` the bundled tweets' fronts took 0.93k evaluations instead of 0.81k.
    feasibility_tol : float, default=1e-4
        The same for a target of 0, where the excess is the objective itself (a gap held at
        parity), and the allowed violation of the ``constraints`` given to :meth:`solve`.
    indicator : bool, default=False
        Also fit the Pareto indicator network on all candidates (SUHNPF's learned classifier of
        Pareto-stationary parameters; ``FritzJohnResult.indicator``). Certification does
        not need it.
    verbose : int, default=0
        Show a progress bar over the points.

    Examples
    --------
    >>> import torch
    >>> from skfairpareto.solvers import FritzJohnSolver
    >>> x = torch.tensor([1.0, 1.0], requires_grad=True)
    >>> f = lambda p: torch.stack([(p[0] ** 2).sum() + p[0][1] ** 2, ((p[0] - 2) ** 2).sum()])
    >>> res = FritzJohnSolver(n_points=3, tol=1e-3).solve(f, [x])
    >>> len(res.accepted)
    3
    """

    def __init__(
        self,
        n_points=11,
        tol=1e-3,
        max_iter=30,
        inner_iter=20,
        penalty=10.0,
        penalty_growth=4.0,
        penalty_progress=0.5,
        target_tol=1e-3,
        feasibility_tol=1e-4,
        indicator=False,
        verbose=0,
    ):
        self.n_points = n_points
        self.tol = tol
        self.max_iter = max_iter
        self.inner_iter = inner_iter
        self.penalty = penalty
        self.penalty_growth = penalty_growth
        self.penalty_progress = penalty_progress
        self.target_tol = target_tol
        self.feasibility_tol = feasibility_tol
        self.indicator = indicator
        self.verbose = verbose

    def solve(self, objectives, params, *, constraints=None, targets=None, scales=None):
        """Trace the front of ``objectives`` from the start ``params`` (taken as the f1 end).

        Parameters
        ----------
        objectives : callable
            ``objectives(params) -> tensor([f1, f2, ...])``: ``m`` objectives, the first traded
            against the others.
        params : list of torch.Tensor
            Leaf tensors, updated in place while solving; their start value is the f1-optimal end.
        constraints : callable or None
            Extra inequality constraints ``constraints(params) -> tensor (k,)``, feasible ``<= 0``.
        targets : array-like, callable or None
            Upper bounds ``eps`` on f2 (two objectives: one per point, decreasing), or on f2 to
            fm (more: rows of ``m - 1``, ordered so that neighbouring points are near, for the
            continuation). A callable gets the objectives at the polished start (below) and
            returns them, so targets can be placed relative to where the front really begins.
            ``None`` (two objectives): ``n_points`` evenly spaced from f2 at the polished start
            down to the smallest f2 reached by minimising f2 from it.
        scales : array-like of shape (m,) or None
            Objective normalisers; default: the objectives' absolute values at the start.
        """
        for name in ("target_tol", "feasibility_tol"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, Real) or not value >= 0:
                raise ValueError(f"{name} must be a number >= 0, got {value!r}")
        progress = self.penalty_progress
        if isinstance(progress, bool) or not isinstance(progress, Real) or not 0 <= progress < 1:
            raise ValueError(f"penalty_progress must be a number in [0, 1), got {progress!r}")
        params = list(params)
        with torch.no_grad():
            f_start = objectives(params).detach().to(torch.float64).cpu().numpy()
        if scales is None:
            scales = np.maximum(np.abs(f_start), 1e-8)
        scales = [float(v) for v in scales]
        self._n_eval = 0
        # Polish the start into the lexicographic f1 end (f1 first, the others as tie-breakers): a
        # start that is f1-optimal but not f2-minimal among f1's optima is an FJ point yet dominated.
        self._minimise(objectives, params, constraints, scales, first=0)
        start = [p.detach().clone() for p in params]
        with torch.no_grad():
            f_start = objectives(params).detach().to(torch.float64).cpu().numpy()
        candidates, cand_res, cand_obj = [], [], []

        def record(residual, fvals):
            # The flattened parameters only feed the indicator network: without it, a front of a
            # 896-feature head kept ~350 copies of its weights for nothing.
            if self.indicator:
                candidates.append(torch.cat([p.detach().reshape(-1) for p in params]).cpu().numpy())
            cand_res.append(residual)
            cand_obj.append(fvals)

        if targets is None:
            if len(scales) != 2:
                raise ValueError("targets=None traces two objectives; give targets (rows of m - 1 bounds) for more")
            f2_min = self._minimise(objectives, params, constraints, scales, first=1)[1]
            for p, s in zip(params, start):
                p.data.copy_(s)
            targets = np.linspace(f_start[1], f2_min, self.n_points)
        elif callable(targets):
            targets = targets(f_start)
        targets = np.asarray(targets, dtype=float).reshape(len(targets), -1)
        if targets.shape[1] != len(scales) - 1:
            raise ValueError(f"targets bound the {len(scales) - 1} objectives after the first: rows of "
                             f"{len(scales) - 1}, got shape {targets.shape}")

        points = []
        iterator = range(len(targets))
        if self.verbose:
            from tqdm.auto import tqdm

            iterator = tqdm(iterator, desc="Fritz-John front", unit="point")
        mu = np.zeros(len(scales) - 1)
        solved = []  # (target, multipliers) of the points solved so far, for the predictor
        for k in iterator:
            predicted = _predicted_multipliers(solved[-2:], targets[k])
            # Continuation of the penalty as of the multipliers: where the path goes straight on, the
            # next point needs about the penalty its neighbour ended with (from the first, 10, most
            # bundled tweets' points grew it once). Where it turns (three objectives: the end of a
            # row of the grid) a neighbour held at parity may have ended at 1e5, which would leave
            # the next point's Lagrangian ill-conditioned: start afresh.
            rho = self.penalty if predicted is None else points[-1].penalty
            mu = mu if predicted is None else predicted
            mu, point = self._solve_point(objectives, params, constraints, targets[k], mu, scales, record, rho)
            solved.append((targets[k], mu))
            points.append(point)

        result = FritzJohnResult(
            points=points,
            candidates=np.asarray(candidates),
            candidate_residuals=np.asarray(cand_res),
            candidate_objectives=np.asarray(cand_obj),
            n_evaluations=self._n_eval,
        )
        if self.indicator and len(candidates) >= 4:
            soft = np.exp(-result.candidate_residuals / self.tol)
            result.indicator = ParetoIndicator.fit(result.candidates, soft)
        return result

    # -- internals ----------------------------------------------------------------------------

    def _lbfgs(self, params, loss_fn, opt=None):
        """``inner_iter`` L-BFGS iterations on ``loss_fn``; returns the optimiser, whose memory a next
        call on the same parameters (``opt``) continues."""
        if opt is None:
            opt = torch.optim.LBFGS(
                params, lr=1.0, max_iter=self.inner_iter, line_search_fn="strong_wolfe",
                tolerance_grad=1e-10, tolerance_change=1e-14,
            )
        else:
            # Continue its curvature pairs, but make none of what moved since its last step: the
            # loss changed (new multipliers), not the parameters, so the gradient's change is no
            # curvature. torch's LBFGS pairs its last direction ``d`` (times the step ``t``) with
            # the gradient's change; a zero direction gives a zero pair, which it skips.
            state = opt.state[opt.param_groups[0]["params"][0]]
            if state.get("d") is not None:
                state["d"] = torch.zeros_like(state["d"])

        def closure():
            opt.zero_grad()
            loss = loss_fn()
            if not torch.isfinite(loss):
                raise TrainingDivergedError(
                    f"the Fritz-John solve diverged: its objective became {loss.item()}; the "
                    "start point or the features hold extreme values"
                )
            loss.backward()
            self._n_eval += 1
            return loss

        opt.step(closure)
        return opt

    def _minimise(self, objectives, params, constraints, scales, first):
        """Minimise objective ``first`` with the others as 1e-3 tie-breakers; returns f there."""
        w = torch.full((len(scales),), 1e-3, dtype=torch.float64)
        w[first] = 1.0
        w = w / torch.tensor(scales, dtype=torch.float64)

        def loss():
            f = objectives(params)
            value = (f * w.to(f.dtype).to(f.device)).sum()
            if constraints is not None:
                value = value + 1e3 * torch.relu(constraints(params)).pow(2).sum()
            return value

        previous = None
        for _ in range(max(1, self.max_iter // 3)):
            self._lbfgs(params, loss)
            with torch.no_grad():
                value = float(loss())
            if previous is not None and previous - value <= 1e-12 * abs(previous):
                break  # converged: on the bundled tweets the last 4 of 10 rounds moved nothing
            previous = value
        with torch.no_grad():
            return objectives(params).double().cpu().numpy()

    def _solve_point(self, objectives, params, constraints, eps, mu, scales, record, rho):
        """Augmented Lagrangian for ``min f1 s.t. f_j <= eps_j for j > 1 (and constraints)``, FJ-certified,
        from the multipliers ``mu`` and the penalty ``rho``."""
        s = np.asarray(scales, dtype=float)
        k = len(eps)  # bounded objectives: every one after the first
        n_cons = 0
        if constraints is not None:
            with torch.no_grad():
                n_cons = int(constraints(params).numel())
        nu = np.zeros(n_cons)  # multipliers of the user's constraints

        def all_constraints(p, f=None):
            f = objectives(p) if f is None else f
            c = torch.stack([(f[j + 1] - float(eps[j])) / float(s[j + 1]) for j in range(k)])
            if constraints is not None:
                c = torch.cat([c, constraints(p).reshape(-1)])
            return c

        room = np.maximum(np.abs(eps), s[1:])  # each bound's scale for the relative tolerances
        # A target of 0 (a gap held at parity) keeps the strict tolerance: there the excess is
        # the objective itself, the very thing the point is for.
        bound_tol = np.where(np.asarray(eps) > 0, self.target_tol, self.feasibility_tol)
        best, best_rank = None, None
        last_violation = None  # the previous outer iteration's, for the penalty's growth
        opt = None  # one L-BFGS memory for the point's outer iterations
        for iteration in range(1, self.max_iter + 1):
            mults = torch.as_tensor(np.concatenate([mu, nu]), dtype=torch.float32)

            def loss():
                f = objectives(params)
                c = all_constraints(params, f)  # one forward pass per evaluation
                m = mults.to(c.dtype).to(c.device)
                return f[0] / s[0] + (torch.relu(m + rho * c).pow(2) - m.pow(2)).sum() / (2 * rho)

            opt = self._lbfgs(params, loss, opt)
            # One forward pass, kept for the certificate's gradients (it took three).
            f = objectives(params)
            c_graph = all_constraints(params, f)
            fvals = f.detach().double().cpu().numpy()
            c = c_graph.detach().double().cpu().numpy()
            mu = np.maximum(0.0, mu + rho * c[:k])
            nu = np.maximum(0.0, nu + rho * c[k:])
            scaled = f / torch.as_tensor(scales, dtype=f.dtype, device=f.device)
            _, residual, _ = fritz_john_residual(lambda _: scaled, params, lambda _: c_graph,
                                                 active_tol=self.feasibility_tol)
            excess = c[:k] * s[1:] / room  # each bound's, relative
            user_violation = float(c[k:].max(initial=-np.inf))  # the user's constraints'
            violation = max(float(np.max(excess)), user_violation)
            record(residual, fvals)
            feasible = bool(np.all(excess <= bound_tol)) and user_violation <= self.feasibility_tol
            # Complementary slackness: a slack bound must carry no multiplier, else the iterate is
            # a front point, but not the one this target asks for.
            slack_ok = bool(np.all((excess >= -bound_tol) | (mu == 0.0)))
            snapshot = FritzJohnPoint(
                # numpy copies: the result pickles and loads on a CPU-only machine wherever
                # the solve ran.
                params=[p.detach().cpu().numpy().copy() for p in params],
                objectives=fvals,
                multipliers=self._objective_multipliers(mu, s),
                residual=residual,
                max_violation=violation,
                target=float(eps[0]) if k == 1 else np.array(eps, dtype=float),
                accepted=feasible and residual < self.tol,
                n_iter=iteration,
            )
            rank = (snapshot.accepted and slack_ok, snapshot.accepted, -snapshot.residual)
            if best is None or rank > best_rank:
                best, best_rank = snapshot, rank
            if snapshot.accepted and slack_ok:
                break
            # Infeasible, or failing only complementary slackness (no violation to shrink): grow
            # the penalty unless the violation fell fast enough by the multipliers alone.
            measure = max(violation, 0.0)
            stalled = last_violation is None or measure == 0.0 or measure > self.penalty_progress * last_violation
            last_violation = measure
            if not (feasible and slack_ok) and stalled:
                rho *= self.penalty_growth
        best.penalty = rho
        for p, b in zip(params, best.params):
            p.data.copy_(torch.as_tensor(b))
        return mu, best

    @staticmethod
    def _objective_multipliers(mu, scales):
        """FJ weights of the objectives in their *unscaled* form, normalised to sum to 1.

        At a KKT point of ``min f1/s1 s.t. f_j/s_j <= eps_j/s_j`` the stationarity condition is
        ``grad f1 / s1 + sum_j mu_j grad f_j / s_j = 0``, so ``(1/s1, mu_2/s2, ...)`` are the
        objective weights; they are the price of fairness in accuracy at that point.
        """
        w = np.concatenate([[1.0 / scales[0]], np.asarray(mu) / np.asarray(scales[1:])])
        return w / w.sum()


def _predicted_multipliers(solved, target):
    """The bounds' multipliers at ``target``, extrapolated from the last two solved points (a secant).

    Continuation's predictor, applied to the multipliers: along the path of targets a bound's
    multiplier (the front's slope there) changes smoothly, so the next point's augmented
    Lagrangian starts near its own multiplier instead of its neighbour's, and needs fewer outer
    iterations (on the bundled tweets' fronts of 11 points, 0.95k instead of 1.2k evaluations).
    Where the path turns (a grid of targets for three objectives or more walks it in rows), the
    line through the last two points says nothing of the next: ``None`` then, and with fewer than two
    points (the caller keeps the last multipliers and starts the penalty afresh).
    """
    if len(solved) < 2:
        return None
    (t1, m1), (t2, m2) = solved
    step, before = np.asarray(target) - t2, t2 - t1
    length = np.linalg.norm(before)
    if length == 0 or np.dot(step, before) < 0.9 * np.linalg.norm(step) * length:
        return None
    return np.maximum(0.0, m2 + np.linalg.norm(step) / length * (m2 - m1))
