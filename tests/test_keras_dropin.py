"""unrolled.keras as a drop-in for the Keras built-ins: every constructor argument and
config of the built-ins, ``unroll=True``, ``stateful=True``, ``implementation``,
``use_cudnn`` and dtype policies.

Runs on the backend Keras was imported with; tests/test_keras_backends.py runs it
again on the other backends.
"""

import inspect

import keras
import numpy as np
import pytest

import unrolled.keras as uk
from keras_helpers import assert_all_close, as_list, data, loss_and_grads, randomize, to_numpy

B, T, I, H = 3, 5, 4, 6
MASK = np.array([[1, 1, 1, 0, 0], [0, 0, 1, 1, 1], [1, 0, 1, 0, 1]], dtype=bool)

PAIRS = {
    "SimpleRNN": (uk.SimpleRNN, keras.layers.SimpleRNN),
    "LSTM": (uk.LSTM, keras.layers.LSTM),
    "GRU": (uk.GRU, keras.layers.GRU),
}


def matched(ours_cls, ref_cls, **options):
    ours, ref = ours_cls(H, **options), ref_cls(H, **options)
    ours.build((None, T, I))
    ref.build((None, T, I))
    randomize(ref)
    ours.set_weights(ref.get_weights())
    return ours, ref


# -- every argument, every config ------------------------------------------------------
@pytest.mark.parametrize("name", list(PAIRS))
def test_every_builtin_argument_is_accepted(name):
    ours_cls, ref_cls = PAIRS[name]
    ours_args = inspect.signature(ours_cls.__init__).parameters
    missing = [a for a in inspect.signature(ref_cls.__init__).parameters if a not in ours_args]
    assert not missing, f"uk.{name} lacks {missing}"


@pytest.mark.parametrize("name", list(PAIRS))
def test_builtin_config_loads(name):
    ours_cls, ref_cls = PAIRS[name]
    ref = ref_cls(H, return_sequences=True, go_backwards=True, dropout=0.1)
    ours = ours_cls.from_config(ref.get_config())
    assert ours.go_backwards and ours.return_sequences and ours.cell.dropout == 0.1
    ours.build((None, T, I))
    ref.build((None, T, I))
    randomize(ref)
    ours.set_weights(ref.get_weights())
    x = data((B, T, I))
    assert_all_close([to_numpy(ours(x))], [to_numpy(ref(x))], f"uk.{name} from a built-in config")


def test_builtin_bidirectional_config_loads():
    ref = keras.layers.Bidirectional(keras.layers.LSTM(H, return_sequences=True), merge_mode="sum")
    ours = uk.Bidirectional.from_config(ref.get_config())
    assert ours.merge_mode == "sum" and ours.backward_layer.go_backwards
    cells = [uk.LSTMCell.from_config(keras.layers.LSTMCell(H).get_config()),
             uk.GRUCell.from_config(keras.layers.GRUCell(H).get_config()),
             uk.SimpleRNNCell.from_config(keras.layers.SimpleRNNCell(H).get_config())]
    assert [c.units for c in cells] == [H, H, H]


# -- unroll=True: a Python loop over the steps, the same numbers -----------------------
@pytest.mark.parametrize("name", list(PAIRS))
def test_unroll_gives_the_same_numbers(name):
    ours_cls, ref_cls = PAIRS[name]
    options = dict(return_sequences=True, return_state=True, go_backwards=True)
    # The built-in runs its default loop: Keras' own unroll=True fails with a mask on
    # its PyTorch backend ('tuple' object has no attribute 'shape', Keras 3.15.1).
    _, ref = matched(ours_cls, ref_cls, **options)
    ours = ours_cls(H, unroll=True, **options)
    ours.build((None, T, I))
    ours.set_weights(ref.get_weights())
    scanned = ours_cls(H, **options)
    scanned.build((None, T, I))
    scanned.set_weights(ours.get_weights())
    assert ours.unroll and ours.get_config()["unroll"] is True
    x = data((B, T, I))
    out_ours, g_ours = loss_and_grads(lambda: ours(x, mask=MASK), ours.trainable_weights)
    out_ref, g_ref = loss_and_grads(lambda: ref(x, mask=MASK), ref.trainable_weights)
    assert_all_close(out_ours, out_ref, f"uk.{name}(unroll=True) vs built-in")
    assert_all_close(g_ours, g_ref, f"uk.{name}(unroll=True) gradients")
    scanned_out = [to_numpy(o) for o in scanned(x, mask=MASK)]
    assert_all_close(scanned_out, out_ours, f"uk.{name} keras.ops.scan vs unroll=True")


# -- stateful=True ---------------------------------------------------------------------
def stateful_model(make):
    return keras.Sequential([keras.Input((None, I), batch_size=B),
                             make(H, return_sequences=True, stateful=True)])


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_stateful_carries_the_state_like_the_builtin(name):
    ours_cls, ref_cls = PAIRS[name]
    ours, ref = stateful_model(ours_cls), stateful_model(ref_cls)
    randomize(ref)
    ours.set_weights(ref.get_weights())
    x = data((B, 3 * T, I))
    chunks = [x[:, s : s + T] for s in range(0, 3 * T, T)]
    ours_out = [to_numpy(ours(c)) for c in chunks]
    ref_out = [to_numpy(ref(c)) for c in chunks]
    assert_all_close(ours_out, ref_out, f"stateful uk.{name} chunk by chunk")
    whole = ours_cls(H, return_sequences=True)
    whole.build((None, 3 * T, I))
    whole.set_weights(ours.get_weights())
    np.testing.assert_allclose(np.concatenate(ours_out, axis=1), to_numpy(whole(x)), atol=1e-5)
    ours.layers[0].reset_states()
    assert_all_close([to_numpy(ours(chunks[0]))], ref_out[:1], "first chunk after reset_states")
    assert len(ours.weights) == len(ref.weights)  # the stored states are not weights


@pytest.mark.parametrize("make", [uk.LSTM, keras.layers.LSTM], ids=["ours", "builtin"])
def test_stateful_needs_a_fixed_batch_size(make):
    with pytest.raises(ValueError, match="batch size"):
        keras.Sequential([keras.Input((None, I)), make(H, stateful=True)])


def test_stateful_bidirectional_resets():
    layer = uk.Bidirectional(uk.LSTM(H, stateful=True))
    layer.build((B, T, I))
    x = data((B, T, I))
    first = to_numpy(layer(x))
    assert np.abs(to_numpy(layer(x)) - first).max() > 1e-4  # the state was carried
    layer.reset_states()
    np.testing.assert_allclose(to_numpy(layer(x)), first, atol=1e-6)


# -- implementation and use_cudnn ------------------------------------------------------
@pytest.mark.parametrize("name", ["LSTM", "GRU"])
@pytest.mark.parametrize("reset_after", [True, False])
def test_implementation_1_is_the_same_math(name, reset_after):
    if name == "LSTM" and not reset_after:
        pytest.skip("reset_after is a GRU option")
    extra = {"reset_after": reset_after} if name == "GRU" else {}
    ours_cls, ref_cls = PAIRS[name]
    ours, ref = matched(ours_cls, ref_cls, implementation=1, return_sequences=True, **extra)
    assert ours.implementation == 1 and ours.get_config()["implementation"] == 1
    x = data((B, T, I))
    assert_all_close([to_numpy(ours(x))], [to_numpy(ref(x))], f"uk.{name}(implementation=1)")
    with pytest.raises(ValueError, match="implementation"):
        ours_cls(H, implementation=3)


@pytest.mark.parametrize("use_cudnn", ["auto", True, False])
def test_use_cudnn_is_kept_and_copied(use_cudnn):
    layer = uk.LSTM(H, use_cudnn=use_cudnn, implementation=1)
    assert layer.get_config()["use_cudnn"] == use_cudnn
    wrapped = uk.Bidirectional(layer)
    for direction in (wrapped.forward_layer, wrapped.backward_layer):
        assert direction.use_cudnn == use_cudnn and direction.implementation == 1
    builtin_wrapped = uk.Bidirectional(keras.layers.GRU(H, use_cudnn=use_cudnn))
    assert builtin_wrapped.backward_layer.use_cudnn == use_cudnn
    with pytest.raises(ValueError, match="use_cudnn"):
        uk.GRU(H, use_cudnn="yes")


# -- dtype policies --------------------------------------------------------------------
@pytest.mark.parametrize("merge_mode", ["concat", None])
def test_bidirectional_honours_the_dtype_policy(merge_mode):
    x = data((B, T, I))
    ours = uk.Bidirectional(uk.LSTM(H), merge_mode=merge_mode, dtype="mixed_float16")
    ref = keras.layers.Bidirectional(keras.layers.LSTM(H), merge_mode=merge_mode,
                                     dtype="mixed_float16")
    got = [keras.backend.standardize_dtype(o.dtype) for o in as_list(ours(x))]
    want = [keras.backend.standardize_dtype(o.dtype) for o in as_list(ref(x))]
    assert got == want == ["float16"] * len(want)


def test_layer_honours_the_dtype_policy():
    x = data((B, T, I))
    outs = uk.GRU(H, return_state=True, dtype="mixed_float16")(x)
    refs = keras.layers.GRU(H, return_state=True, dtype="mixed_float16")(x)
    assert [keras.backend.standardize_dtype(o.dtype) for o in outs] == \
        [keras.backend.standardize_dtype(o.dtype) for o in refs]
