#!/usr/bin/python3
"""PyTorch side of NetGen's benchmark: the issue's workloads W1-W4, timed the way the C# side times them.

HOW TO RUN (the C# runner does this for you, see benchmarks/README.md):

    /usr/bin/python3 benchmarks/pytorch/bench_pytorch.py [--out results.json] [--quick]

Debian's python3-torch (PyTorch 1.13) with one thread. PyTorch gets its best:

* BLAS: torch calls the system ``libblas.so.3``. Install OpenBLAS (``apt-get install libopenblas0-pthread``) or W3
  runs ~3.5x slower on Debian's reference BLAS. OpenBLAS 0.3.21 picks its 256-bit (Haswell/Zen) kernels on Zen 5
  unless ``OPENBLAS_CORETYPE=SkylakeX``; this script sets ``OPENBLAS_CORETYPE`` (``--openblas-coretype``, default
  SkylakeX, overriding the environment) and one BLAS/OpenMP thread before torch loads, and reports the BLAS library
  and core it actually got.
* Forward: the best of eager (under ``torch.inference_mode``), TorchScript (``torch.jit.script``) and
  ``torch.jit.optimize_for_inference(torch.jit.freeze(...))``.
* Training step (one sample, and W3 mini-batch 32): ``zero_grad(set_to_none=True)``, forward, loss, backward,
  ``SGD.step`` — the best of eager and TorchScript modules, with SGD's ``foreach`` off and on. The losses are PyTorch's
  fused, stable forms (``BCEWithLogitsLoss``, ``CrossEntropyLoss`` on logits with class indices, ``MSELoss``).
* Inputs are pre-split into per-sample (or per-batch) tensors, so no indexing or conversion is timed.

Timing: after a warm-up, each variant runs ``repeats`` blocks of ``n`` iterations (n chosen so a block takes about
``block_seconds``); the per-call time is the median over blocks. Times are in nanoseconds per sample.
"""
import argparse
import ctypes
import json
import os
import platform
import statistics
import sys
import time


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", help="write the results as JSON to this file")
    parser.add_argument("--quick", action="store_true", help="short blocks (a smoke test, noisy)")
    parser.add_argument("--only", help="comma-separated workloads, e.g. W1,W3")
    parser.add_argument("--openblas-coretype", default="SkylakeX,auto",
                        help="OPENBLAS_CORETYPE for this run; 'auto' unsets it (OpenBLAS detects the CPU). A "
                             "comma-separated list runs one child process per value and keeps, per measurement, the "
                             "fastest (default: SkylakeX,auto)")
    parsed = parser.parse_args()
    parsed.block_seconds = 0.05 if parsed.quick else 0.25
    parsed.repeats = 3 if parsed.quick else 7
    return parsed


ARGS = parse_arguments()
if "," in ARGS.openblas_coretype:
    pass  # main() runs one child per core type; this process never loads torch
elif ARGS.openblas_coretype == "auto":
    os.environ.pop("OPENBLAS_CORETYPE", None)
else:
    os.environ["OPENBLAS_CORETYPE"] = ARGS.openblas_coretype
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"

import torch  # noqa: E402  (the environment above must be set before torch loads BLAS)
from torch import nn  # noqa: E402

COUNT = 256          # samples in the data set, as on the C# side (W3: 64, so its inputs and weights share the L2 cache)
LEARNING_RATE = 0.01
BATCH = 32

# (name, input size, [(units, activation)], loss) -- the same shapes as benchmarks/NetGen.Benchmarks/Networks.cs
WORKLOADS = [
    ("W1", 2, [(4, "tanh"), (1, "sigmoid")], "bce"),
    ("W2", 64, [(32, "relu"), (10, "softmax")], "ce"),
    ("W3", 784, [(128, "relu"), (64, "relu"), (10, "softmax")], "ce"),
    ("W4", 1, [(8, "tanh"), (8, "tanh"), (1, "identity")], "mse"),
]


def build(input_size, layers, with_output_activation):
    """nn.Sequential of Linear + activation; the output activation is left out for training (fused losses)."""
    modules = []
    n = input_size
    for index, (units, act) in enumerate(layers):
        modules.append(nn.Linear(n, units))
        last = index == len(layers) - 1
        if act == "tanh":
            modules.append(nn.Tanh())
        elif act == "relu":
            modules.append(nn.ReLU())
        elif act == "sigmoid" and (with_output_activation or not last):
            modules.append(nn.Sigmoid())
        elif act == "softmax" and (with_output_activation or not last):
            modules.append(nn.Softmax(dim=-1))
        n = units
    return nn.Sequential(*modules)


def data(input_size, output_size, loss, rows_per_item):
    g = torch.Generator().manual_seed(42)
    count = 64 if input_size > 256 else COUNT
    x = torch.rand(count, input_size, generator=g) * 2 - 1
    if loss == "ce":
        y = torch.randint(0, output_size, (count,), generator=g)
    elif loss == "bce":
        y = torch.randint(0, 2, (count, 1), generator=g).float()
    else:
        y = torch.sin(3 * x[:, :1])
    xs = [x[i:i + rows_per_item].contiguous() for i in range(0, count, rows_per_item)]
    ys = [y[i:i + rows_per_item].contiguous() for i in range(0, count, rows_per_item)]
    return xs, ys


def time_per_call(step, items, block_seconds, repeats):
    """Median over blocks of the time per call of step(i) for i cycling through the data."""
    n_items = items
    for i in range(200):
        step(i % n_items)
    n = 64
    while True:
        t0 = time.perf_counter_ns()
        for i in range(n):
            step(i % n_items)
        elapsed = time.perf_counter_ns() - t0
        if elapsed >= block_seconds * 1e9 / 4 or n >= 1 << 22:
            break
        n *= 2
    n = max(16, int(n * block_seconds * 1e9 / max(elapsed, 1)))
    blocks = []
    for _ in range(repeats):
        t0 = time.perf_counter_ns()
        for i in range(n):
            step(i % n_items)
        blocks.append((time.perf_counter_ns() - t0) / n)
    return statistics.median(blocks)


def forward_variants(model):
    model = model.eval()
    scripted = torch.jit.script(model)
    frozen = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.script(model)))
    return {"eager": model, "torchscript": scripted, "optimize_for_inference": frozen}


def bench_forward(input_size, layers, loss, args):
    torch.manual_seed(1)
    model = build(input_size, layers, with_output_activation=True)
    xs, _ = data(input_size, layers[-1][0], loss, 1)
    results = {}
    with torch.inference_mode():
        for name, m in forward_variants(model).items():
            results[name] = time_per_call(lambda i, m=m: m(xs[i]), len(xs), args.block_seconds, args.repeats)
    return results


def bench_train(input_size, layers, loss, rows, args):
    xs, ys = data(input_size, layers[-1][0], loss, rows)
    loss_fn = {"bce": nn.BCEWithLogitsLoss(), "ce": nn.CrossEntropyLoss(), "mse": nn.MSELoss()}[loss]
    results = {}
    for module_kind in ("eager", "torchscript"):
        for foreach in (False, True):
            torch.manual_seed(1)
            model = build(input_size, layers, with_output_activation=False).train()
            runner = torch.jit.script(model) if module_kind == "torchscript" else model
            opt = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, foreach=foreach)

            def step(i, runner=runner, opt=opt):
                opt.zero_grad(set_to_none=True)
                l = loss_fn(runner(xs[i]), ys[i])
                l.backward()
                opt.step()

            per_call = time_per_call(step, len(xs), args.block_seconds, args.repeats)
            results[f"{module_kind}, foreach={foreach}"] = per_call / rows
    return results


def blas_configuration():
    """Which BLAS torch really loaded (from /proc/self/maps) and, for OpenBLAS, its build and chosen core."""
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))
    libraries = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1]
                if "blas" in path or "lapack" in path:
                    libraries.add(os.path.realpath(path))
    except OSError:
        pass
    info = {"libraries": sorted(libraries)}
    for lib in sorted(libraries):
        if "openblas" in lib:
            try:
                ob = ctypes.CDLL(lib)
                ob.openblas_get_config.restype = ctypes.c_char_p
                ob.openblas_get_corename.restype = ctypes.c_char_p
                info["openblas_config"] = ob.openblas_get_config().decode()
                info["openblas_core"] = ob.openblas_get_corename().decode()
                info["openblas_threads"] = ob.openblas_get_num_threads()
            except (OSError, AttributeError):
                pass
            break
    return info


def run_children(args):
    """One child process per OPENBLAS_CORETYPE (it must be set before BLAS loads); per measurement the fastest wins."""
    import subprocess
    import tempfile
    merged = None
    for coretype in args.openblas_coretype.split(","):
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [sys.executable, os.path.abspath(__file__), "--openblas-coretype", coretype, "--out", out.name]
            if args.quick:
                command.append("--quick")
            if args.only:
                command += ["--only", args.only]
            subprocess.run(command, check=True)
            with open(out.name) as f:
                child = json.load(f)
        label = child["configuration"]["blas"].get("openblas_core", coretype)
        if merged is None:
            merged = {"configuration": {k: v for k, v in child["configuration"].items() if k not in ("blas", "OPENBLAS_CORETYPE")},
                      "runs": [], "workloads": {}}
        merged["runs"].append({"OPENBLAS_CORETYPE": child["configuration"]["OPENBLAS_CORETYPE"], "blas": child["configuration"]["blas"],
                               "workloads": child["workloads"]})
        for name, entry in child["workloads"].items():
            target = merged["workloads"].setdefault(name, {})
            for kind, result in entry.items():
                if kind not in target or result["best_ns"] < target[kind]["best_ns"]:
                    target[kind] = {"best_ns": result["best_ns"], "best": f"{result['best']}; OpenBLAS core {label}"}
    return merged


def main():
    args = ARGS
    if "," in args.openblas_coretype:
        results = run_children(args)
        for name, entry in results["workloads"].items():
            print(f"best {name}: " + ", ".join(f"{k} {v['best_ns']:.0f} ns ({v['best']})" for k, v in entry.items()), file=sys.stderr)
        text = json.dumps(results, indent=2)
        if args.out:
            with open(args.out, "w") as f:
                f.write(text + "\n")
        else:
            print(text)
        return
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    results = {
        "configuration": {
            "torch": torch.__version__,
            "python": platform.python_version(),
            "threads": torch.get_num_threads(),
            "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "(unset: OpenBLAS chooses)"),
            "blas": blas_configuration(),
            "torch_config": [line.strip() for line in torch.__config__.show().splitlines() if "CPU capability" in line],
        },
        "workloads": {},
    }
    only = set(args.only.split(",")) if args.only else None
    for name, input_size, layers, loss in WORKLOADS:
        if only and name not in only:
            continue
        entry = {"forward": bench_forward(input_size, layers, loss, args),
                 "train": bench_train(input_size, layers, loss, 1, args)}
        if name == "W3":
            entry["batch32"] = bench_train(input_size, layers, loss, BATCH, args)
        for kind in list(entry):
            best = min(entry[kind], key=entry[kind].get)
            entry[kind] = {"best_ns": entry[kind][best], "best": best, "variants_ns": entry[kind]}
        results["workloads"][name] = entry
        print(f"{name}: " + ", ".join(f"{k} {v['best_ns']:.0f} ns ({v['best']})" for k, v in entry.items()), file=sys.stderr)

    text = json.dumps(results, indent=2)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
