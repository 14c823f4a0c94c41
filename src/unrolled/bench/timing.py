"""Interleaved repeats: every variant of a table is timed once per round, round after
round, so a burst of load on a shared machine hits all of them alike.

A measurement is ``number`` calls timed together (``number`` chosen so one measurement
lasts about ``min_time`` s); the table reports the median and the interquartile range
over ``repeats`` rounds.
"""

import statistics
import time

__all__ = ["Stats", "interleaved", "torch_clock", "plain_clock"]


class Stats(dict):
    """``median``, ``q1``, ``q3``, ``iqr``, ``min``, ``max`` (ms per call), the
    ``times`` of the repeats (sorted) and the same in round order (``rounds``: the
    ``k``-th entries of two variants of one :func:`interleaved` call were timed in the
    same round, so their ratio is a per-round ratio)."""

    @classmethod
    def of(cls, times):
        rounds = list(times)
        times = sorted(times)
        if len(times) >= 4:
            q1, _, q3 = statistics.quantiles(times, n=4)
        else:
            q1, q3 = times[0], times[-1]
        return cls(median=statistics.median(times), q1=q1, q3=q3, iqr=q3 - q1,
                   min=times[0], max=times[-1], times=times, rounds=rounds)


def plain_clock(fn, number, sync=None):
    """Milliseconds per call of ``fn`` over ``number`` calls (``time.perf_counter``)."""
    if sync:
        sync()
    start = time.perf_counter()
    for _ in range(number):
        fn()
    if sync:
        sync()
    return (time.perf_counter() - start) * 1e3 / number


def torch_clock(threads):
    """A clock that uses ``torch.utils.benchmark.Timer`` (which pins ``threads`` and
    synchronises CUDA) for ``number`` calls."""
    import torch.utils.benchmark as tb

    def clock(fn, number, sync=None):
        timer = tb.Timer("fn()", globals={"fn": fn}, num_threads=threads)
        return timer.timeit(number).median * 1e3

    return clock


def interleaved(fns, repeats=7, warmup=2, min_time=0.05, clock=plain_clock, sync=None):
    """Time every callable of ``fns`` (name -> fn) in interleaved rounds.

    Returns name -> :class:`Stats` (ms per call).
    """
    number = {}
    for name, fn in fns.items():
        for _ in range(max(warmup, 1)):
            fn()
        one = plain_clock(fn, 1, sync)
        number[name] = max(1, int(min_time * 1e3 / max(one, 1e-3)))
    times = {name: [] for name in fns}
    for _ in range(max(repeats, 1)):
        for name, fn in fns.items():
            times[name].append(clock(fn, number[name], sync))
    return {name: Stats.of(t) for name, t in times.items()}
