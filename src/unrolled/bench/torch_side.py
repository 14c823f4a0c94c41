"""PyTorch adapters: the layers to compare and the functions to time.

forward: under ``torch.no_grad()``; forward+backward: ``torch.autograd.grad`` of the sum
of the outputs with respect to the weights (no optimiser step). Inputs (B, T, I),
``batch_first=True``.
"""

import torch

KINDS = {"lstm": "LSTM", "gru": "GRU", "rnn": "RNN"}


def devices(names=None):
    if names is None:
        names = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    return [torch.device(d) for d in names if d != "cuda" or torch.cuda.is_available()]


def sync(device):
    return torch.cuda.synchronize if device.type == "cuda" else None


def layers(kind, I, H, device, fused=True):
    """name -> layer: the built-in, ours (unrolled.torch), and for LSTM the fused variant
    (unrolled.torch.compiled.FusedLSTM), all with the built-in's weights."""
    import unrolled.torch as ut

    name = KINDS[kind]
    torch.manual_seed(0)
    builtin = getattr(torch.nn, name)(I, H, batch_first=True).to(device)
    out = {"built-in": builtin}
    ours = getattr(ut, name)(I, H, batch_first=True).to(device)
    ours.load_state_dict(builtin.state_dict())
    out["ours"] = ours
    if kind == "lstm" and fused:
        from unrolled.torch.compiled import FusedLSTM

        f = FusedLSTM(I, H, batch_first=True).to(device)
        f.load_state_dict(builtin.state_dict())
        out["fused"] = f
    return out


def passes(layer, x):
    """(forward, forward_backward) callables."""
    params = [p for p in layer.parameters() if p.requires_grad]

    def forward():
        with torch.no_grad():
            layer(x)

    def forward_backward():
        out = layer(x)[0]
        torch.autograd.grad(out.sum(), params)

    return forward, forward_backward


def saved_mib(layer, x):
    """MiB of tensors autograd keeps for the backward pass of one forward call
    (``saved_tensors_hooks``; tensors sharing storage counted once)."""
    seen = {}

    def pack(t):
        storage = t.untyped_storage()
        seen[(storage.data_ptr(), t.device.type)] = storage.nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = layer(x)[0]
    del out
    return sum(seen.values()) / 2**20
