"""unrolled.interop: weights copied between PyTorch and Keras give the same outputs.

Every combination (RNN / LSTM / LSTM with projection / GRU, one or two directions,
torch -> keras and keras -> torch) with the built-in layers on both sides, and with the
course's own layers (``unrolled.torch`` / ``unrolled.keras``). If the package does not
import, these tests fail (they never skip): a broken package must not look green.
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
keras = pytest.importorskip("keras")

from unrolled import interop  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:LSTM with projections is not supported")

B, T, I, H, P = 3, 6, 4, 5, 3
ATOL = 2e-5


import unrolled.keras as UK  # noqa: E402
import unrolled.torch as UT  # noqa: E402

TORCH_NAMES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}
KERAS_NAMES = {"rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}


def _impls():
    """(torch side, keras side): every combination of built-in and ours."""
    return [pytest.param(t, k, id=f"{t}-{k}")
            for t, k in (("builtin", "builtin"), ("ours", "ours"), ("builtin", "ours"),
                         ("ours", "builtin"))]


def make_torch(impl, kind, bidirectional=False, proj_size=0, num_layers=1, bias=True):
    torch.manual_seed(0)
    mod = torch.nn if impl == "builtin" else UT
    kwargs = dict(num_layers=num_layers, bias=bias, batch_first=True, bidirectional=bidirectional)
    if proj_size:
        kwargs["proj_size"] = proj_size
    layer = getattr(mod, TORCH_NAMES[kind])(I, H, **kwargs)
    with torch.no_grad():  # make the biases visibly non-zero and unequal
        for name, p in layer.named_parameters():
            p.uniform_(-0.6, 0.6)
    return layer


def make_keras(impl, kind, bidirectional=False, proj_size=0, input_size=I, bias=True, **kw):
    keras.utils.set_random_seed(1)
    mod = keras.layers if impl == "builtin" else UK
    kwargs = dict(return_sequences=True, use_bias=bias, **kw)
    if proj_size:
        kwargs["proj_size"] = proj_size
    layer = getattr(mod, KERAS_NAMES[kind])(H, **kwargs)
    if bidirectional:
        layer = mod.Bidirectional(layer)
    layer(np.zeros((1, T, input_size), "float32"))  # build
    # random weights everywhere, biases included (Keras starts them at 0 / 1)
    rng = np.random.default_rng(2)
    layer.set_weights([rng.uniform(-0.6, 0.6, w.shape).astype("float32") for w in layer.get_weights()])
    return layer


def torch_out(layer, x):
    with torch.no_grad():
        return layer(torch.from_numpy(x))[0].numpy()


def keras_out(layer, x):
    return keras.ops.convert_to_numpy(layer(x))


def _x(input_size=I):
    return np.random.default_rng(3).normal(size=(B, T, input_size)).astype("float32")


CASES = [
    pytest.param("rnn", False, 0, id="rnn"),
    pytest.param("rnn", True, 0, id="rnn-bi"),
    pytest.param("lstm", False, 0, id="lstm"),
    pytest.param("lstm", True, 0, id="lstm-bi"),
    pytest.param("lstm", False, P, id="lstm-proj"),
    pytest.param("lstm", True, P, id="lstm-proj-bi"),
    pytest.param("gru", False, 0, id="gru"),
    pytest.param("gru", True, 0, id="gru-bi"),
]


def _copy_cases():
    """Every (kind, directions, projection) x (torch impl, keras impl) that can exist:
    keras.layers.LSTM has no projection (see test_projection_needs_ours)."""
    out = []
    for case in CASES:
        for impl in _impls():
            if case.values[2] and impl.values[1] == "builtin":
                continue
            out.append(pytest.param(*case.values, *impl.values, id=f"{case.id}-{impl.id}",
                                    marks=impl.marks))
    return out


@pytest.mark.parametrize("kind,bidirectional,proj,timpl,kimpl", _copy_cases())
@pytest.mark.parametrize("direction", ["torch_to_keras", "keras_to_torch"])
def test_copy_gives_same_outputs(direction, kind, bidirectional, proj, timpl, kimpl):
    tl = make_torch(timpl, kind, bidirectional, proj)
    kl = make_keras(kimpl, kind, bidirectional, proj)
    x = _x()
    if direction == "torch_to_keras":
        assert interop.torch_to_keras(tl, kl) is kl
    else:
        assert interop.keras_to_torch(kl, tl) is tl
    yt, yk = torch_out(tl, x), keras_out(kl, x)
    out = (proj or H) * (2 if bidirectional else 1)
    assert yt.shape == yk.shape == (B, T, out)
    np.testing.assert_allclose(yk, yt, atol=ATOL, rtol=1e-5)


@pytest.mark.parametrize("bias", [True, False], ids=["bias", "nobias"])
@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_round_trip_and_no_bias(kind, bias):
    """torch -> keras -> a fresh torch layer: same outputs (with and without biases)."""
    t1 = make_torch("builtin", kind, bias=bias)
    kl = make_keras("builtin", kind, bias=bias)
    t2 = make_torch("builtin", kind, bias=bias)
    with torch.no_grad():
        for p in t2.parameters():
            p.zero_()
    interop.keras_to_torch(interop.torch_to_keras(t1, kl), t2)
    x = _x()
    np.testing.assert_allclose(torch_out(t2, x), torch_out(t1, x), atol=ATOL)
    if bias and kind != "gru":  # the single Keras bias comes back whole in bias_ih
        assert torch.count_nonzero(t2.bias_hh_l0) == 0


@pytest.mark.parametrize("timpl,kimpl", [p for p in _impls() if p.id in ("builtin-builtin",
                                                                         "ours-ours")])
@pytest.mark.parametrize("direction", ["torch_to_keras", "keras_to_torch"])
@pytest.mark.parametrize("bidirectional", [False, True], ids=["uni", "bi"])
def test_stacked_layers_take_a_list(direction, bidirectional, timpl, kimpl):
    tl = make_torch(timpl, "lstm", bidirectional, num_layers=2)
    k0 = make_keras(kimpl, "lstm", bidirectional)
    k1 = make_keras(kimpl, "lstm", bidirectional, input_size=H * (2 if bidirectional else 1))
    if direction == "torch_to_keras":
        interop.torch_to_keras(tl, [k0, k1])
    else:
        interop.keras_to_torch([k0, k1], tl)
    x = _x()
    np.testing.assert_allclose(keras_out(k1, keras_out(k0, x)), torch_out(tl, x), atol=ATOL)
    with pytest.raises(ValueError, match="list of 2 Keras layers"):
        interop.torch_to_keras(tl, k0)


def test_cells_too():
    tc = torch.nn.GRUCell(I, H)
    kc = keras.layers.GRUCell(H)
    kc.build((None, I))
    interop.torch_to_keras(tc, kc)
    x = _x()[:, 0]
    h = np.random.default_rng(4).normal(size=(B, H)).astype("float32")
    with torch.no_grad():
        yt = tc(torch.from_numpy(x), torch.from_numpy(h)).numpy()
    yk = keras.ops.convert_to_numpy(kc(x, [h])[0])
    np.testing.assert_allclose(yk, yt, atol=ATOL)


def test_array_conversions_invert_each_other():
    rng = np.random.default_rng(0)
    for kind, g in interop.GATES.items():
        w = {"weight_ih": rng.normal(size=(g * H, I)), "weight_hh": rng.normal(size=(g * H, H)),
             "bias_ih": rng.normal(size=g * H), "bias_hh": rng.normal(size=g * H)}
        k = interop.torch_arrays_to_keras(kind, **w)
        assert k["kernel"].shape == (I, g * H) and k["recurrent_kernel"].shape == (H, g * H)
        back = interop.keras_arrays_to_torch(kind, **k)
        np.testing.assert_allclose(back["weight_ih"], w["weight_ih"])
        np.testing.assert_allclose(back["weight_hh"], w["weight_hh"])
        np.testing.assert_allclose(back["bias_ih"] + back["bias_hh"], w["bias_ih"] + w["bias_hh"])
    # GRU: torch blocks (r, z, n) become keras blocks (z, r, h)
    wi = np.concatenate([np.full((H, I), v) for v in (1.0, 2.0, 3.0)])  # r=1, z=2, n=3
    k = interop.torch_arrays_to_keras("gru", wi, wi)
    assert [k["kernel"][0, j * H] for j in range(3)] == [2.0, 1.0, 3.0]


# --------------------------------------------------------------- clear errors

def test_gru_reset_after_false_is_refused():
    tl = make_torch("builtin", "gru")
    kl = make_keras("builtin", "gru", reset_after=False)
    with pytest.raises(ValueError, match="reset_after=False"):
        interop.torch_to_keras(tl, kl)
    with pytest.raises(ValueError, match="reset_after=True"):
        interop.keras_to_torch(kl, tl)


def test_unbuilt_keras_layer_is_refused():
    with pytest.raises(ValueError, match="not built"):
        interop.torch_to_keras(torch.nn.LSTM(I, H), keras.layers.LSTM(H))


def test_size_mismatch_names_both_layers():
    tl = torch.nn.LSTM(I, H + 1)
    kl = make_keras("builtin", "lstm")
    with pytest.raises(ValueError, match=r"torch LSTM.*hidden_size=6.*keras LSTM.*units=5"):
        interop.torch_to_keras(tl, kl)
    tl = torch.nn.LSTM(I + 2, H)
    with pytest.raises(ValueError, match="size 6.*size 4"):
        interop.keras_to_torch(kl, tl)


def test_kind_and_direction_mismatch():
    with pytest.raises(ValueError, match="pairs with a keras GRU"):
        interop.torch_to_keras(torch.nn.GRU(I, H), make_keras("builtin", "lstm"))
    with pytest.raises(ValueError, match="Bidirectional"):
        interop.torch_to_keras(torch.nn.GRU(I, H, bidirectional=True), make_keras("builtin", "gru"))
    with pytest.raises(ValueError, match="not bidirectional"):
        interop.torch_to_keras(torch.nn.GRU(I, H), make_keras("builtin", "gru", bidirectional=True))


def test_activation_and_bias_mismatch():
    with pytest.raises(ValueError, match="nonlinearity='relu'"):
        interop.torch_to_keras(torch.nn.RNN(I, H, nonlinearity="relu"), make_keras("builtin", "rnn"))
    with pytest.raises(ValueError, match="bias mismatch"):
        interop.torch_to_keras(torch.nn.RNN(I, H, bias=False), make_keras("builtin", "rnn"))


def test_projection_needs_ours():
    with pytest.raises(ValueError, match="unrolled.keras.LSTM"):
        interop.torch_to_keras(torch.nn.LSTM(I, H, proj_size=P), make_keras("builtin", "lstm"))
