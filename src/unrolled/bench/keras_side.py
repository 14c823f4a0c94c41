"""Keras adapters, timed the same way on every backend: a compiled forward function and
a compiled forward+backward function (gradient of the sum of the outputs with respect to
the trainable weights; no optimiser step).

TensorFlow: ``tf.function`` + ``tf.GradientTape``; JAX: ``jax.jit`` of
``layer.stateless_call`` and ``jax.grad``; PyTorch backend: eager call + autograd.
"""

import numpy as np

KINDS = {"lstm": "LSTM", "gru": "GRU", "rnn": "SimpleRNN"}


def device():
    from unrolled.env import keras_devices

    return keras_devices()[0].lower().replace(":0", "")


def layers(kind, I, H):
    import keras

    import unrolled.keras as uk

    name = KINDS[kind]
    keras.utils.set_random_seed(0)
    builtin = getattr(keras.layers, name)(H, return_sequences=True)
    builtin.build((None, None, I))
    ours = getattr(uk, name)(H, return_sequences=True)
    ours(np.zeros((1, 2, I), "float32"))
    ours.set_weights(builtin.get_weights())
    return {"built-in": builtin, "ours": ours}


def passes(layer, x):
    import keras

    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        weights = layer.trainable_weights
        x = tf.convert_to_tensor(x)

        @tf.function
        def fwd(x):
            return keras.ops.sum(layer(x))

        @tf.function
        def fwd_bwd(x):
            with tf.GradientTape() as tape:
                loss = keras.ops.sum(layer(x))
            return tape.gradient(loss, weights)

        return (lambda: float(fwd(x))), (lambda: [g.numpy() for g in fwd_bwd(x)])
    if backend == "jax":
        import jax

        tv = [v.value for v in layer.trainable_variables]
        ntv = [v.value for v in layer.non_trainable_variables]

        def loss(tv, x):
            return layer.stateless_call(tv, ntv, x)[0].sum()

        f = jax.jit(loss)
        g = jax.jit(jax.grad(loss))
        return (lambda: f(tv, x).block_until_ready()), \
            (lambda: [a.block_until_ready() for a in g(tv, x)])
    if backend == "torch":
        import torch

        xt = torch.as_tensor(x)
        weights = [v.value for v in layer.trainable_variables]

        def forward():
            with torch.no_grad():
                layer(xt)

        def forward_backward():
            torch.autograd.grad(layer(xt).sum(), weights)

        return forward, forward_backward
    raise ValueError(f"unrolled.bench: no adapter for the Keras backend {backend!r}")


class QuietTensorFlow:
    """Silence TensorFlow's retracing warnings while benchmarking."""

    def __enter__(self):
        import logging

        self.logger = logging.getLogger("tensorflow")
        self.level = self.logger.level
        self.logger.setLevel(logging.ERROR)

    def __exit__(self, *exc):
        self.logger.setLevel(self.level)
