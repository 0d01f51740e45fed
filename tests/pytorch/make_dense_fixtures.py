#!/usr/bin/python3
"""Generate PyTorch reference fixtures for NetGen's dense networks.

HOW TO RUN (from the repository root):

    /usr/bin/python3 tests/pytorch/make_dense_fixtures.py

Use the Debian python (package ``python3-torch``, PyTorch 1.13); no pip
packages are needed. The script is deterministic: every network draws its
numbers from its own ``torch.Generator`` seeded with ``crc32(name)``, so
re-running it rewrites every file in ``tests/NetGen.Tests/Fixtures/pytorch/``
byte-identically, and adding a network never changes the others.
Before writing anything the script runs its self-checks (see "CHECKS").

CONVENTIONS (NetGen's contract)

* Network: ``input_size`` n, then dense layers ``{units, activation,
  negative_slope}``; z = W x + b, a = act(z).
  Activations: Identity, Step (heaviside(z, 0): 1 if z > 0 else 0),
  Sign (torch.sign, sign(0) = 0), Sigmoid, Tanh, ReLU,
  LeakyReLU (negative_slope, default 0.01), GELU (exact erf form, torch
  default), Softmax (over the layer's outputs). ``negative_slope`` is written
  for every layer (0.01 where it does not matter).
* theta ("parameters"): one flat list, layer by layer: W as out x in
  row-major (exactly ``nn.Linear.weight.flatten()``), then b (out values).
* Loss on the final activated output y_hat, one sample at a time:
    MeanSquaredError   (y_hat - y)^2                 elementwise
    MeanAbsoluteError  |y_hat - y|                   elementwise
    BinaryCrossEntropy -[y log y_hat + (1-y) log(1-y_hat)], elementwise,
                       output must be Sigmoid; computed from the logit with
                       BCEWithLogits semantics
    Hinge              max(0, 1 - y * y_hat)         elementwise, y in {-1,+1}
    CrossEntropy       -sum_k y_k log y_hat_k        per-sample sum,
                       output must be Softmax; log_softmax of the logits
    KLDivergence       sum_k y_k (log y_k - log y_hat_k), 0 log 0 = 0,
                       per-sample sum, output must be Softmax
  Reduction "Mean": elementwise losses divide by the number of outputs;
  CrossEntropy / KLDivergence are per-sample sums, so for one sample
  Mean == Sum. Reduction "Sum": plain sum.
* "gradients": dL/dtheta for ONE sample (from zero), same layout as theta.
* Numbers: parameters, inputs and targets are drawn as float32 and then
  converted to float64; the LeakyReLU slope is likewise rounded to float32
  (the JSON shows the nominal value, e.g. 0.2, which parses to the same
  float32). Everything is then computed in float64 and written with full
  double precision (Python repr). Samples are re-drawn until no
  ReLU/LeakyReLU/Step/Sign pre-activation, MAE residual or Hinge margin is
  within 1e-3 of its kink. Among acceptable draws the script prefers ones
  that add coverage (inference: an output pattern not seen yet; Hinge:
  samples 0 and 1 have an element with y * y_hat > 1, i.e. an inactive
  hinge, where the output range allows it).
* Init: theta ~ U(-1, 1) * 1.5 / sqrt(fan_in); inputs ~ U(-1, 1) * 2.
  Targets: BCE {0,1} plus one soft 0.3; CE one-hot (samples 0,1) and soft
  (samples 2,3); KL probability vectors, with exact zeros in samples 1 and 3;
  Hinge +-1; MSE/MAE reals (in (0,1) under a Sigmoid output). Probability
  vectors are multiples of 1/64, so they are exact in float32 and sum to
  exactly 1.

CHECKS (asserted for every network and sample)

* The forward pass is run twice: functionally from theta, and through
  nn.Linear modules whose weight/bias are rebuilt from theta; outputs, losses
  and gradients (module grads flattened in NetGen order) must agree, and
  flattening the modules must give theta back exactly.
* The torch loss (mse_loss, l1_loss, binary_cross_entropy_with_logits,
  cross_entropy with probability targets, kl_div) is compared with the
  written-out formula. Hinge has no matching torch loss, so only the formula
  is used.
* torch.autograd.gradcheck (central finite differences, float64) on
  theta -> loss.

JSON: one file ``<name>.json`` per network, see NETWORKS below and the
README next to this script.
"""

import json
import math
import os
import zlib

import torch
import torch.nn.functional as F

torch.manual_seed(0)  # everything below uses explicit per-network generators
torch.set_default_dtype(torch.float64)

F32 = torch.float32
F64 = torch.float64
KINK_EPS = 1e-3
SAMPLES = 4
DEFAULT_SLOPE = 0.01

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.normpath(os.path.join(HERE, "..", "NetGen.Tests", "Fixtures", "pytorch"))


def L(units, activation, negative_slope=DEFAULT_SLOPE):
    return {"units": units, "activation": activation, "negative_slope": negative_slope}


NETWORKS = [
    ("tanh_sigmoid_bce_mean", 2, [L(4, "Tanh"), L(1, "Sigmoid")], "BinaryCrossEntropy", "Mean"),
    ("relu_leaky_softmax_ce_mean", 3, [L(5, "ReLU"), L(4, "LeakyReLU", 0.2), L(3, "Softmax")], "CrossEntropy", "Mean"),
    ("gelu_identity_mse_sum", 4, [L(6, "GELU"), L(3, "Identity")], "MeanSquaredError", "Sum"),
    ("sigmoid_tanh_mae_mean", 3, [L(4, "Sigmoid"), L(2, "Tanh")], "MeanAbsoluteError", "Mean"),
    ("leaky_identity_hinge_sum", 5, [L(4, "LeakyReLU"), L(3, "Identity")], "Hinge", "Sum"),
    ("tanh_softmax_kl_mean", 4, [L(5, "Tanh"), L(4, "Softmax")], "KLDivergence", "Mean"),
    ("relu_sigmoid_bce_sum", 3, [L(4, "ReLU"), L(1, "Sigmoid")], "BinaryCrossEntropy", "Sum"),
    ("identity_sigmoid_mse_mean", 2, [L(3, "Identity"), L(2, "Sigmoid")], "MeanSquaredError", "Mean"),
    ("step_sign_inference", 2, [L(3, "Step"), L(2, "Sign")], None, None),
    ("wide_relu_tanh_softmax_ce_sum", 20, [L(40, "ReLU"), L(17, "Tanh"), L(5, "Softmax")], "CrossEntropy", "Sum"),
    ("digits_relu_softmax_ce_mean", 64, [L(32, "ReLU"), L(10, "Softmax")], "CrossEntropy", "Mean"),
    ("deep_mixed_mse_mean", 7,
     [L(9, "GELU"), L(8, "Sigmoid"), L(6, "LeakyReLU", 0.05), L(5, "Tanh"), L(3, "Identity")],
     "MeanSquaredError", "Mean"),
    ("softmax_kl_sum", 3, [L(4, "Softmax")], "KLDivergence", "Sum"),
    ("identity_tanh_hinge_mean", 3, [L(2, "Tanh")], "Hinge", "Mean"),
    # issue 12: the activations and losses PyTorch users reach for, each also trained a few SGD steps ("training")
    ("elu_selu_huber_mean", 3, [L(5, "ELU"), L(4, "SELU"), L(2, "Identity")], "Huber", "Mean",
     {"learning_rate": 0.1, "input_scale": 3.0}),
    ("softplus_silu_huber_sum", 4, [L(6, "Softplus"), L(5, "SiLU"), L(3, "Identity")], "Huber", "Sum",
     {"learning_rate": 0.05, "huber_delta": 0.5, "input_scale": 3.0}),
    ("mish_hardtanh_logsoftmax_nll_mean", 3, [L(6, "Mish"), L(5, "HardTanh"), L(4, "LogSoftmax")],
     "NegativeLogLikelihood", "Mean", {"learning_rate": 0.1, "input_scale": 3.0}),
    ("hardswish_hardsigmoid_logsoftmax_nll_sum", 4, [L(6, "HardSwish"), L(5, "HardSigmoid"), L(3, "LogSoftmax")],
     "NegativeLogLikelihood", "Sum", {"learning_rate": 0.1, "input_scale": 4.0}),
]

LOSS_WORDS = {
    "MeanSquaredError": "mean squared error",
    "MeanAbsoluteError": "mean absolute error",
    "BinaryCrossEntropy": "binary cross-entropy",
    "CrossEntropy": "cross-entropy",
    "KLDivergence": "KL divergence",
    "Hinge": "hinge",
    "Huber": "Huber",
    "NegativeLogLikelihood": "negative log-likelihood",
}

# Where an activation's derivative jumps: samples keep their pre-activations KINK_EPS away from these points.
KINKS = {"ReLU": (0.0,), "LeakyReLU": (0.0,), "Step": (0.0,), "Sign": (0.0,), "SELU": (0.0,),
         "HardTanh": (-1.0, 1.0), "HardSigmoid": (-3.0, 3.0), "HardSwish": (-3.0, 3.0)}
# Where an activation changes regime (saturation): a sample prefers pre-activations on both sides.
REGIMES = {"HardTanh": (-1.0, 1.0), "HardSigmoid": (-3.0, 3.0), "HardSwish": (-3.0, 3.0), "SELU": (0.0,), "ELU": (0.0,)}


def f32(x):
    """Round a Python float to float32 and return it as a Python float."""
    return float(torch.tensor(x, dtype=F32).item())


def activate(name, z, slope):
    if name == "Identity":
        return z
    if name == "Step":
        return torch.heaviside(z, torch.zeros_like(z))
    if name == "Sign":
        return torch.sign(z)
    if name == "Sigmoid":
        return torch.sigmoid(z)
    if name == "Tanh":
        return torch.tanh(z)
    if name == "ReLU":
        return torch.relu(z)
    if name == "LeakyReLU":
        return F.leaky_relu(z, f32(slope))
    if name == "GELU":
        return F.gelu(z)  # exact erf form
    if name == "Softmax":
        return torch.softmax(z, dim=-1)
    if name == "ELU":
        return F.elu(z)  # alpha = 1
    if name == "SELU":
        return F.selu(z)
    if name == "Softplus":
        return F.softplus(z)  # beta = 1, threshold = 20
    if name == "SiLU":
        return F.silu(z)
    if name == "Mish":
        return F.mish(z)
    if name == "HardTanh":
        return F.hardtanh(z)
    if name == "HardSigmoid":
        return F.hardsigmoid(z)
    if name == "HardSwish":
        return F.hardswish(z)
    if name == "LogSoftmax":
        return torch.log_softmax(z, dim=-1)
    raise ValueError(name)


def activation_module(name, slope):
    """The torch.nn module a PyTorch user writes for the activation (the training steps run through these)."""
    modules = {
        "Identity": torch.nn.Identity, "Sigmoid": torch.nn.Sigmoid, "Tanh": torch.nn.Tanh, "ReLU": torch.nn.ReLU,
        "GELU": torch.nn.GELU, "ELU": torch.nn.ELU, "SELU": torch.nn.SELU, "Softplus": torch.nn.Softplus,
        "SiLU": torch.nn.SiLU, "Mish": torch.nn.Mish, "HardTanh": torch.nn.Hardtanh,
        "HardSigmoid": torch.nn.Hardsigmoid, "HardSwish": torch.nn.Hardswish,
    }
    if name in modules:
        return modules[name]()
    if name == "LeakyReLU":
        return torch.nn.LeakyReLU(f32(slope))
    if name == "Softmax":
        return torch.nn.Softmax(dim=-1)
    if name == "LogSoftmax":
        return torch.nn.LogSoftmax(dim=-1)
    raise ValueError(name)


def split_theta(theta, input_size, layers):
    """Yield (W, b) views of the flat NetGen theta, W out x in row-major."""
    off, fan_in = 0, input_size
    out = []
    for layer in layers:
        n = layer["units"]
        W = theta[off:off + n * fan_in].view(n, fan_in)
        off += n * fan_in
        b = theta[off:off + n]
        off += n
        out.append((W, b))
        fan_in = n
    assert off == theta.numel()
    return out


def forward(theta, x, input_size, layers):
    """Functional forward pass; returns (pre-activations per layer, y_hat)."""
    zs, a = [], x
    for (W, b), layer in zip(split_theta(theta, input_size, layers), layers):
        z = W @ a + b
        zs.append(z)
        a = activate(layer["activation"], z, layer["negative_slope"])
    return zs, a


def torch_loss(loss, reduction, z, y_hat, y, delta=1.0):
    """Loss via torch's built-in losses (z = final logits). Hinge is manual."""
    red = reduction.lower()
    if loss == "Huber":
        return F.huber_loss(y_hat, y, reduction=red, delta=delta)
    if loss == "NegativeLogLikelihood":
        # y_hat holds log-probabilities (LogSoftmax output); NLLLoss takes a class index: one-hot targets use it,
        # soft targets (a probability vector) the same sum written out, -sum_k y_k y_hat_k
        if bool(((y == 0) | (y == 1)).all()) and y.sum().item() == 1:
            return F.nll_loss(y_hat.unsqueeze(0), y.argmax().unsqueeze(0), reduction=red)
        return -(y * y_hat).sum()
    if loss == "MeanSquaredError":
        return F.mse_loss(y_hat, y, reduction=red)
    if loss == "MeanAbsoluteError":
        return F.l1_loss(y_hat, y, reduction=red)
    if loss == "BinaryCrossEntropy":
        return F.binary_cross_entropy_with_logits(z, y, reduction=red)
    if loss == "CrossEntropy":
        # probability targets; 'mean' divides by the batch size (1)
        return F.cross_entropy(z.unsqueeze(0), y.unsqueeze(0), reduction=red)
    if loss == "KLDivergence":
        return F.kl_div(F.log_softmax(z, dim=-1).unsqueeze(0), y.unsqueeze(0),
                        reduction="batchmean" if red == "mean" else "sum")
    if loss == "Hinge":
        e = torch.clamp(1 - y * y_hat, min=0)
        return e.mean() if red == "mean" else e.sum()
    raise ValueError(loss)


def formula_loss(loss, reduction, y_hat, y, delta=1.0):
    """The written-out formulas, straight from y_hat (independent check)."""
    if loss == "Huber":
        r = (y_hat - y).abs()
        e = torch.where(r < delta, 0.5 * r * r, delta * (r - 0.5 * delta))
    elif loss == "NegativeLogLikelihood":
        return -(y * y_hat).sum()
    elif loss == "MeanSquaredError":
        e = (y_hat - y) ** 2
    elif loss == "MeanAbsoluteError":
        e = (y_hat - y).abs()
    elif loss == "BinaryCrossEntropy":
        e = -(y * torch.log(y_hat) + (1 - y) * torch.log(1 - y_hat))
    elif loss == "Hinge":
        e = torch.clamp(1 - y * y_hat, min=0)
    elif loss == "CrossEntropy":
        return -(y * torch.log(y_hat)).sum()
    elif loss == "KLDivergence":
        return (torch.xlogy(y, y) - y * torch.log(y_hat)).sum()
    else:
        raise ValueError(loss)
    return e.mean() if reduction == "Mean" else e.sum()


def loss_of_theta(theta, x, y, spec):
    zs, y_hat = forward(theta, x, spec["input_size"], spec["layers"])
    return torch_loss(spec["loss"], spec["reduction"], zs[-1], y_hat, y, spec["huber_delta"])


def uniform32(g, shape, scale):
    """U(-1, 1) * scale drawn in float32, returned as float64."""
    return ((torch.rand(shape, generator=g, dtype=F32) * 2 - 1) * scale).to(F64)


def prob_vector(g, n, zeros=0):
    """Random probability vector of multiples of 1/64 (exact, sums to 1)."""
    assert n - zeros >= 1 and 64 >= n
    w = torch.rand(n, generator=g, dtype=F32).to(F64) + 0.05
    if zeros:
        w[torch.randperm(n, generator=g)[:zeros]] = 0
    counts = torch.floor(w / w.sum() * 64)
    # hand the remainder to the largest entries (never to a zero entry)
    rest = 64 - int(counts.sum())
    order = torch.argsort(w, descending=True)
    for i in range(rest):
        counts[order[i % (n - zeros)]] += 1
    p = counts / 64
    assert p.sum().item() == 1.0 and ((p == 0).sum().item() >= zeros)
    return p


def make_target(g, loss, out_layer, i):
    n = out_layer["units"]
    if loss == "BinaryCrossEntropy":
        t = torch.tensor([float((i + j) % 2) for j in range(n)])
        if i == 2:
            t[0] = f32(0.3)
        return t
    if loss in ("CrossEntropy", "NegativeLogLikelihood"):
        if i < 2:  # one-hot
            t = torch.zeros(n)
            t[int(torch.randint(n, (1,), generator=g))] = 1
            return t
        return prob_vector(g, n)
    if loss == "KLDivergence":
        return prob_vector(g, n, zeros=(1 if i in (1, 3) else 0))
    if loss == "Hinge":
        return torch.where(torch.rand(n, generator=g) < 0.5, -1.0, 1.0).to(F64)
    if loss in ("MeanSquaredError", "MeanAbsoluteError", "Huber"):
        if out_layer["activation"] == "Sigmoid":
            return torch.rand(n, generator=g, dtype=F32).to(F64)
        return uniform32(g, n, 2.0 if loss == "Huber" else 1.0)  # Huber: residuals beyond delta too
    raise ValueError(loss)


def near_kink(spec, x, y, theta=None):
    zs, y_hat = forward(spec["theta"] if theta is None else theta, x, spec["input_size"], spec["layers"])
    for z, layer in zip(zs, spec["layers"]):
        for kink in KINKS.get(layer["activation"], ()):
            if (z - kink).abs().min().item() < KINK_EPS:
                return True
    if spec["loss"] == "MeanAbsoluteError" and (y_hat - y).abs().min().item() < KINK_EPS:
        return True
    if spec["loss"] == "Hinge" and (1 - y * y_hat).abs().min().item() < KINK_EPS:
        return True
    return False


def preferred(spec, i, x, y, previous):
    """Nice-to-have coverage; if no draw satisfies it, the first draw is kept."""
    _, y_hat = forward(spec["theta"], x, spec["input_size"], spec["layers"])
    if spec["loss"] is None:  # inference: a new output pattern
        return all(y_hat.tolist() != s["output"] for s in previous)
    if spec["loss"] == "Hinge" and i < 2:  # some element with an inactive hinge
        return bool(((y * y_hat) > 1 + KINK_EPS).any())
    if spec["loss"] == "Huber" and i < 2:  # residuals on both sides of delta (quadratic and linear parts)
        r = (y_hat - y).abs()
        if not (bool((r < spec["huber_delta"]).any()) and bool((r > spec["huber_delta"]).any())):
            return False
    zs, _ = forward(spec["theta"], x, spec["input_size"], spec["layers"])
    for z, layer in zip(zs, spec["layers"]):  # every regime of a saturating activation (below, between, above)
        points = REGIMES.get(layer["activation"])
        if points and i < 2:
            seen = {sum(1 for p in points if v > p) for v in z.tolist()}
            if len(seen) < min(len(points) + 1, z.numel()):
                return False
    return True


def describe(spec):
    parts = [str(spec["input_size"])]
    for layer in spec["layers"]:
        act = layer["activation"].lower()
        if layer["activation"] == "LeakyReLU":
            act += "(%g)" % layer["negative_slope"]
        parts.append("%d %s" % (layer["units"], act))
    text = " \u2192 ".join(parts)
    if spec["loss"] is None:
        return text + ", inference only (no loss)"
    words = LOSS_WORDS[spec["loss"]]
    if spec["loss"] == "Huber":
        words += " (delta %g)" % spec["huber_delta"]
    return "%s, %s, %s" % (text, words, spec["reduction"].lower())


def check_modules(spec, x, y, y_hat, loss, grad):
    """Rebuild nn.Linear modules from theta and check the NetGen layout."""
    theta = spec["theta"]
    mods = []
    for (W, b) in split_theta(theta, spec["input_size"], spec["layers"]):
        m = torch.nn.Linear(W.shape[1], W.shape[0], dtype=F64)
        with torch.no_grad():
            m.weight.copy_(W)
            m.bias.copy_(b)
        mods.append(m)
    flat = torch.cat([t for m in mods for t in (m.weight.detach().flatten(), m.bias.detach())])
    assert torch.equal(flat, theta), "flattening nn.Linear does not give theta back"
    a = x
    for m, layer in zip(mods, spec["layers"]):
        z = m(a)
        a = activate(layer["activation"], z, layer["negative_slope"])
    assert torch.allclose(a, y_hat, rtol=1e-14, atol=1e-15), "module forward differs"
    if spec["loss"] is None:
        return
    l2 = torch_loss(spec["loss"], spec["reduction"], z, a, y, spec["huber_delta"])
    l2.backward()
    g2 = torch.cat([t for m in mods for t in (m.weight.grad.flatten(), m.bias.grad)])
    assert math.isclose(l2.item(), loss, rel_tol=1e-13, abs_tol=1e-15), "module loss differs"
    assert torch.allclose(g2, grad, rtol=1e-12, atol=1e-14), "module gradients differ"


def train(spec, samples):
    """A few plain SGD steps through the torch.nn modules a PyTorch user writes (nn.Linear and activation modules,
    torch.optim.SGD): one step per sample in order (NetGen's TrainStep), then one step on all samples as one mini-batch,
    the gradient of the mean of the per-sample losses (NetGen's TrainStepBatch). Each step records the loss before the
    update (the batch step: the sum of the per-sample losses) and all parameters after it."""
    lr = spec["learning_rate"]
    modules = []
    for (W, b), layer in zip(split_theta(spec["theta"], spec["input_size"], spec["layers"]), spec["layers"]):
        linear = torch.nn.Linear(W.shape[1], W.shape[0], dtype=F64)
        with torch.no_grad():
            linear.weight.copy_(W)
            linear.bias.copy_(b)
        modules += [linear, activation_module(layer["activation"], layer["negative_slope"])]
    model = torch.nn.Sequential(*modules)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)

    def flat():
        return torch.cat([p.detach().flatten() for p in model.parameters()])

    def sample_loss(s):
        x, y = torch.tensor(s["input"]), torch.tensor(s["target"])
        assert not near_kink(spec, x, y, flat()), "%s: a training step lands near a kink" % spec["name"]
        y_hat = model(x)
        return torch_loss(spec["loss"], spec["reduction"], None, y_hat, y, spec["huber_delta"])

    steps = []
    for i, s in enumerate(samples):
        optimizer.zero_grad()
        loss = sample_loss(s)
        loss.backward()
        optimizer.step()
        steps.append({"samples": [i], "loss": loss.item(), "parameters": flat().tolist()})
    optimizer.zero_grad()
    losses = [sample_loss(s) for s in samples]
    torch.stack(losses).mean().backward()
    optimizer.step()
    steps.append({"samples": list(range(len(samples))), "loss": sum(l.item() for l in losses),
                  "parameters": flat().tolist()})
    # the first step from the fixture's own gradient: theta - lr * gradients of sample 0
    first = spec["theta"] - lr * torch.tensor(samples[0]["gradients"])
    assert torch.allclose(torch.tensor(steps[0]["parameters"]), first, rtol=1e-13, atol=1e-15)
    return {"learning_rate": lr, "steps": steps}


def build(name, input_size, layers, loss, reduction, options=None):
    options = options or {}
    g = torch.Generator().manual_seed(zlib.crc32(name.encode("utf-8")))
    spec = {"name": name, "input_size": input_size, "layers": layers,
            "loss": loss, "reduction": reduction, "huber_delta": f32(options.get("huber_delta", 1.0)),
            "learning_rate": f32(options.get("learning_rate", 0.1))}
    if loss in ("BinaryCrossEntropy",):
        assert layers[-1]["activation"] == "Sigmoid"
    if loss in ("CrossEntropy", "KLDivergence"):
        assert layers[-1]["activation"] == "Softmax"
    if loss == "NegativeLogLikelihood":
        assert layers[-1]["activation"] == "LogSoftmax"

    chunks, fan_in = [], input_size
    for layer in layers:
        scale = 1.5 / math.sqrt(fan_in)
        chunks.append(uniform32(g, layer["units"] * fan_in, scale))
        chunks.append(uniform32(g, layer["units"], scale))
        fan_in = layer["units"]
    theta = torch.cat(chunks)
    assert torch.equal(theta.to(F32).to(F64), theta)
    spec["theta"] = theta

    samples = []
    for i in range(SAMPLES):
        chosen = None
        for attempt in range(2000):
            x = uniform32(g, input_size, options.get("input_scale", 2.0))
            y = make_target(g, loss, layers[-1], i) if loss else None
            if near_kink(spec, x, y):
                continue
            if chosen is None:
                chosen = (x, y)
            if preferred(spec, i, x, y, samples):
                chosen = (x, y)
                break
        if chosen is None:
            raise RuntimeError("%s: could not avoid kinks" % name)
        x, y = chosen
        if y is not None:
            assert torch.equal(y.to(F32).to(F64), y)

        th = theta.clone().requires_grad_(True)
        zs, y_hat = forward(th, x, input_size, layers)
        sample = {"input": x.tolist(), "target": None, "output": y_hat.detach().tolist(),
                  "loss": None, "gradients": None}
        if loss is None:
            check_modules(spec, x, None, y_hat.detach(), None, None)
        else:
            lval = torch_loss(loss, reduction, zs[-1], y_hat, y, spec["huber_delta"])
            (grad,) = torch.autograd.grad(lval, th)
            ref = formula_loss(loss, reduction, y_hat.detach(), y, spec["huber_delta"]).item()
            assert math.isclose(lval.item(), ref, rel_tol=1e-12, abs_tol=1e-14), \
                "%s sample %d: torch loss %r != formula %r" % (name, i, lval.item(), ref)
            if loss in ("CrossEntropy", "KLDivergence", "NegativeLogLikelihood"):
                other = "Sum" if reduction == "Mean" else "Mean"
                l_other = torch_loss(loss, other, zs[-1], y_hat, y).item()
                assert l_other == lval.item(), "per-sample Mean != Sum"
            check_modules(spec, x, y, y_hat.detach(), lval.item(), grad)
            assert torch.autograd.gradcheck(
                lambda t: loss_of_theta(t, x, y, spec),
                (theta.clone().requires_grad_(True),),
                eps=1e-6, atol=1e-7, rtol=1e-5), "%s sample %d: gradcheck failed" % (name, i)
            sample.update(target=y.tolist(), loss=lval.item(), gradients=grad.tolist())
        for v in (sample["output"] + (sample["gradients"] or []) +
                  ([sample["loss"]] if sample["loss"] is not None else [])):
            assert math.isfinite(v)
        samples.append(sample)

    doc = {
        "name": name,
        "description": describe(spec),
        "torch_version": torch.__version__,
        "input_size": input_size,
        "layers": layers,
        "loss": loss,
        "reduction": reduction,
        "parameters": theta.tolist(),
        "samples": samples,
    }
    if loss == "Huber":
        doc["huber_delta"] = options.get("huber_delta", 1.0)
    if "learning_rate" in options:
        doc["training"] = train(spec, samples)
    return doc


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    for name, input_size, layers, loss, reduction, *options in NETWORKS:
        doc = build(name, input_size, layers, loss, reduction, *options)
        path = os.path.join(OUT_DIR, name + ".json")
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            json.dump(doc, fh, indent=1, ensure_ascii=False)
            fh.write("\n")
        print("wrote %s (%d parameters)" % (os.path.relpath(path), len(doc["parameters"])))


if __name__ == "__main__":
    main()
