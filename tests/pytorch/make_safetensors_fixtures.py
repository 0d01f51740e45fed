#!/usr/bin/python3
"""Safetensors interop fixtures (PyTorch <-> NetGen) and the PyTorch-trained digits model.

HOW TO RUN (from the repository root):

    /usr/bin/python3 tests/pytorch/make_safetensors_fixtures.py

Debian's python3-torch (PyTorch 1.13) has no ``safetensors`` module, so this script reads and writes the format
itself (``write_safetensors`` / ``read_safetensors`` below, following the published format: an 8-byte
little-endian header length N, N bytes of JSON padded with spaces, then the raw little-endian tensor bytes).
It is deterministic: re-running it rewrites every file byte-identically.

WHAT IT WRITES

1. PyTorch -> NetGen, into tests/NetGen.Tests/Fixtures/safetensors/:
     <name>.pytorch.safetensors   the state dict of an nn.Sequential trained here for a few SGD steps
     <name>.pytorch.weights.json  the same weights in NetGen's embeddable JSON
     <name>.pytorch.json          {sequential, tensor_names, shapes, inputs, outputs}: outputs computed by
                                  PyTorch (float64 from the float32 weights) for float32 inputs
   NetGen's test loads the .safetensors into the equivalent NetGen network and compares Forward with "outputs".

2. NetGen -> PyTorch: <name>.netgen.safetensors is written by NetGen's test suite
   (NETGEN_WRITE_FIXTURES=1 dotnet test tests/NetGen.Tests, from a fixed parameter formula); this script loads it
   with ``load_state_dict(strict=True)`` into the nn.Sequential (exact names and shapes, nothing missing or extra),
   and writes <name>.netgen.json = {sha256 of the file, inputs, outputs}. NetGen's test checks that the sha256 still
   matches its own output and that its Forward equals PyTorch's outputs.

3. The digits model for examples/EmbeddedInference: Sequential(Linear(64, 32), ReLU, Linear(32, 10), Softmax),
   trained with Adam on examples/Digits/data/digits.csv.gz (test rows: i % 5 == 0), written to
   examples/EmbeddedInference/Models/digits-pytorch.{safetensors,weights.json}.

NAMING (NetGen's contract, see NetGen.ParameterTensor)

Each NetGen [Dense(units, activation)] is nn.Linear followed by the activation's module; Identity adds no module.
So the Sequential indices count activation modules: [Dense(8, ReLU)][Dense(5)][Dense(3, Softmax)] is
Sequential(Linear, ReLU, Linear, Linear, Softmax) with tensors 0.weight, 0.bias, 2.weight, 2.bias, 3.weight,
3.bias. Step and Sign have no torch module; the small Step/Sign modules below stand in for them.
"""

import gzip
import hashlib
import json
import os
import struct
import zlib

import numpy as np
import torch
from torch import nn

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "tests", "NetGen.Tests", "Fixtures", "safetensors")
MODELS = os.path.join(ROOT, "examples", "EmbeddedInference", "Models")
DIGITS = os.path.join(ROOT, "examples", "Digits", "data", "digits.csv.gz")

DTYPES = {"F64": (np.dtype("<f8"), 8), "F32": (np.dtype("<f4"), 4), "F16": (np.dtype("<f2"), 2),
          "I64": (np.dtype("<i8"), 8), "I32": (np.dtype("<i4"), 4), "I16": (np.dtype("<i2"), 2),
          "I8": (np.dtype("i1"), 1), "U8": (np.dtype("u1"), 1), "BOOL": (np.dtype("?"), 1)}
TORCH_DTYPES = {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.int64: "I64",
                torch.int32: "I32", torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8", torch.bool: "BOOL"}


# ---------------------------------------------------------------------------------------------------------------
# safetensors, by hand
# ---------------------------------------------------------------------------------------------------------------

def write_safetensors(path, tensors, metadata=None):
    """Write {name: tensor} in key order, like safetensors.torch.save_file (header padded with spaces to 8 bytes)."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = dict(metadata)
    for name, tensor in tensors.items():
        dtype = TORCH_DTYPES[tensor.dtype]
        data = tensor.detach().contiguous().numpy().astype(DTYPES[dtype][0], copy=False).tobytes()
        header[name] = {"dtype": dtype, "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def read_safetensors(path, max_header=16 * 1024 * 1024):
    """Read a safetensors file strictly: the same structural rules NetGen's reader enforces."""
    with open(path, "rb") as f:
        raw = f.read()
    assert len(raw) >= 8, f"{path}: shorter than the 8-byte header length"
    (n,) = struct.unpack("<Q", raw[:8])
    assert n <= max_header, f"{path}: header of {n} bytes is too large"
    assert 8 + n <= len(raw), f"{path}: truncated header"
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", None)
    data = raw[8 + n:]
    expected, tensors = 0, {}
    for name, info in sorted(header.items(), key=lambda kv: tuple(kv[1]["data_offsets"])):
        begin, end = info["data_offsets"]
        assert begin == expected, f"{path}: tensor {name} starts at {begin}, expected {expected} (hole or overlap)"
        np_dtype, size = DTYPES[info["dtype"]]
        count = int(np.prod(info["shape"], dtype=np.int64))
        assert end - begin == count * size, f"{path}: tensor {name} byte range does not match its shape"
        array = np.frombuffer(data[begin:end], dtype=np_dtype).reshape(info["shape"])
        tensors[name] = torch.from_numpy(array.copy())
        expected = end
    assert expected == len(data), f"{path}: data section has {len(data)} bytes, header covers {expected}"
    return tensors, metadata


def write_netgen_json(path, state_dict):
    """NetGen's embeddable weight JSON (the layout NetGen.IO.WeightsJson writes: one line per innermost row)."""
    lines = ["{", '  "format": "netgen-weights",', '  "version": 1,', '  "tensors": [']
    entries = []
    for name, tensor in state_dict.items():
        values = tensor.detach().to(torch.float32).reshape(-1).tolist()
        row = tensor.shape[-1] if tensor.dim() > 0 else 1
        rows = [", ".join(repr(float(v)) for v in values[i:i + row]) for i in range(0, len(values), row)]
        shape = "[" + ", ".join(str(d) for d in tensor.shape) + "]"
        entries.append(f'    {{ "name": {json.dumps(name)}, "dtype": "F32", "shape": {shape}, "data": [\n      '
                       + ",\n      ".join(rows) + "\n    ] }")
    lines.append(",\n".join(entries))
    lines += ["  ]", "}"]
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


def read_netgen_json(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    assert doc["format"] == "netgen-weights" and doc["version"] == 1
    return {t["name"]: torch.tensor(t["data"], dtype=torch.float32).reshape(t["shape"]) for t in doc["tensors"]}


# ---------------------------------------------------------------------------------------------------------------
# NetGen layers as nn.Sequential
# ---------------------------------------------------------------------------------------------------------------

class Step(nn.Module):
    """NetGen's Step: heaviside(z, 0), 1 where z > 0, else 0."""

    def forward(self, z):
        return torch.heaviside(z, torch.zeros((), dtype=z.dtype))


class Sign(nn.Module):
    """NetGen's Sign: torch.sign, sign(0) = 0."""

    def forward(self, z):
        return torch.sign(z)


def activation_module(name, slope):
    return {"ReLU": lambda: nn.ReLU(), "Tanh": lambda: nn.Tanh(), "Sigmoid": lambda: nn.Sigmoid(),
            "GELU": lambda: nn.GELU(), "LeakyReLU": lambda: nn.LeakyReLU(slope),
            "Softmax": lambda: nn.Softmax(dim=-1), "Step": Step, "Sign": Sign}[name]()


def layer_kind(layer):
    """Layers are (units, activation, slope) for Dense, ("Dropout", p) or ("BatchNorm", activation)."""
    return layer[0] if isinstance(layer[0], str) else "Dense"


def sequential(input_size, layers):
    """NetGen layers -> nn.Sequential: Linear / Dropout / BatchNorm1d, each followed by its activation module unless Identity."""
    modules, previous = [], input_size
    for layer in layers:
        kind = layer_kind(layer)
        if kind == "Dropout":
            modules.append(nn.Dropout(layer[1]))
            continue
        if kind == "BatchNorm":
            modules.append(nn.BatchNorm1d(previous))  # eps 1e-5, momentum 0.1: NetGen's defaults
            activation, slope = layer[1], 0.01
        else:
            units, activation, slope = layer
            modules.append(nn.Linear(previous, units))
            previous = units
        if activation != "Identity":
            modules.append(activation_module(activation, slope))
    return nn.Sequential(*modules)


def expected_names(layers):
    """NetGen's tensor names (NetGen.IO.StateDict) and PyTorch's extra batch-norm counters."""
    names, counters, index = [], [], 0
    for layer in layers:
        kind = layer_kind(layer)
        if kind == "Dense":
            names += [f"{index}.weight", f"{index}.bias"]
        elif kind == "BatchNorm":
            names += [f"{index}.weight", f"{index}.bias", f"{index}.running_mean", f"{index}.running_var"]
            counters.append(f"{index}.num_batches_tracked")
        activation = "Identity" if kind == "Dropout" else layer[1]
        index += 1 if activation == "Identity" else 2
    return names, counters


def pre_activations(model, x):
    """Every Linear output, to keep samples away from the kinks of ReLU/LeakyReLU/Step/Sign."""
    out, h = [], x
    for module in model:
        h = module(h)
        if isinstance(module, nn.Linear):
            out.append(h)
    return out


# name, input size, layers (units, activation, negative slope); the C# twins are in SafeTensorsNetworks.cs
NETWORKS = [
    ("st_relu_identity_softmax", 6, [(8, "ReLU", 0.01), (5, "Identity", 0.01), (3, "Softmax", 0.01)]),
    ("st_tanh_sigmoid", 3, [(4, "Tanh", 0.01), (2, "Sigmoid", 0.01)]),
    ("st_gelu_leaky_sign", 4, [(6, "GELU", 0.01), (5, "LeakyReLU", 0.2), (3, "Sign", 0.01)]),
    ("st_batchnorm_dropout", 4, [(6, "ReLU", 0.01), ("Dropout", 0.3), ("BatchNorm", "Tanh"), (2, "Sigmoid", 0.01)]),
]
SAMPLES = 5


def draw_inputs(name, model, input_size):
    """SAMPLES float32 inputs in [-2, 2), redrawn until every Linear output is more than 1e-3 from 0 (ReLU/Sign kinks)."""
    gen = torch.Generator().manual_seed(zlib.crc32((name + ".inputs").encode()))
    model.eval()
    rows = []
    while len(rows) < SAMPLES:
        x = (torch.rand(input_size, generator=gen) * 4 - 2).to(torch.float32)
        with torch.no_grad():
            zs = pre_activations(model.double(), x.double().unsqueeze(0))
        model.float()
        if all(z.abs().min().item() > 1e-3 for z in zs):
            rows.append(x)
    return torch.stack(rows)


def outputs64(model, inputs):
    """Inference-mode outputs (dropout off, batch norm on running statistics) in float64."""
    model.eval()
    with torch.no_grad():
        y = model.double()(inputs.double())
    model.float()
    return y


def train_briefly(name, model, input_size, output_size):
    """A few SGD steps on random regression data, so that the weights are genuinely PyTorch-trained."""
    gen = torch.Generator().manual_seed(zlib.crc32((name + ".train").encode()))
    x = torch.rand(32, input_size, generator=gen) * 2 - 1
    y = torch.rand(32, output_size, generator=gen)
    model.train()  # dropout active, batch norm on batch statistics, updating its running statistics
    # Sign/Step have zero gradient: train the part before the last activation.
    body = model[:-1] if isinstance(model[-1], (Sign, Step)) else model
    optimizer = torch.optim.SGD(body.parameters(), lr=0.1)
    for _ in range(20):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(body(x), y)
        loss.backward()
        optimizer.step()


def to_list(t):
    return [[float(v) for v in row] for row in t.tolist()]


def pytorch_to_netgen(name, input_size, layers):
    torch.manual_seed(zlib.crc32(name.encode()))
    model = sequential(input_size, layers)
    train_briefly(name, model, input_size, layers[-1][0])
    state = model.state_dict()
    names, counters = expected_names(layers)
    assert sorted(state.keys()) == sorted(names + counters), (list(state.keys()), names, counters)
    assert [k for k in state.keys() if k not in counters] == names, list(state.keys())

    st_path = os.path.join(FIXTURES, f"{name}.pytorch.safetensors")
    write_safetensors(st_path, state, {"format": "pt"})
    back, _ = read_safetensors(st_path)
    fresh = sequential(input_size, layers)
    fresh.load_state_dict(back, strict=True)
    for key in names + counters:
        assert torch.equal(back[key], state[key]), key
    json_path = os.path.join(FIXTURES, f"{name}.pytorch.weights.json")
    write_netgen_json(json_path, {k: v for k, v in state.items() if k not in counters})
    for key, value in read_netgen_json(json_path).items():
        assert torch.equal(value, state[key]), key

    inputs = draw_inputs(name, model, input_size)
    outputs = outputs64(model, inputs)
    assert torch.allclose(outputs64(fresh, inputs), outputs, rtol=0, atol=0)
    doc = {
        "name": name,
        "torch_version": torch.__version__,
        "sequential": str(model),
        "tensor_names": names,
        "shapes": [list(state[n].shape) for n in names],
        "inputs": to_list(inputs),
        "outputs": to_list(outputs),
    }
    with open(os.path.join(FIXTURES, f"{name}.pytorch.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    return model, inputs


def netgen_to_pytorch(name, input_size, layers):
    path = os.path.join(FIXTURES, f"{name}.netgen.safetensors")
    if not os.path.exists(path):
        print(f"  {name}: {os.path.relpath(path, ROOT)} missing; run NETGEN_WRITE_FIXTURES=1 dotnet test tests/NetGen.Tests first")
        return
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    tensors, metadata = read_safetensors(path)
    model = sequential(input_size, layers)
    model.load_state_dict(tensors, strict=True)  # exact names and shapes; a missing or extra tensor raises
    inputs = draw_inputs(name + ".netgen", model, input_size)  # away from this model's kinks
    outputs = outputs64(model, inputs)
    doc = {"name": name, "torch_version": torch.__version__, "sha256": digest, "metadata": metadata,
           "inputs": to_list(inputs), "outputs": to_list(outputs)}
    with open(os.path.join(FIXTURES, f"{name}.netgen.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"  {name}: NetGen's file loads into {type(model).__name__} with strict=True")


# ---------------------------------------------------------------------------------------------------------------
# The digits model for examples/EmbeddedInference
# ---------------------------------------------------------------------------------------------------------------

def load_digits():
    with gzip.open(DIGITS, "rt") as f:
        rows = [[int(v) for v in line.split(",")] for line in f if line.strip()]
    data = torch.tensor(rows, dtype=torch.float32)
    x, y = data[:, :64] / 16.0, data[:, 64].to(torch.int64)
    test = torch.arange(len(rows)) % 5 == 0
    return x[~test], y[~test], x[test], y[test]


def train_digits():
    x_train, y_train, x_test, y_test = load_digits()
    torch.manual_seed(zlib.crc32(b"digits"))
    model = sequential(64, [(32, "ReLU", 0.01), (10, "Softmax", 0.01)])
    model.train()
    logits = model[:-1]  # CrossEntropyLoss takes logits: softmax + cross-entropy, as NetGen fuses them
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    gen = torch.Generator().manual_seed(zlib.crc32(b"digits.shuffle"))
    for _ in range(40):
        order = torch.randperm(len(x_train), generator=gen)
        for i in range(0, len(order), 32):
            batch = order[i:i + 32]
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(logits(x_train[batch]), y_train[batch])
            loss.backward()
            optimizer.step()
    model.eval()
    with torch.no_grad():
        accuracy = (model(x_test).argmax(dim=1) == y_test).float().mean().item()
    state = model.state_dict()
    os.makedirs(MODELS, exist_ok=True)
    write_safetensors(os.path.join(MODELS, "digits-pytorch.safetensors"), state,
                      {"format": "pt", "test_accuracy": f"{accuracy:.4f}"})
    write_netgen_json(os.path.join(MODELS, "digits-pytorch.weights.json"), state)
    print(f"  digits: test accuracy {accuracy:.4f} on {len(y_test)} rows")
    assert accuracy >= 0.95, accuracy


def main():
    torch.set_num_threads(1)
    os.makedirs(FIXTURES, exist_ok=True)
    print("PyTorch -> NetGen and NetGen -> PyTorch fixtures:")
    for name, input_size, layers in NETWORKS:
        pytorch_to_netgen(name, input_size, layers)
        netgen_to_pytorch(name, input_size, layers)
    print("Digits model:")
    train_digits()


if __name__ == "__main__":
    main()
