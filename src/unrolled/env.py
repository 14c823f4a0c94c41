"""Where the course's code runs: Colab or not, GPU or CPU, a person, the book or a grader.

Every chapter and exercise starts with ``unrolled.env.report()``, which pins the CPU
thread count (the same for PyTorch and TensorFlow, see :func:`threads`), picks the GPU
when there is one (each framework its own) and prints one line saying what it picked.
"""

import os
import sys

FRAMEWORKS = ("torch", "keras")


def on_colab():
    """True inside a Google Colab runtime."""
    return "google.colab" in sys.modules


def in_book_build():
    """True while the website is being built (``UNROLLED_BUILD`` is set by the build)."""
    return bool(os.environ.get("UNROLLED_BUILD"))


def grading():
    """True while nbgrader grades a notebook: exercises may train less."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def quiet():
    """True when no person watches the output (book build or grading): no progress bars."""
    return in_book_build() or grading()


def threads():
    """CPU threads per framework: ``UNROLLED_THREADS``, else 1.

    The course's models are small: on a CPU, one thread per operation beats several
    threads that synchronise after every tiny matrix product (on a busy 2-core machine,
    one LSTM step took 25 ms with 2 threads and 1.3 ms with one). Chapters, exercises
    and ``unrolled bench`` all pin the same number, so their timings compare.
    """
    return max(1, int(os.environ.get("UNROLLED_THREADS", "1")))


def pin_threads(n=None, frameworks=FRAMEWORKS):
    """Set the CPU thread count of PyTorch and/or TensorFlow to ``n`` (default
    :func:`threads`). Returns ``n``. TensorFlow accepts it only before it first runs an
    operation; after that its setting is left as it is."""
    n = threads() if n is None else int(n)
    if "torch" in frameworks:
        import torch

        torch.set_num_threads(n)
    if "keras" in frameworks and _keras_backend() == "tensorflow":
        import tensorflow as tf

        for setter in (tf.config.threading.set_intra_op_parallelism_threads,
                       tf.config.threading.set_inter_op_parallelism_threads):
            try:
                setter(n)
            except RuntimeError:  # TensorFlow has already started its thread pools
                pass
    return n


def _keras_backend():
    """The Keras backend that ``import keras`` will use, without importing Keras."""
    if "keras" in sys.modules:
        return sys.modules["keras"].backend.backend()
    return os.environ.get("KERAS_BACKEND", "tensorflow")


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

        return [str(d).upper() if d.platform != "cpu" else "CPU" for d in jax.devices()]
    return ["CPU"]


def has_gpu(framework="torch"):
    """True when ``framework`` (``"torch"`` or ``"keras"``) sees a GPU."""
    if framework == "torch":
        return torch_device().type == "cuda"
    if framework == "keras":
        return any(d.startswith("GPU") or d.startswith("CUDA") for d in keras_devices())
    raise ValueError(f"framework must be 'torch' or 'keras', got {framework!r}")


def scale(cpu, gpu, framework="torch"):
    """Pick an experiment size: ``cpu`` on a CPU, ``gpu`` when ``framework`` sees a GPU."""
    return gpu if has_gpu(framework) else cpu


def report(frameworks=FRAMEWORKS):
    """Pin the threads, then print (one line) and return the device of each framework.

    Returns the PyTorch device when ``"torch"`` is among ``frameworks``, else ``None``.
    A notebook that uses one framework passes only that one, so the other is not
    imported.
    """
    n = pin_threads(frameworks=frameworks)
    parts, dev = [], None
    if "torch" in frameworks:
        import torch

        dev = torch_device()
        name = torch.cuda.get_device_name(0) if dev.type == "cuda" else "CPU"
        parts.append(f"PyTorch {torch.__version__}: {dev} ({name})")
    if "keras" in frameworks:
        import keras

        parts.append(f"Keras {keras.__version__} ({keras.backend.backend()}): "
                     f"{', '.join(keras_devices())}")
    parts.append(f"{n} CPU thread{'s' if n > 1 else ''}")
    parts.append("Colab" if on_colab() else "local")
    print(" | ".join(parts))
    return dev


def keras_verbose():
    """``verbose`` for ``model.fit``: a progress bar for a person, one line per epoch in
    the book, nothing under grading."""
    if grading():
        return 0
    return 2 if in_book_build() else 1


def progress(iterable, **kwargs):
    """``tqdm`` progress for a person; silent in the book build and under grading."""
    from tqdm.auto import tqdm

    return tqdm(iterable, disable=quiet(), **kwargs)
