namespace NetGen.Tests;

// Networks for data-parallel training (issue 9, "Training on every core").

/// <summary>An MLP wide enough that its gradient sums regroup visibly.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(20)]
[Dense(48, Activation.ReLU)]
[Dense(24, Activation.Tanh)]
[Dense(5, Activation.Softmax)]
public sealed partial class ParallelMlp;

/// <summary>A small LeNet-like CNN: convolution, pooling, convolution, flatten, dense.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(1, 12, 12)]
[Conv2D(4, 3, Activation.ReLU, Padding = 1)]
[MaxPool2D(2)]
[Conv2D(6, 3, Activation.ReLU)]
[Flatten]
[Dense(16, Activation.ReLU)]
[Dense(4, Activation.Softmax)]
public sealed partial class ParallelCnn;

/// <summary>Dropout between dense layers: each worker draws its own masks.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(6)]
[Dense(32, Activation.Tanh)]
[Dropout(0.3)]
[Dense(3)]
public sealed partial class ParallelDropoutMlp;

/// <summary>Per-feature batch norm: refused with more than one worker in training mode.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(4)]
[Dense(8)]
[BatchNorm(Activation.ReLU)]
[Dense(2)]
public sealed partial class ParallelBatchNormMlp;
