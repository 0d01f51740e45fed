#!/usr/bin/python3
"""Generate PyTorch reference fixtures for NetGen's convolution and pooling kernels (NetGen.Kernels.ConvKernels,
PoolKernels), each layer kind alone.

HOW TO RUN (from the repository root):

    /usr/bin/python3 tests/pytorch/make_conv_fixtures.py

Use the Debian python (package ``python3-torch``, PyTorch 1.13). The script is deterministic (every fixture seeds its
own ``torch.Generator`` with ``crc32(name)``; re-running rewrites identical files) and writes
``tests/NetGen.Tests/Fixtures/pytorch-conv/<name>.json``.

Each fixture runs one module of PyTorch (``nn.Conv2d``, ``nn.Conv1d``, ``nn.MaxPool2d``, ``nn.AvgPool2d``,
``nn.MaxPool1d``, ``nn.AvgPool1d``, ``nn.AdaptiveAvgPool2d(1)``, ``nn.BatchNorm2d``, ``nn.BatchNorm1d`` on N × C × L) in float64 on a batch of samples (NCHW / NCL,
row-major, sample after sample) and records

    output       y = module(x)
    grad_output  g, an upstream gradient (the loss is Σ y·g, so δ = g)
    grad_input   ∂L/∂x
    grad_weight  ∂L/∂W summed over the batch (convolutions; nn.Conv2d.weight's layout [F, C, kh, kw] / [F, C, k])
    grad_bias    ∂L/∂b summed over the batch (convolutions)

Batch-norm fixtures (``batchnorm*``) record the training-mode pass (output, ∂L/∂x, ∂L/∂γ, ∂L/∂β, the running
statistics before and after: means then variances) and an eval-mode pass on further inputs with the updated statistics.

Inputs, weights and upstream gradients are drawn as float32 values and widened to float64, so a float32 consumer starts
from exactly the same numbers. Max-pooling fixtures named ``*ties*`` draw their inputs from a few integers, so windows
hold several equal maxima; PyTorch routes δ to the first maximum in scan order, and so must NetGen (including its
2 × 2 / stride-2 vector path, ``*_stride2_wide`` and ``*_stride2_narrow``).

CHECKS before writing: ``torch.autograd.gradcheck`` on every fixture without ties (x, W, b → y), and each convolution is
recomputed from the written-out formula (an explicit loop over taps with zero padding) and compared.
"""

import json
import os
import zlib

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "NetGen.Tests", "Fixtures", "pytorch-conv")


def gen(name):
    g = torch.Generator()
    g.manual_seed(zlib.crc32(name.encode()))
    return g


def uniform(g, *shape, scale=1.0):
    return ((torch.rand(*shape, generator=g, dtype=torch.float64) * 2 - 1) * scale).float().double()


def lst(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def write(name, data):
    os.makedirs(OUT, exist_ok=True)
    data = dict(name=name, torch_version=torch.__version__, **data)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")


def conv_by_formula(x, w, b, stride, padding, dilation):
    """z[n,f,i,j] = b[f] + Σ_{c,u,v} W[f,c,u,v]·x[n,c,i·s+u·d−p, j·s+v·d−p] with zeros outside, written out."""
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    sh, sw = stride
    ph, pw = padding
    dh, dw = dilation
    ho = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    wo = (wd + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    xp = torch.zeros(n, c, h + 2 * ph, wd + 2 * pw, dtype=x.dtype)
    xp[:, :, ph:ph + h, pw:pw + wd] = x
    z = b.view(1, f, 1, 1).expand(n, f, ho, wo).clone()
    for u in range(kh):
        for v in range(kw):
            patch = xp[:, :, u * dh:u * dh + sh * (ho - 1) + 1:sh, v * dw:v * dw + sw * (wo - 1) + 1:sw]
            z += torch.einsum("fc,ncij->nfij", w[:, :, u, v], patch)
    return z


def conv_fixture(name, dims, batch, channels, size, filters, kernel, stride=1, padding=0, dilation=1):
    g = gen(name)
    shape = (batch, channels) + tuple(size)
    x = uniform(g, *shape).requires_grad_()
    wshape = (filters, channels) + (kernel,) * dims
    fan_in = channels * kernel ** dims
    w = uniform(g, *wshape, scale=fan_in ** -0.5).requires_grad_()
    b = uniform(g, filters, scale=0.5).requires_grad_()
    fn = F.conv2d if dims == 2 else F.conv1d

    def run(x, w, b):
        return fn(x, w, b, stride=stride, padding=padding, dilation=dilation)

    assert torch.autograd.gradcheck(run, (x, w, b)), name
    y = run(x, w, b)
    if dims == 2:
        ref = conv_by_formula(x, w, b, (stride, stride), (padding, padding), (dilation, dilation))
    else:
        ref = conv_by_formula(x.unsqueeze(2), w.unsqueeze(2), b, (1, stride), (0, padding), (1, dilation)).squeeze(2)
    assert torch.allclose(y, ref, rtol=1e-12, atol=1e-12), name
    go = uniform(g, *y.shape)
    gx, gw, gb = torch.autograd.grad(y, (x, w, b), go)
    data = dict(kind="Conv2D" if dims == 2 else "Conv1D", batch=batch, channels=channels)
    if dims == 2:
        data.update(height=size[0], width=size[1])
    else:
        data.update(length=size[0])
    data.update(filters=filters, kernel_size=kernel, stride=stride, padding=padding, dilation=dilation,
                output_shape=list(y.shape[1:]),
                input=lst(x), weight=lst(w), bias=lst(b), output=lst(y), grad_output=lst(go),
                grad_input=lst(gx), grad_weight=lst(gw), grad_bias=lst(gb))
    write(name, data)


def pool_fixture(name, kind, batch, channels, size, window=None, stride=None, ties=False):
    g = gen(name)
    shape = (batch, channels) + tuple(size)
    if ties:
        x = torch.randint(0, 3, shape, generator=g).double()
    else:
        x = uniform(g, *shape)
    x.requires_grad_()
    module = {
        "MaxPool2D": lambda: torch.nn.MaxPool2d(window, stride),
        "AvgPool2D": lambda: torch.nn.AvgPool2d(window, stride),
        "MaxPool1D": lambda: torch.nn.MaxPool1d(window, stride),
        "AvgPool1D": lambda: torch.nn.AvgPool1d(window, stride),
        "GlobalAvgPool": lambda: torch.nn.Sequential(
            torch.nn.AdaptiveAvgPool2d(1) if len(size) == 2 else torch.nn.AdaptiveAvgPool1d(1), torch.nn.Flatten()),
    }[kind]()
    if not ties:
        assert torch.autograd.gradcheck(module, (x,)), name
    y = module(x)
    go = uniform(g, *y.shape)
    (gx,) = torch.autograd.grad(y, (x,), go)
    data = dict(kind=kind, batch=batch, channels=channels)
    if len(size) == 2:
        data.update(height=size[0], width=size[1])
    else:
        data.update(length=size[0])
    if window is not None:
        data.update(size=window, stride=stride)
    data.update(output_shape=list(y.shape[1:]), input=lst(x), output=lst(y), grad_output=lst(go), grad_input=lst(gx))
    write(name, data)


def max_pool_ties_check(name, size, window, stride):
    """Asserts that the fixture's input really has windows with tied maxima (so the tie rule is tested)."""
    with open(os.path.join(OUT, name + ".json")) as f:
        d = json.load(f)
    x = torch.tensor(d["input"]).view(d["batch"], d["channels"], *size)
    if len(size) == 2:
        win = x.unfold(2, window, stride).unfold(3, window, stride).reshape(*x.shape[:2], -1, window * window)
    else:
        win = x.unfold(2, window, stride)
    counts = (win == win.max(dim=-1, keepdim=True).values).sum(dim=-1)
    assert (counts > 1).sum() >= 5, name


def batchnorm_fixture(name, batch, channels, size, momentum=0.1, eps=1e-5):
    """nn.BatchNorm2d / BatchNorm1d (N, C, L) in training mode on one batch, then in eval mode with the updated statistics."""
    g = gen(name)
    shape = (batch, channels) + tuple(size)
    bn = (torch.nn.BatchNorm2d if len(size) == 2 else torch.nn.BatchNorm1d)(channels, eps=eps, momentum=momentum).double()
    with torch.no_grad():
        bn.weight.copy_(uniform(g, channels) + 1.5)
        bn.bias.copy_(uniform(g, channels, scale=0.5))
        bn.running_mean.copy_(uniform(g, channels, scale=0.2))
        bn.running_var.copy_(uniform(g, channels, scale=0.3) + 1.0)
    running_before = lst(bn.running_mean) + lst(bn.running_var)
    # Channels get different offsets and scales, so each has its own statistics.
    x = (uniform(g, *shape) * (1 + torch.arange(channels).double().view(1, channels, *([1] * len(size))))
         + torch.arange(channels).double().view(1, channels, *([1] * len(size))) * 0.5).float().double().requires_grad_()
    gamma, beta = bn.weight, bn.bias

    def run(x, gamma, beta):
        return F.batch_norm(x, torch.zeros(channels), torch.ones(channels), gamma, beta, True, 0.0, eps)

    assert torch.autograd.gradcheck(run, (x, gamma, beta)), name
    bn.train()
    y = bn(x)
    go = uniform(g, *y.shape)
    gx, gg, gb = torch.autograd.grad(y, (x, gamma, beta), go)
    running_after = lst(bn.running_mean) + lst(bn.running_var)
    bn.eval()
    x_eval = uniform(g, *shape).requires_grad_()
    y_eval = bn(x_eval)
    go_eval = uniform(g, *y_eval.shape)
    gx_eval, gg_eval, gb_eval = torch.autograd.grad(y_eval, (x_eval, gamma, beta), go_eval)
    data = dict(kind="BatchNorm2D" if len(size) == 2 else "BatchNorm1D", batch=batch, channels=channels,
                plane_size=int(torch.tensor(size).prod()), momentum=momentum, epsilon=eps,
                gamma=lst(gamma), beta=lst(beta), running_before=running_before,
                input=lst(x), output=lst(y), grad_output=lst(go), grad_input=lst(gx), grad_gamma=lst(gg), grad_beta=lst(gb),
                running_after=running_after,
                eval_input=lst(x_eval), eval_output=lst(y_eval), eval_grad_output=lst(go_eval), eval_grad_input=lst(gx_eval),
                eval_grad_gamma=lst(gg_eval), eval_grad_beta=lst(gb_eval))
    write(name, data)


def main():
    torch.set_default_dtype(torch.float64)
    # Conv2D: LeNet-5's two layers; stride, padding, odd and non-square sizes, several channels, 1×1 and full kernels.
    conv_fixture("conv2d_lenet_c1", 2, 1, 1, (28, 28), 6, 5, padding=2)
    conv_fixture("conv2d_lenet_c2", 2, 1, 6, (14, 14), 16, 5)
    conv_fixture("conv2d_stride2_pad1", 2, 2, 3, (9, 11), 5, 3, stride=2, padding=1)
    conv_fixture("conv2d_stride3_k4", 2, 2, 2, (13, 10), 7, 4, stride=3)
    conv_fixture("conv2d_pad3_k2", 2, 2, 4, (5, 7), 3, 2, padding=3)
    conv_fixture("conv2d_1x1", 2, 3, 5, (6, 6), 4, 1)
    conv_fixture("conv2d_wide_pad1", 2, 1, 3, (9, 37), 13, 3, padding=1)
    conv_fixture("conv2d_full_kernel", 2, 2, 2, (5, 5), 3, 5)
    conv_fixture("conv2d_tiny_stride2_pad2", 2, 3, 1, (3, 4), 2, 3, stride=2, padding=2)
    # Conv1D: padding, dilation, stride with dilation, fewer outputs than a vector.
    conv_fixture("conv1d_pad2", 1, 2, 2, (50,), 7, 5, padding=2)
    conv_fixture("conv1d_dilation3", 1, 2, 3, (70,), 4, 3, padding=2, dilation=3)
    conv_fixture("conv1d_stride2_dilation2_pad3", 1, 2, 2, (41,), 5, 4, stride=2, padding=3, dilation=2)
    conv_fixture("conv1d_short", 1, 2, 1, (9,), 2, 3)
    conv_fixture("conv1d_many_channels", 1, 2, 9, (33,), 11, 7, padding=1)
    # Pooling: default stride, overlapping windows, rows and columns dropped by the floor rule, tied maxima.
    pool_fixture("maxpool2d_2", "MaxPool2D", 2, 3, (8, 8), 2, 2)
    pool_fixture("maxpool2d_3_stride2_odd", "MaxPool2D", 2, 2, (7, 9), 3, 2)
    pool_fixture("maxpool2d_ties_2_stride1", "MaxPool2D", 2, 3, (6, 7), 2, 1, ties=True)
    pool_fixture("maxpool2d_ties_3_stride3_drop", "MaxPool2D", 1, 2, (10, 8), 3, 3, ties=True)
    pool_fixture("maxpool2d_ties_2_stride2_wide", "MaxPool2D", 2, 3, (7, 21), 2, 2, ties=True)
    pool_fixture("maxpool2d_ties_2_stride2_narrow", "MaxPool2D", 2, 2, (5, 10), 2, 2, ties=True)
    pool_fixture("avgpool2d_2", "AvgPool2D", 2, 3, (6, 5), 2, 2)
    pool_fixture("avgpool2d_3_stride2_odd", "AvgPool2D", 2, 2, (7, 9), 3, 2)
    pool_fixture("maxpool1d_3_stride2", "MaxPool1D", 2, 3, (17,), 3, 2)
    pool_fixture("maxpool1d_ties_2", "MaxPool1D", 2, 2, (15,), 2, 2, ties=True)
    pool_fixture("avgpool1d_4_stride3", "AvgPool1D", 2, 2, (13,), 4, 3)
    pool_fixture("globalavgpool2d", "GlobalAvgPool", 2, 4, (5, 3))
    pool_fixture("globalavgpool1d", "GlobalAvgPool", 2, 3, (11,))
    # Per-channel batch norm after a convolution: statistics over batch × plane, PyTorch's running-statistics rule.
    batchnorm_fixture("batchnorm2d", 3, 4, (5, 6))
    batchnorm_fixture("batchnorm2d_momentum_eps", 2, 3, (3, 3), momentum=0.3, eps=1e-3)
    batchnorm_fixture("batchnorm1d_signal", 4, 5, (7,))
    max_pool_ties_check("maxpool2d_ties_2_stride1", (6, 7), 2, 1)
    max_pool_ties_check("maxpool2d_ties_3_stride3_drop", (10, 8), 3, 3)
    max_pool_ties_check("maxpool1d_ties_2", (15,), 2, 2)
    max_pool_ties_check("maxpool2d_ties_2_stride2_wide", (7, 21), 2, 2)
    max_pool_ties_check("maxpool2d_ties_2_stride2_narrow", (5, 10), 2, 2)


if __name__ == "__main__":
    main()
