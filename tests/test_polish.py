"""polish_error: full-batch L-BFGS to the accuracy optimum of a head, in memory or from disk."""

import numpy as np
import torch

from skfairpareto import _net
from skfairpareto._net import objectives_of, polish_error
from skfairpareto.criteria import FairnessObjectives, resolve_objectives
from skfairpareto.heads import MLPHead


def _problem(n=400, d=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)).astype(np.float32)
    groups = rng.integers(0, 2, n)
    y = (X[:, 0] + 0.5 * X[:, 1] + rng.normal(scale=0.7, size=n) > 0).astype(np.int64)
    names = np.array(["a", "b"])
    objectives = FairnessObjectives.bind(resolve_objectives("error_rate_parity"), y, groups, names,
                                         np.array([0, 1]), names[groups])
    return X, y, groups, objectives


def _gradient_norm(module, X, y, groups, objectives, weight_decay):
    module.zero_grad()
    params = list(module.parameters())
    f1 = objectives.error(module(torch.as_tensor(X), groups=torch.as_tensor(groups)), torch.as_tensor(y))
    (f1 + 0.5 * weight_decay * sum(p.pow(2).sum() for p in params)).backward()
    return float(torch.sqrt(sum(p.grad.pow(2).sum() for p in params)))


def test_polish_reaches_the_optimum_of_f1_and_the_penalty():
    X, y, groups, objectives = _problem()
    torch.manual_seed(0)
    head = MLPHead(X.shape[1], ())
    before = objectives_of(head, X, y, groups, objectives, weight_decay=1e-3)[0]
    assert polish_error(head, X, y, groups, objectives, weight_decay=1e-3) > 1
    after = objectives_of(head, X, y, groups, objectives, weight_decay=1e-3)[0]
    assert after < before
    assert _gradient_norm(head, X, y, groups, objectives, 1e-3) < 1e-3  # convex: stationary is optimal


def test_polish_from_a_memory_mapped_x_gives_the_in_memory_weights(tmp_path, monkeypatch):
    X, y, groups, objectives = _problem()
    path = tmp_path / "X.npy"
    np.save(path, X)
    mapped = np.load(path, mmap_mode="r")
    monkeypatch.setattr(_net, "_BLOCK", 64)  # seven blocks
    heads = []
    for data in (X, mapped):
        torch.manual_seed(0)
        heads.append(MLPHead(X.shape[1], ()))
        polish_error(heads[-1], data, y, groups, objectives, weight_decay=1e-3)
    for a, b in zip(heads[0].parameters(), heads[1].parameters()):
        assert torch.equal(a, b)  # the same blocks, summed in the same order
