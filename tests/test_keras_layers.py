"""unrolled.keras layers and Bidirectional against the Keras built-ins.

Runs on the backend Keras was imported with (TensorFlow by default);
tests/test_keras_backends.py runs this file again with KERAS_BACKEND=torch and jax.
"""

import keras
import numpy as np
import pytest
from keras import ops

import unrolled.keras as uk
from keras_helpers import (ATOL, as_list, assert_all_close, data, loss_and_grads, randomize,
                           sigmoid, to_numpy)

B, T, I, H, P = 3, 5, 4, 6, 3  # batch, steps, input features, units, projection
VOCAB = 10



# Padded batches: right padding, left padding, holes, and one step only.
TOKENS = np.array(
    [
        [1, 2, 3, 0, 0],
        [0, 0, 4, 5, 6],
        [7, 0, 8, 0, 9],
        [0, 0, 0, 0, 2],
    ]
)
MASK = TOKENS != 0


LAYERS = {
    "simple_rnn": (uk.SimpleRNN, keras.layers.SimpleRNN, {}),
    "lstm": (uk.LSTM, keras.layers.LSTM, {}),
    "gru": (uk.GRU, keras.layers.GRU, {}),
    "gru_reset_before": (uk.GRU, keras.layers.GRU, {"reset_after": False}),
}


def pair(kind, **options):
    """Our layer and the built-in one, built, with the same random weights."""
    ours_cls, ref_cls, extra = LAYERS[kind]
    ours, ref = ours_cls(H, **extra, **options), ref_cls(H, **extra, **options)
    ours.build((None, T, I))
    ref.build((None, T, I))
    randomize(ref)
    ours.set_weights(ref.get_weights())
    return ours, ref


def initial_states(layer, seed=7):
    return [data((B, s), seed=seed + k) for k, s in enumerate(layer.state_size)]


# -- layers vs the built-ins -----------------------------------------------------------
OPTIONS = [
    {},
    {"return_sequences": True},
    {"return_state": True},
    {"return_sequences": True, "return_state": True, "go_backwards": True},
]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: "-".join(o) or "default")
@pytest.mark.parametrize("kind", list(LAYERS))
def test_layer_matches_builtin(kind, options):
    ours, ref = pair(kind, **options)
    assert [w.name for w in ours.weights] == [w.name for w in ref.weights]
    x = data((B, T, I))
    out_ours, g_ours = loss_and_grads(lambda: ours(x), ours.trainable_weights)
    out_ref, g_ref = loss_and_grads(lambda: ref(x), ref.trainable_weights)
    assert_all_close(out_ours, out_ref, f"{kind} outputs")
    assert_all_close(g_ours, g_ref, f"{kind} gradients")


@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("kind", list(LAYERS))
def test_layer_initial_state_and_mask_argument(kind, go_backwards):
    ours, ref = pair(kind, return_sequences=True, return_state=True, go_backwards=go_backwards)
    x = data((len(MASK), T, I))
    states = [data((len(MASK), s), seed=7 + k) for k, s in enumerate(ours.state_size)]
    out_ours, g_ours = loss_and_grads(
        lambda: ours(x, initial_state=states, mask=MASK), ours.trainable_weights
    )
    out_ref, g_ref = loss_and_grads(lambda: ref(x, initial_state=states, mask=MASK), ref.trainable_weights)
    if keras.backend.backend() == "jax":
        # Keras' own JAX loop outputs the *initial* h at masked steps before the first
        # real one, where its TensorFlow and PyTorch loops (and ours, everywhere)
        # output zeros. The states and weight gradients agree on every backend.
        in_order = MASK[:, ::-1] if go_backwards else MASK
        out_ref[0][np.cumsum(in_order, axis=1) == 0] = 0.0
    assert_all_close(out_ours, out_ref, f"{kind} masked outputs")
    assert_all_close(g_ours, g_ref, f"{kind} masked gradients")


def test_masked_steps_keep_the_state():
    layer = uk.LSTM(H, return_sequences=True)
    x = data((1, T, I))
    mask = np.array([[True, True, False, False, True]])
    seq = to_numpy(layer(x, mask=mask))
    np.testing.assert_array_equal(seq[0, 2], seq[0, 1])
    np.testing.assert_array_equal(seq[0, 3], seq[0, 1])
    assert np.abs(seq[0, 4] - seq[0, 1]).max() > 1e-4


@pytest.mark.parametrize("kind", list(LAYERS))
def test_layer_with_embedding_mask_zero(kind):
    """The mask of Embedding(mask_zero=True) reaches our layer as it reaches Keras'."""
    ours, ref = pair(kind, return_sequences=True)
    ours_last, ref_last = pair(kind, return_state=True, go_backwards=True)
    tokens = keras.Input((T,), dtype="int32")
    embedded = keras.layers.Embedding(VOCAB, I, mask_zero=True)(tokens)
    last_ours, last_ref = list(ours_last(embedded)), list(ref_last(embedded))
    model = keras.Model(tokens, [ours(embedded), ref(embedded), *last_ours, *last_ref])
    outs = [to_numpy(o) for o in model(TOKENS)]
    n = len(last_ours)
    assert_all_close([outs[0]], [outs[1]], f"{kind} sequence with mask_zero")
    assert_all_close(outs[2 : 2 + n], outs[2 + n :], f"{kind} last output and states with mask_zero")
    # Our layer propagates the mask further, like Keras' (return_sequences=True).
    assert ours.compute_mask(None, ops.convert_to_tensor(MASK)) is not None


def test_lstm_projection_matches_numpy():
    layer = uk.LSTM(H, proj_size=P, return_sequences=True, return_state=True)
    x = data((B, T, I))
    h0, c0 = data((B, P), seed=5), data((B, H), seed=6)
    layer.build((B, T, I))
    randomize(layer)
    assert [tuple(w.shape) for w in layer.weights] == [(I, 4 * H), (P, 4 * H), (4 * H,), (H, P)]
    seq, h, c = (to_numpy(t) for t in layer(x, initial_state=[h0, c0]))

    kernel, recurrent_kernel, bias, projection = layer.get_weights()
    hh, cc, hs = h0, c0, []
    for t in range(T):  # the equations of torch.nn.LSTM(proj_size=...), Keras' layout
        z = x[:, t] @ kernel + hh @ recurrent_kernel + bias
        i, f, g, o = np.split(z, 4, axis=-1)
        cc = sigmoid(f) * cc + sigmoid(i) * np.tanh(g)
        hh = (sigmoid(o) * np.tanh(cc)) @ projection
        hs.append(hh)
    assert_all_close([seq, h, c], [np.stack(hs, 1), hh, cc], "LSTM(proj_size)")


def test_lstm_projection_trains_in_a_model():
    model = keras.Sequential([keras.Input((T, I)), uk.LSTM(H, proj_size=P), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(data((8, T, I)), data((8, 1), seed=3), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert all(np.abs(a - b).max() > 0 for a, b in zip(before, model.get_weights()))


def test_generic_rnn_layer_with_a_cell():
    ours = uk.RNN(uk.LSTMCell(H), return_sequences=True, go_backwards=True)
    ref = keras.layers.LSTM(H, return_sequences=True, go_backwards=True)
    ours.build((None, T, I))
    ref.build((None, T, I))
    randomize(ref)
    ours.set_weights(ref.get_weights())
    x = data((B, T, I))
    assert_all_close([to_numpy(ours(x, mask=MASK[:B]))], [to_numpy(ref(x, mask=MASK[:B]))], "RNN(LSTMCell)")


def test_dropout_only_in_training():
    layer = uk.LSTM(H, dropout=0.5, recurrent_dropout=0.5, seed=1)
    plain = uk.LSTM(H)
    x = data((B, T, I))
    layer.build((None, T, I))
    plain.build((None, T, I))
    plain.set_weights(layer.get_weights())
    np.testing.assert_allclose(to_numpy(layer(x, training=False)), to_numpy(plain(x)), atol=ATOL)
    assert np.abs(to_numpy(layer(x, training=True)) - to_numpy(plain(x))).max() > 1e-3


@pytest.mark.parametrize("kind", ["simple_rnn", "lstm", "gru_reset_before"])
def test_layer_config_round_trip(kind):
    ours, _ = pair(kind, return_sequences=True, go_backwards=True)
    config = ours.get_config()
    assert config["units"] == H and config["go_backwards"] is True and "cell" not in config
    clone = type(ours).from_config(config)
    clone.build((None, T, I))
    clone.set_weights(ours.get_weights())
    x = data((B, T, I))
    assert_all_close([to_numpy(clone(x))], [to_numpy(ours(x))], f"{kind} from_config")


def test_model_save_and_load(tmp_path):
    model = keras.Sequential(
        [
            keras.Input((T, I)),
            uk.Bidirectional(uk.LSTM(H, proj_size=P, return_sequences=True), merge_mode="sum"),
            uk.RNN(uk.PeepholeLSTMCell(H)),
        ]
    )
    x = data((B, T, I))
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert_all_close([to_numpy(loaded(x))], [to_numpy(model(x))], "saved and loaded model")


# -- Bidirectional ---------------------------------------------------------------------
MERGE_MODES = ["concat", "sum", "mul", "ave", None]


def bidirectional_pair(make_ours_layer, make_ref_layer, merge_mode, wrapper=None):
    ours = (wrapper or uk.Bidirectional)(make_ours_layer(), merge_mode=merge_mode)
    ref = keras.layers.Bidirectional(make_ref_layer(), merge_mode=merge_mode)
    ours.build((None, T, I))
    ref.build((None, T, I))
    assert [w.name for w in ours.weights] == [w.name for w in ref.weights]
    randomize(ref)
    ours.set_weights(ref.get_weights())
    return ours, ref


@pytest.mark.parametrize("merge_mode", MERGE_MODES)
def test_bidirectional_matches_builtin(merge_mode):
    ours, ref = bidirectional_pair(
        lambda: uk.LSTM(H, return_sequences=True),
        lambda: keras.layers.LSTM(H, return_sequences=True),
        merge_mode,
    )
    x = data((len(MASK), T, I))
    for mask in (None, MASK):
        out_ours, g_ours = loss_and_grads(lambda: ours(x, mask=mask), ours.trainable_weights)
        out_ref, g_ref = loss_and_grads(lambda: ref(x, mask=mask), ref.trainable_weights)
        what = f"Bidirectional(merge_mode={merge_mode}, mask={mask is not None})"
        assert_all_close(out_ours, out_ref, what + " outputs")
        assert_all_close(g_ours, g_ref, what + " gradients")
    if merge_mode is None:
        assert isinstance(ours(x), list) and len(ours(x)) == 2


@pytest.mark.parametrize("merge_mode", MERGE_MODES)
def test_bidirectional_states_with_mask_zero(merge_mode):
    """GRU, return_state and initial states, masks from Embedding(mask_zero=True)."""
    ours, ref = bidirectional_pair(
        lambda: uk.GRU(H, return_state=True),
        lambda: keras.layers.GRU(H, return_state=True),
        merge_mode,
    )
    tokens = keras.Input((T,), dtype="int32")
    states = [keras.Input((H,)), keras.Input((H,))]
    embedded = keras.layers.Embedding(VOCAB, I, mask_zero=True)(tokens)
    outs_ours = as_list(ours(embedded, initial_state=states))
    outs_ref = as_list(ref(embedded, initial_state=states))
    model = keras.Model([tokens, *states], outs_ours + outs_ref)
    feed = [TOKENS, data((len(TOKENS), H), seed=8), data((len(TOKENS), H), seed=9)]
    outs = [to_numpy(o) for o in model(feed)]
    n = len(outs) // 2
    assert n == (4 if merge_mode is None else 3)
    assert_all_close(outs[:n], outs[n:], f"Bidirectional GRU states, merge_mode={merge_mode}")


@pytest.mark.parametrize("merge_mode", ["concat", "ave"])
def test_our_bidirectional_wraps_builtin_layers(merge_mode):
    ours, ref = bidirectional_pair(
        lambda: keras.layers.GRU(H, return_sequences=True),
        lambda: keras.layers.GRU(H, return_sequences=True),
        merge_mode,
    )
    x = data((len(MASK), T, I))
    assert_all_close([to_numpy(ours(x, mask=MASK))], [to_numpy(ref(x, mask=MASK))], "uk.Bidirectional(keras GRU)")


def test_keras_bidirectional_wraps_our_layers():
    ours, ref = bidirectional_pair(
        lambda: uk.SimpleRNN(H, return_sequences=True),
        lambda: keras.layers.SimpleRNN(H, return_sequences=True),
        "concat",
        wrapper=keras.layers.Bidirectional,
    )
    x = data((len(MASK), T, I))
    assert_all_close([to_numpy(ours(x, mask=MASK))], [to_numpy(ref(x, mask=MASK))], "keras Bidirectional(uk.SimpleRNN)")


def test_bidirectional_config_round_trip():
    layer = uk.Bidirectional(uk.LSTM(H, proj_size=P, return_sequences=True), merge_mode="mul")
    layer.build((None, T, I))
    clone = uk.Bidirectional.from_config(layer.get_config())
    clone.build((None, T, I))
    clone.set_weights(layer.get_weights())
    x = data((B, T, I))
    assert clone.merge_mode == "mul" and clone.backward_layer.go_backwards
    assert_all_close([to_numpy(clone(x))], [to_numpy(layer(x))], "Bidirectional from_config")
