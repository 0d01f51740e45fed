#!/usr/bin/python3
"""Generate PyTorch reference fixtures for NetGen's training features.

HOW TO RUN (from the repository root):

    /usr/bin/python3 tests/pytorch/make_training_fixtures.py

Use the Debian python (package ``python3-torch``, PyTorch 1.13). The script is deterministic (every fixture seeds
its own ``torch.Generator`` with ``crc32(name)``) and writes ``tests/NetGen.Tests/Fixtures/pytorch-training/*.json``:

* ``optimizer_rules.json``: each optimizer's update rule in float32 on one flat parameter tensor of 37 values
  (37 = 2·16 + 5 exercises the 512-bit loop and the scalar tail) with a fixed sequence of 4 gradients:
  ``p.grad = g_t; opt.step()``; the parameters after every step.
* ``optimizer_trajectories.json``: each optimizer training a small network (Input 4 → Dense 6 tanh → Dense 3
  softmax, cross-entropy, mean over the batch) on 8 samples in mini-batches of 4 taken in order (no shuffle),
  2 epochs = 4 steps, in float64; the parameters after every step. NetGen's θ layout (W row-major, then b).
* ``schedules.json``: the learning rate PyTorch's StepLR, ExponentialLR and CosineAnnealingLR give each epoch
  (the value in ``param_groups[0]['lr']`` before the epoch's ``scheduler.step()``).
* ``batchnorm_*.json``: networks with ``nn.BatchNorm1d`` in training mode on one batch (float64): per-sample
  losses, the mean loss, ∂(mean loss)/∂θ (θ = NetGen layout: dense W, b; batch norm γ then β), the running
  statistics after the batch, then inference-mode outputs for further inputs with those statistics.
* ``clipping.json``: ``clip_grad_norm_`` (norm types 2, 1, inf) and ``clip_grad_value_`` on a float32 gradient.
* ``regularization.json``: mean cross-entropy + λ₁·Σ|W| + λ₂·ΣW² (dense weights only, Keras's L1L2), its value
  and gradient, float64.

Numbers are drawn as float32 and widened to float64, so a float32 consumer starts from the same values.
CHECKS: the optimizer rules are also recomputed by hand from the documented formulas in float64 and compared;
batch-norm gradients pass ``torch.autograd.gradcheck``.
"""

import json
import math
import os
import zlib

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "NetGen.Tests", "Fixtures", "pytorch-training")


def gen(name):
    g = torch.Generator()
    g.manual_seed(zlib.crc32(name.encode()))
    return g


def f32(t):
    return t.float().double()


def uniform(g, *shape, scale=1.0):
    return f32((torch.rand(*shape, generator=g, dtype=torch.float64) * 2 - 1) * scale)


def lst(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def write(name, data):
    os.makedirs(OUT, exist_ok=True)
    data = dict(name=name, torch_version=torch.__version__, **data)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")


OPTIMIZERS = [
    # name, torch class, kwargs (NetGen's constructor takes the same options)
    ("sgd", "SGD", dict(lr=0.1)),
    ("sgd_momentum", "SGD", dict(lr=0.1, momentum=0.9)),
    ("sgd_dampening_weight_decay", "SGD", dict(lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    ("sgd_nesterov", "SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("sgd_weight_decay", "SGD", dict(lr=0.1, weight_decay=0.05)),
    ("rmsprop_defaults", "RMSprop", dict()),
    ("rmsprop_centered_momentum_weight_decay", "RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.01)),
    ("adam_defaults", "Adam", dict()),
    ("adam", "Adam", dict(lr=0.01)),
    ("adam_weight_decay_amsgrad", "Adam", dict(lr=0.01, weight_decay=0.01, amsgrad=True)),
    ("adamw_defaults", "AdamW", dict()),
    ("adamw", "AdamW", dict(lr=0.01, weight_decay=0.1)),
    ("adamw_amsgrad", "AdamW", dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
]


def make_optimizer(kind, kwargs, params):
    kwargs = dict(kwargs)
    if kind == "SGD":
        kwargs.setdefault("lr", 0.1)
    return getattr(torch.optim, kind)(params, **kwargs)


def by_hand(kind, kw, p0, grads):
    """The documented update rules, in float64, for the self-check."""
    p = p0.clone()
    lr = kw.get("lr", {"SGD": 0.1, "RMSprop": 0.01}.get(kind, 1e-3))
    wd = kw.get("weight_decay", 0.01 if kind == "AdamW" else 0.0)
    out = []
    state = {}
    for t, g in enumerate(grads, start=1):
        g = g.clone()
        if kind == "SGD":
            mu, tau, nest = kw.get("momentum", 0.0), kw.get("dampening", 0.0), kw.get("nesterov", False)
            g = g + wd * p
            if mu:
                v = g.clone() if t == 1 else mu * state["v"] + (1 - tau) * g
                state["v"] = v
                g = g + mu * v if nest else v
            p = p - lr * g
        elif kind == "RMSprop":
            alpha, eps, mu, centered = kw.get("alpha", 0.99), kw.get("eps", 1e-8), kw.get("momentum", 0.0), kw.get("centered", False)
            g = g + wd * p
            r = alpha * state.get("r", torch.zeros_like(p)) + (1 - alpha) * g * g
            state["r"] = r
            if centered:
                a = alpha * state.get("a", torch.zeros_like(p)) + (1 - alpha) * g
                state["a"] = a
                d = torch.sqrt(r - a * a) + eps
            else:
                d = torch.sqrt(r) + eps
            if mu:
                b = mu * state.get("b", torch.zeros_like(p)) + g / d
                state["b"] = b
                p = p - lr * b
            else:
                p = p - lr * g / d
        else:
            b1, b2, eps, ams = 0.9, 0.999, 1e-8, kw.get("amsgrad", False)
            if kind == "AdamW":
                p = p * (1 - lr * wd)
            else:
                g = g + wd * p
            m = b1 * state.get("m", torch.zeros_like(p)) + (1 - b1) * g
            v = b2 * state.get("v", torch.zeros_like(p)) + (1 - b2) * g * g
            state["m"], state["v"] = m, v
            if ams:
                v = torch.maximum(state.get("vmax", torch.zeros_like(p)), v)
                state["vmax"] = v
            d = torch.sqrt(v) / math.sqrt(1 - b2 ** t) + eps
            p = p - lr / (1 - b1 ** t) * m / d
        out.append(p.clone())
    return out


def optimizer_config(kind, kw):
    return dict(type=kind, **{k: v for k, v in kw.items()})


def optimizer_rules():
    g = gen("optimizer_rules")
    p0 = uniform(g, 37)
    grads = [uniform(g, 37, scale=0.5) for _ in range(4)]
    grads[2][5] = 0.0  # an exact zero gradient
    cases = []
    for name, kind, kw in OPTIMIZERS:
        p = torch.nn.Parameter(p0.clone().float())
        opt = make_optimizer(kind, kw, [p])
        steps = []
        for gt in grads:
            p.grad = gt.clone().float()
            opt.step()
            steps.append(lst(p))
        check = by_hand(kind, kw, p0, grads)
        for mine, theirs in zip(check, steps):
            assert torch.allclose(mine, torch.tensor(theirs, dtype=torch.float64), rtol=1e-5, atol=1e-6), name
        cases.append(dict(name=name, optimizer=optimizer_config(kind, kw), steps=steps))
    write("optimizer_rules", dict(initial=lst(p0), gradients=[lst(x) for x in grads], optimizers=cases))


def small_network(g):
    w1, b1 = uniform(g, 6, 4, scale=0.8), uniform(g, 6, scale=0.3)
    w2, b2 = uniform(g, 3, 6, scale=0.8), uniform(g, 3, scale=0.3)
    return [w1, b1, w2, b2]


def forward_ce(params, x, y):
    w1, b1, w2, b2 = params
    z2 = torch.tanh(x @ w1.T + b1) @ w2.T + b2
    return -(y * torch.log_softmax(z2, dim=1)).sum(dim=1)


def flat(params):
    return torch.cat([p.detach().reshape(-1) for p in params])


def optimizer_trajectories():
    g = gen("optimizer_trajectories")
    start = small_network(g)
    x = uniform(g, 8, 4, scale=1.5)
    labels = torch.randint(0, 3, (8,), generator=g)
    y = torch.nn.functional.one_hot(labels, 3).double()
    cases = []
    for name, kind, kw in OPTIMIZERS:
        params = [torch.nn.Parameter(p.clone()) for p in start]
        opt = make_optimizer(kind, kw, params)
        steps, losses = [], []
        for epoch in range(2):
            for b in range(2):
                opt.zero_grad()
                loss = forward_ce(params, x[4 * b:4 * b + 4], y[4 * b:4 * b + 4]).mean()
                loss.backward()
                opt.step()
                steps.append(lst(flat(params)))
                losses.append(float(loss))
        cases.append(dict(name=name, optimizer=optimizer_config(kind, kw), losses=losses, steps=steps))
    write("optimizer_trajectories", dict(
        network="Input 4 -> Dense 6 tanh -> Dense 3 softmax, CrossEntropy", batch_size=4, epochs=2,
        parameters=lst(flat(start)), inputs=lst(x), targets=lst(y), optimizers=cases))


def schedules():
    def run(make, epochs):
        p = torch.nn.Parameter(torch.zeros(1))
        opt = torch.optim.SGD([p], lr=0.1)
        sched = make(opt)
        lrs = []
        for _ in range(epochs):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        return lrs
    S = torch.optim.lr_scheduler
    write("schedules", dict(base_lr=0.1, schedules=[
        dict(type="StepDecay", step_size=3, gamma=0.5, lrs=run(lambda o: S.StepLR(o, step_size=3, gamma=0.5), 12)),
        dict(type="ExponentialDecay", gamma=0.9, lrs=run(lambda o: S.ExponentialLR(o, gamma=0.9), 10)),
        dict(type="CosineAnnealing", t_max=5, eta_min=0.01, lrs=run(lambda o: S.CosineAnnealingLR(o, T_max=5, eta_min=0.01), 17)),
        dict(type="CosineAnnealing", t_max=7, eta_min=0.0, lrs=run(lambda o: S.CosineAnnealingLR(o, T_max=7), 8)),
    ]))


def batchnorm(name, in_size, hidden, activation, out_units, loss, momentum, eps, batch):
    """Input -> [Dense hidden identity] -> BatchNorm(activation) -> Dense out_units (softmax CE or sigmoid BCE)."""
    g = gen(name)
    dense1 = None
    width = in_size
    if hidden:
        dense1 = [uniform(g, hidden, in_size, scale=0.9), uniform(g, hidden, scale=0.3)]
        width = hidden
    gamma, beta = f32(1 + uniform(g, width, scale=0.5)), uniform(g, width, scale=0.3)
    w2, b2 = uniform(g, out_units, width, scale=0.9), uniform(g, out_units, scale=0.3)
    run_mean, run_var = uniform(g, width, scale=0.5), f32(1 + uniform(g, width, scale=0.5))
    x = uniform(g, batch, in_size, scale=2.0)
    test_x = uniform(g, 3, in_size, scale=2.0)
    if loss == "CrossEntropy":
        y = torch.nn.functional.one_hot(torch.randint(0, out_units, (batch,), generator=g), out_units).double()
    else:
        y = torch.randint(0, 2, (batch, out_units), generator=g).double()

    bn = torch.nn.BatchNorm1d(width, momentum=momentum, eps=eps).double()
    with torch.no_grad():
        bn.weight.copy_(gamma)
        bn.bias.copy_(beta)
        bn.running_mean.copy_(run_mean)
        bn.running_var.copy_(run_var)
    params = ([torch.nn.Parameter(p.clone()) for p in dense1] if dense1 else []) + [bn.weight, bn.bias] + [torch.nn.Parameter(w2.clone()), torch.nn.Parameter(b2.clone())]

    def act(z):
        return torch.relu(z) if activation == "ReLU" else z

    def model(inp):
        h = inp @ params[0].T + params[1] if dense1 else inp
        z = act(bn(h))
        return z @ params[-2].T + params[-1]

    def per_sample(logits, target):
        if loss == "CrossEntropy":
            return -(target * torch.log_softmax(logits, dim=1)).sum(dim=1)
        return torch.nn.functional.binary_cross_entropy_with_logits(logits, target, reduction="none").mean(dim=1)

    bn.train()
    logits = model(x)
    losses = per_sample(logits, y)
    mean_loss = losses.mean()
    mean_loss.backward()
    gradients = torch.cat([p.grad.reshape(-1) for p in params])
    outputs = torch.softmax(logits, 1) if loss == "CrossEntropy" else torch.sigmoid(logits)
    stats_after = torch.cat([bn.running_mean, bn.running_var])

    # Self-check: gradcheck of θ -> mean loss in training mode (running stats untouched by using functional BN).
    theta0 = torch.cat([p.detach().reshape(-1) for p in params]).clone().requires_grad_(True)

    def objective(theta):
        i = 0
        parts = []
        for p in params:
            parts.append(theta[i:i + p.numel()].reshape(p.shape))
            i += p.numel()
        h = x @ parts[0].T + parts[1] if dense1 else x
        k = 2 if dense1 else 0
        z = act(torch.nn.functional.batch_norm(h, None, None, parts[k], parts[k + 1], training=True, eps=eps))
        return per_sample(z @ parts[-2].T + parts[-1], y).mean()
    assert torch.autograd.gradcheck(objective, (theta0,))
    assert torch.allclose(torch.autograd.grad(objective(theta0), theta0)[0], gradients)

    bn.eval()
    with torch.no_grad():
        test_logits = model(test_x)
        test_out = torch.softmax(test_logits, 1) if loss == "CrossEntropy" else torch.sigmoid(test_logits)
    write(name, dict(
        loss=loss, momentum=momentum, epsilon=eps, batch_size=batch,
        parameters=lst(torch.cat([p.detach().reshape(-1) for p in params])),
        running_statistics=lst(torch.cat([run_mean, run_var])),
        inputs=lst(x), targets=lst(y), outputs=lst(outputs), losses=lst(losses), mean_loss=float(mean_loss),
        gradients=lst(gradients), running_statistics_after=lst(stats_after),
        test_inputs=lst(test_x), test_outputs=lst(test_out)))


def clipping():
    g = gen("clipping")
    grad = uniform(g, 41, scale=0.6).float()
    cases = []
    for norm_type in (2.0, 1.0, math.inf):
        p = torch.nn.Parameter(torch.zeros(41, dtype=torch.float32))
        p.grad = grad.clone()
        total = torch.nn.utils.clip_grad_norm_([p], max_norm=1.0, norm_type=norm_type)
        cases.append(dict(kind="norm", max_norm=1.0, norm_type="inf" if norm_type == math.inf else norm_type, total_norm=float(total), clipped=lst(p.grad)))
    p = torch.nn.Parameter(torch.zeros(41, dtype=torch.float32))
    p.grad = grad.clone()
    total = torch.nn.utils.clip_grad_norm_([p], max_norm=100.0)
    cases.append(dict(kind="norm", max_norm=100.0, norm_type=2.0, total_norm=float(total), clipped=lst(p.grad)))
    p.grad = grad.clone()
    torch.nn.utils.clip_grad_value_([p], clip_value=0.25)
    cases.append(dict(kind="value", clip_value=0.25, clipped=lst(p.grad)))
    write("clipping", dict(gradient=lst(grad), cases=cases))


def regularization():
    g = gen("regularization")
    params = [torch.nn.Parameter(p) for p in small_network(g)]
    x = uniform(g, 5, 4, scale=1.5)
    y = torch.nn.functional.one_hot(torch.randint(0, 3, (5,), generator=g), 3).double()
    l1, l2 = 0.01, 0.005
    data = forward_ce(params, x, y).mean()
    penalty = sum(l1 * p.abs().sum() + l2 * (p * p).sum() for p in (params[0], params[2]))
    (data + penalty).backward()
    write("regularization", dict(l1=l1, l2=l2, parameters=lst(flat(params)), inputs=lst(x), targets=lst(y),
                                 data_loss=float(data), penalty=float(penalty),
                                 gradients=lst(torch.cat([p.grad.reshape(-1) for p in params]))))


if __name__ == "__main__":
    torch.set_default_dtype(torch.float64)
    optimizer_rules()
    optimizer_trajectories()
    schedules()
    batchnorm("batchnorm_relu_softmax", 4, 5, "ReLU", 3, "CrossEntropy", 0.1, 1e-5, 6)
    batchnorm("batchnorm_input_custom", 3, 0, "Identity", 2, "BinaryCrossEntropy", 0.2, 1e-3, 5)
    clipping()
    regularization()
    print("wrote", sorted(os.listdir(OUT)))
