namespace NetGen.Tests;

// issue 13: networks with [Normalization] (NormalizationTests, PyTorchModuleTests).

/// <summary>Normalization before unrolled Dense layers (registers), softmax and cross-entropy.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(3)]
[Normalization]
[Dense(4, Activation.Tanh)]
[Dense(2, Activation.Softmax)]
public sealed partial class NormalizedNet;

/// <summary><see cref="NormalizedNet"/> without the normalization: the same θ layout, fed by hand-normalised inputs.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(3)]
[Dense(4, Activation.Tanh)]
[Dense(2, Activation.Softmax)]
public sealed partial class NormalizedNetTwin;

/// <summary>Normalization before blocked (tiled) Dense layers, squared error.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(20)]
[Normalization]
[Dense(24, Activation.ReLU)]
[Dense(1)]
public sealed partial class NormalizedWideNet;

/// <summary>A named normalization (tensors <c>scale.running_mean</c>, <c>scale.running_var</c>): the nn.Module form of PyTorchModule.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(4)]
[Normalization(Name = "scale")]
[Dense(5, Activation.ReLU)]
[Dense(3, Activation.Softmax, Name = "head")]
public sealed partial class RtNormalized;

/// <summary>Inference only, the normalization alone: Forward writes the output directly.</summary>
[Network]
[Input(2)]
[Normalization]
public sealed partial class NormalizationOnly;

/// <summary>
/// <see cref="NormalizedNet"/> with weights and an adapted mean and variance embedded from a weights file (exact eighths and
/// sixteenths): the parameterless constructor is adapted.
/// </summary>
[Network(Loss = Loss.CrossEntropy, Weights = "normalized_net.weights.json")]
[Input(3)]
[Normalization]
[Dense(4, Activation.Tanh)]
[Dense(2, Activation.Softmax)]
public sealed partial class EmbeddedNormalizedNet;
