"""unrolled.torch layers against torch.nn's: every configuration, packed sequences,
dropout, state dicts both ways. Outputs, final states and all gradients must match."""

import warnings

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

import unrolled.torch as ut


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """Tiny tensors: a second thread only adds waiting on a busy 2-core machine."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)

TOL = {torch.float32: dict(rtol=1e-5, atol=1e-5), torch.float64: dict(rtol=1e-10, atol=1e-10)}
I, H, P, T, B = 3, 5, 2, 4, 3

# (ours, built-in, constructor kwargs)
KINDS = {
    "rnn_tanh": (ut.RNN, nn.RNN, {"nonlinearity": "tanh"}),
    "rnn_relu": (ut.RNN, nn.RNN, {"nonlinearity": "relu"}),
    "lstm": (ut.LSTM, nn.LSTM, {}),
    "lstm_proj": (ut.LSTM, nn.LSTM, {"proj_size": P}),
    "gru": (ut.GRU, nn.GRU, {}),
}


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():  # "LSTM with projections is not supported with oneDNN"
        warnings.simplefilter("ignore", UserWarning)
        yield


def make_pair(kind, dtype=torch.float32, seed=0, **kw):
    ours_cls, ref_cls, extra = KINDS[kind]
    torch.manual_seed(seed)
    ref = ref_cls(I, H, dtype=dtype, **extra, **kw)
    ours = ours_cls(I, H, dtype=dtype, **extra, **kw)
    ours.load_state_dict(ref.state_dict())
    return ours, ref


def state_shapes(kind, num_layers, bidirectional, batch):
    """Shapes of h_0 (and c_0) for the built-in layer; batch=None for unbatched."""
    LD = num_layers * (2 if bidirectional else 1)
    lead = (LD,) if batch is None else (LD, batch)
    h_out = P if kind == "lstm_proj" else H
    if kind.startswith("lstm"):
        return [(*lead, h_out), (*lead, H)]
    return [(*lead, h_out)]


def random_state(kind, num_layers, bidirectional, batch, dtype):
    return [torch.randn(s, dtype=dtype) for s in state_shapes(kind, num_layers, bidirectional, batch)]


def run_with_grads(module, x, hx, out_grads):
    """Forward, backward with fixed random upstream gradients, return (outputs, grads).

    ``x`` is a tensor or a PackedSequence; outputs are (output data, *final states).
    """
    if isinstance(x, PackedSequence):
        data = x.data.clone().requires_grad_(True)
        x_in = PackedSequence(data, x.batch_sizes, x.sorted_indices, x.unsorted_indices)
    else:
        data = x_in = x.clone().requires_grad_(True)
    states = None if hx is None else [s.clone().requires_grad_(True) for s in hx]
    hx_arg = None if states is None else (tuple(states) if len(states) == 2 else states[0])
    output, final = module(x_in, hx_arg)
    out_data = output.data if isinstance(output, PackedSequence) else output
    outs = [out_data, *(final if isinstance(final, tuple) else (final,))]
    loss = sum((o * g(o)).sum() for o, g in zip(outs, out_grads))
    module.zero_grad()
    loss.backward()
    grads = {"input": data.grad}
    if states is not None:
        grads.update({f"hx{i}": s.grad for i, s in enumerate(states)})
    grads.update({n: p.grad for n, p in module.named_parameters()})
    return outs, grads


def upstream(seed, n):
    """n functions o -> fixed random tensor shaped like o (same for both modules)."""
    def make(k):
        def g(o):
            gen = torch.Generator().manual_seed(seed * 100 + k)
            return torch.randn(o.shape, generator=gen, dtype=o.dtype)
        return g
    return [make(k) for k in range(n)]


def assert_match(ours, ref, x, hx, dtype, seed=0):
    out_o, g_o = run_with_grads(ours, x, hx, upstream(seed, 3))
    out_r, g_r = run_with_grads(ref, x, hx, upstream(seed, 3))
    assert len(out_o) == len(out_r)
    for i, (a, b) in enumerate(zip(out_o, out_r)):
        assert a.shape == b.shape, f"output {i}: {tuple(a.shape)} vs {tuple(b.shape)}"
        torch.testing.assert_close(a, b, **TOL[dtype], msg=f"output {i}")
    assert set(g_o) == set(g_r)
    for name in g_r:
        assert g_r[name] is not None and g_o[name] is not None, name
        torch.testing.assert_close(g_o[name], g_r[name], **TOL[dtype], msg=f"gradient of {name}")


# --------------------------------------------------------------------------- every configuration


@pytest.mark.parametrize("with_hx", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("kind", list(KINDS))
def test_layer_matches_builtin(kind, num_layers, bidirectional, bias, batch_first, with_hx):
    dtype = torch.float32
    ours, ref = make_pair(kind, dtype, num_layers=num_layers, bidirectional=bidirectional,
                          bias=bias, batch_first=batch_first)
    torch.manual_seed(1)
    x = torch.randn((B, T, I) if batch_first else (T, B, I), dtype=dtype)
    hx = random_state(kind, num_layers, bidirectional, B, dtype) if with_hx else None
    assert_match(ours, ref, x, hx, dtype)


@pytest.mark.parametrize("kind", list(KINDS))
def test_layer_matches_builtin_float64(kind):
    dtype = torch.float64
    ours, ref = make_pair(kind, dtype, num_layers=2, bidirectional=True)
    torch.manual_seed(1)
    x = torch.randn(7, B, I, dtype=dtype)
    assert_match(ours, ref, x, random_state(kind, 2, True, B, dtype), dtype)


@pytest.mark.parametrize("with_hx", [False, True])
@pytest.mark.parametrize("kind", list(KINDS))
def test_unbatched_input(kind, with_hx):
    ours, ref = make_pair(kind, num_layers=2, bidirectional=True)
    x = torch.randn(T, I)
    hx = random_state(kind, 2, True, None, torch.float32) if with_hx else None
    assert_match(ours, ref, x, hx, torch.float32)
    out, _ = ours(x)
    assert out.shape == (T, 2 * (P if kind == "lstm_proj" else H))


# --------------------------------------------------------------------------- packed sequences


@pytest.mark.parametrize("enforce_sorted", [False, True])
@pytest.mark.parametrize("with_hx", [False, True])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("kind", list(KINDS))
def test_packed_sequence(kind, bidirectional, with_hx, enforce_sorted):
    ours, ref = make_pair(kind, num_layers=2, bidirectional=bidirectional)
    lengths = torch.tensor([6, 6, 4, 2, 1]) if enforce_sorted else torch.tensor([2, 6, 1, 4, 6])
    torch.manual_seed(2)
    padded = torch.randn(6, len(lengths), I)
    x = pack_padded_sequence(padded, lengths, enforce_sorted=enforce_sorted)
    hx = random_state(kind, 2, bidirectional, len(lengths), torch.float32) if with_hx else None
    assert_match(ours, ref, x, hx, torch.float32)

    output, _ = ours(x)
    assert isinstance(output, PackedSequence)
    assert torch.equal(output.batch_sizes, x.batch_sizes)


def test_packed_final_state_is_taken_at_each_true_end():
    """Independent of the built-in: h_n of a packed batch = running each sequence alone."""
    torch.manual_seed(0)
    lstm = ut.LSTM(I, H, bidirectional=True, dtype=torch.float64)
    lengths = [3, 5, 1]
    seqs = [torch.randn(n, I, dtype=torch.float64) for n in lengths]
    padded = nn.utils.rnn.pad_sequence(seqs)  # (5, 3, I), zeros after each end
    out, (h_n, c_n) = lstm(pack_padded_sequence(padded, torch.tensor(lengths), enforce_sorted=False))
    out_padded, out_lengths = pad_packed_sequence(out)
    assert out_lengths.tolist() == lengths
    for b, seq in enumerate(seqs):
        out_b, (h_b, c_b) = lstm(seq)  # unbatched: (len, I)
        torch.testing.assert_close(out_padded[: lengths[b], b], out_b)
        torch.testing.assert_close(h_n[:, b], h_b)
        torch.testing.assert_close(c_n[:, b], c_b)
    # padding would change the answer: the padded (unpacked) run differs for short sequences
    _, (h_pad, _) = lstm(padded)
    assert not torch.allclose(h_pad[:, 0], h_n[:, 0])


# --------------------------------------------------------------------------- dropout


@pytest.mark.parametrize("kind", list(KINDS))
def test_dropout_eval_mode_matches_builtin(kind):
    ours, ref = make_pair(kind, num_layers=2, dropout=0.5)
    ours.eval(), ref.eval()
    assert_match(ours, ref, torch.randn(T, B, I), None, torch.float32)


@pytest.mark.parametrize("kind", ["lstm", "gru", "rnn_tanh"])
def test_dropout_train_mode_between_layers_only(kind):
    x = torch.randn(T, B, I)
    # two layers: training differs from eval, and two training runs differ
    two, _ = make_pair(kind, num_layers=2, dropout=0.5)
    two.eval()
    out_eval = two(x)[0]
    two.train()
    torch.manual_seed(5)
    out_a = two(x)[0]
    torch.manual_seed(6)
    out_b = two(x)[0]
    assert not torch.allclose(out_a, out_eval)
    assert not torch.allclose(out_a, out_b)
    # one layer: dropout is not applied after the last layer (and a warning says so)
    with pytest.warns(UserWarning, match="dropout"):
        one = KINDS[kind][0](I, H, num_layers=1, dropout=0.5, **KINDS[kind][2])
    one.train()
    out_train = one(x)[0]
    one.eval()
    torch.testing.assert_close(out_train, one(x)[0])


def test_dropout_one_zeroes_the_input_of_the_second_layer():
    torch.manual_seed(0)
    two = ut.LSTM(I, H, num_layers=2, dropout=1.0, bidirectional=True).train()
    out, (h_n, c_n) = two(torch.randn(T, B, I))
    # the second layer alone, fed zeros, gives the same output and final states
    second = ut.LSTM(2 * H, H, bidirectional=True)
    second.load_state_dict({k.replace("_l1", "_l0"): v for k, v in two.state_dict().items() if "_l1" in k})
    out2, (h2, c2) = second(torch.zeros(T, B, 2 * H))
    torch.testing.assert_close(out, out2)
    torch.testing.assert_close(h_n[2:], h2)
    torch.testing.assert_close(c_n[2:], c2)


# --------------------------------------------------------------------------- parameters


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("kind", list(KINDS))
def test_parameters_named_shaped_ordered_and_initialised_like_builtin(kind, bias):
    ours_cls, ref_cls, extra = KINDS[kind]
    torch.manual_seed(4)
    ref = ref_cls(I, H, num_layers=2, bidirectional=True, bias=bias, **extra)
    torch.manual_seed(4)
    ours = ours_cls(I, H, num_layers=2, bidirectional=True, bias=bias, **extra)
    assert [(n, p.shape) for n, p in ours.named_parameters()] == \
           [(n, p.shape) for n, p in ref.named_parameters()]
    for (n, p), q in zip(ours.named_parameters(), ref.parameters()):
        assert torch.equal(p, q), n  # same U(-1/sqrt(H), 1/sqrt(H)) draws, same order
    for attr in ("input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout",
                 "bidirectional", "proj_size"):
        assert getattr(ours, attr) == getattr(ref, attr), attr


@pytest.mark.parametrize("kind", list(KINDS))
def test_state_dict_loads_into_builtin(kind):
    ours_cls, ref_cls, extra = KINDS[kind]
    torch.manual_seed(7)
    ours = ours_cls(I, H, num_layers=2, bidirectional=True, **extra)
    torch.manual_seed(8)  # different weights until loaded
    ref = ref_cls(I, H, num_layers=2, bidirectional=True, **extra)
    x = torch.randn(T, B, I)
    assert not torch.allclose(ours(x)[0], ref(x)[0])
    ref.load_state_dict(ours.state_dict())
    assert_match(ours, ref, x, None, torch.float32)


def test_dtype_and_device_arguments():
    lstm = ut.LSTM(I, H, proj_size=P, dtype=torch.float64, device="cpu")
    assert all(p.dtype == torch.float64 and p.device.type == "cpu" for p in lstm.parameters())
    out, (h, c) = lstm(torch.randn(T, B, I, dtype=torch.float64))
    assert out.dtype == h.dtype == c.dtype == torch.float64
    assert h.shape == (1, B, P) and c.shape == (1, B, H)


def test_layer_does_not_call_builtin_rnn_kernels(monkeypatch):
    """Our layers unroll in Python: the fused kernels must never be reached."""
    def forbidden(*args, **kwargs):
        raise AssertionError("built-in recurrent kernel called")
    for name in ("lstm", "gru", "rnn_tanh", "rnn_relu", "lstm_cell", "gru_cell", "rnn_tanh_cell",
                 "rnn_relu_cell"):
        monkeypatch.setattr(torch._VF, name, forbidden, raising=False)
        monkeypatch.setattr(torch, name, forbidden, raising=False)
    x = torch.randn(T, B, I)
    for kind in KINDS:
        ours = make_pair(kind, num_layers=2, bidirectional=True)[0]
        ours(x)[0].sum().backward()
    with pytest.raises(AssertionError):  # the patch is effective on the built-in
        nn.LSTM(I, H)(x)
