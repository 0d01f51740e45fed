namespace NetGen.Tests;

// The per-channel batch-norm networks of tests/pytorch/make_cnn_fixtures.py (the same layers, in the same order).

/// <summary>BatchNorm2d after each convolution (one with ReLU), max pooling between.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(2, 8, 6)]
[Conv2D(4, 3, Padding = 1)]
[BatchNorm(Activation.ReLU)]
[MaxPool2D(2)]
[Conv2D(3, 2)]
[BatchNorm]
[Flatten]
[Dense(3, Activation.Softmax)]
public sealed partial class BatchNormCnn;

/// <summary>BatchNorm1d on a signal after a Conv1D, then global average pooling.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(3, 10)]
[Conv1D(4, 3, Padding = 1)]
[BatchNorm(Activation.Tanh)]
[GlobalAvgPool]
[Flatten]
[Dense(2)]
public sealed partial class BatchNormConv1D;

/// <summary>BatchNorm2d on the input image (layer 1: nothing to propagate before it).</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(2, 5, 5)]
[BatchNorm]
[Conv2D(2, 3, Activation.Sigmoid)]
[Flatten]
[Dense(2)]
public sealed partial class BatchNormFirst;

/// <summary>Dropout after a convolution and after a pooling layer (element-wise on the C×H×W values).</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(2, 6, 6)]
[Conv2D(3, 3, Activation.ReLU)]
[Dropout(0.5)]
[MaxPool2D(2)]
[Dropout(0.25)]
[Flatten]
[Dense(2)]
public sealed partial class ConvDropout;

/// <summary><see cref="ConvDropout"/> without its dropout layers (the same θ layout).</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(2, 6, 6)]
[Conv2D(3, 3, Activation.ReLU)]
[MaxPool2D(2)]
[Flatten]
[Dense(2)]
public sealed partial class ConvNoDropout;

/// <summary>Named modules on the 1-D kinds and a per-channel batch norm (PyTorch's <c>self.conv1 = nn.Conv1d(…)</c>).</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(2, 12)]
[Conv1D(3, 3, Name = "conv1")]
[BatchNorm(Activation.ReLU, Name = "bn1")]
[MaxPool1D(2, Name = "pool")]
[GlobalAvgPool(Name = "gap")]
[Flatten]
[Dense(2, Name = "head")]
public sealed partial class NamedSignalNet;
