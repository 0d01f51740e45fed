namespace NetGen.Tests;

// The networks of PyTorchModuleTests: each form of the generated PyTorchModule source and every layer kind.

/// <summary>nn.Sequential form: LeakyReLU's slope, PReLU's module (index 3), HardSwish, LogSoftmax.</summary>
[Network(Loss = Loss.NegativeLogLikelihood)]
[Input(5)]
[Dense(6, Activation.LeakyReLU, NegativeSlope = 0.2f)]
[Dense(4, Activation.PReLU)]
[Dense(3, Activation.HardSwish)]
[Dense(2, Activation.LogSoftmax)]
public sealed partial class RtSequential;

/// <summary>nn.Module form: dotted names in a container, batch norm with its statistics, dropout, an unnamed PReLU layer.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(6)]
[Dense(8, Activation.ReLU, Name = "encoder.fc1")]
[BatchNorm(Activation.Tanh, Name = "encoder.norm")]
[Dropout(0.25)]
[Dense(5, Activation.PReLU)]
[Dense(3, Activation.Softmax, Name = "head")]
public sealed partial class RtMixedNamed;

/// <summary>An image input: convolutions (padding, stride), both poolings, flatten; a named convolution.</summary>
#pragma warning disable NG2106 // intended: the 9-row input leaves one row out of the 2×2 pooling, as PyTorch rounds down; the round trip checks the same
[Network(Loss = Loss.CrossEntropy)]
[Input(2, 9, 8)]
[Conv2D(4, 3, Activation.ReLU, Padding = 1)]
[MaxPool2D(2)]
[Conv2D(3, 2, Activation.Tanh, Stride = 2)]
[AvgPool2D(2, Stride = 1)]
[Flatten]
[Dense(3, Activation.Softmax)]
public sealed partial class RtCnn;
#pragma warning restore NG2106

/// <summary>A signal input: a dilated, padded Conv1D, per-channel batch norm, both 1-D poolings, global average pooling, flatten.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(2, 18)]
[Conv1D(4, 3, Activation.ReLU, Padding = 1, Dilation = 2)]
[BatchNorm]
[MaxPool1D(2)]
[Conv1D(3, 2, Activation.Tanh, Stride = 2)]
[AvgPool1D(2, Stride = 1)]
[GlobalAvgPool]
[Flatten]
[Dense(3, Activation.Softmax)]
public sealed partial class RtSignal;

/// <summary>Step and Sign, which PyTorch has no module for: the source defines them.</summary>
[Network]
[Input(3)]
[Dense(4, Activation.Step)]
[Dense(2, Activation.Sign)]
public sealed partial class RtStepSign;

/// <summary>
/// Issue 10b: a streaming network with causal convolutions around a GRU; its module is one sequence (batch, time, channels),
/// so the script feeds it NetGen's frames as one sequence and compares ForwardSequence's outputs.
/// </summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(2)]
[Conv1D(4, 3, Activation.Tanh)]
[GRU(3)]
[Conv1D(3, 2, Activation.ReLU, Dilation = 2)]
[Dense(1)]
public sealed partial class RtCausal;
