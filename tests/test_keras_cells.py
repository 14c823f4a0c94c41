"""unrolled.keras cells against the Keras built-in cells and NumPy transcriptions.

Runs on the backend Keras was imported with (TensorFlow by default);
tests/test_keras_backends.py runs this file again with KERAS_BACKEND=torch and jax.
"""

import os

import keras
import numpy as np
import pytest
import unrolled.keras as uk
from keras_helpers import assert_all_close, data, loss_and_grads, randomize, sigmoid, to_numpy

B, T, I, H, P = 3, 5, 4, 6, 3  # batch, steps, input features, units, projection



def numpy_lstm(x, kernel, recurrent_kernel, bias, h0, c0, projection=None, peepholes=None):
    """LSTM over ``x`` (batch, T, I) with Keras' gate order i, f, c, o; returns (hs, h, c)."""
    h, c = h0.astype("float64"), c0.astype("float64")
    hs = []
    for t in range(x.shape[1]):
        z = x[:, t] @ kernel + h @ recurrent_kernel + bias
        z_i, z_f, z_c, z_o = np.split(z, 4, axis=-1)
        if peepholes is not None:
            p_i, p_f, p_o = peepholes
            i = sigmoid(z_i + p_i * c)
            f = sigmoid(z_f + p_f * c)
            c = f * c + i * np.tanh(z_c)
            o = sigmoid(z_o + p_o * c)
        else:
            i, f, o = sigmoid(z_i), sigmoid(z_f), sigmoid(z_o)
            c = f * c + i * np.tanh(z_c)
        h = o * np.tanh(c)
        if projection is not None:
            h = h @ projection
        hs.append(h)
    return np.stack(hs, axis=1), h, c


# -- the backend -----------------------------------------------------------------------
def test_backend_is_the_one_requested():
    assert keras.backend.backend() == os.environ.get("KERAS_BACKEND", "tensorflow")


# -- cells inside keras.layers.RNN vs the built-in cells --------------------------------
CELLS = {
    "simple_rnn": (lambda: uk.SimpleRNNCell(H), lambda: keras.layers.SimpleRNNCell(H)),
    "lstm": (lambda: uk.LSTMCell(H), lambda: keras.layers.LSTMCell(H)),
    "gru_reset_after": (lambda: uk.GRUCell(H), lambda: keras.layers.GRUCell(H)),
    "gru_reset_before": (
        lambda: uk.GRUCell(H, reset_after=False),
        lambda: keras.layers.GRUCell(H, reset_after=False),
    ),
    "lstm_no_bias": (lambda: uk.LSTMCell(H, use_bias=False), lambda: keras.layers.LSTMCell(H, use_bias=False)),
}


@pytest.mark.parametrize("kind", list(CELLS))
def test_cell_in_keras_rnn_matches_builtin(kind):
    make_ours, make_ref = CELLS[kind]
    x = data((B, T, I))
    ours = keras.layers.RNN(make_ours(), return_sequences=True, return_state=True)
    ref = keras.layers.RNN(make_ref(), return_sequences=True, return_state=True)
    ours.build((B, T, I))
    ref.build((B, T, I))
    assert [tuple(w.shape) for w in ours.weights] == [tuple(w.shape) for w in ref.weights]
    assert [w.name for w in ours.weights] == [w.name for w in ref.weights]
    randomize(ref)
    ours.set_weights(ref.get_weights())
    out_ours, g_ours = loss_and_grads(lambda: ours(x), ours.trainable_weights)
    out_ref, g_ref = loss_and_grads(lambda: ref(x), ref.trainable_weights)
    assert_all_close(out_ours, out_ref, f"{kind} outputs")
    assert_all_close(g_ours, g_ref, f"{kind} weight gradients")


@pytest.mark.parametrize("kind", ["simple_rnn", "lstm", "gru_reset_after", "gru_reset_before"])
def test_cell_single_step_matches_builtin(kind):
    make_ours, make_ref = CELLS[kind]
    ours, ref = make_ours(), make_ref()
    ours.build((B, I))
    ref.build((B, I))
    randomize(ref, seed=2)
    ours.set_weights(ref.get_weights())
    x = data((B, I), seed=3)
    sizes = ours.state_size if isinstance(ours.state_size, list) else [ours.state_size]
    states = [data((B, s), seed=4 + k) for k, s in enumerate(sizes)]
    out_ours, new_ours = ours(x, states)
    out_ref, new_ref = ref(x, states)
    assert_all_close([to_numpy(out_ours)], [to_numpy(out_ref)], f"{kind} step output")
    assert_all_close([to_numpy(s) for s in new_ours], [to_numpy(s) for s in new_ref], f"{kind} step states")


def test_lstm_cell_unit_forget_bias():
    cell = uk.LSTMCell(H)
    cell.build((None, I))
    bias = to_numpy(cell.bias)
    np.testing.assert_array_equal(bias[H : 2 * H], 1.0)
    np.testing.assert_array_equal(np.concatenate([bias[:H], bias[2 * H :]]), 0.0)
    cell = uk.LSTMCell(H, unit_forget_bias=False)
    cell.build((None, I))
    np.testing.assert_array_equal(to_numpy(cell.bias), 0.0)


def test_gru_bias_shapes():
    for reset_after, shape in [(True, (2, 3 * H)), (False, (3 * H,))]:
        cell = uk.GRUCell(H, reset_after=reset_after)
        cell.build((None, I))
        assert tuple(cell.bias.shape) == shape


# -- LSTM projection -------------------------------------------------------------------
def test_lstm_cell_projection_weights_and_states():
    cell = uk.LSTMCell(H, proj_size=P)
    cell.build((None, I))
    shapes = {w.name: tuple(w.shape) for w in cell.weights}
    assert shapes == {
        "kernel": (I, 4 * H),
        "recurrent_kernel": (P, 4 * H),
        "bias": (4 * H,),
        "projection_kernel": (H, P),
    }
    assert [w.name for w in cell.weights][-1] == "projection_kernel"
    assert cell.state_size == [P, H] and cell.output_size == P


def test_lstm_cell_projection_matches_numpy():
    cell = uk.LSTMCell(H, proj_size=P)
    rnn = keras.layers.RNN(cell, return_sequences=True, return_state=True)
    x = data((B, T, I))
    h0, c0 = data((B, P), seed=5), data((B, H), seed=6)
    rnn.build((B, T, I))
    randomize(rnn)
    seq, h, c = (to_numpy(t) for t in rnn(x, initial_state=[h0, c0]))
    kernel, recurrent_kernel, bias, projection = rnn.get_weights()
    ref_seq, ref_h, ref_c = numpy_lstm(x, kernel, recurrent_kernel, bias, h0, c0, projection=projection)
    assert seq.shape == (B, T, P) and h.shape == (B, P) and c.shape == (B, H)
    assert_all_close([seq, h, c], [ref_seq, ref_h, ref_c], "projected LSTM cell")


# -- the peephole LSTM -----------------------------------------------------------------
def test_peephole_weights():
    cell = uk.PeepholeLSTMCell(H)
    cell.build((None, I))
    assert [(w.name, tuple(w.shape)) for w in cell.weights] == [
        ("kernel", (I, 4 * H)),
        ("recurrent_kernel", (H, 4 * H)),
        ("bias", (4 * H,)),
        ("peephole_i", (H,)),
        ("peephole_f", (H,)),
        ("peephole_o", (H,)),
    ]


@pytest.mark.parametrize("unroller", ["keras.layers.RNN", "unrolled.keras.RNN"])
def test_peephole_matches_numpy(unroller):
    make = keras.layers.RNN if unroller == "keras.layers.RNN" else uk.RNN
    rnn = make(uk.PeepholeLSTMCell(H), return_sequences=True, return_state=True)
    x = data((B, T, I))
    h0, c0 = data((B, H), seed=5), data((B, H), seed=6)
    rnn.build((B, T, I))
    randomize(rnn)
    kernel, recurrent_kernel, bias, p_i, p_f, p_o = rnn.get_weights()
    seq, h, c = (to_numpy(t) for t in rnn(x, initial_state=[h0, c0]))
    ref = numpy_lstm(x, kernel, recurrent_kernel, bias, h0, c0, peepholes=(p_i, p_f, p_o))
    assert_all_close([seq, h, c], list(ref), f"peephole LSTM via {unroller}")
    # The peepholes matter: without them the result is different.
    plain = numpy_lstm(x, kernel, recurrent_kernel, bias, h0, c0)
    assert np.abs(plain[0] - seq).max() > 1e-3


def test_peephole_with_zero_peepholes_is_lstm():
    x = data((B, T, I))
    ours = keras.layers.RNN(uk.PeepholeLSTMCell(H), return_sequences=True, return_state=True)
    ref = keras.layers.RNN(keras.layers.LSTMCell(H), return_sequences=True, return_state=True)
    ours.build((B, T, I))
    ref.build((B, T, I))
    randomize(ref)
    ours.set_weights(ref.get_weights() + [np.zeros(H, "float32")] * 3)
    out_ours, g_ours = loss_and_grads(lambda: ours(x), ours.trainable_weights)
    out_ref, g_ref = loss_and_grads(lambda: ref(x), ref.trainable_weights)
    assert_all_close(out_ours, out_ref, "zero-peephole LSTM outputs")
    assert_all_close(g_ours[:3], g_ref, "zero-peephole LSTM gradients")


def test_cell_config_round_trip():
    for cell in [
        uk.SimpleRNNCell(H, activation="relu"),
        uk.LSTMCell(H, proj_size=P, unit_forget_bias=False),
        uk.GRUCell(H, reset_after=False),
        uk.PeepholeLSTMCell(H, peephole_initializer="zeros"),
    ]:
        clone = type(cell).from_config(cell.get_config())
        assert clone.get_config() == cell.get_config()
        restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(cell))
        assert type(restored) is type(cell)
