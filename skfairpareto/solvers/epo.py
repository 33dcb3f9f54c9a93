"""Exact Pareto Optimal (EPO) search: loss weights that steer descent onto a preference ray.

Mahapatra & Rajan (ICML 2020), as used by Pareto HyperNetworks (Navon et al., ICLR 2021). For
losses ``l`` (all > 0) and a preference ray ``r`` the *exact* Pareto point satisfies
``r_1 l_1 = r_2 l_2 = ...``. The non-uniformity ``mu = KL(r*l / sum(r*l) || uniform)`` measures
how far ``l`` is from that ray. Each step solves a small linear programme over the simplex on
the Gram matrix ``C = G G^T`` of the loss gradients:

* off the ray (``mu > eps``), the *balance* LP picks weights whose combined gradient moves the
  losses toward the ray while not increasing the loss that is relatively largest;
* on the ray, the *descent* LP picks weights that decrease every loss while staying on it.

The authors' code solves both LPs with cvxpy/GLPK; here an LP over the 2-simplex is a search
on an interval (closed form), and larger ones go to ``scipy.optimize.linprog`` (HiGHS), so no
extra LP dependency is needed.
"""

from __future__ import annotations

import numpy as np
import torch

__all__ = [
    "epo_weights",
    "epo_scalarize",
    "non_uniformity",
    "ray_residual",
    "flat_gradients",
]


def non_uniformity(losses, ray):
    """EPO's ``mu``: KL divergence of the normalised ``ray * losses`` from the uniform vector."""
    rl = np.asarray(ray, float) * np.asarray(losses, float)
    if np.any(rl < 0) or rl.sum() <= 0:
        raise ValueError(f"EPO needs positive losses and ray, got ray*losses={rl}")
    p = rl / rl.sum()
    p = p[p > np.finfo(float).eps]
    return float(np.sum(p * np.log(p * len(rl))))


def ray_residual(losses, ray):
    """Distance of the unit loss vector from the EPO ray direction ``1 / r`` (0 = on the ray).

    The exact point for ray ``r`` has losses proportional to ``1 / r``; this is the sine of the
    angle between the loss vector and that direction.
    """
    losses = np.asarray(losses, float)
    direction = 1.0 / np.maximum(np.asarray(ray, float), 1e-12)
    direction /= np.linalg.norm(direction)
    unit = losses / max(np.linalg.norm(losses), 1e-300)
    return float(np.linalg.norm(unit - (unit @ direction) * direction))


def _simplex_lp_max(c, C, rhs):
    """``argmax c @ a`` subject to ``a >= 0``, ``sum(a) = 1``, ``C @ a >= rhs`` (``-inf`` rows free).

    Returns None when infeasible. Two variables: the feasible set is an interval of
    ``a = (t, 1 - t)`` and the optimum one of its ends; more go to ``scipy.optimize.linprog``.
    """
    c, C, rhs = np.asarray(c, float), np.asarray(C, float), np.asarray(rhs, float)
    m = len(c)
    rows = np.isfinite(rhs)
    if m == 2:
        lo, hi = 0.0, 1.0
        # Row k: (C_k0 - C_k1) t >= rhs_k - C_k1.
        slope, bound = C[rows, 0] - C[rows, 1], rhs[rows] - C[rows, 1]
        scale = 1e-12 * max(1.0, np.abs(C).max())
        for s, b in zip(slope, bound):
            if abs(s) <= scale:
                if b > scale:
                    return None
            elif s > 0:
                lo = max(lo, b / s)
            else:
                hi = min(hi, b / s)
        if lo > hi + 1e-12:
            return None
        t = hi if c[0] > c[1] else lo
        t = float(np.clip(t, 0.0, 1.0))
        return np.array([t, 1.0 - t])
    from scipy.optimize import linprog

    res = linprog(
        -c,
        A_ub=-C[rows] if rows.any() else None,
        b_ub=-rhs[rows] if rows.any() else None,
        A_eq=np.ones((1, m)),
        b_eq=[1.0],
        bounds=[(0, None)] * m,
        method="highs",
    )
    return res.x if res.status == 0 else None


def epo_weights(losses, gram, ray, eps=1e-4):
    """EPO's loss weights (on the simplex) for one step.

    Parameters
    ----------
    losses : array of shape (m,)
        Current losses, all positive.
    gram : array of shape (m, m)
        ``G @ G.T`` for the loss gradients ``G`` (one row per loss).
    ray : array of shape (m,)
        Preference ray (positive, any scale).
    eps : float
        Non-uniformity below which the point counts as on the ray (descent mode).

    Returns
    -------
    weights : ndarray of shape (m,), summing to 1
        Falls back to ``ray / sum(ray)`` when the LP is infeasible, as the PHN authors do.

    Examples
    --------
    >>> import numpy as np
    >>> w = epo_weights([2.0, 1.0], np.eye(2), [0.5, 0.5])   # loss 1 too large: push it down
    >>> bool(w[0] > w[1])
    True
    """
    losses, ray, C = np.asarray(losses, float), np.asarray(ray, float), np.asarray(gram, float)
    m = len(losses)
    rl = ray * losses
    mu = non_uniformity(losses, ray)
    p = rl / rl.sum()
    with np.errstate(divide="ignore"):
        adjust = ray * (np.log(np.maximum(p, 1e-300) * m) - mu)
    Ca = C @ adjust
    if mu > eps:  # balance: move toward the ray
        rhs = Ca.copy()
        grows = Ca > 0
        if grows.any():
            rhs[grows] = -np.inf
            rhs[rl == rl.max()] = 0.0
        else:
            rhs[:] = 0.0
        w = _simplex_lp_max(Ca, C, rhs)
    else:  # descent: decrease every loss without leaving the ray
        w = _simplex_lp_max(C.sum(axis=0), np.vstack([C, Ca]), np.append(np.zeros(m), min(Ca.max(), 0.0)))
        if w is None:
            w = _simplex_lp_max(C.sum(axis=0), C, np.zeros(m))
    if w is None:
        w = ray / ray.sum()
    return np.clip(w, 0.0, None) / max(np.clip(w, 0.0, None).sum(), 1e-300)


def flat_gradients(losses, params):
    """Rows of ``G``: the gradient of each loss in ``losses`` w.r.t. ``params``, flattened."""
    rows = []
    for loss in losses:
        grads = torch.autograd.grad(loss, params, retain_graph=True, allow_unused=True)
        rows.append(torch.cat([
            (g if g is not None else torch.zeros_like(p)).reshape(-1) for g, p in zip(grads, params)
        ]))
    return torch.stack(rows)


def epo_scalarize(losses, ray, params, eps=1e-4):
    """``m * sum_i w_i l_i`` with EPO's weights ``w`` (detached) for the given ray.

    ``losses`` is a tensor of shape (m,) built from ``params``; the returned scalar's gradient
    is the EPO step direction. Also returns the weights.
    """
    G = flat_gradients(losses, params)
    gram = (G @ G.T).detach().double().cpu().numpy()
    w = epo_weights(losses.detach().double().cpu().numpy(), gram, np.asarray(ray, float), eps)
    weights = torch.as_tensor(w * len(w), dtype=losses.dtype, device=losses.device)
    return (weights * losses).sum(), w
