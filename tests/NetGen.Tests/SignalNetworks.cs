namespace NetGen.Tests;

// The 1-D and global-pooling networks of tests/pytorch/make_cnn_fixtures.py (the same layers, in the same order).

/// <summary>Padding, max pooling, dilation 2, overlapping average pooling, several channels.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(2, 24)]
[Conv1D(4, 3, Activation.Tanh, Padding = 1)]
[MaxPool1D(2)]
[Conv1D(3, 3, Activation.ReLU, Dilation = 2)]
[AvgPool1D(2, Stride = 1)]
[Flatten]
[Dense(3, Activation.Softmax)]
public sealed partial class Conv1DStack;

/// <summary>Stride 3, padding 2, dilation 2 (the im2col form), odd sizes, overlapping max pooling, global average pooling.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(3, 17)]
[Conv1D(5, 4, Activation.LeakyReLU, Stride = 3, Padding = 2, Dilation = 2)]
[MaxPool1D(3, Stride = 2)]
[GlobalAvgPool]
[Flatten]
[Dense(2)]
public sealed partial class StridedConv1D;

/// <summary>One Conv1D alone: the first and last layer, its output the network's (3 × 12 values).</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(2, 9)]
[Conv1D(3, 2, Activation.Sigmoid, Padding = 2)]
public sealed partial class Conv1DAlone;

/// <summary>Average pooling on the input (nothing to propagate before it), a 1-tap convolution.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(2, 12)]
[AvgPool1D(3)]
[Conv1D(2, 1, Activation.Tanh)]
[Flatten]
[Dense(2)]
public sealed partial class Pool1DFirst;

/// <summary>Global average pooling of an image (C × 1 × 1).</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(3, 8, 8)]
[Conv2D(6, 3, Activation.ReLU, Padding = 1)]
[GlobalAvgPool]
[Flatten]
[Dense(4, Activation.Softmax)]
public sealed partial class GapCnn;
