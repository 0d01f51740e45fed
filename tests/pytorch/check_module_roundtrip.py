#!/usr/bin/python3
"""The way out to a cluster, checked: NetGen's generated PyTorch module sources run in PyTorch and round-trip weights.

HOW TO RUN (from the repository root, after `NETGEN_WRITE_FIXTURES=1 dotnet test tests/NetGen.Tests --filter PyTorchModuleTests`
has written the files; the test fails when a committed file is stale):

    /usr/bin/python3 tests/pytorch/check_module_roundtrip.py

Debian's python3-torch (PyTorch 1.13), no pip packages. For every tests/pytorch/modules/<Name>.py (the generated class's
PyTorchModule constant, written verbatim):

1. executes the source and builds the module <Name>();
2. when NetGen saved a file (<Name>.netgen.safetensors, seeded weights and batch-norm statistics): its tensor names are
   the module's state_dict() names in the same order, it loads with load_state_dict(..., strict=True), and the module's
   inference outputs (eval(), float64) on <Name>.netgen.json's inputs equal NetGen's Forward outputs within
   1e-5 + 1e-4·|y| (float32 rounding);
3. saves the module's own state_dict() (float32) as <Name>.pytorch.safetensors: NetGen's test PyTorchsFile_LoadsBack
   loads it into the C# class and finds the same parameters and statistics (the trip back).

For a streaming network (GRU, LSTM, causal Conv1D) <Name>.netgen.json has "sequence": true, its inputs are the frames of
one sequence and its outputs NetGen's ForwardSequence: the module runs them as a batch of one (batch, time, channels).

Sources without a NetGen file are built and run on a zero input (for a recurrent module: an unbatched sequence of 2 steps). The script exits with status 1 on any mismatch.
"""

import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_safetensors_fixtures import ROOT, read_safetensors, write_safetensors  # noqa: E402

MODULES = os.path.join(ROOT, "tests", "pytorch", "modules")
ABSOLUTE, RELATIVE = 1e-5, 1e-4


def build(name):
    with open(os.path.join(MODULES, name + ".py"), encoding="utf-8") as f:
        source = f.read()
    namespace = {"__name__": "netgen_" + name}
    exec(compile(source, name + ".py", "exec"), namespace)
    return namespace[name]()


def input_size(model):
    for module in model.modules():  # the first layer that reads the input, in registration order
        if isinstance(module, torch.nn.Linear):
            return module.in_features
        if isinstance(module, torch.nn.RNNBase):
            return module.input_size
        if isinstance(module, torch.nn.Conv1d):
            return module.in_channels
    raise ValueError("no nn.Linear, nn.GRU, nn.LSTM or nn.Conv1d to read the input size from")


def check(name):
    model = build(name).double().eval()
    state = model.state_dict()
    netgen = os.path.join(MODULES, name + ".netgen.safetensors")
    if not os.path.exists(netgen):
        with torch.no_grad():
            y = model(torch.zeros(2, input_size(model), dtype=torch.float64))
        return f"{name}: builds, {len(state)} tensors, forward of shape {tuple(y.shape)} (no NetGen file)"
    tensors, metadata = read_safetensors(netgen)
    assert list(tensors) == list(state), f"{name}: NetGen's tensors {list(tensors)} != the module's {list(state)}"
    model.load_state_dict(tensors, strict=True)
    with open(os.path.join(MODULES, name + ".netgen.json"), encoding="utf-8") as f:
        doc = json.load(f)
    x = torch.tensor(doc["inputs"], dtype=torch.float32).double()
    expected = torch.tensor(doc["outputs"], dtype=torch.float64)
    with torch.no_grad():
        # A streaming network's inputs are the frames of one sequence: a batch of one (batch, time, channels).
        actual = model(x.unsqueeze(0))[0] if doc.get("sequence") else model(x)
    error = (actual - expected).abs()
    tolerance = ABSOLUTE + RELATIVE * expected.abs()
    assert bool((error <= tolerance).all()), f"{name}: outputs differ by up to {error.max().item():.3g}"
    back = {k: (v.float() if v.is_floating_point() else v) for k, v in model.state_dict().items()}
    write_safetensors(os.path.join(MODULES, name + ".pytorch.safetensors"), back)
    architecture = (metadata or {}).get("netgen.architecture", "")
    return (f"{name}: {len(state)} tensors load strictly; outputs of {x.shape[0]} samples agree "
            f"(max error {error.max().item():.2e}); state_dict saved back ({len(architecture)}-char NetGen architecture in the file)")


def main():
    names = sorted(f[:-3] for f in os.listdir(MODULES) if f.endswith(".py"))
    assert names, f"no module sources in {MODULES}"
    failures = 0
    print(f"torch {torch.__version__}")
    for name in names:
        try:
            print("OK   " + check(name))
        except Exception as e:  # report every module, then fail
            failures += 1
            print(f"FAIL {name}: {type(e).__name__}: {e}")
    print(f"{len(names) - failures} of {len(names)} modules round-trip")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
