#!/usr/bin/python3
"""PyTorch reference values for whole streaming networks of issue 10: recurrent layers followed by a Linear at every step.

HOW TO RUN (from the repository root):

    /usr/bin/python3 tests/pytorch/make_streaming_network_fixtures.py

Writes tests/NetGen.Tests/Fixtures/pytorch-recurrent/networks.json. Deterministic: every case draws from a torch.Generator
seeded with crc32(name), so re-running rewrites the file byte-identically (on the same PyTorch build).

WHAT IT WRITES

"networks": each case is nn.GRU (batch_first, batch of one, zero initial state) followed by nn.Linear applied to the top
layer's h at every time step, in float64 on float32 draws: name, input_size, hidden_size, layers, outputs_size, steps;
"parameters" = the network's θ in NetGen's layout (the GRU's state dict weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k},
bias_hh_l{k} per layer, then the Linear's weight [out, H] and bias), with "names" and "shapes"; "inputs" [steps, in];
"outputs" [steps, out]; "targets" [steps, out]; "loss" = nn.MSELoss() (reduction 'mean' over [steps, out]); "gradients" =
dL/dθ after backpropagation through time, in the parameters' layout.

CHECKS (asserted before writing): torch.autograd.gradcheck of θ -> loss through the written-out GRU equations, which
agree with nn.GRU + nn.Linear to 1e-12.
"""

import json
import os
import zlib

import torch
from torch import nn

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "tests", "NetGen.Tests", "Fixtures", "pytorch-recurrent")

torch.set_default_dtype(torch.float64)


def draw(g, *shape, scale=1.0):
    """float32-representable float64 values in (-scale, scale)."""
    return ((torch.rand(*shape, generator=g) * 2 - 1) * scale).to(torch.float32).to(torch.float64)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def case(name, input_size, hidden, layers, outputs, steps):
    g = torch.Generator().manual_seed(zlib.crc32(name.encode()))
    gru = nn.GRU(input_size, hidden, num_layers=layers, batch_first=True)
    linear = nn.Linear(hidden, outputs)
    named = list(gru.named_parameters()) + [("linear.weight", linear.weight), ("linear.bias", linear.bias)]
    with torch.no_grad():
        for _, p in named:
            p.copy_(draw(g, *p.shape, scale=0.5))
    x = draw(g, 1, steps, input_size)
    y = draw(g, 1, steps, outputs)

    def functional(*params):
        # the written-out GRU equations (PyTorch's gate order r, z, n), so gradcheck sees θ as inputs
        state = {n: v for (n, _), v in zip(named, params)}
        h = [torch.zeros(hidden) for _ in range(layers)]
        ys = []
        for t in range(steps):
            inp = x[0, t]
            for k in range(layers):
                wih, whh = state[f"weight_ih_l{k}"], state[f"weight_hh_l{k}"]
                bih, bhh = state[f"bias_ih_l{k}"], state[f"bias_hh_l{k}"]
                gi, gh = wih @ inp + bih, whh @ h[k] + bhh
                r = torch.sigmoid(gi[:hidden] + gh[:hidden])
                z = torch.sigmoid(gi[hidden:2 * hidden] + gh[hidden:2 * hidden])
                n = torch.tanh(gi[2 * hidden:] + r * gh[2 * hidden:])
                h[k] = (1 - z) * n + z * h[k]
                inp = h[k]
            ys.append(state["linear.weight"] @ inp + state["linear.bias"])
        return nn.functional.mse_loss(torch.stack(ys).unsqueeze(0), y)

    params = [p.detach().clone().requires_grad_(True) for _, p in named]
    assert torch.autograd.gradcheck(functional, params)
    out, _ = gru(x)
    pred = linear(out)
    loss = nn.functional.mse_loss(pred, y)
    assert abs(float(loss) - float(functional(*params))) < 1e-12
    grads = torch.autograd.grad(loss, [p for _, p in named])
    return {
        "name": name, "input_size": input_size, "hidden_size": hidden, "layers": layers, "outputs_size": outputs,
        "steps": steps,
        "names": [n for n, _ in named], "shapes": [list(p.shape) for _, p in named],
        "parameters": [v for _, p in named for v in flat(p)],
        "inputs": flat(x), "outputs": flat(pred), "targets": flat(y), "loss": float(loss),
        "gradients": [v for gr in grads for v in flat(gr)],
    }


def main():
    cases = [case("gru8x2_dense1", 1, 8, 2, 1, 20)]
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "networks.json"), "w") as f:
        json.dump({"networks": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
