namespace NetGen.Tests;

// The convolutional networks of tests/pytorch/make_cnn_fixtures.py (the same layers, in the same order).

/// <summary>LeNet-5 as declared in issue 9.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(1, 28, 28)]
[Conv2D(6, 5, Activation.ReLU, Padding = 2)]
[MaxPool2D(2)]
[Conv2D(16, 5, Activation.ReLU)]
[MaxPool2D(2)]
[Flatten]
[Dense(120, Activation.ReLU)]
[Dense(84, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public sealed partial class LeNet5;

/// <summary>Stride 2 with padding 1 (the im2col form), several channels, overlapping average pooling, odd sizes.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(3, 9, 7)]
[Conv2D(4, 3, Activation.Tanh, Stride = 2, Padding = 1)]
[AvgPool2D(2, Stride = 1)]
[Conv2D(5, 2, Activation.Sigmoid)]
[Flatten]
[Dense(3, Activation.Softmax)]
public sealed partial class StridedCnn;

/// <summary>
/// Max pooling 3 × 3 at stride 2 that drops the last column (NG2106's warning, suppressed here: the fixture tests that
/// PyTorch drops it too), LeakyReLU, an identity output and MSE.
/// </summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(2, 11, 10)]
[Conv2D(3, 3, Activation.LeakyReLU)]
#pragma warning disable NG2106
[MaxPool2D(3, Stride = 2)]
#pragma warning restore NG2106
[Flatten]
[Dense(2)]
public sealed partial class OddCnn;
