#!/usr/bin/python3
"""PyTorch reference values for the recurrent and streaming kernels of issue 10 (GRU, LSTM, causal Conv1D).

HOW TO RUN (from the repository root):

    /usr/bin/python3 tests/pytorch/make_recurrent_fixtures.py

Writes tests/NetGen.Tests/Fixtures/pytorch-recurrent/recurrent.json. Deterministic: every case draws from a torch.Generator
seeded with crc32(name), so re-running rewrites the file byte-identically (on the same PyTorch build).

WHAT IT WRITES

* "recurrent": nn.GRU and nn.LSTM (batch_first, batch of one), alone and stacked (num_layers 2 and 3), in float64 on float32
  draws. Each case: name, kind (GRU | LSTM), input_size, hidden_size, layers, steps; "parameters" = the state dict flattened
  in its own order (weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k} per layer, row-major) with "names" and
  "shapes"; "inputs" [steps, input_size]; "h0" [layers, H] (and "c0" for LSTM), non-zero so that the initial-state
  gradients are exercised; "outputs" = the top layer's h per step [steps, H]; "h_n" (and "c_n"); "targets" [steps, H];
  "loss" = nn.MSELoss() (reduction 'mean') over [steps, H]; "gradients" = dL/dθ after backpropagation through time, in the
  parameters' layout; "input_gradients" [steps, input_size]; "h0_gradients" (and "c0_gradients").
* "causal_conv1d": nn.Conv1d(channels, filters, k, dilation=d) applied to the sequence left-padded by (k - 1)*d zeros,
  which is the streamed causal convolution: "weight" [filters, channels, k], "bias", "inputs" [steps, channels] (time-major),
  "outputs" [steps, filters]; "targets", "loss" = nn.MSELoss() over [steps, filters], and its gradients "weight_gradients",
  "bias_gradients", "input_gradients" [steps, channels].
* "gru3_state_dict": a default-initialised nn.GRU(input_size=1, hidden_size=8, num_layers=3) (seeded), its state dict by
  name ({name: {shape, values}}), an input sequence from zero state and PyTorch's outputs, to check loading by name.

CHECKS (asserted before writing)

* torch.autograd.gradcheck on (θ, x, h0[, c0]) -> loss for every recurrent case.
* Each recurrent case is recomputed from the written-out cell equations (loop over time, PyTorch's gate order) and agrees
  with nn.GRU/nn.LSTM to 1e-12; the causal convolution is recomputed as explicit sums.
"""

import json
import os
import zlib

import torch
from torch import nn

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "tests", "NetGen.Tests", "Fixtures", "pytorch-recurrent")

torch.set_default_dtype(torch.float64)


def rng(name):
    return torch.Generator().manual_seed(zlib.crc32(name.encode()))


def draw(g, *shape, scale=1.0):
    """float32-representable float64 values in (-scale, scale)."""
    return ((torch.rand(*shape, generator=g) * 2 - 1) * scale).to(torch.float32).to(torch.float64)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def manual(kind, params, x, h0, c0, layers, hidden):
    """The cell equations written out, layer after layer, step after step."""
    seq = x
    for k in range(layers):
        wih, whh, bih, bhh = (params[f"{n}_l{k}"] for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))
        h = h0[k]
        c = c0[k] if c0 is not None else None
        outs = []
        for t in range(seq.shape[0]):
            gi = wih @ seq[t] + bih
            gh = whh @ h + bhh
            if kind == "GRU":
                r = torch.sigmoid(gi[:hidden] + gh[:hidden])
                z = torch.sigmoid(gi[hidden:2 * hidden] + gh[hidden:2 * hidden])
                n = torch.tanh(gi[2 * hidden:] + r * gh[2 * hidden:])
                h = (1 - z) * n + z * h
            else:
                a = gi + gh
                i, f = torch.sigmoid(a[:hidden]), torch.sigmoid(a[hidden:2 * hidden])
                gg, o = torch.tanh(a[2 * hidden:3 * hidden]), torch.sigmoid(a[3 * hidden:])
                c = f * c + i * gg
                h = o * torch.tanh(c)
            outs.append(h)
        seq = torch.stack(outs)
    return seq


def recurrent_case(name, kind, input_size, hidden, layers, steps):
    g = rng(name)
    module = (nn.GRU if kind == "GRU" else nn.LSTM)(input_size, hidden, num_layers=layers, batch_first=True)
    names = [n for n, _ in module.named_parameters()]
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(draw(g, *p.shape, scale=0.6))
    x = draw(g, steps, input_size, scale=1.5)
    h0 = draw(g, layers, hidden, scale=0.5)
    c0 = draw(g, layers, hidden, scale=0.5) if kind == "LSTM" else None
    targets = draw(g, steps, hidden)

    xg, hg = x.clone().requires_grad_(True), h0.clone().requires_grad_(True)
    cg = c0.clone().requires_grad_(True) if c0 is not None else None
    out, final = module(xg.unsqueeze(0), hg.unsqueeze(1) if cg is None else (hg.unsqueeze(1), cg.unsqueeze(1)))
    out = out[0]
    loss = nn.MSELoss()(out, targets)
    module.zero_grad()
    loss.backward()

    expected = manual(kind, dict(module.named_parameters()), x, h0, c0, layers, hidden)
    assert torch.allclose(expected, out.detach(), atol=1e-12, rtol=0), name

    def loss_of(*args):
        theta, rest = args[:len(names)], args[len(names):]
        p = dict(zip(names, theta))
        xx, hh = rest[0], rest[1]
        cc = rest[2] if kind == "LSTM" else None
        return nn.MSELoss()(manual(kind, p, xx, hh, cc, layers, hidden), targets)

    gc_args = [p.detach().clone().requires_grad_(True) for p in module.parameters()] + [x.clone().requires_grad_(True), h0.clone().requires_grad_(True)]
    if kind == "LSTM":
        gc_args.append(c0.clone().requires_grad_(True))
    assert torch.autograd.gradcheck(loss_of, tuple(gc_args)), name

    case = {
        "name": name, "kind": kind, "input_size": input_size, "hidden_size": hidden, "layers": layers, "steps": steps,
        "names": names, "shapes": [list(p.shape) for p in module.parameters()],
        "parameters": [v for p in module.parameters() for v in flat(p)],
        "inputs": flat(x), "h0": flat(h0), "targets": flat(targets),
        "outputs": flat(out), "loss": float(loss),
        "gradients": [v for p in module.parameters() for v in flat(p.grad)],
        "input_gradients": flat(xg.grad), "h0_gradients": flat(hg.grad),
    }
    if kind == "GRU":
        case["h_n"] = flat(final)
    else:
        case["h_n"], case["c_n"] = flat(final[0]), flat(final[1])
        case["c0"] = flat(c0)
        case["c0_gradients"] = flat(cg.grad)
    return case


def conv_case(name, channels, filters, k, dilation, steps):
    g = rng(name)
    conv = nn.Conv1d(channels, filters, k, dilation=dilation)
    with torch.no_grad():
        conv.weight.copy_(draw(g, *conv.weight.shape))
        conv.bias.copy_(draw(g, filters))
    x = draw(g, steps, channels, scale=2.0)
    targets = draw(g, steps, filters)
    xg = x.clone().requires_grad_(True)
    padded = nn.functional.pad(xg.t().unsqueeze(0), ((k - 1) * dilation, 0))
    y = conv(padded)[0].t()
    loss = nn.MSELoss()(y, targets)
    loss.backward()
    assert y.shape == (steps, filters)
    for t in range(steps):
        for f in range(filters):
            s = conv.bias[f].item()
            for c in range(channels):
                for u in range(k):
                    src = t - (k - 1 - u) * dilation
                    if src >= 0:
                        s += conv.weight[f, c, u].item() * x[src, c].item()
            assert abs(s - y[t, f].item()) < 1e-12
    return {"name": name, "channels": channels, "filters": filters, "kernel_size": k, "dilation": dilation, "steps": steps,
            "weight": flat(conv.weight), "bias": flat(conv.bias), "inputs": flat(x), "outputs": flat(y),
            "targets": flat(targets), "loss": float(loss), "weight_gradients": flat(conv.weight.grad),
            "bias_gradients": flat(conv.bias.grad), "input_gradients": flat(xg.grad)}


def gru3_state_dict():
    torch.manual_seed(zlib.crc32(b"gru3_state_dict"))
    module = nn.GRU(1, 8, num_layers=3, batch_first=True).to(torch.float32)
    g = rng("gru3_state_dict_inputs")
    x = draw(g, 64, 1, scale=1.0)
    m64 = nn.GRU(1, 8, num_layers=3, batch_first=True)
    m64.load_state_dict({n: p.to(torch.float64) for n, p in module.state_dict().items()})
    out, _ = m64(x.unsqueeze(0))
    return {"input_size": 1, "hidden_size": 8, "layers": 3, "steps": 64,
            "state_dict": {n: {"shape": list(p.shape), "values": flat(p.to(torch.float64))} for n, p in module.state_dict().items()},
            "inputs": flat(x), "outputs": flat(out[0])}


def main():
    fixture = {
        "torch_version": torch.__version__,
        "recurrent": [
            recurrent_case("gru_1_8", "GRU", 1, 8, 1, 24),
            recurrent_case("gru_3_5_x2", "GRU", 3, 5, 2, 9),
            recurrent_case("gru_2_16_x3", "GRU", 2, 16, 3, 7),
            recurrent_case("gru_4_24", "GRU", 4, 24, 1, 6),
            recurrent_case("lstm_1_16", "LSTM", 1, 16, 1, 24),
            recurrent_case("lstm_3_6_x2", "LSTM", 3, 6, 2, 9),
            recurrent_case("lstm_2_8_x3", "LSTM", 2, 8, 3, 7),
            recurrent_case("lstm_5_40", "LSTM", 5, 40, 1, 5),
        ],
        "causal_conv1d": [
            conv_case("conv_1_12_k5", 1, 12, 5, 1, 20),
            conv_case("conv_3_4_k3_d2", 3, 4, 3, 2, 16),
            conv_case("conv_2_3_k1", 2, 3, 1, 1, 6),
        ],
        "gru3_state_dict": gru3_state_dict(),
    }
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "recurrent.json"), "w") as f:
        json.dump(fixture, f, indent=None, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
