#!/usr/bin/python3
"""PyTorch reference values for the activations and losses of issue 12.

HOW TO RUN (from the repository root):

    /usr/bin/python3 tests/pytorch/make_activation_fixtures.py

Writes tests/NetGen.Tests/Fixtures/pytorch-activations/activations.json. Deterministic: the random inputs come from a
torch.Generator seeded with a constant, so re-running rewrites the file byte-identically (on the same PyTorch build).

WHAT IT WRITES

* "activations": for each of ELU (alpha 1 and 0.5), SELU, Softplus (beta 1, threshold 20), SiLU, Mish, Hardtanh,
  Hardsigmoid, Hardswish and PReLU (slope 0.25 and -0.1), the torch.nn module PyTorch users write, evaluated in float64 on
  float32 inputs z: "value" = f(z) and "derivative" = df/dz by autograd (for PReLU also "slope_gradient" = df/da per
  element). The inputs are the edge values listed in EDGES (0, -0, the kinks and thresholds of every function -- at a
  kink PyTorch's derivative convention is what is recorded --, large and tiny magnitudes) plus 64 draws from U(-8, 8).
* "log_softmax": rows z (including ones with a large spread and large magnitudes), "value" = log_softmax(z), and for an
  incoming gradient g the vector-Jacobian product "backward" = d(sum g * log_softmax(z))/dz.
* "huber": nn.HuberLoss(delta, reduction) for delta 1 and 0.5, 'mean' and 'sum': y_hat, y, loss, dL/dy_hat.
* "nll": nn.LogSoftmax(dim=-1) followed by nn.NLLLoss() on one sample: logits z, class c, loss, dL/dz.

CHECKS (asserted before writing)

* Each value and derivative equals the closed form written out here (as NetGen's kernels implement it) in float64, and matches
  torch.autograd.gradcheck at points away from kinks.
* log_softmax's backward equals g - exp(log_softmax(z)) * sum(g); NLL after LogSoftmax equals CrossEntropyLoss on z and
  its gradient equals softmax(z) - onehot(c).
"""

import json
import math
import os

import torch
from torch import nn

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "tests", "NetGen.Tests", "Fixtures", "pytorch-activations")

torch.set_default_dtype(torch.float64)

EDGES = [0.0, -0.0, 1e-7, -1e-7, 1e-3, -1e-3, 0.1, -0.1, 0.3, -0.3, 0.35, -0.35, 0.5, -0.5, 1.0, -1.0, 1.25, -1.25,
         2.0, -2.0, 2.999, -2.999, 3.0, -3.0, 3.001, -3.001, 5.0, -5.0, 10.0, -10.0, 19.99, 20.0, 20.01, -20.0, 30.0, -30.0,
         50.0, -50.0, 87.0, -87.0, 88.5, -88.5, 100.0, -100.0, 1e-30, -1e-30]


def f32(values):
    """float32-representable float64 values (NetGen reads the same numbers)."""
    return torch.tensor(values, dtype=torch.float32).to(torch.float64)


def inputs():
    g = torch.Generator().manual_seed(12)
    draws = (torch.rand(64, generator=g, dtype=torch.float64) * 16 - 8).to(torch.float32).to(torch.float64)
    return torch.cat([f32(EDGES), draws])


def value_and_derivative(module, z):
    z = z.clone().requires_grad_(True)
    y = module(z)
    (d,) = torch.autograd.grad(y.sum(), z)
    return y.detach(), d.detach()


def closed_forms():
    """NetGen's formulas (Activations.Extended.cs) in float64: (value, derivative) of z."""
    sa, ss = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946

    def elu(alpha):
        return (lambda z: torch.where(z > 0, z, alpha * torch.expm1(z)),
                lambda z: torch.where(z > 0, torch.ones_like(z), alpha * torch.exp(z)))

    def sigmoid(z):
        return torch.sigmoid(z)

    def mish_d(z):
        t = torch.tanh(nn.functional.softplus(z))
        return t + z * sigmoid(z) * (1 - t * t)

    return {
        "ELU": elu,
        "SELU": (lambda z: torch.where(z > 0, ss * z, ss * sa * torch.expm1(z)),
                 lambda z: torch.where(z > 0, torch.full_like(z, ss), ss * sa * torch.exp(z))),
        "Softplus": (lambda z: torch.where(z > 20, z, torch.log1p(torch.exp(z))),
                     lambda z: torch.where(z > 20, torch.ones_like(z), sigmoid(z))),
        "SiLU": (lambda z: z * sigmoid(z), lambda z: sigmoid(z) * (1 + z * (1 - sigmoid(z)))),
        "Mish": (lambda z: z * torch.tanh(torch.log1p(torch.exp(z))), mish_d),
        "HardTanh": (lambda z: z.clamp(-1, 1), lambda z: ((z > -1) & (z < 1)).to(z.dtype)),
        "HardSigmoid": (lambda z: (z + 3).clamp(0, 6) / 6, lambda z: ((z > -3) & (z < 3)).to(z.dtype) / 6),
        "HardSwish": (lambda z: z * (z + 3).clamp(0, 6) / 6,
                      lambda z: torch.where(z < -3, torch.zeros_like(z), torch.where(z < 3, z / 3 + 0.5, torch.ones_like(z)))),
    }


def activation_entries(z):
    forms = closed_forms()
    entries = []
    cases = [("ELU", {"alpha": 1.0}, nn.ELU(alpha=1.0), forms["ELU"](1.0)),
             ("ELU", {"alpha": 0.5}, nn.ELU(alpha=0.5), forms["ELU"](0.5)),
             ("SELU", {}, nn.SELU(), forms["SELU"]),
             ("Softplus", {"beta": 1.0, "threshold": 20.0}, nn.Softplus(beta=1, threshold=20), forms["Softplus"]),
             ("SiLU", {}, nn.SiLU(), forms["SiLU"]),
             ("Mish", {}, nn.Mish(), forms["Mish"]),
             ("HardTanh", {}, nn.Hardtanh(), forms["HardTanh"]),
             ("HardSigmoid", {}, nn.Hardsigmoid(), forms["HardSigmoid"]),
             ("HardSwish", {}, nn.Hardswish(), forms["HardSwish"])]
    for name, params, module, (value, derivative) in cases:
        y, d = value_and_derivative(module, z)
        # PyTorch 1.13 forms ELU/SELU as exp(z) - 1 (not expm1): absolute differences up to ~1e-16 near 0.
        assert torch.allclose(y, value(z), rtol=1e-14, atol=1e-15), name
        # PyTorch 1.13's Hardsigmoid backward multiplies by float32(1/6) even in float64 (relative 3e-8 from 1/6).
        assert torch.allclose(d, derivative(z), rtol=1e-7 if name == "HardSigmoid" else 1e-12, atol=1e-300), name
        smooth = z[(z.abs() > 1e-2) & ((z.abs() - 1).abs() > 1e-2) & ((z.abs() - 3).abs() > 1e-2) & ((z - 20).abs() > 1e-2)
                   & (z.abs() < 60)]
        assert torch.autograd.gradcheck(lambda t: module(t), (smooth.clone().requires_grad_(True),)), name
        entries.append({"name": name, "parameters": params, "z": z.tolist(), "value": y.tolist(), "derivative": d.tolist()})
    for slope in (0.25, -0.1):
        module = nn.PReLU(init=slope)
        with torch.no_grad():
            module.weight.copy_(f32([slope]))
        zz = z.clone().requires_grad_(True)
        y = module(zz)
        # Per-element slope gradient: d y_i / d a, i.e. the slope's gradient for an upstream gradient of e_i.
        slope_gradient = torch.where(z > 0, torch.zeros_like(z), z)
        (d, da) = torch.autograd.grad(y.sum(), (zz, module.weight))
        assert torch.allclose(da, slope_gradient.sum().reshape(1)), "PReLU slope"
        a = float(module.weight)
        assert torch.equal(d, torch.where(z > 0, torch.ones_like(z), torch.full_like(z, a))), "PReLU"
        entries.append({"name": "PReLU", "parameters": {"slope": slope}, "z": z.tolist(), "value": y.detach().tolist(),
                        "derivative": d.tolist(), "slope_gradient": slope_gradient.tolist()})
    return entries


def log_softmax_entries():
    g = torch.Generator().manual_seed(1212)
    rows = [[0.0], [1.0, 2.0, 5.0, 3.0, 4.0], [1000.0, 0.0, -1000.0], [-50.0, -50.0, -50.0, -50.0],
            [30.0, 29.0, -30.0, 0.5, 0.25, 0.125, -88.0, 88.0, 1.0], [1e-3, -1e-3, 2e-3]]
    for n in (3, 8, 10, 17, 33):
        rows.append(((torch.rand(n, generator=g) * 12 - 6)).tolist())
    entries = []
    for row in rows:
        z = f32(row).requires_grad_(True)
        up = f32((torch.rand(len(row), generator=g) * 2 - 1).tolist())
        y = torch.log_softmax(z, dim=-1)
        (back,) = torch.autograd.grad((y * up).sum(), z)
        assert torch.allclose(back, up - torch.exp(y.detach()) * up.sum(), rtol=1e-12, atol=1e-15)
        entries.append({"z": z.detach().tolist(), "value": y.detach().tolist(), "upstream": up.tolist(), "backward": back.tolist()})
    return entries


def huber_entries():
    g = torch.Generator().manual_seed(1213)
    entries = []
    for delta in (1.0, 0.5):
        for reduction in ("mean", "sum"):
            y_hat = f32([0.0, 0.2, -0.7, 1.0, 2.5, -3.0, delta, -delta, 0.9999, 10.0])
            y = f32((torch.rand(10, generator=g) * 2 - 1).tolist())
            y[6], y[7] = 0.0, 0.0            # residuals exactly at ±delta
            yh = y_hat.clone().requires_grad_(True)
            loss = nn.HuberLoss(reduction=reduction, delta=delta)(yh, y)
            (grad,) = torch.autograd.grad(loss, yh)
            entries.append({"delta": delta, "reduction": reduction, "y_hat": y_hat.tolist(), "y": y.tolist(),
                            "loss": float(loss), "gradient": grad.tolist()})
    return entries


def nll_entries():
    g = torch.Generator().manual_seed(1214)
    entries = []
    for n, c in ((2, 1), (5, 2), (10, 7), (10, 0), (17, 16)):
        z = f32((torch.rand(n, generator=g) * 10 - 5).tolist())
        if n == 5:
            z = f32([1.0, 2.0, 5.0, 3.0, 4.0])
        z = z.requires_grad_(True)
        loss = nn.NLLLoss()(nn.LogSoftmax(dim=-1)(z).unsqueeze(0), torch.tensor([c]))
        (grad,) = torch.autograd.grad(loss, z)
        assert math.isclose(float(loss), float(nn.CrossEntropyLoss()(z.unsqueeze(0), torch.tensor([c]))), rel_tol=1e-14)
        onehot = torch.zeros(n)
        onehot[c] = 1
        assert torch.allclose(grad, torch.softmax(z.detach(), -1) - onehot, rtol=1e-12, atol=1e-15)
        entries.append({"z": z.detach().tolist(), "target": c, "loss": float(loss), "gradient": grad.tolist()})
    return entries


def main():
    os.makedirs(OUT, exist_ok=True)
    doc = {"torch_version": torch.__version__, "activations": activation_entries(inputs()),
           "log_softmax": log_softmax_entries(), "huber": huber_entries(), "nll": nll_entries()}
    path = os.path.join(OUT, "activations.json")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.relpath(path, ROOT)}: {len(doc['activations'])} activation cases, {len(doc['log_softmax'])} log-softmax rows, "
          f"{len(doc['huber'])} Huber cases, {len(doc['nll'])} NLL cases")


if __name__ == "__main__":
    main()
