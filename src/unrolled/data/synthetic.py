"""Synthetic sequence tasks, made on the fly with NumPy.

* :func:`sine_waves`: phase-shifted sine waves, the data of PyTorch's classic
  "time sequence prediction" example (chapter 5).
* :func:`adding_problem`: the long-range task of Hochreiter & Schmidhuber (1997) on which
  a vanilla RNN fails and an LSTM succeeds (chapter 3).
* :func:`future_context_task`: per-step labels that depend only on the *end* of the
  sequence, so a unidirectional model is at chance and a bidirectional one near perfect
  (chapter 7).

Every function takes ``seed`` (an int, or a ``numpy.random.Generator``) and gives the
same arrays for the same seed.
"""

import numpy as np

__all__ = ["sine_waves", "adding_problem", "future_context_task", "future_context_chance",
           "ADDING_BASELINE_MSE", "rng_from"]


def rng_from(seed=None):
    """A ``numpy.random.Generator`` from an int seed, a Generator (used as is) or ``None``."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


def sine_waves(n=100, length=1000, period=20.0, shift=None, seed=2, dtype=np.float64):
    """Phase-shifted sine waves: ``sin((t + s_k) / period)`` for ``t = 0 .. length-1``.

    The waves of PyTorch's example ``time_sequence_prediction`` (100 waves of 1,000
    steps, ``period=20``: one cycle takes ``2 * pi * 20 ~ 126`` steps), each shifted by a
    random integer ``s_k`` drawn uniformly from ``[-shift, shift)`` (default
    ``shift = 4 * period``). The usual split trains on waves 3.. and tests on waves 0-2;
    inputs are ``data[:, :-1]``, targets ``data[:, 1:]``.

    Args:
        n: number of waves. length: steps per wave. period: the ``T`` in ``sin(t / T)``.
        seed: int or Generator. dtype: the classic example uses float64 (for LBFGS);
            pass ``np.float32`` for Keras or float32 PyTorch models.

    Returns:
        array ``(n, length)`` of ``dtype``, values in ``[-1, 1]``.
    """
    rng = rng_from(seed)
    shift = int(4 * period) if shift is None else int(shift)
    offsets = rng.integers(-shift, shift, size=(n, 1)) if shift > 0 else np.zeros((n, 1), int)
    t = np.arange(length)[None, :] + offsets
    return np.sin(t / float(period)).astype(dtype)


def adding_problem(n, length=50, seed=None, dtype=np.float32):
    """The adding problem: add the two numbers that are marked.

    Each sequence has ``length`` steps of two features: a value drawn uniformly from
    ``[0, 1]`` and a marker that is 1 at exactly two steps (one in the first half, one in
    the second half) and 0 elsewhere. The target is the sum of the two marked values.
    Predicting the constant 1 (the mean) gives a mean squared error of ``1/6 ~ 0.167``
    (the variance of the sum of two uniform numbers): a model must beat that to have
    learned anything, and it has to remember the first marked value for up to
    ``length`` steps.

    Args:
        n: number of sequences. length: steps per sequence (at least 2). seed: int or Generator.

    Returns:
        ``X`` of shape ``(n, length, 2)`` and ``y`` of shape ``(n,)``, both ``dtype``.
    """
    if length < 2:
        raise ValueError(f"the adding problem needs length >= 2, got {length}")
    rng = rng_from(seed)
    values = rng.uniform(0.0, 1.0, size=(n, length))
    half = length // 2
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, length, size=n)
    markers = np.zeros((n, length))
    rows = np.arange(n)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    X = np.stack([values, markers], axis=-1).astype(dtype)
    y = (values[rows, first] + values[rows, second]).astype(dtype)
    return X, y


#: Mean squared error of the best constant prediction (1.0) on the adding problem.
ADDING_BASELINE_MSE = 1.0 / 6.0


def future_context_task(n, length=20, n_classes=2, seed=None, one_hot=True):
    """A many-to-many task that only the future can solve.

    Every step shows a random symbol from ``n_classes`` (uniform, independent). The
    label of *every* step is the symbol at the *last* step. A unidirectional model
    reading left to right has not seen it yet at steps ``0 .. length-2``, so there it
    can do no better than chance, ``1 / n_classes``; only the last step is solvable.
    Its best possible accuracy over all steps is therefore::

        uni_best = (length - 1) / length * (1 / n_classes) + 1 / length

    (0.525 for ``length=20, n_classes=2``), reported by :func:`future_context_chance`.
    The backward direction of a bidirectional model reads the last symbol first and
    only has to carry it along, so a bidirectional model gets near 100%.

    Args:
        n: sequences. length: steps. n_classes: symbols (and classes). seed: int or Generator.
        one_hot: return ``X`` one-hot ``(n, length, n_classes)`` float32 (default), or the
            integer symbols ``(n, length)`` int64 (for an embedding).

    Returns:
        ``X`` and ``y``, ``y`` of shape ``(n, length)`` int64: the class of each step.
    """
    if length < 2 or n_classes < 2:
        raise ValueError("future_context_task needs length >= 2 and n_classes >= 2")
    rng = rng_from(seed)
    symbols = rng.integers(0, n_classes, size=(n, length)).astype(np.int64)
    y = np.repeat(symbols[:, -1:], length, axis=1)
    if one_hot:
        X = np.eye(n_classes, dtype=np.float32)[symbols]
        return X, y
    return symbols, y


def future_context_chance(length=20, n_classes=2):
    """Best accuracy a unidirectional model can reach on :func:`future_context_task`."""
    return (length - 1) / length / n_classes + 1 / length
