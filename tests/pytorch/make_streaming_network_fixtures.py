#!/usr/bin/python3
"""PyTorch reference values for whole streaming networks of issue 10: recurrent layers and Linear layers applied at every step.

HOW TO RUN (from the repository root):

    /usr/bin/python3 tests/pytorch/make_streaming_network_fixtures.py

Writes tests/NetGen.Tests/Fixtures/pytorch-recurrent/networks.json, causal_networks.json and gru3_state_dict.json. Deterministic: every case draws
from a torch.Generator seeded with crc32(name), so re-running rewrites the files byte-identically (on the same PyTorch build).

WHAT IT WRITES

"networks": each case is a chain of modules named "0", "1", … as NetGen numbers an nn.Sequential (a Linear's activation is
a module of its own; nn.GRU / nn.LSTM are batch_first with a batch of one and a zero initial state, and pass on their output
sequence), in float64 on float32 draws: name, input_size, steps, loss, "modules" (the NetGen declaration it mirrors);
"parameters" = θ in NetGen's layout (the modules' state dicts in order: weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k},
bias_hh_l{k} per stacked layer, a Linear's weight [out, in] then bias), with "names" and "shapes"; "inputs" [steps, in];
"outputs" [steps, out]; "targets" [steps, out]; "loss" (reduction 'mean': MSELoss and BCELoss over [steps, out],
CrossEntropyLoss with probability targets over the steps); "gradients" = dL/dθ after backpropagation through time.

causal_networks.json (issue 10b): the same for networks with the causal streaming Conv1D (CausalConv1d below: nn.Conv1d on the
sequence left-padded by (k - 1)*dilation zeros), alone, stacked with dilations 1, 2, 4 and mixed with GRU, LSTM and Linear;
its cases also have "stepped_outputs": output t computed by PyTorch from the frames 0..t only (what a stream sees).

gru3_state_dict.json: an nn.GRU(2, 6, num_layers=3)'s state dict in NetGen's weight-file format (netgen-weights), under the
names a NetGen [Input(2)][GRU(6, Layers = 3)] network gives it ("0.weight_ih_l0", …), with the outputs for "inputs".

CHECKS (asserted before writing): torch.autograd.gradcheck of θ -> loss for every case.
"""

import json
import os
import zlib

import torch
from torch import nn
from torch.nn.utils import stateless

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "tests", "NetGen.Tests", "Fixtures", "pytorch-recurrent")

torch.set_default_dtype(torch.float64)


def draw(g, *shape, scale=1.0):
    """float32-representable float64 values in (-scale, scale)."""
    return ((torch.rand(*shape, generator=g) * 2 - 1) * scale).to(torch.float32).to(torch.float64)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


class CausalConv1d(nn.Conv1d):
    """nn.Conv1d made causal over (batch, time, channels): (k - 1)*dilation zeros padded before the first frame (issue 10b's
    streaming [Conv1D] after [Input(n)]); the parameters are nn.Conv1d's."""

    def forward(self, x):
        x = nn.functional.pad(x.transpose(1, 2), ((self.kernel_size[0] - 1) * self.dilation[0], 0))
        return super().forward(x).transpose(1, 2)


class Chain(nn.Module):
    """nn.Sequential that also takes recurrent modules (it keeps their output sequence and drops the final state)."""

    def __init__(self, modules):
        super().__init__()
        for i, m in enumerate(modules):
            self.add_module(str(i), m)

    def forward(self, x):
        for m in self.children():
            x = m(x)
            if isinstance(x, tuple):
                x = x[0]
        return x


def case(name, input_size, steps, loss, modules, declaration, stepped=False):
    g = torch.Generator().manual_seed(zlib.crc32(name.encode()))
    net = Chain(modules)
    named = list(net.named_parameters())
    with torch.no_grad():
        for _, p in named:
            p.copy_(draw(g, *p.shape, scale=0.5))
    x = draw(g, 1, steps, input_size)
    out_size = net(x).shape[-1]
    if loss == "CrossEntropy":
        y = torch.softmax(3 * draw(g, 1, steps, out_size), dim=-1).to(torch.float32).to(torch.float64)
    elif loss == "BinaryCrossEntropy":
        y = (draw(g, 1, steps, out_size) > 0).to(torch.float64)
    else:
        y = draw(g, 1, steps, out_size)

    def loss_of(pred):
        if loss == "MeanSquaredError":
            return nn.functional.mse_loss(pred, y)
        if loss == "BinaryCrossEntropy":
            return nn.functional.binary_cross_entropy(pred, y)
        # Softmax output: CrossEntropyLoss on the logits (the Softmax module is the chain's last), probability targets
        return -(y * torch.log(pred)).sum(-1).mean()

    def functional(*params):
        return loss_of(stateless.functional_call(net, {n: p for (n, _), p in zip(named, params)}, (x,)))

    params = [p.detach().clone().requires_grad_(True) for _, p in named]
    assert torch.autograd.gradcheck(functional, params)
    pred = net(x)
    value = loss_of(pred)
    grads = torch.autograd.grad(value, [p for _, p in named])
    extra = {}
    if stepped:
        # Streamed: output t computed from the frames 0..t only (the prefix), which a causal network must equal.
        extra["stepped_outputs"] = [v for t in range(steps) for v in flat(net(x[:, :t + 1])[0, t])]
        assert torch.allclose(torch.tensor(extra["stepped_outputs"]), pred.detach().reshape(-1), atol=1e-12, rtol=0), name
    return extra | {
        "name": name, "declaration": declaration, "input_size": input_size, "output_size": out_size, "steps": steps, "loss_kind": loss,
        "names": [n for n, _ in named], "shapes": [list(p.shape) for _, p in named],
        "parameters": [v for _, p in named for v in flat(p)],
        "inputs": flat(x), "outputs": flat(pred), "targets": flat(y), "loss": float(value),
        "gradients": [v for gr in grads for v in flat(gr)],
    }


def gru3_state_dict():
    g = torch.Generator().manual_seed(zlib.crc32(b"gru3_state_dict"))
    gru = nn.GRU(2, 6, num_layers=3, batch_first=True)
    with torch.no_grad():
        for p in gru.parameters():
            p.copy_(draw(g, *p.shape, scale=0.5))
    x = draw(g, 1, 25, 2)
    out, _ = gru(x)
    tensors = [{"name": "0." + n, "dtype": "F32", "shape": list(p.shape), "data": flat(p.to(torch.float32))}
               for n, p in gru.state_dict().items()]
    return {"format": "netgen-weights", "version": 1, "tensors": tensors}, {"inputs": flat(x), "outputs": flat(out), "steps": 25}


def main():
    cases = [
        case("gru8x2_dense1", 1, 20, "MeanSquaredError",
             [nn.GRU(1, 8, num_layers=2, batch_first=True), nn.Linear(8, 1)], "[Input(1)][GRU(8, Layers = 2)][Dense(1)]"),
        case("gru4_alone", 2, 15, "MeanSquaredError",
             [nn.GRU(2, 4, batch_first=True)], "[Input(2)][GRU(4)]"),
        case("lstm5_alone", 3, 12, "MeanSquaredError",
             [nn.LSTM(3, 5, batch_first=True)], "[Input(3)][LSTM(5)]"),
        case("lstm6x2_dense3tanh_dense2", 3, 14, "MeanSquaredError",
             [nn.LSTM(3, 6, num_layers=2, batch_first=True), nn.Linear(6, 3), nn.Tanh(), nn.Linear(3, 2)],
             "[Input(3)][LSTM(6, Layers = 2)][Dense(3, Activation.Tanh)][Dense(2)]"),
        case("dense4relu_gru5_lstm4x2_dense1sigmoid", 2, 10, "BinaryCrossEntropy",
             [nn.Linear(2, 4), nn.ReLU(), nn.GRU(4, 5, batch_first=True), nn.LSTM(5, 4, num_layers=2, batch_first=True),
              nn.Linear(4, 1), nn.Sigmoid()],
             "[Input(2)][Dense(4, Activation.ReLU)][GRU(5)][LSTM(4, Layers = 2)][Dense(1, Activation.Sigmoid)]"),
        case("lstm7_dense3softmax", 2, 9, "CrossEntropy",
             [nn.LSTM(2, 7, batch_first=True), nn.Linear(7, 3), nn.Softmax(dim=-1)],
             "[Input(2)][LSTM(7)][Dense(3, Activation.Softmax)]"),
    ]
    # issue 10b: the causal streaming Conv1D alone (the streaming benchmark's 12 filters of 5 taps), a dilated TCN-style stack,
    # and mixed with GRU and Linear layers in both orders.
    causal = [
        case("causal12k5", 1, 16, "MeanSquaredError",
             [CausalConv1d(1, 12, 5)], "[Input(1)][Conv1D(12, 5)]", stepped=True),
        case("causal_tcn_d1_d2_d4_dense1", 2, 24, "MeanSquaredError",
             [CausalConv1d(2, 4, 3), nn.Tanh(), CausalConv1d(4, 5, 3, dilation=2), nn.Tanh(), CausalConv1d(5, 3, 2, dilation=4),
              nn.Sigmoid(), nn.Linear(3, 1)],
             "[Input(2)][Conv1D(4, 3, Activation.Tanh)][Conv1D(5, 3, Activation.Tanh, Dilation = 2)][Conv1D(3, 2, Activation.Sigmoid, Dilation = 4)][Dense(1)]",
             stepped=True),
        case("causal6k3tanh_gru5_dense1", 1, 14, "MeanSquaredError",
             [CausalConv1d(1, 6, 3), nn.Tanh(), nn.GRU(6, 5, batch_first=True), nn.Linear(5, 1)],
             "[Input(1)][Conv1D(6, 3, Activation.Tanh)][GRU(5)][Dense(1)]", stepped=True),
        case("gru4_causal3k2d2tanh_dense2", 2, 12, "MeanSquaredError",
             [nn.GRU(2, 4, batch_first=True), CausalConv1d(4, 3, 2, dilation=2), nn.Tanh(), nn.Linear(3, 2)],
             "[Input(2)][GRU(4)][Conv1D(3, 2, Activation.Tanh, Dilation = 2)][Dense(2)]", stepped=True),
        case("causal3k1_lstm4_causal1k4sigmoid", 3, 10, "BinaryCrossEntropy",
             [CausalConv1d(3, 3, 1), nn.LSTM(3, 4, batch_first=True), CausalConv1d(4, 1, 4), nn.Sigmoid()],
             "[Input(3)][Conv1D(3, 1)][LSTM(4)][Conv1D(1, 4, Activation.Sigmoid)]", stepped=True),
    ]
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "networks.json"), "w") as f:
        json.dump({"networks": cases}, f, indent=1)
        f.write("\n")
    with open(os.path.join(OUT, "causal_networks.json"), "w") as f:
        json.dump({"networks": causal}, f, indent=1)
        f.write("\n")
    weights, reference = gru3_state_dict()
    weights["reference"] = reference
    with open(os.path.join(OUT, "gru3_state_dict.json"), "w") as f:
        json.dump(weights, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
