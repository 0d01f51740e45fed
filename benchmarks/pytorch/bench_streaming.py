#!/usr/bin/python3
"""PyTorch side of NetGen's streaming benchmark (issue 10), on the workload files NetGen writes.

HOW TO RUN (``dotnet run -c Release --project benchmarks/NetGen.Benchmarks -- streaming`` does this for you):

    /usr/bin/python3 benchmarks/pytorch/bench_streaming.py DIR [--quick]

DIR holds the streaming workload files ``S1.txt`` … of the NETGEN_RTNEURAL_BENCH protocol, version 2 (benchmarks/README.md:
recurrent, causal convolution and dense layers with PyTorch's parameters, the input sequence, and the targets of a training
sequence). Debian's python3-torch (PyTorch 1.13), one thread (``torch.set_num_threads(1)``). For each workload:

* **per-step streaming**: one sample at a time with the state carried (``nn.GRU``/``nn.LSTM`` on a ``[1, 1, in]`` tensor with
  ``h`` (and ``c``) passed back in; a causal ``nn.Conv1d`` on a window of its last (k − 1)·d + 1 frames; then ``nn.Linear``),
  under ``torch.inference_mode``, in two forms: ``eager`` and ``TorchScript`` (``torch.jit.freeze(torch.jit.script(…))``).
  Each form prints its outputs over the whole input sequence from the zero state (NetGen checks them against its own before
  using the time) and its time per sample: rounds of one pass over the first 256 samples continuing the stream, the median
  and the fastest round;
* **per-sequence training**: one SGD step on the training sequence (``zero_grad``, the whole sequence through the module in
  one call (the convolution: ``nn.Conv1d`` on the sequence left-padded by (k − 1)·d zeros), ``MSELoss`` (mean over steps),
  ``backward``, ``SGD.step``), eager; the loss of the first step from the file's weights is printed so that NetGen can check
  it, then the median and fastest ns per step.

Output lines (the same protocol as the RTNeural program, plus ``train``)::

    info <free text>
    outputs S1 <form> <floats>
    result S1 <form> <median ns per sample> <fastest>
    train S1 <form> <median ns per training step> <fastest> <loss of the first step>
"""
import argparse
import os
import sys
import time

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("dir", help="directory with the S*.txt workload files (protocol version 2)")
parser.add_argument("--quick", action="store_true", help="short runs (a smoke test, noisy)")
ARGS = parser.parse_args()
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import torch  # noqa: E402  (after the thread variables)
import torch.nn as nn  # noqa: E402

torch.set_num_threads(1)
STREAM_SAMPLES = 256
ROUNDS = 5 if ARGS.quick else 15
MIN_SECONDS = 0.2 if ARGS.quick else 1.0
WARMUP = 0.1 if ARGS.quick else 0.3


class Reader:
    def __init__(self, path):
        with open(path, encoding="ascii") as f:
            self.tokens = f.read().split()
        self.i = 0

    def word(self):
        self.i += 1
        return self.tokens[self.i - 1]

    def int(self):
        return int(self.word())

    def floats(self, n):
        values = [float(v) for v in self.tokens[self.i:self.i + n]]
        if len(values) != n:
            raise ValueError("truncated workload file")
        self.i += n
        return values

    def matrix(self, rows, cols):
        return torch.tensor(self.floats(rows * cols), dtype=torch.float32).reshape(rows, cols)

    def vector(self, n):
        return torch.tensor(self.floats(n), dtype=torch.float32)


def read_workload(path):
    r = Reader(path)
    magic, version, name = r.word(), r.int(), r.word()
    if magic != "netgen-rtneural" or version != 2:
        raise ValueError(f"{path}: not a netgen-rtneural 2 file")
    if r.word() != "layers":
        raise ValueError(f"{path}: expected 'layers'")
    layers = []
    for _ in range(r.int()):
        kind = r.word()
        if kind in ("gru", "lstm"):
            n, h = r.int(), r.int()
            g = (3 if kind == "gru" else 4) * h
            layers.append((kind, n, h, r.matrix(g, n), r.matrix(g, h), r.vector(g), r.vector(g)))
        elif kind == "conv1d":
            cin, cout, k, d, act = r.int(), r.int(), r.int(), r.int(), r.word()
            if act != "identity":
                raise ValueError(f"{path}: this script streams identity convolutions only, not {act}")
            layers.append((kind, cin, cout, k, d, r.matrix(cout * cin, k).reshape(cout, cin, k), r.vector(cout)))
        elif kind == "dense":
            n, m, act = r.int(), r.int(), r.word()
            if act != "identity":
                raise ValueError(f"{path}: this script streams identity dense heads only, not {act}")
            layers.append((kind, n, m, r.matrix(m, n), r.vector(m)))
        else:
            raise ValueError(f"{path}: unknown layer kind {kind}")
    if r.word() != "samples":
        raise ValueError(f"{path}: expected 'samples'")
    count = r.int()
    inputs = r.matrix(count, layers[0][1])
    targets = None
    if r.i < len(r.tokens) and r.word() == "targets":
        steps = r.int()
        targets = r.matrix(steps, layers[-1][2])
    return name, layers, inputs, targets


class Net(nn.Module):
    """The workload: consecutive recurrent layers of one kind and size become one module with num_layers (PyTorch's own
    stacking, one call per step), or one causal nn.Conv1d; then the dense head."""

    def __init__(self, layers):
        super().__init__()
        dense = [l for l in layers if l[0] == "dense"]
        if len(layers) == 2 and layers[0][0] == "conv1d" and layers[1][0] == "dense":
            self.kind = "conv1d"
            _, cin, cout, k, d, w, b = layers[0]
            self.conv = nn.Conv1d(cin, cout, k, dilation=d)
            self.pad = (k - 1) * d
            with torch.no_grad():
                self.conv.weight.copy_(w)
                self.conv.bias.copy_(b)
            self.set_head(dense[0])
            return
        rec = [l for l in layers if l[0] in ("gru", "lstm")]
        if not rec or len(dense) != 1 or layers[-1][0] != "dense" or len(rec) + 1 != len(layers):
            raise ValueError("this script handles recurrent layers of one kind, or one conv1d, then one dense layer")
        self.kind = rec[0][0]
        if any(l[0] != self.kind or l[2] != rec[0][2] for l in rec):
            raise ValueError("stacked recurrent layers must share kind and size")
        cls = nn.GRU if self.kind == "gru" else nn.LSTM
        self.hidden = rec[0][2]
        self.layers = len(rec)
        self.rnn = cls(rec[0][1], self.hidden, num_layers=len(rec))
        with torch.no_grad():
            for k, (_, _, _, wih, whh, bih, bhh) in enumerate(rec):
                getattr(self.rnn, f"weight_ih_l{k}").copy_(wih)
                getattr(self.rnn, f"weight_hh_l{k}").copy_(whh)
                getattr(self.rnn, f"bias_ih_l{k}").copy_(bih)
                getattr(self.rnn, f"bias_hh_l{k}").copy_(bhh)
        self.set_head(dense[0])

    def set_head(self, dense):
        _, n, m, w, b = dense
        self.head = nn.Linear(n, m)
        with torch.no_grad():
            self.head.weight.copy_(w)
            self.head.bias.copy_(b)

    def zero_state(self):
        if self.kind == "conv1d":
            return (torch.zeros(1, self.conv.in_channels, self.pad + 1), torch.zeros(1))
        h = torch.zeros(self.layers, 1, self.hidden)
        return (h, torch.zeros_like(h) if self.kind == "lstm" else torch.zeros(1))


class GruStep(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.rnn, self.head = net.rnn, net.head

    def forward(self, x, h, c):
        y, h = self.rnn(x, h)
        return self.head(y), h, c


class LstmStep(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.rnn, self.head = net.rnn, net.head

    def forward(self, x, h, c):
        y, (h, c) = self.rnn(x, (h, c))
        return self.head(y), h, c


class ConvStep(nn.Module):
    """Causal streaming convolution: the window of the last (k − 1)·d + 1 frames, shifted by one frame each step."""

    def __init__(self, net):
        super().__init__()
        self.conv, self.head = net.conv, net.head

    def forward(self, x, window, unused):
        window = torch.cat((window[:, :, 1:], x.reshape(1, -1, 1)), dim=2)
        y = self.conv(window).reshape(1, 1, -1)
        return self.head(y), window, unused


def step_module(net):
    return {"gru": GruStep, "lstm": LstmStep, "conv1d": ConvStep}[net.kind](net).eval()


def stream(step, net, xs):
    """Outputs of every sample of xs (each [1, 1, in]) from the zero state."""
    h, c = net.zero_state()
    out = []
    for x in xs:
        y, h, c = step(x, h, c)
        out.append(y.reshape(-1))
    return torch.cat(out)


def time_stream(step, net, xs):
    h, c = net.zero_state()
    start = time.perf_counter()
    while time.perf_counter() - start < WARMUP:
        for x in xs:
            y, h, c = step(x, h, c)
    times = []
    start = time.perf_counter()
    while len(times) < ROUNDS or time.perf_counter() - start < MIN_SECONDS:
        t0 = time.perf_counter()
        for x in xs:
            y, h, c = step(x, h, c)
        times.append((time.perf_counter() - t0) * 1e9 / len(xs))
    times.sort()
    return times[len(times) // 2], times[0]


def fmt(v):
    return "%.9g" % v


def main():
    print(f"info PyTorch {torch.__version__}, {torch.get_num_threads()} thread, Python {sys.version.split()[0]}")
    names = sorted(f for f in os.listdir(ARGS.dir) if f.startswith("S") and f.endswith(".txt"))
    for file in names:
        name, layers, inputs, targets = read_workload(os.path.join(ARGS.dir, file))
        net = Net(layers).eval()
        xs = [inputs[t].reshape(1, 1, -1).contiguous() for t in range(inputs.shape[0])]
        with torch.inference_mode():
            eager = step_module(net)
            scripted = torch.jit.freeze(torch.jit.script(step_module(net)))
            for form, step in (("eager", eager), ("TorchScript", scripted)):
                y = stream(step, net, xs)
                print(f"outputs {name} {form} " + " ".join(fmt(v) for v in y.tolist()))
                median, fastest = time_stream(step, net, xs[:STREAM_SAMPLES])
                print(f"result {name} {form} {median:.1f} {fastest:.1f}", flush=True)
        if targets is not None:
            train(name, layers, inputs[: targets.shape[0]], targets)


def train(name, layers, inputs, targets):
    """One SGD step on the sequence: the loss of the first step from the file's weights, then the time per step."""
    net = Net(layers).train()
    x = inputs.reshape(-1, 1, inputs.shape[1]).contiguous()
    t = targets.reshape(-1, 1, targets.shape[1]).contiguous()
    sgd = torch.optim.SGD(net.parameters(), lr=1e-6)
    loss_fn = nn.MSELoss()

    def step():
        sgd.zero_grad(set_to_none=True)
        if net.kind == "conv1d":
            # the whole sequence at once: nn.Conv1d on the sequence left-padded by (k − 1)·d zeros
            seq = nn.functional.pad(x.reshape(1, -1, x.shape[2]).transpose(1, 2), (net.pad, 0))
            y = net.conv(seq).transpose(1, 2).reshape(-1, 1, net.conv.out_channels)
        else:
            h = net.zero_state()
            y, _ = net.rnn(x, h[0] if net.kind == "gru" else h)
        loss = loss_fn(net.head(y), t)
        loss.backward()
        sgd.step()
        return loss

    first = step().item()
    start = time.perf_counter()
    while time.perf_counter() - start < WARMUP:
        step()
    times = []
    start = time.perf_counter()
    while len(times) < ROUNDS or time.perf_counter() - start < MIN_SECONDS:
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1e9)
    times.sort()
    print(f"train {name} eager {times[len(times) // 2]:.0f} {times[0]:.0f} {fmt(first)}", flush=True)


if __name__ == "__main__":
    main()
