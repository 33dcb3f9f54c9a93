"""Exceptions of skfairpareto."""

__all__ = [
    "MemberFileError",
    "TrainingDivergedError",
]


class TrainingDivergedError(RuntimeError):
    """Training or a front solve produced a non-finite or exploding loss.

    Raised instead of returning a broken model or front; the usual causes are a learning rate
    far too high or input features with extreme values.
    """


class MemberFileError(ValueError):
    """A member file (:func:`~skfairpareto.load_member`) is damaged, edited or not a member file.

    The message names the file and what is wrong with it: unreadable, written by something else,
    a checksum that no longer matches its weights or metadata, a weight that is not finite, a
    metadata value outside what the member's parameters allow, or weights that do not fit the head
    the metadata describes. A ``ValueError``, so code that caught those before still catches it.
    """
