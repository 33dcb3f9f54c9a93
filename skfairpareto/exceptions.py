"""Exceptions of skfairpareto."""

__all__ = [
    "TrainingDivergedError",
]


class TrainingDivergedError(RuntimeError):
    """Training or a front solve produced a non-finite or exploding loss.

    Raised instead of returning a broken model or front; the usual causes are a learning rate
    far too high or input features with extreme values.
    """
