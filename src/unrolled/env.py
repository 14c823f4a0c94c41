"""Where the course's code runs: Colab or not, GPU or CPU, a person or the book build.

Every chapter and exercise starts with ``unrolled.env.report()``, which picks the
GPU when there is one (both frameworks) and prints what it picked.
"""

import os
import sys


def on_colab():
    """True inside a Google Colab runtime."""
    return "google.colab" in sys.modules


def in_book_build():
    """True while the book is being built or graded (tidy output, no progress bars)."""
    return bool(os.environ.get("UNROLLED_BUILD") or os.environ.get("NBGRADER_EXECUTION"))


def grading():
    """True while nbgrader grades a notebook: exercises may train less."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def torch_device():
    """The PyTorch device to use: ``cuda`` when a GPU is visible, else ``cpu``."""
    import torch

    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def keras_devices():
    """The devices the Keras backend sees, e.g. ``['GPU:0']`` or ``['CPU']``.

    Keras places work on the GPU by itself when its backend sees one.
    """
    import keras

    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        return [f"GPU:{i}" for i in range(len(gpus))] or ["CPU"]
    if backend == "torch":
        return ["GPU:0"] if torch_device().type == "cuda" else ["CPU"]
    if backend == "jax":
        import jax

        return [str(d) for d in jax.devices()]
    return ["CPU"]


def has_gpu():
    """True when PyTorch sees a CUDA GPU (experiments use this to grow)."""
    return torch_device().type == "cuda"


def scale(cpu, gpu):
    """Pick an experiment size: ``cpu`` on a CPU machine, ``gpu`` when a GPU is there."""
    return gpu if has_gpu() else cpu


def report():
    """Print and return the devices both frameworks will use."""
    import keras
    import torch

    dev = torch_device()
    name = torch.cuda.get_device_name(0) if dev.type == "cuda" else "CPU"
    where = "Colab" if on_colab() else "local"
    print(
        f"PyTorch {torch.__version__}: {dev} ({name}) | "
        f"Keras {keras.__version__} ({keras.backend.backend()}): {', '.join(keras_devices())} | {where}"
    )
    return dev


def keras_verbose():
    """``verbose`` for ``model.fit``: a progress bar for a person, one line per epoch in the book."""
    return 2 if in_book_build() else 1


def progress(iterable, **kwargs):
    """``tqdm`` progress for a person; silent in the book build and under grading."""
    from tqdm.auto import tqdm

    return tqdm(iterable, disable=in_book_build(), **kwargs)
