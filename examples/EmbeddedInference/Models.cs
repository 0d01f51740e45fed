using NetGen;

namespace EmbeddedInference;

// Two trained digit classifiers (64 pixels, 8×8 scaled to [0, 1] → 10 class probabilities), both baked into the
// executable at compile time.

/// <summary>
/// Trained in PyTorch by tests/pytorch/make_safetensors_fixtures.py (Adam, 40 epochs; test rows: i % 5 == 0):
/// nn.Sequential(Linear(64, 32), ReLU(), Linear(32, 10), Softmax(dim=-1)).
/// </summary>
[Network(Weights = "Models/digits-pytorch.weights.json")]
[Input(64)]
[Dense(32, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public sealed partial class DigitsFromPyTorch;

/// <summary>
/// Trained in NetGen by examples/Digits (`dotnet run --project examples/Digits -c Release -- --export …`; Adam, cosine
/// schedule, early stopping; test split: Dataset.Split(0.2, seed: 2024)). The same attributes as its DigitsNet; dropout
/// is the identity in inference. PyTorch twin: Sequential(Linear(64, 128), ReLU, Dropout(0.2), Linear(128, 64), ReLU,
/// Linear(64, 10), Softmax): tensors 0.*, 3.*, 5.*.
/// </summary>
[Network(Weights = "Models/digits-netgen.weights.json")]
[Input(64)]
[Dense(128, Activation.ReLU)]
[Dropout(0.2)]
[Dense(64, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public sealed partial class DigitsFromNetGen;
