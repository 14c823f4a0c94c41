"""Bad input to unrolled.torch raises ValueError naming what was expected and what was given."""

import re

import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence

import unrolled.torch as ut


def raises(match):
    return pytest.raises(ValueError, match=re.escape(match))


# --------------------------------------------------------------------------- layers


def test_wrong_feature_size():
    lstm = ut.LSTM(64, 16)
    with raises("LSTM: expected input with 64 features (input_size), got 32"):
        lstm(torch.randn(5, 2, 32))
    with raises("GRU: expected input with 64 features (input_size), got 8"):
        ut.GRU(64, 16, batch_first=True)(torch.randn(2, 5, 8))
    with raises("RNN: expected input with 64 features (input_size), got 3"):
        ut.RNN(64, 16)(torch.randn(5, 3))  # unbatched


@pytest.mark.parametrize("shape", [(4,), (2, 3, 4, 4)])
@pytest.mark.parametrize("cls", [ut.RNN, ut.LSTM, ut.GRU])
def test_wrong_input_rank(cls, shape):
    layer = cls(4, 6)
    name = cls.__name__
    with pytest.raises(ValueError, match=rf"^{name}: expected input to be 2-D .* or 3-D "
                                         rf".*got {len(shape)}-D input of shape {re.escape(str(shape))}"):
        layer(torch.randn(*shape))


def test_batch_first_layout_is_named_in_the_message():
    with raises("3-D (batch, seq_len, input_size)"):
        ut.LSTM(4, 6, batch_first=True)(torch.randn(4))


def test_wrong_initial_state_shape():
    lstm = ut.LSTM(4, 6, num_layers=2, bidirectional=True, proj_size=3)
    x = torch.randn(5, 2, 4)
    good_h, good_c = torch.zeros(4, 2, 3), torch.zeros(4, 2, 6)
    lstm(x, (good_h, good_c))  # fine
    with raises("LSTM: expected h_0 of shape (4, 2, 3) (num_layers * num_directions, batch, size), got (2, 2, 3)"):
        lstm(x, (torch.zeros(2, 2, 3), good_c))
    with raises("LSTM: expected c_0 of shape (4, 2, 6)"):
        lstm(x, (good_h, torch.zeros(4, 2, 3)))  # c has hidden_size, not proj_size
    with raises("LSTM: expected h_0 of shape (4, 2, 3)"):
        lstm(x, (torch.zeros(4, 3, 3), good_c))  # batch mismatch
    with raises("LSTM: expected hx to be a pair (h, c) of tensors, got a Tensor"):
        lstm(x, good_h)
    with raises("GRU: expected h_0 of shape (1, 2, 6) (num_layers * num_directions, batch, size), got (1, 2, 5)"):
        ut.GRU(4, 6)(x, torch.zeros(1, 2, 5))
    with raises("RNN: expected h_0 of shape (2, 6) (num_layers * num_directions, size) for unbatched input, got (2, 1, 6)"):
        ut.RNN(4, 6, num_layers=2)(torch.randn(5, 4), torch.zeros(2, 1, 6))


def test_packed_input_checks():
    packed = pack_padded_sequence(torch.randn(5, 3, 4), torch.tensor([5, 3, 2]))
    with raises("GRU: expected input with 7 features (input_size), got 4"):
        ut.GRU(7, 6)(packed)
    with raises("GRU: expected h_0 of shape (1, 3, 6)"):
        ut.GRU(4, 6)(packed, torch.zeros(1, 2, 6))


@pytest.mark.parametrize("proj_size", [6, 10, -1])
def test_bad_proj_size(proj_size):
    with raises(f"LSTM: expected proj_size to be 0 (no projection) or an integer in "
                f"[1, hidden_size - 1] = [1, 5], got {proj_size}"):
        ut.LSTM(4, 6, proj_size=proj_size)
    with raises(f"LSTMCell: expected proj_size to be 0 (no projection) or an integer in "
                f"[1, hidden_size - 1] = [1, 5], got {proj_size}"):
        ut.LSTMCell(4, 6, proj_size=proj_size)


def test_bad_constructor_arguments():
    with raises("LSTM: expected dropout to be a probability in [0, 1], got 1.5"):
        ut.LSTM(4, 6, num_layers=2, dropout=1.5)
    with raises("GRU: expected num_layers to be an integer >= 1, got 0"):
        ut.GRU(4, 6, num_layers=0)
    with raises("RNN: expected hidden_size to be an integer >= 1, got 0"):
        ut.RNN(4, 0)
    with raises("RNN: expected nonlinearity 'tanh' or 'relu', got 'sigmoid'"):
        ut.RNN(4, 6, nonlinearity="sigmoid")
    with raises("RNNCell: expected nonlinearity 'tanh' or 'relu', got 'sigmoid'"):
        ut.RNNCell(4, 6, nonlinearity="sigmoid")
    with pytest.raises(TypeError, match="GRUCell: input_size should be of type int, got: float"):
        ut.GRUCell(2.5, 6)


# --------------------------------------------------------------------------- cells


@pytest.mark.parametrize("cls", [ut.RNNCell, ut.LSTMCell, ut.GRUCell, ut.PeepholeLSTMCell])
def test_cell_input_checks(cls):
    cell = cls(4, 6)
    name = cls.__name__
    with raises(f"{name}: expected input with 4 features (input_size), got 3"):
        cell(torch.randn(2, 3))
    with raises(f"{name}: expected input to be 1-D (input_size,) or 2-D (batch, input_size), "
                f"got 3-D input of shape (5, 2, 4)"):
        cell(torch.randn(5, 2, 4))


def test_cell_state_checks():
    x = torch.randn(2, 4)
    with raises("GRUCell: expected hx of shape (2, 6) (batch, size), got (3, 6)"):
        ut.GRUCell(4, 6)(x, torch.zeros(3, 6))
    with raises("RNNCell: expected hx of shape (6,) (size,) for unbatched input, got (1, 6)"):
        ut.RNNCell(4, 6)(torch.randn(4), torch.zeros(1, 6))
    with raises("LSTMCell: expected hx[1] (c) of shape (2, 6) (batch, size), got (2, 3)"):
        ut.LSTMCell(4, 6, proj_size=3)(x, (torch.zeros(2, 3), torch.zeros(2, 3)))
    with raises("LSTMCell: expected hx to be a pair (h, c) of tensors, got a Tensor"):
        ut.LSTMCell(4, 6)(x, torch.zeros(2, 6))
    with raises("PeepholeLSTMCell: expected hx[0] (h) of shape (2, 6) (batch, size), got (2, 5)"):
        ut.PeepholeLSTMCell(4, 6)(x, (torch.zeros(2, 5), torch.zeros(2, 6)))


def test_never_a_bare_matmul_error():
    """Every malformed call above would otherwise surface as a RuntimeError from torch."""
    bad_calls = [
        lambda: ut.LSTM(4, 6)(torch.randn(5, 2, 3)),
        lambda: ut.LSTM(4, 6)(torch.randn(5, 2, 4), (torch.zeros(1, 2, 5), torch.zeros(1, 2, 6))),
        lambda: ut.GRUCell(4, 6)(torch.randn(2, 3)),
        lambda: ut.LSTMCell(4, 6)(torch.randn(2, 4), (torch.zeros(2, 6), torch.zeros(3, 6))),
    ]
    for call in bad_calls:
        with pytest.raises(ValueError):
            call()
