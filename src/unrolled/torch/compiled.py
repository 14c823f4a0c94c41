"""A fast variant of our LSTM: the tricks of a fused kernel, written by hand.

:class:`FusedLSTM` computes what :class:`torch.nn.LSTM` computes (one layer, one
direction, ``batch_first`` either way; ``load_state_dict`` of a built-in works) but runs
the loop the way a fused kernel does:

1. the input projection ``X W_ih^T + b`` of all ``T`` steps is one matrix product,
   written into the gate buffer that each step then updates in place;
2. the gate rows are reordered to ``i, f, o, g`` so one ``sigmoid_`` covers three gates;
3. every step writes into preallocated buffers (``out=`` / in-place), no allocation;
4. the backward pass is written by hand over the whole sequence
   (:class:`_LSTMSequence`), so autograd sees one node instead of ~10 per step, and the
   gradient of ``W_hh`` is one large product ``dA^T H`` after the loop instead of ``T``
   small ones.

Shapes: ``x`` (B, T, I) with ``batch_first=True`` else (T, B, I); returns
``output`` (same layout, last dim H) and ``(h_T, c_T)``, each (1, B, H).

The loop itself stays in Python (7 operations per step forward, about 15 backward);
``unrolled bench`` measures how close this gets to the built-in.
"""

import torch
from torch import nn

__all__ = ["FusedLSTM", "lstm_sequence_forward", "lstm_sequence_backward",
           "recurrent_product", "pointwise"]


def _reorder(H):
    """Row permutation from PyTorch's gate order i, f, g, o to i, f, o, g."""
    return torch.cat([torch.arange(0, 2 * H), torch.arange(3 * H, 4 * H),
                      torch.arange(2 * H, 3 * H)])


def recurrent_product(g, h, Wt):
    """``g += h @ Wt`` in place: the one product of a step, (B, H) x (H, 4H)."""
    g.addmm_(h, Wt)


def pointwise(g, c_prev, c, tc, h, H):
    """The element-wise work of one step, in place, on preallocated buffers.

    g: (B, 4H) pre-activations, gate order i, f, o, g, overwritten by the gates;
    c_prev: (B, H); writes c (B, H), tc = tanh(c) and h = o * tanh(c). Six operations.
    """
    g[:, :3 * H].sigmoid_()                              # i, f, o
    g[:, 3 * H:].tanh_()                                 # g
    torch.mul(g[:, H:2 * H], c_prev, out=c)              # f * c_{t-1}
    c.addcmul_(g[:, :H], g[:, 3 * H:])                   # + i * g
    torch.tanh(c, out=tc)
    torch.mul(g[:, 2 * H:3 * H], tc, out=h)              # h = o * tanh(c)


def lstm_sequence_forward(G, W_hh, h0, c0):
    """The recurrence over all steps, in place in ``G``.

    G: (T, B, 4H) the input pre-activations ``x W_ih^T + b`` of all steps, gate order
    i, f, o, g, overwritten step by step by the gate activations; W_hh: (4H, H) same
    order; h0, c0: (B, H). Returns Hs (T+1, B, H) with Hs[0] = h0, Cs (T+1, B, H), the
    gates G (T, B, 4H) and tanh(c_t) TC (T, B, H), all kept for the backward.
    """
    T, B, H4 = G.shape
    H = H4 // 4
    Hs = G.new_empty(T + 1, B, H)
    Cs = G.new_empty(T + 1, B, H)
    TC = G.new_empty(T, B, H)
    Hs[0] = h0
    Cs[0] = c0
    Wt = W_hh.t()
    for t in range(T):
        recurrent_product(G[t], Hs[t], Wt)                 # one product per step
        pointwise(G[t], Cs[t], Cs[t + 1], TC[t], Hs[t + 1], H)
    return Hs, Cs, G, TC


def lstm_sequence_backward(dout, dh, dc, W_hh, Cs, G, TC):
    """Backward through all steps, last to first.

    dout: (T, B, H) gradient of the outputs; dh, dc: (B, H) gradient of h_T, c_T.
    Returns dA (T, B, 4H) (gradient of the gate pre-activations), dh0, dc0.
    """
    T, B, H4 = G.shape
    H = H4 // 4
    dA = torch.empty_like(G)
    tmp = G.new_empty(B, H)
    for t in range(T - 1, -1, -1):
        g, da, tc = G[t], dA[t], TC[t]
        i, f, o, gg = g[:, :H], g[:, H:2 * H], g[:, 2 * H:3 * H], g[:, 3 * H:]
        dh = dh + dout[t]
        torch.mul(dh, tc, out=da[:, 2 * H:3 * H])            # dL/do
        torch.mul(tc, tc, out=tmp)
        tmp.neg_().add_(1).mul_(o)                           # o (1 - tanh(c)^2)
        dc = dc.addcmul(dh, tmp)                             # dL/dc_t
        torch.mul(dc, gg, out=da[:, :H])                     # dL/di
        torch.mul(dc, Cs[t], out=da[:, H:2 * H])             # dL/df
        torch.mul(dc, i, out=da[:, 3 * H:])                  # dL/dg
        dc = dc * f                                          # dL/dc_{t-1}
        s = g[:, :3 * H]
        da[:, :3 * H].mul_(s - s * s)                        # sigmoid' = s (1 - s)
        da[:, 3 * H:].mul_(1 - gg * gg)                      # tanh' = 1 - g^2
        dh = da @ W_hh
    return dA, dh, dc


class _LSTMSequence(torch.autograd.Function):
    """One autograd node for the whole layer
    (X, W_ih, b, W_hh, h0, c0) -> (Hs[1:], h_T, c_T), X (T*B, I) time-major.

    The input projection of all steps is one product written straight into the gate
    buffer, which the recurrence then updates in place (no per-step copy)."""

    @staticmethod
    def forward(ctx, X, W_ih, b, W_hh, h0, c0):
        T = X.shape[0] // h0.shape[0]
        G = torch.addmm(b, X, W_ih.t()).view(T, h0.shape[0], -1)   # all steps
        Hs, Cs, G, TC = lstm_sequence_forward(G, W_hh, h0, c0)
        ctx.save_for_backward(X, W_ih, W_hh, Hs, Cs, G, TC)
        return Hs[1:], Hs[-1], Cs[-1]

    @staticmethod
    def backward(ctx, dout, dhT, dcT):
        X, W_ih, W_hh, Hs, Cs, G, TC = ctx.saved_tensors
        dh = dhT if dhT is not None else torch.zeros_like(Hs[0])
        dc = dcT if dcT is not None else torch.zeros_like(Cs[0])
        if dout is None:
            dout = torch.zeros_like(Hs[1:])
        dA, dh0, dc0 = lstm_sequence_backward(dout, dh, dc, W_hh, Cs, G, TC)
        H4 = dA.shape[-1]
        dA2 = dA.reshape(-1, H4)
        dW_hh = dA2.t() @ Hs[:-1].reshape(-1, Hs.shape[-1])   # one product
        need = ctx.needs_input_grad
        dX = dA2 @ W_ih if need[0] else None
        dW_ih = dA2.t() @ X if need[1] else None
        db = dA2.sum(0) if need[2] else None
        return dX, dW_ih, db, dW_hh, dh0, dc0


class FusedLSTM(nn.Module):
    """Drop-in for ``torch.nn.LSTM(input_size, hidden_size, batch_first=...)``, one layer.

    Parameters ``weight_ih_l0`` (4H, I), ``weight_hh_l0`` (4H, H), ``bias_ih_l0``,
    ``bias_hh_l0`` (4H), in PyTorch's gate order i, f, g, o.
    """

    def __init__(self, input_size, hidden_size, batch_first=False):
        super().__init__()
        ref = nn.LSTM(input_size, hidden_size, batch_first=batch_first)
        self.input_size, self.hidden_size, self.batch_first = input_size, hidden_size, batch_first
        for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
            setattr(self, name, nn.Parameter(getattr(ref, name).detach().clone()))
        self.register_buffer("_perm", _reorder(hidden_size), persistent=False)

    def forward(self, x, hx=None):
        """x: (B, T, I) or (T, B, I); hx: optional (h0, c0), each (1, B, H)."""
        xt = x.transpose(0, 1) if self.batch_first else x
        T, B, _ = xt.shape
        H, p = self.hidden_size, self._perm
        W_ih, W_hh = self.weight_ih_l0[p], self.weight_hh_l0[p]
        b = (self.bias_ih_l0 + self.bias_hh_l0)[p]
        X = xt.reshape(T * B, -1)
        if hx is None:
            h0 = c0 = x.new_zeros(B, H)
        else:
            h0, c0 = hx[0][0], hx[1][0]
        out, h, c = _LSTMSequence.apply(X, W_ih, b, W_hh, h0, c0)
        if self.batch_first:
            out = out.transpose(0, 1)
        return out, (h[None], c[None])
