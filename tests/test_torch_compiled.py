"""unrolled.torch.compiled.FusedLSTM equals torch.nn.LSTM: outputs, states, gradients."""

import pytest
import torch

from unrolled.torch.compiled import FusedLSTM


@pytest.mark.parametrize("batch_first", [True, False])
def test_fused_lstm_matches_the_builtin(batch_first):
    torch.manual_seed(0)
    ref = torch.nn.LSTM(5, 7, batch_first=batch_first)
    ours = FusedLSTM(5, 7, batch_first=batch_first)
    ours.load_state_dict(ref.state_dict())
    x = torch.randn(3, 4, 5)
    n = 3 if batch_first else 4
    hx = (torch.randn(1, n, 7), torch.randn(1, n, 7))
    (o1, (h1, c1)), (o2, (h2, c2)) = ours(x, hx), ref(x, hx)
    for a, b in ((o1, o2), (h1, h2), (c1, c2)):
        torch.testing.assert_close(a, b)
    loss1 = (o1 ** 2).sum() + h1.sum() + 2 * c1.sum()
    loss2 = (o2 ** 2).sum() + h2.sum() + 2 * c2.sum()
    g1 = torch.autograd.grad(loss1, list(ours.parameters()))
    g2 = torch.autograd.grad(loss2, list(ref.parameters()))
    for a, b in zip(g1, g2):
        torch.testing.assert_close(a, b)


def test_fused_lstm_gradient_of_the_input_and_initial_state():
    torch.manual_seed(1)
    ours = FusedLSTM(3, 4, batch_first=True).double()
    x = torch.randn(2, 5, 3, dtype=torch.double, requires_grad=True)
    h0 = torch.randn(1, 2, 4, dtype=torch.double, requires_grad=True)
    c0 = torch.randn(1, 2, 4, dtype=torch.double, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x, h, c: ours(x, (h, c))[0], (x, h0, c0))
