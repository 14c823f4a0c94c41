"""Unrolled: recurrent neural networks in PyTorch and Keras, side by side.

Import the framework you want; nothing heavy is imported here::

    import unrolled.torch as ut     # RNNCell, LSTMCell, GRUCell, PeepholeLSTMCell, RNN, LSTM, GRU
    import unrolled.keras as uk     # SimpleRNNCell, LSTMCell, ..., LSTM, GRU, Bidirectional
    from unrolled import interop    # copy weights between the two
    from unrolled import data       # the course's data sets (NumPy)
"""

__version__ = "0.1.0"
