#!/usr/bin/python3
"""PyTorch side of NetGen's LeNet-5 benchmark (issue 9), timed the way the C# side times it.

HOW TO RUN (``dotnet run -c Release --project benchmarks/NetGen.Benchmarks -- lenet`` does this for you):

    /usr/bin/python3 benchmarks/pytorch/bench_lenet.py [--out results.json] [--quick] [--threads 1,2]

Debian's python3-torch (PyTorch 1.13). LeNet-5 as declared in issue 9 (Conv2d 1→6 5×5 padding 2, ReLU, MaxPool 2,
Conv2d 6→16 5×5, ReLU, MaxPool 2, Flatten, Linear 400→120, ReLU, Linear 120→84, ReLU, Linear 84→10) on synthetic 28×28
inputs. PyTorch gets its best, separately for each measurement:

* threads: each thread count in ``--threads`` (``torch.set_num_threads``), the best kept and reported;
* forward of one image: eager under ``torch.inference_mode`` and TorchScript
  (``torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.script(model)))``), the network ending in logits
  (NetGen's ends in softmax, which only adds work on NetGen's side);
* training step on a batch of 32: ``zero_grad(set_to_none=True)``, forward, ``CrossEntropyLoss`` on logits with class
  indices, backward, ``SGD.step`` — eager and ``torch.jit.script`` modules, SGD ``foreach`` off and on.

Timing is the C# side's (``Quick.FastestNanoseconds``): a warm-up that counts calls, then 100 rounds of calls/200 calls;
the time of a call is the fastest round's mean (robust to a shared machine, the same for both sides).
Results in nanoseconds per image (the training step's time divided by 32).
"""
import argparse
import json
import os
import platform
import sys
import time

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--out", help="write the results as JSON to this file")
parser.add_argument("--quick", action="store_true", help="short blocks (a smoke test, noisy)")
parser.add_argument("--threads", default="1,2", help="comma-separated thread counts to try (default 1,2)")
ARGS = parser.parse_args()
THREADS = [int(t) for t in ARGS.threads.split(",")]
os.environ.setdefault("OMP_NUM_THREADS", str(max(THREADS)))
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(max(THREADS)))

import torch  # noqa: E402  (after the thread variables)
import torch.nn as nn  # noqa: E402

WARMUP = 0.1 if ARGS.quick else 0.4
ROUNDS = 20 if ARGS.quick else 100


def lenet():
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def fastest(call):
    """Seconds per call, as the C# side's Quick.FastestNanoseconds: warm up for WARMUP seconds counting calls, then 100
    rounds of calls/200 calls each; the fastest round's mean."""
    start = time.perf_counter()
    calls = 0
    while time.perf_counter() - start < WARMUP:
        call()
        calls += 1
    per_round = max(1, calls // 200)
    best = float("inf")
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        for _ in range(per_round):
            call()
        best = min(best, (time.perf_counter() - t0) / per_round)
    return best


def forward_variants(x):
    model = lenet().eval()
    with torch.inference_mode():
        yield "eager", lambda: model(x)
    scripted = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.script(lenet().eval())))
    with torch.no_grad():
        yield "TorchScript", lambda: scripted(x)


def train_variants(x, y):
    loss_fn = nn.CrossEntropyLoss()
    for form in ("eager", "TorchScript"):
        for foreach in (False, True):
            model = lenet()
            module = torch.jit.script(model) if form == "TorchScript" else model
            opt = torch.optim.SGD(model.parameters(), lr=0.01, foreach=foreach)

            def step(module=module, opt=opt):
                opt.zero_grad(set_to_none=True)
                loss_fn(module(x), y).backward()
                opt.step()
            yield f"{form}, foreach={foreach}", step


def main():
    torch.manual_seed(0)
    one = torch.rand(1, 1, 28, 28)
    batch = torch.rand(32, 1, 28, 28)
    labels = torch.randint(0, 10, (32,))
    results = {"forward": None, "train32": None, "all": []}
    for threads in THREADS:
        torch.set_num_threads(threads)
        for name, call in forward_variants(one):
            with torch.inference_mode():
                ns = fastest(call) * 1e9
            results["all"].append(dict(measure="forward", threads=threads, variant=name, ns=ns))
            if results["forward"] is None or ns < results["forward"]["ns"]:
                results["forward"] = dict(threads=threads, variant=name, ns=ns)
        for name, call in train_variants(batch, labels):
            ns = fastest(call) * 1e9 / 32
            results["all"].append(dict(measure="train32", threads=threads, variant=name, ns=ns))
            if results["train32"] is None or ns < results["train32"]["ns"]:
                results["train32"] = dict(threads=threads, variant=name, ns=ns)
    results["configuration"] = dict(torch=torch.__version__, python=platform.python_version(), threads=THREADS,
                                    mkldnn=torch.backends.mkldnn.is_available(), cpu=platform.processor() or platform.machine())
    for r in results["all"]:
        print(f"  PyTorch {r['measure']:8} {r['threads']} thread(s) {r['variant']:28} {r['ns'] / 1000:9.2f} µs/image", file=sys.stderr)
    text = json.dumps(results, indent=1)
    if ARGS.out:
        with open(ARGS.out, "w") as f:
            f.write(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
