"""Tamper evidence: the checks a test cell uses are the checks the course wrote.

An answer cell runs in the same Python process as the tests, so it could replace
``unrolled.grading.check_close``, ``numpy.allclose`` or ``torch.testing.assert_close``
with a function that accepts anything. The grader calls :func:`arm` before the first
cell (it records the genuine objects) and :func:`check_in` before every test cell: each
recorded object that was replaced is put back before the test runs, so tampering earns
nothing, and the replacement is reported. ``check_in`` also puts back the functions that
earlier test cells defined (``check_grads``, ``check_count``, ...) when an answer cell
redefined them.

What remains possible in one process is written in the README ("Grade yourself"):
this is evidence, not a sandbox.
"""

import builtins
import json
import sys

MARK = "unrolled-guard:"

_BUILTINS = ("isinstance", "len", "all", "any", "abs", "max", "min", "sum", "float", "int",
             "getattr", "hasattr", "type", "sorted", "zip", "range", "print", "repr", "str")
_NUMPY = ("allclose", "isclose", "array_equal", "asarray", "all", "any", "abs", "isfinite",
          "nanmax", "max", "where")
_TORCH = ("allclose", "isclose", "equal", "all", "any")
_TORCH_TENSOR = ("allclose", "equal", "__eq__", "__bool__", "all", "any", "item", "tolist",
                 "numpy", "detach", "abs", "max")

_record = {}      # (owner, attribute) -> (owner object, original)
_modules = {}     # module name -> module object
_test_defined = {}  # name in __main__ -> object a test cell defined


def _owners():
    import numpy as np

    owners = [("builtins", builtins, _BUILTINS), ("numpy", np, _NUMPY),
              ("numpy.testing", np.testing, ("assert_allclose", "assert_array_equal"))]
    for name in ("unrolled.grading", "unrolled.grading.checks", "unrolled.grading.steps",
                 "unrolled.grading.depend"):
        mod = sys.modules.get(name)
        if mod is not None:
            public = [a for a, v in vars(mod).items() if callable(v) and not a.startswith("__")]
            owners.append((name, mod, public))
    if "torch" in sys.modules:
        torch = sys.modules["torch"]
        owners += [("torch", torch, _TORCH), ("torch.Tensor", torch.Tensor, _TORCH_TENSOR),
                   ("torch.testing", torch.testing, ("assert_close",))]
    return owners


def arm(frameworks=()):
    """Record the genuine checks and comparison functions (before any learner code).

    ``frameworks`` (e.g. ``("torch",)``) are imported first, so that theirs are recorded
    too; the setup cell imports them anyway.
    """
    if "torch" in frameworks:
        import torch  # noqa: F401
    import unrolled.grading  # noqa: F401 - the checks must be recorded genuine
    import unrolled.grading.depend  # noqa: F401
    import unrolled.grading.steps  # noqa: F401

    for label, owner, names in _owners():
        for name in names:
            if hasattr(owner, name) and (label, name) not in _record:
                _record[(label, name)] = (owner, getattr(owner, name))
    for name in ("unrolled.grading", "unrolled.grading.checks", "unrolled.grading.steps",
                 "unrolled.grading.depend", "numpy", "torch", "torch.testing"):
        if name in sys.modules:
            _modules.setdefault(name, sys.modules[name])


def check_in(namespace=None):
    """Put back every recorded object that was replaced; print one marker line.

    The marker (``unrolled-guard: {...}`` as JSON) tells the grader what was put back;
    an empty list means nothing was touched.
    """
    arm()  # modules imported since are recorded now (genuine unless replaced already)
    replaced = []
    for name, mod in _modules.items():
        if sys.modules.get(name) is not mod:
            sys.modules[name] = mod
            replaced.append(f"sys.modules[{name!r}]")
    for (label, name), (owner, original) in _record.items():
        current = owner.__dict__.get(name, original) if isinstance(owner, type) else getattr(owner, name, None)
        if current is not original:
            setattr(owner, name, original)
            replaced.append(f"{label}.{name}")
    if namespace is not None:
        for name, original in _test_defined.items():
            if namespace.get(name) is not original:
                namespace[name] = original
                replaced.append(f"{name} (defined by a test cell)")
    print(MARK + json.dumps(replaced))
    return replaced


def before_test(namespace):
    """Names and objects of ``namespace`` before a test cell runs (see :func:`after_test`)."""
    return {k: id(v) for k, v in namespace.items()}


def after_test(namespace, before):
    """Record the functions and classes the test cell just defined."""
    for name, value in namespace.items():
        if before.get(name) != id(value) and isinstance(value, type(arm)) or (
                before.get(name) != id(value) and isinstance(value, type)):
            if not name.startswith("_"):
                _test_defined[name] = value
