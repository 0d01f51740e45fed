#!/usr/bin/python3
"""Issue 12's proof: a PyTorch model written the way PyTorch users write it -- a named nn.Module with ELU and SiLU inside --
trained here, saved as safetensors, for NetGen to load into the equivalent class with layer Names.
(Its own folder: Fixtures/safetensors holds the nn.Sequential fixtures, each with a declared NetGen twin.)

HOW TO RUN (from the repository root):

    /usr/bin/python3 tests/pytorch/make_named_module_fixture.py

Deterministic (fixed seeds; re-running on the same PyTorch build rewrites identical files). Writes, into
tests/NetGen.Tests/Fixtures/pytorch-named/:

  named_elu_silu.pytorch.safetensors   model.state_dict() of NamedEluSilu below (fc1.*, fc2.*, head.*), no NetGen metadata
  named_elu_silu.pytorch.json          {module_source, tensor_names, shapes, inputs, outputs, train_accuracy}: outputs
                                       computed by PyTorch in float64 from the float32 weights for float32 inputs

The NetGen twin (declared in the tests):

    [Network(Loss = Loss.CrossEntropy)]   // or inference only
    [Input(4)]
    [Dense(16, Activation.ELU, Name = "fc1")]
    [Dense(12, Activation.SiLU, Name = "fc2")]
    [Dense(3, Name = "head")]
    public sealed partial class NamedEluSilu;

NetGen -> PyTorch: when NetGen's tests have written named_elu_silu.netgen.safetensors (NETGEN_WRITE_FIXTURES=1), this script
also loads it with load_state_dict(strict=True) into NamedEluSilu and writes named_elu_silu.netgen.json = {sha256, metadata,
inputs, outputs}, as make_safetensors_fixtures.py does for the Sequential fixtures.

The training task: 3 classes of points in the square [-2, 2]^2 (x0, x1) plus two noise features (x2, x3), labelled by
which of three fixed centres is nearest; 600 points, Adam (lr 0.01), 300 full-batch epochs of cross-entropy on the logits.
"""

import hashlib
import inspect
import json
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_safetensors_fixtures import ROOT, outputs64, read_safetensors, write_safetensors  # noqa: E402

FIXTURES = os.path.join(ROOT, "tests", "NetGen.Tests", "Fixtures", "pytorch-named")

NAME = "named_elu_silu"
SAMPLES = 6


class NamedEluSilu(nn.Module):
    """Named layers, as nearly every PyTorch model is written (not nn.Sequential)."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 16)
        self.act1 = nn.ELU()
        self.fc2 = nn.Linear(16, 12)
        self.act2 = nn.SiLU()
        self.head = nn.Linear(12, 3)

    def forward(self, x):
        return self.head(self.act2(self.fc2(self.act1(self.fc1(x)))))


def dataset(n=600):
    g = torch.Generator().manual_seed(2012)
    x = (torch.rand(n, 4, generator=g) * 4 - 2).to(torch.float32)
    centres = torch.tensor([[-1.0, -1.0], [1.2, 0.0], [-0.5, 1.3]])
    d = ((x[:, None, :2] - centres[None, :, :]) ** 2).sum(-1)
    return x, d.argmin(1)


def train(model):
    x, y = dataset()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(300):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        accuracy = (model(x).argmax(1) == y).double().mean().item()
    return accuracy, float(loss)


def inputs():
    g = torch.Generator().manual_seed(2013)
    return (torch.rand(SAMPLES, 4, generator=g) * 4 - 2).to(torch.float32)


def main():
    torch.manual_seed(12)
    model = NamedEluSilu()
    accuracy, loss = train(model)
    assert accuracy > 0.9, f"training reached only {accuracy:.3f}"
    state = model.state_dict()
    assert list(state) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "head.weight", "head.bias"], list(state)
    os.makedirs(FIXTURES, exist_ok=True)
    path = os.path.join(FIXTURES, f"{NAME}.pytorch.safetensors")
    write_safetensors(path, state)
    back, metadata = read_safetensors(path)
    assert metadata is None and all(torch.equal(back[k], v) for k, v in state.items())
    x = inputs()
    doc = {"name": NAME, "torch_version": torch.__version__, "module_source": inspect.getsource(NamedEluSilu),
           "tensor_names": list(state), "shapes": [list(v.shape) for v in state.values()],
           "train_accuracy": accuracy, "train_loss": loss,
           "inputs": x.double().tolist(), "outputs": outputs64(model, x).tolist()}
    with open(os.path.join(FIXTURES, f"{NAME}.pytorch.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"{NAME}: trained to accuracy {accuracy:.4f} (loss {loss:.4f}); wrote {os.path.relpath(path, ROOT)}")

    netgen = os.path.join(FIXTURES, f"{NAME}.netgen.safetensors")
    if not os.path.exists(netgen):
        print(f"  {os.path.relpath(netgen, ROOT)} not written yet (NETGEN_WRITE_FIXTURES=1 dotnet test tests/NetGen.Tests); skipped")
        return
    tensors, metadata = read_safetensors(netgen)
    twin = NamedEluSilu()
    twin.load_state_dict(tensors, strict=True)
    with open(netgen, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    out = {"name": NAME, "torch_version": torch.__version__, "sha256": digest, "metadata": metadata,
           "inputs": x.double().tolist(), "outputs": outputs64(twin, x).tolist()}
    with open(os.path.join(FIXTURES, f"{NAME}.netgen.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"  NetGen's file loads into NamedEluSilu with strict=True")


if __name__ == "__main__":
    main()
