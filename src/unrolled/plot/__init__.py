"""The figures of the book, drawn with matplotlib. One module per family of figures.

    from unrolled.plot import graphs, gradients
    graphs.folded_and_unrolled(steps=4)               # chapter 1: a cell and its unrolled graph
    graphs.mappings()                                 # chapter 1: one-to-many, many-to-one, ...
    gradients.norm_vs_distance(distances, norms)      # chapter 2: vanishing / exploding gradients
    gradients.bptt_cost(lengths, seconds, mib)        # chapter 2: time and memory of BPTT
    gates.heatmaps(...)                               # chapter 3: gate activations over time
    training.loss_curves(...)                         # chapters 3-4: losses against a baseline
    sequences.continuations(...)                      # chapters 5-7: sine continuations, predictions
    forecast, speed                                   # chapters 9-10: forecasts, timings
    diagrams.lstm_cell(), diagrams.gru_cell(), ...    # chapters 3-8: pictures of the cells
    style.apply()                                     # every chapter: legible figures

Every function returns the matplotlib ``Figure``; nothing is shown or saved here, so the
notebook decides. Submodules are imported on first use (``unrolled.plot.graphs`` works
after ``import unrolled.plot``), so importing this package does not import matplotlib.
"""

import importlib

__all__ = ["graphs", "gradients", "gates", "training", "sequences", "forecast", "speed",
           "diagrams", "style"]


def __getattr__(name):
    # Lazy submodules: any module of this package, by attribute.
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as err:
        if err.name == f"{__name__}.{name}":
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
        raise
