#!/usr/bin/python3
"""PyTorch reference fixtures for NetGen's convolutional networks (issue 9).

HOW TO RUN (from the repository root):

    /usr/bin/python3 tests/pytorch/make_cnn_fixtures.py

Use the Debian python (package ``python3-torch``, PyTorch 1.13). Deterministic: each network seeds its own
``torch.Generator`` with ``crc32(name)``. Writes ``tests/NetGen.Tests/Fixtures/pytorch-cnn/<name>.json``, one per network
declared in tests/NetGen.Tests/CnnNetworks.cs, each the equivalent ``nn.Sequential`` (Conv2d, activation, MaxPool2d /
AvgPool2d, Flatten, Linear, Softmax modules, each counted):

* ``theta``: every parameter in NetGen's layout (each module's weight row-major, then its bias, in order), drawn
  uniformly in ±1/√fan_in as float32;
* ``inputs`` (``batch`` samples, CHW each) and one-hot or real ``targets``;
* ``outputs``: the network's output per sample; ``losses``: each sample's loss; ``loss_sum``: their sum;
* ``gradient``: ∂(Σ losses)/∂θ in NetGen's layout;
* ``sgd``: θ after ``steps`` plain SGD steps (lr ``lr``) on the mean loss of the whole batch, θ ← θ − (η/B)·Σᵦ ∇θLᵦ,
  i.e. what ``TrainStepBatch(inputs, targets, batch, lr)`` does.

Everything is computed in float64 from float32 values, so a float32 consumer starts from the same numbers. The gradient
also passes ``torch.autograd.gradcheck`` (checked here for the small networks).
"""

import json
import math
import os
import zlib

import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "NetGen.Tests", "Fixtures", "pytorch-cnn")


def gen(name):
    g = torch.Generator()
    g.manual_seed(zlib.crc32(name.encode()))
    return g


def act(name):
    return {"relu": nn.ReLU(), "tanh": nn.Tanh(), "sigmoid": nn.Sigmoid(), "leaky": nn.LeakyReLU(0.01),
            "softmax": nn.Softmax(dim=-1), None: None}[name]


def build(layers, shape):
    """layers: tuples as in CnnNetworks.cs / SignalNetworks.cs; shape: (C, H, W) or (C, L). Returns the nn.Sequential."""
    modules = []
    dims = list(shape)  # [C, H, W] or [C, L]
    flat = None
    for layer in layers:
        kind = layer[0]
        if kind == "conv":
            _, f, k, a, s, p = layer
            c, h, w = dims
            modules.append(nn.Conv2d(c, f, k, stride=s, padding=p))
            dims = [f, (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1]
            if a:
                modules.append(act(a))
        elif kind == "conv1":
            _, f, k, a, s, p, d = layer
            c, n = dims
            modules.append(nn.Conv1d(c, f, k, stride=s, padding=p, dilation=d))
            dims = [f, (n + 2 * p - d * (k - 1) - 1) // s + 1]
            if a:
                modules.append(act(a))
        elif kind in ("max", "avg"):
            _, size, stride = layer
            modules.append(nn.MaxPool2d(size, stride) if kind == "max" else nn.AvgPool2d(size, stride))
            dims = [dims[0]] + [(n - size) // stride + 1 for n in dims[1:]]
        elif kind in ("max1", "avg1"):
            _, size, stride = layer
            modules.append(nn.MaxPool1d(size, stride) if kind == "max1" else nn.AvgPool1d(size, stride))
            dims = [dims[0], (dims[1] - size) // stride + 1]
        elif kind == "gap":
            modules.append(nn.AdaptiveAvgPool2d(1) if len(dims) == 3 else nn.AdaptiveAvgPool1d(1))
            dims = [dims[0]] + [1] * (len(dims) - 1)
        elif kind == "bn":
            _, a = layer
            modules.append(nn.BatchNorm2d(dims[0]) if len(dims) == 3 else nn.BatchNorm1d(dims[0]))
            if a:
                modules.append(act(a))
        elif kind == "flatten":
            modules.append(nn.Flatten())
            flat = math.prod(dims)
        elif kind == "dense":
            _, units, a = layer
            modules.append(nn.Linear(flat, units))
            flat = units
            if a:
                modules.append(act(a))
    return nn.Sequential(*modules).double()


def parameters(model):
    return [p for p in model.parameters()]


def theta_of(model):
    return torch.cat([p.detach().reshape(-1) for p in parameters(model)])


def loss_fn(kind, out, y):
    if kind == "ce":
        return -(y * torch.log(out)).sum(dim=1)
    return ((out - y) ** 2).mean(dim=1)


def lst(t):
    """Nine significant digits: every float32 value exactly, float64 results to about 1e-9 relative."""
    return [float(f"{v:.9g}") for v in t.detach().reshape(-1).tolist()]


def make(name, shape, layers, loss, batch, outputs, steps=3, lr=0.05):
    g = gen(name)
    model = build(layers, shape)
    with torch.no_grad():
        for p in parameters(model):
            fan_in = p.shape[1] * p[0][0].numel() if p.dim() > 1 else None
            bound = 1 / math.sqrt(fan_in) if fan_in else 0.3
            p.copy_(((torch.rand(p.shape, generator=g, dtype=torch.float64) * 2 - 1) * bound).float().double())
    bns = [m for m in model if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    with torch.no_grad():
        for m in bns:
            m.weight.add_(1.0)  # γ = 1 ± 0.3
            m.running_mean.copy_(((torch.rand(m.num_features, generator=g, dtype=torch.float64) * 2 - 1) * 0.5).float().double())
            m.running_var.copy_((1 + (torch.rand(m.num_features, generator=g, dtype=torch.float64) * 2 - 1) * 0.5).float().double())
    stats0 = [t.clone() for m in bns for t in (m.running_mean, m.running_var)]

    def statistics():
        return torch.cat([t.reshape(-1) for m in bns for t in (m.running_mean, m.running_var)]) if bns else torch.zeros(0)

    x = (torch.rand((batch,) + tuple(shape), generator=g, dtype=torch.float64) * 2 - 1).float().double()
    if loss == "ce":
        y = torch.zeros(batch, outputs, dtype=torch.float64)
        y[torch.arange(batch), torch.randint(0, outputs, (batch,), generator=g)] = 1
    else:
        y = (torch.rand(batch, outputs, generator=g, dtype=torch.float64) * 2 - 1).float().double()
    theta0 = theta_of(model).clone()
    extra = {}
    if bns:
        # Inference (running statistics) first; then training mode, as BackwardBatch/TrainStepBatch with Training = true.
        model.eval()
        with torch.no_grad():
            extra["eval_outputs"] = lst(model(x).reshape(batch, -1))
        model.train()
        extra["running_statistics"] = lst(statistics())
    out = model(x).reshape(batch, -1)
    if bns:
        extra["statistics_after_backward"] = lst(statistics())
    losses = loss_fn(loss, out, y)
    total = losses.sum()
    model.zero_grad()
    total.backward()
    gradient = torch.cat([p.grad.reshape(-1) for p in parameters(model)])
    with torch.no_grad():
        for t, t0 in zip([t for m in bns for t in (m.running_mean, m.running_var)], stats0):
            t.copy_(t0)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        loss_fn(loss, model(x).reshape(batch, -1), y).mean().backward()
        opt.step()
    data = dict(name=name, torch_version=torch.__version__, shape=list(shape), batch=batch, loss=loss, lr=lr,
                theta=lst(theta0), inputs=lst(x), targets=lst(y), outputs=lst(out), losses=lst(losses),
                loss_sum=float(total), gradient=lst(gradient), steps=steps, sgd=lst(theta_of(model)), **extra)
    if bns:
        data["statistics_after_sgd"] = lst(statistics())
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(data, f)
        f.write("\n")


make("lenet5", (1, 28, 28), [("conv", 6, 5, "relu", 1, 2), ("max", 2, 2), ("conv", 16, 5, "relu", 1, 0), ("max", 2, 2),
                             ("flatten",), ("dense", 120, "relu"), ("dense", 84, "relu"), ("dense", 10, "softmax")],
     "ce", batch=3, outputs=10)
make("strided_cnn", (3, 9, 7), [("conv", 4, 3, "tanh", 2, 1), ("avg", 2, 1), ("conv", 5, 2, "sigmoid", 1, 0), ("flatten",),
                                ("dense", 3, "softmax")],
     "ce", batch=4, outputs=3)
make("odd_cnn", (2, 11, 10), [("conv", 3, 3, "leaky", 1, 0), ("max", 3, 2), ("flatten",), ("dense", 2, None)],
     "mse", batch=5, outputs=2)

# 1-D signals and global average pooling (SignalNetworks.cs)
make("conv1d_stack", (2, 24), [("conv1", 4, 3, "tanh", 1, 1, 1), ("max1", 2, 2), ("conv1", 3, 3, "relu", 1, 0, 2), ("avg1", 2, 1),
                               ("flatten",), ("dense", 3, "softmax")],
     "ce", batch=4, outputs=3)
make("strided_conv1d", (3, 17), [("conv1", 5, 4, "leaky", 3, 2, 2), ("max1", 3, 2), ("gap",), ("flatten",), ("dense", 2, None)],
     "mse", batch=5, outputs=2)
make("conv1d_alone", (2, 9), [("conv1", 3, 2, "sigmoid", 1, 2, 1)], "mse", batch=3, outputs=36)
make("pool1d_first", (2, 12), [("avg1", 3, 3), ("conv1", 2, 1, "tanh", 1, 0, 1), ("flatten",), ("dense", 2, None)],
     "mse", batch=3, outputs=2)
make("gap_cnn", (3, 8, 8), [("conv", 6, 3, "relu", 1, 1), ("gap",), ("flatten",), ("dense", 4, "softmax")],
     "ce", batch=4, outputs=4)

# Per-channel batch norm (BatchNormCnnNetworks.cs): training-mode batch statistics, running statistics, inference.
make("bn_cnn", (2, 8, 6), [("conv", 4, 3, None, 1, 1), ("bn", "relu"), ("max", 2, 2), ("conv", 3, 2, None, 1, 0), ("bn", None), ("flatten",),
                           ("dense", 3, "softmax")],
     "ce", batch=4, outputs=3)
make("bn_conv1d", (3, 10), [("conv1", 4, 3, None, 1, 1, 1), ("bn", "tanh"), ("gap",), ("flatten",), ("dense", 2, None)],
     "mse", batch=3, outputs=2)
make("bn_first", (2, 5, 5), [("bn", None), ("conv", 2, 3, "sigmoid", 1, 0), ("flatten",), ("dense", 2, None)],
     "mse", batch=3, outputs=2)
