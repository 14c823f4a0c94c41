"""unrolled.torch cells against torch.nn's: outputs, gradients, state dicts, init.

The peephole LSTM has no built-in, so it is checked against the equations written
out below, gate by gate.
"""

import pytest
import torch
from torch import nn

import unrolled.torch as ut


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """Tiny tensors: a second thread only adds waiting on a busy 2-core machine."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)

TOL = {torch.float32: dict(rtol=1e-5, atol=1e-5), torch.float64: dict(rtol=1e-10, atol=1e-10)}

# (ours, built-in, constructor kwargs, state is a pair (h, c))
CELLS = {
    "rnn_tanh": (ut.RNNCell, nn.RNNCell, {"nonlinearity": "tanh"}, False),
    "rnn_relu": (ut.RNNCell, nn.RNNCell, {"nonlinearity": "relu"}, False),
    "lstm": (ut.LSTMCell, nn.LSTMCell, {}, True),
    "gru": (ut.GRUCell, nn.GRUCell, {}, False),
}
I, H, B = 3, 5, 4


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def run_with_grads(module, x, hx, upstream):
    """Run ``module(x, hx)``, backpropagate ``upstream`` and return (outputs, grads).

    grads: d/dx, d/dhx (each state tensor) and d/dparam by name.
    """
    x = x.clone().requires_grad_(True)
    hx = None if hx is None else tuple(s.clone().requires_grad_(True) for s in hx)
    hx_arg = hx if hx is None or len(hx) == 2 else hx[0]
    out = _as_tuple(module(x, hx_arg))
    loss = sum((o * u).sum() for o, u in zip(out, upstream))
    module.zero_grad()
    loss.backward()
    grads = {"input": x.grad}
    if hx is not None:
        grads.update({f"hx{i}": s.grad for i, s in enumerate(hx)})
    grads.update({n: p.grad for n, p in module.named_parameters()})
    return out, grads


def assert_same(ours, theirs, tol):
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert a.shape == b.shape
        torch.testing.assert_close(a, b, **tol)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("with_hx", [False, True])
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("kind", list(CELLS))
def test_cell_matches_builtin(kind, bias, batched, with_hx, dtype):
    ours_cls, ref_cls, kw, pair = CELLS[kind]
    torch.manual_seed(0)
    ref = ref_cls(I, H, bias=bias, dtype=dtype, **kw)
    ours = ours_cls(I, H, bias=bias, dtype=dtype, **kw)
    ours.load_state_dict(ref.state_dict())

    lead = (B,) if batched else ()
    x = torch.randn(*lead, I, dtype=dtype)
    n_states = 2 if pair else 1
    hx = tuple(torch.randn(*lead, H, dtype=dtype) for _ in range(n_states)) if with_hx else None
    upstream = [torch.randn(*lead, H, dtype=dtype) for _ in range(n_states)]

    out_ours, g_ours = run_with_grads(ours, x, hx, upstream)
    out_ref, g_ref = run_with_grads(ref, x, hx, upstream)
    assert_same(out_ours, out_ref, TOL[dtype])
    assert set(g_ours) == set(g_ref)
    for name in g_ref:
        torch.testing.assert_close(g_ours[name], g_ref[name], **TOL[dtype], msg=name)


@pytest.mark.parametrize("kind", list(CELLS))
def test_cell_parameters_and_init_like_builtin(kind):
    ours_cls, ref_cls, kw, _ = CELLS[kind]
    for bias in (True, False):
        torch.manual_seed(3)
        ref = ref_cls(I, H, bias=bias, **kw)
        torch.manual_seed(3)
        ours = ours_cls(I, H, bias=bias, **kw)
        assert [(n, p.shape) for n, p in ours.named_parameters()] == \
               [(n, p.shape) for n, p in ref.named_parameters()]
        # same draws in the same order: the default init is the built-in's
        for (n, p), q in zip(ours.named_parameters(), ref.parameters()):
            assert torch.equal(p, q), n
        bound = 1 / H ** 0.5
        assert all(p.abs().max() <= bound for p in ours.parameters())


@pytest.mark.parametrize("kind", list(CELLS))
def test_cell_state_dict_loads_into_builtin(kind):
    ours_cls, ref_cls, kw, _ = CELLS[kind]
    torch.manual_seed(1)
    ours, ref = ours_cls(I, H, **kw), ref_cls(I, H, **kw)
    ref.load_state_dict(ours.state_dict())
    x = torch.randn(B, I)
    assert_same(_as_tuple(ours(x)), _as_tuple(ref(x)), TOL[torch.float32])


@pytest.mark.parametrize("batched", [True, False])
def test_lstm_cell_projection_matches_one_step_of_builtin_lstm(batched):
    P = 2
    torch.manual_seed(0)
    ref = nn.LSTM(I, H, proj_size=P, dtype=torch.float64)
    ours = ut.LSTMCell(I, H, proj_size=P, dtype=torch.float64)
    assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == [
        ("weight_ih", (4 * H, I)), ("weight_hh", (4 * H, P)), ("bias_ih", (4 * H,)),
        ("bias_hh", (4 * H,)), ("weight_hr", (P, H))]
    ours.load_state_dict({n.removesuffix("_l0"): p for n, p in ref.state_dict().items()})

    lead = (B,) if batched else ()
    x = torch.randn(*lead, I, dtype=torch.float64, requires_grad=True)
    h0 = torch.randn(*lead, P, dtype=torch.float64, requires_grad=True)
    c0 = torch.randn(*lead, H, dtype=torch.float64, requires_grad=True)
    h, c = ours(x, (h0, c0))
    assert h.shape == (*lead, P) and c.shape == (*lead, H)
    # the built-in layer with a sequence of length 1 and batch/layer dims added
    seq = x.unsqueeze(0) if batched else x.unsqueeze(0).unsqueeze(0)
    state = (h0.unsqueeze(0), c0.unsqueeze(0)) if batched else (h0[None, None], c0[None, None])
    _, (h_ref, c_ref) = ref(seq, state)
    tol = TOL[torch.float64]
    torch.testing.assert_close(h, h_ref.reshape(h.shape), **tol)
    torch.testing.assert_close(c, c_ref.reshape(c.shape), **tol)

    up_h, up_c = torch.randn_like(h), torch.randn_like(c)
    g_ours = torch.autograd.grad((h * up_h).sum() + (c * up_c).sum(),
                                 [x, h0, c0, *ours.parameters()])
    g_ref = torch.autograd.grad((h_ref.reshape(h.shape) * up_h).sum() + (c_ref.reshape(c.shape) * up_c).sum(),
                                [x, h0, c0, *ref.parameters()])
    for a, b in zip(g_ours, g_ref):
        torch.testing.assert_close(a, b, **tol)


# --------------------------------------------------------------------------- peephole LSTM


def peephole_reference(cell, x, h, c):
    """The peephole LSTM equations, one gate at a time, from the named parameters."""
    Hs = cell.hidden_size
    W_ii, W_if, W_ig, W_io = (cell.weight_ih[k * Hs:(k + 1) * Hs] for k in range(4))
    W_hi, W_hf, W_hg, W_ho = (cell.weight_hh[k * Hs:(k + 1) * Hs] for k in range(4))
    if cell.bias_ih is None:
        b = [0.0] * 4
    else:
        b = [cell.bias_ih[k * Hs:(k + 1) * Hs] + cell.bias_hh[k * Hs:(k + 1) * Hs] for k in range(4)]
    i = torch.sigmoid(x @ W_ii.T + h @ W_hi.T + b[0] + cell.weight_ci * c)
    f = torch.sigmoid(x @ W_if.T + h @ W_hf.T + b[1] + cell.weight_cf * c)
    g = torch.tanh(x @ W_ig.T + h @ W_hg.T + b[2])
    c_new = f * c + i * g
    o = torch.sigmoid(x @ W_io.T + h @ W_ho.T + b[3] + cell.weight_co * c_new)
    return o * torch.tanh(c_new), c_new


def test_peephole_parameters():
    cell = ut.PeepholeLSTMCell(I, H)
    shapes = {n: tuple(p.shape) for n, p in cell.named_parameters()}
    assert shapes == {"weight_ih": (4 * H, I), "weight_hh": (4 * H, H), "bias_ih": (4 * H,),
                      "bias_hh": (4 * H,), "weight_ci": (H,), "weight_cf": (H,), "weight_co": (H,)}
    bound = 1 / H ** 0.5
    for p in cell.parameters():
        assert p.abs().max() <= bound and p.std() > 0
    assert "bias_ih" not in dict(ut.PeepholeLSTMCell(I, H, bias=False).named_parameters())


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("batched", [True, False])
def test_peephole_matches_equations(batched, bias):
    torch.manual_seed(0)
    cell = ut.PeepholeLSTMCell(I, H, bias=bias, dtype=torch.float64)
    with torch.no_grad():  # peepholes large enough to matter
        for p in (cell.weight_ci, cell.weight_cf, cell.weight_co):
            p.copy_(torch.randn(H, dtype=torch.float64))
    lead = (B,) if batched else ()
    x = torch.randn(*lead, I, dtype=torch.float64)
    h, c = torch.randn(*lead, H, dtype=torch.float64), 2 * torch.randn(*lead, H, dtype=torch.float64)
    h1, c1 = cell(x, (h, c))
    h_ref, c_ref = peephole_reference(cell, x, h, c)
    assert h1.shape == h.shape and c1.shape == c.shape
    torch.testing.assert_close(h1, h_ref, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(c1, c_ref, rtol=1e-12, atol=1e-12)
    # and two steps in a row (the new c feeds the next step's gates)
    h2, c2 = cell(x, (h1, c1))
    h2_ref, c2_ref = peephole_reference(cell, x, h_ref, c_ref)
    torch.testing.assert_close((h2, c2), (h2_ref, c2_ref), rtol=1e-12, atol=1e-12)


def test_peephole_gradients():
    torch.manual_seed(0)
    cell = ut.PeepholeLSTMCell(2, 3, dtype=torch.float64)
    x = torch.randn(2, 2, dtype=torch.float64, requires_grad=True)
    hx = (torch.randn(2, 3, dtype=torch.float64, requires_grad=True),
          torch.randn(2, 3, dtype=torch.float64, requires_grad=True))
    assert torch.autograd.gradcheck(lambda *a: cell(a[0], (a[1], a[2])), (x, *hx))
    # parameter gradients agree with the transcription
    up = torch.randn(2, 3, dtype=torch.float64)
    g_ours = torch.autograd.grad((cell(x, hx)[0] * up).sum(), list(cell.parameters()))
    g_ref = torch.autograd.grad((peephole_reference(cell, x, *hx)[0] * up).sum(), list(cell.parameters()))
    for a, b in zip(g_ours, g_ref):
        torch.testing.assert_close(a, b)
        assert a.abs().sum() > 0


def test_peephole_with_zero_peepholes_is_lstm_cell():
    torch.manual_seed(0)
    ref = nn.LSTMCell(I, H)
    cell = ut.PeepholeLSTMCell(I, H)
    result = cell.load_state_dict(ref.state_dict(), strict=False)
    assert sorted(result.missing_keys) == ["weight_cf", "weight_ci", "weight_co"]
    assert not result.unexpected_keys
    x, hx = torch.randn(B, I), (torch.randn(B, H), torch.randn(B, H))
    # with the random peepholes it is a different function ...
    assert not torch.allclose(cell(x, hx)[0], ref(x, hx)[0], atol=1e-3)
    # ... and with zero peepholes it is the LSTM
    with torch.no_grad():
        for p in (cell.weight_ci, cell.weight_cf, cell.weight_co):
            p.zero_()
    assert_same(cell(x, hx), ref(x, hx), TOL[torch.float32])
    assert_same(cell(x), ref(x), TOL[torch.float32])


@pytest.mark.parametrize("name", ["weight_ci", "weight_cf", "weight_co"])
def test_each_peephole_is_used(name):
    torch.manual_seed(0)
    cell = ut.PeepholeLSTMCell(I, H)
    x, hx = torch.randn(B, I), (torch.randn(B, H), torch.randn(B, H))
    h_before, _ = cell(x, hx)
    with torch.no_grad():
        getattr(cell, name).add_(1.0)
    h_after, _ = cell(x, hx)
    assert not torch.allclose(h_before, h_after)
