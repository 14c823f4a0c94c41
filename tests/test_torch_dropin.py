"""unrolled.torch as a drop-in for torch.nn at the edges: the exception types torch.nn
raises (with its key phrases in our messages), empty batches, zero-sized cells,
length-0 sequences, proj_size on RNN/GRU, flatten_parameters. Each case runs the
built-in too, so the test says what torch.nn does and checks that we do the same."""

import pytest
import torch
from torch import nn

import unrolled.torch as ut
from torch_helpers import assert_all_close, data, one_thread, outputs_and_grads, same_weights

pytestmark = pytest.mark.usefixtures("one_thread")

LAYERS = [(ut.RNN, nn.RNN), (ut.LSTM, nn.LSTM), (ut.GRU, nn.GRU)]
CELLS = [(ut.RNNCell, nn.RNNCell), (ut.LSTMCell, nn.LSTMCell), (ut.GRUCell, nn.GRUCell)]
IDS = ["RNN", "LSTM", "GRU"]


def raised(call):
    """The exception ``call()`` raises (the test fails if it raises none)."""
    with pytest.raises(Exception) as info:
        call()
    return info.value


def same_error(ours_call, ref_call, phrase):
    """Ours raises an instance of the built-in's exception type, with its phrase."""
    ref, ours = raised(ref_call), raised(ours_call)
    assert isinstance(ours, type(ref)), f"torch.nn raises {type(ref).__name__}, we {type(ours).__name__}"
    assert phrase in str(ref), f"torch.nn's message changed: {ref}"
    assert phrase in str(ours), f"our message lacks {phrase!r}: {ours}"
    return ours


# -- constructor arguments -------------------------------------------------------------
@pytest.mark.parametrize("ours, ref", LAYERS, ids=IDS)
@pytest.mark.parametrize("kwargs, error, phrase", [
    ({"bias": 0}, TypeError, "bias should be of type bool"),
    ({"batch_first": "yes"}, TypeError, "batch_first should be of type bool"),
    ({"hidden_size": 4.0}, TypeError, "hidden_size should be of type int"),
    ({"input_size": 3.0}, TypeError, "input_size should be of type int"),
    ({"hidden_size": 0}, ValueError, "hidden_size must be greater than zero"),
    ({"num_layers": 0}, ValueError, "num_layers must be greater than zero"),
], ids=["bias0", "batch_first_str", "float_hidden", "float_input", "hidden0", "layers0"])
def test_constructor_errors_match_torch_nn(ours, ref, kwargs, error, phrase):
    args = {"input_size": 3, "hidden_size": 4, **kwargs}
    err = same_error(lambda: ours(**args), lambda: ref(**args), phrase)
    assert isinstance(err, error)


def test_unknown_nonlinearity():
    same_error(lambda: ut.RNN(3, 4, nonlinearity="sigmoid"),
               lambda: nn.RNN(3, 4, nonlinearity="sigmoid"), "Unknown nonlinearity")


@pytest.mark.parametrize("ours, ref", [LAYERS[0], LAYERS[2]], ids=["RNN", "GRU"])
def test_proj_size_only_for_lstm(ours, ref):
    err = same_error(lambda: ours(3, 4, proj_size=2), lambda: ref(3, 4, proj_size=2),
                     "proj_size argument is only supported for LSTM")
    assert isinstance(err, ValueError)
    assert ours(3, 4, proj_size=0).hidden_size == 4  # the default is fine, as in torch.nn


# -- shape and dtype mistakes ----------------------------------------------------------
@pytest.mark.parametrize("ours_cls, ref_cls", LAYERS, ids=IDS)
def test_feature_size_and_state_errors_match_torch_nn(ours_cls, ref_cls):
    ours, ref = same_weights(ours_cls, ref_cls, 3, 4)
    err = same_error(lambda: ours(data(5, 2, 2)), lambda: ref(data(5, 2, 2)),
                     "input.size(-1) must be equal to input_size")
    assert isinstance(err, RuntimeError) and isinstance(err, ValueError)
    h = torch.zeros(1, 3, 4)
    state = (h, h) if ours_cls is ut.LSTM else h
    err = same_error(lambda: ours(data(5, 2, 3), state), lambda: ref(data(5, 2, 3), state),
                     "Expected hidden")
    assert isinstance(err, RuntimeError) and isinstance(err, ValueError)


@pytest.mark.parametrize("ours_cls, ref_cls", LAYERS + CELLS, ids=IDS + [i + "Cell" for i in IDS])
def test_dtype_mismatch_gets_our_message(ours_cls, ref_cls):
    ours, ref = same_weights(ours_cls, ref_cls, 3, 4)
    x = data(2, 3, dtype=torch.float64) if "Cell" in ours_cls.__name__ else data(5, 2, 3, dtype=torch.float64)
    ref_err, err = raised(lambda: ref(x)), raised(lambda: ours(x))
    assert isinstance(err, type(ref_err)), (type(ref_err), type(err))
    assert isinstance(err, RuntimeError) and isinstance(err, ValueError)
    assert "expected input of dtype torch.float32 (the dtype of the weights), got torch.float64" in str(err)


@pytest.mark.parametrize("ours_cls, ref_cls", LAYERS, ids=IDS)
@pytest.mark.parametrize("batch_first", [False, True])
def test_length_zero_raises_like_torch_nn(ours_cls, ref_cls, batch_first):
    ours, ref = same_weights(ours_cls, ref_cls, 3, 4, batch_first=batch_first)
    for x in (torch.randn(0, 2, 3).transpose(0, 1) if batch_first else torch.randn(0, 2, 3),
              torch.randn(0, 3)):
        err = same_error(lambda: ours(x), lambda: ref(x), "Expected sequence length to be larger than 0")
        assert isinstance(err, RuntimeError)


# -- empty batches and zero-sized cells ------------------------------------------------
@pytest.mark.parametrize("ours_cls, ref_cls", LAYERS, ids=IDS)
@pytest.mark.parametrize("kw", [{}, {"bidirectional": True, "num_layers": 2}, {"batch_first": True}],
                         ids=["plain", "bi2", "batch_first"])
def test_batch_of_size_zero(ours_cls, ref_cls, kw):
    ours, ref = same_weights(ours_cls, ref_cls, 4, 5, **kw)
    x = torch.randn(0, 3, 4) if kw.get("batch_first") else torch.randn(3, 0, 4)
    out_ours, g_ours = outputs_and_grads(ours, x)
    out_ref, g_ref = outputs_and_grads(ref, x)
    assert_all_close(out_ours, out_ref, f"{ours_cls.__name__} on an empty batch")
    assert_all_close(g_ours, g_ref, f"{ours_cls.__name__} gradients on an empty batch")


@pytest.mark.parametrize("ours_cls, ref_cls", CELLS, ids=[i + "Cell" for i in IDS])
@pytest.mark.parametrize("input_size, hidden_size, batch", [(3, 0, 2), (0, 4, 2), (3, 4, 0)],
                         ids=["hidden0", "input0", "batch0"])
def test_zero_sized_cells_work_like_torch_nn(ours_cls, ref_cls, input_size, hidden_size, batch):
    ours, ref = same_weights(ours_cls, ref_cls, input_size, hidden_size)
    x = torch.randn(batch, input_size)
    assert_all_close(outputs_and_grads(ours, x)[0], outputs_and_grads(ref, x)[0],
                     f"{ours_cls.__name__}({input_size}, {hidden_size}) on batch {batch}")


@pytest.mark.parametrize("ours_cls, ref_cls", CELLS, ids=[i + "Cell" for i in IDS])
def test_cell_shape_errors_are_runtime_errors(ours_cls, ref_cls):
    ours, ref = same_weights(ours_cls, ref_cls, 3, 4)
    for call in (lambda m: m(torch.randn(2, 2)),
                 lambda m: m(torch.randn(2, 3), (torch.zeros(3, 4),) * 2 if "LSTM" in ours_cls.__name__
                             else torch.zeros(3, 4))):
        ref_err, err = raised(lambda: call(ref)), raised(lambda: call(ours))
        assert isinstance(err, type(ref_err)) and isinstance(err, ValueError), (ref_err, err)


# -- flatten_parameters ----------------------------------------------------------------
@pytest.mark.parametrize("ours_cls, ref_cls", LAYERS, ids=IDS)
def test_flatten_parameters_is_a_no_op(ours_cls, ref_cls):
    ours, ref = same_weights(ours_cls, ref_cls, 3, 4)
    before = {k: v.clone() for k, v in ours.state_dict().items()}
    assert ours.flatten_parameters() is None and ref.flatten_parameters() is None
    x = data(5, 2, 3)
    assert_all_close(outputs_and_grads(ours, x)[0], outputs_and_grads(ref, x)[0], "after flatten_parameters")
    assert all(torch.equal(before[k], v) for k, v in ours.state_dict().items())
