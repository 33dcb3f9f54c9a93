"""The Fritz-John certificate: minimum-norm multipliers of the objectives' gradients, and the residual.

A parameter vector is Pareto-stationary iff some convex combination of its objectives' (and
active constraints') gradients vanishes; the norm of the smallest such combination, relative to
the largest gradient, is the FJ residual.
"""

from __future__ import annotations

import numpy as np
import torch
from scipy.optimize import minimize

__all__ = [
    "min_norm_multipliers",
    "fritz_john_residual",
]


def min_norm_multipliers(grads: torch.Tensor) -> tuple[np.ndarray, float]:
    """Minimum-norm convex combination of the rows of ``grads`` (shape ``(k, p)``).

    Returns the weights ``lambda`` on the simplex and the relative FJ residual
    ``||lambda @ grads|| / max_i ||grads_i||``. Two rows use the closed form; more rows solve the
    small quadratic programme ``min lambda' G G' lambda`` over the simplex with scipy's SLSQP.
    """
    grads = grads.detach().to(torch.float64)
    k = grads.shape[0]
    scale = float(grads.norm(dim=1).max())
    if scale == 0.0:
        return np.full(k, 1.0 / k), 0.0
    if k == 1:
        return np.ones(1), 1.0
    if k == 2:
        g1, g2 = grads[0], grads[1]
        diff = g1 - g2
        denom = float(diff @ diff)
        lam1 = 0.5 if denom == 0.0 else float(np.clip(float((g2 - g1) @ g2) / denom, 0.0, 1.0))
        lam = np.array([lam1, 1.0 - lam1])
    else:
        gram = (grads @ grads.T).numpy() / scale**2
        res = minimize(
            lambda w: w @ gram @ w,
            np.full(k, 1.0 / k),
            jac=lambda w: 2 * gram @ w,
            bounds=[(0.0, 1.0)] * k,
            constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1.0}],
            method="SLSQP",
        )
        lam = np.clip(res.x, 0.0, None)
        lam /= lam.sum()
    combo = torch.as_tensor(lam, dtype=torch.float64) @ grads
    return lam, float(combo.norm()) / scale


def _flat_grad(value, params):
    grads = torch.autograd.grad(value, params, retain_graph=True, allow_unused=True)
    return torch.cat([
        (g if g is not None else torch.zeros_like(p)).reshape(-1) for g, p in zip(grads, params)
    ])


def fritz_john_residual(objectives, params, constraints=None, active_tol=1e-6):
    """FJ multipliers and residual at the current ``params``.

    Parameters
    ----------
    objectives : callable
        ``objectives(params) -> tensor of shape (k,)``.
    params : list of torch.Tensor
        Leaf tensors with ``requires_grad=True``.
    constraints : callable or None
        ``constraints(params) -> tensor of shape (m,)``, feasible where ``<= 0``; constraints with
        value above ``-active_tol`` are active and enter the FJ system.

    Returns
    -------
    multipliers : ndarray of shape (k + n_active,)
        Objective multipliers first, then those of the active constraints; they sum to 1.
    residual : float
    max_violation : float
        Largest constraint value (``<= 0`` when feasible; 0 without constraints).
    """
    values = objectives(params)
    rows = [_flat_grad(values[i], params) for i in range(values.shape[0])]
    violation = 0.0
    if constraints is not None:
        cons = constraints(params).reshape(-1)
        violation = float(cons.max().detach()) if cons.numel() else 0.0
        for j in range(cons.shape[0]):
            if float(cons[j].detach()) > -active_tol:
                rows.append(_flat_grad(cons[j], params))
    lam, residual = min_norm_multipliers(torch.stack(rows))
    return lam, residual, violation
