using NetGen;

namespace EmbeddedInference;

// One architecture, two trained models, both baked into the executable at compile time:
// 64 pixels (8×8, scaled to [0, 1]) → 32 ReLU → 10 softmax, the PyTorch twin being
// nn.Sequential(Linear(64, 32), ReLU(), Linear(32, 10), Softmax(dim=-1)).

/// <summary>Trained in PyTorch by tests/pytorch/make_safetensors_fixtures.py (Adam, 40 epochs).</summary>
[Network(Weights = "Models/digits-pytorch.weights.json")]
[Input(64)]
[Dense(32, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public sealed partial class DigitsFromPyTorch;

/// <summary>Trained in NetGen by tools/TrainDigits (Adam, 40 epochs).</summary>
[Network(Weights = "Models/digits-netgen.weights.json")]
[Input(64)]
[Dense(32, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public sealed partial class DigitsFromNetGen;
