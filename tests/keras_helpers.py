"""Helpers shared by the Keras test files (tests/torch_helpers.py is the PyTorch
mirror): backend-neutral arrays, gradients on the backend Keras was imported with
(TensorFlow, PyTorch or JAX), random data and weights."""

import keras
import pytest
import numpy as np
from keras import ops

ATOL = 1e-5


def to_numpy(x):
    return ops.convert_to_numpy(x)


def as_list(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


def loss_and_grads(fn, weights):
    """``fn()`` -> tensor(s); loss = sum_k <out_k, R_k> with fixed random R_k.

    Returns the outputs as NumPy arrays and the gradients of the loss with respect to
    ``weights``, computed by the backend's autodiff.
    """
    backend = keras.backend.backend()

    def loss_of(outs):
        rng = np.random.default_rng(123)
        total = 0.0
        for out in outs:
            r = rng.standard_normal(tuple(out.shape)).astype("float32")
            total = total + ops.sum(out * ops.convert_to_tensor(r))
        return total

    if backend == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            outs = as_list(fn())
            loss = loss_of(outs)
        grads = tape.gradient(loss, weights)
    elif backend == "torch":
        import torch

        outs = as_list(fn())
        loss = loss_of(outs)
        grads = torch.autograd.grad(loss, [w.value for w in weights])
    elif backend == "jax":
        import jax

        def traced(values):  # run fn() with the weights replaced by traced values
            with keras.StatelessScope(state_mapping=list(zip(weights, values))):
                outs = as_list(fn())
                return loss_of(outs), outs

        (_, outs), grads = jax.value_and_grad(traced, has_aux=True)([w.value for w in weights])
    else:
        pytest.fail(f"no gradient helper for backend {backend}")
    return [to_numpy(o) for o in outs], [to_numpy(g) for g in grads]


def assert_all_close(ours, ref, what):
    assert len(ours) == len(ref), f"{what}: {len(ours)} tensors vs {len(ref)}"
    for k, (a, b) in enumerate(zip(ours, ref)):
        assert a.shape == b.shape, f"{what}[{k}]: shape {a.shape} vs {b.shape}"
        np.testing.assert_allclose(a, b, atol=ATOL, rtol=1e-5, err_msg=f"{what}[{k}]")


def data(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


def randomize(layer, seed=1):
    """Random weights (biases too, so that a wrong bias layout shows)."""
    rng = np.random.default_rng(seed)
    layer.set_weights([0.5 * rng.standard_normal(w.shape).astype("float32") for w in layer.get_weights()])


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))
