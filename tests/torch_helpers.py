"""Helpers shared by the PyTorch test files (the mirror of tests/keras_helpers.py):
one thread, tolerances, random data, our module next to torch.nn's with the same
weights, and outputs plus gradients compared."""

import pytest
import torch

TOL = {torch.float32: dict(rtol=1e-5, atol=1e-5), torch.float64: dict(rtol=1e-10, atol=1e-10)}


@pytest.fixture(scope="module")
def one_thread():
    """Tiny tensors: a second thread only adds waiting on a busy 2-core machine."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def data(*shape, seed=0, dtype=torch.float32):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def same_weights(ours_cls, ref_cls, *args, seed=0, **kwargs):
    """``(ours, ref)``: our module and torch.nn's, ``ours`` loaded from ``ref``."""
    torch.manual_seed(seed)
    ref = ref_cls(*args, **kwargs)
    ours = ours_cls(*args, **kwargs)
    ours.load_state_dict(ref.state_dict())
    return ours, ref


def flat(out):
    """The tensors of a nested output ``(output, (h, c))`` as a list."""
    if isinstance(out, torch.Tensor):
        return [out]
    return [t for part in out for t in flat(part)]


def outputs_and_grads(module, *inputs):
    """Outputs of ``module(*inputs)`` and the gradients of a fixed random loss."""
    outs = flat(module(*inputs))
    g = torch.Generator().manual_seed(123)
    loss = sum((o * torch.randn(o.shape, generator=g, dtype=o.dtype)).sum() for o in outs)
    params = [p for p in module.parameters()]
    grads = torch.autograd.grad(loss, params, allow_unused=True) if loss.requires_grad else []
    return [o.detach() for o in outs], [g for g in grads if g is not None]


def assert_all_close(ours, ref, what):
    assert len(ours) == len(ref), f"{what}: {len(ours)} tensors vs {len(ref)}"
    for k, (a, b) in enumerate(zip(ours, ref)):
        assert a.shape == b.shape, f"{what}[{k}]: shape {tuple(a.shape)} vs {tuple(b.shape)}"
        torch.testing.assert_close(a, b, **TOL[a.dtype], msg=f"{what}[{k}]")
