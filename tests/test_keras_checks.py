"""Bad input to unrolled.keras raises ValueError naming what was expected and what was given."""

import keras
import numpy as np
import pytest

import unrolled.keras as uk

B, T, I, H = 2, 3, 4, 5


def data(shape):
    return np.random.default_rng(0).standard_normal(shape).astype("float32")


def built(layer, features=I):
    layer.build((None, T, features))
    return layer


@pytest.mark.parametrize("make", [uk.SimpleRNN, uk.LSTM, uk.GRU], ids=["simple_rnn", "lstm", "gru"])
@pytest.mark.parametrize("shape", [(B, I), (B, T, I, 1)], ids=["rank2", "rank4"])
def test_wrong_input_rank(make, shape):
    with pytest.raises(ValueError, match=r"expected a 3-D input \(batch, timesteps, features\).*got a \d-D input"):
        make(H)(data(shape))


@pytest.mark.parametrize("make", [uk.SimpleRNN, uk.LSTM, uk.GRU], ids=["simple_rnn", "lstm", "gru"])
def test_wrong_input_rank_after_build(make):
    layer = built(make(H))
    with pytest.raises(ValueError, match=r"expected a 3-D input.*got a 2-D input of shape \(2, 4\)"):
        layer(data((B, I)))


@pytest.mark.parametrize("make", [uk.SimpleRNN, uk.LSTM, uk.GRU], ids=["simple_rnn", "lstm", "gru"])
def test_feature_size_mismatch(make):
    layer = built(make(H))
    with pytest.raises(ValueError, match=r"expected input with 4 features.*got 7"):
        layer(data((B, T, 7)))


def test_cell_input_checks():
    cell = uk.LSTMCell(H)
    cell.build((None, I))
    states = [data((B, H)), data((B, H))]
    with pytest.raises(ValueError, match=r"expected input with 4 features.*got 6"):
        cell(data((B, 6)), states)
    with pytest.raises(ValueError, match=r"expected a 2-D input \(batch, input_dim\), got a 3-D input"):
        cell(data((B, T, I)), states)
    with pytest.raises(ValueError, match=r"expected initial state 1 of shape \(2, 5\).*got shape \(2, 3\)"):
        cell(data((B, I)), [data((B, H)), data((B, 3))])


@pytest.mark.parametrize(
    "make, states, message",
    [
        (lambda: uk.LSTM(H), [data((B, H))], r"expected 2 initial state tensor\(s\).*got 1"),
        (
            lambda: uk.LSTM(H),
            [data((B, H)), data((B, H + 1))],
            r"initial state 1 of shape \(2, 5\).*got shape \(2, 6\)",
        ),
        (
            lambda: uk.LSTM(H, proj_size=2),
            [data((B, H)), data((B, H))],
            r"initial state 0 of shape \(2, 2\).*got shape \(2, 5\)",
        ),
        (lambda: uk.GRU(H), [data((B + 1, H))], r"initial state 0 of shape \(2, 5\).*got shape \(3, 5\)"),
        (lambda: uk.SimpleRNN(H), [data((H,))], r"initial state 0 of shape \(2, 5\).*got shape \(5,\)"),
    ],
    ids=["count", "lstm_c", "lstm_proj_h", "gru_batch", "rank1"],
)
def test_initial_state_of_wrong_shape(make, states, message):
    with pytest.raises(ValueError, match=message):
        make()(data((B, T, I)), initial_state=states)


@pytest.mark.parametrize("proj_size", [H, H + 1, -1, 2.5])
@pytest.mark.parametrize("make", [uk.LSTM, uk.LSTMCell], ids=["LSTM", "LSTMCell"])
def test_bad_proj_size(make, proj_size):
    with pytest.raises(ValueError, match=rf"expected proj_size .*\[1, {H - 1}\], got {proj_size}"):
        make(H, proj_size=proj_size)


def test_unknown_merge_mode():
    with pytest.raises(ValueError, match=r"expected merge_mode to be one of .*got 'max'"):
        uk.Bidirectional(uk.LSTM(H), merge_mode="max")


def test_bidirectional_initial_state_count():
    layer = uk.Bidirectional(uk.LSTM(H))
    with pytest.raises(ValueError, match=r"even count.*got 3"):
        layer(data((B, T, I)), initial_state=[data((B, H))] * 3)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"units": 0}, r"expected units to be an integer >= 1, got 0"),
        ({"units": H, "dropout": 1.5}, r"expected dropout to be a probability in \[0, 1\], got 1.5"),
        ({"units": H, "recurrent_dropout": -0.1}, r"expected recurrent_dropout .*got -0.1"),
    ],
)
def test_bad_constructor_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        uk.GRU(**kwargs)


def test_rnn_rejects_foreign_cells():
    with pytest.raises(ValueError, match=r"expected a cell of unrolled.keras.*got LSTMCell"):
        uk.RNN(keras.layers.LSTMCell(H))
