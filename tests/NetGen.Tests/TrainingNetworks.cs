// S6's and S7's networks (MnistMlp, KerasMlp) are the ones declared in examples/Scenarios/Scenarios.cs, which other tests use too.
global using KerasMlp = Scenarios.KerasMlp;
global using MnistMlp = Scenarios.MnistMlp;

namespace NetGen.Tests;

// Networks for the training tests (optimizer, batch-norm and regularisation fixtures in Fixtures/pytorch-training,
// made by tests/pytorch/make_training_fixtures.py).

[Network(Loss = Loss.CrossEntropy)]
[Input(4)]
[Dense(6, Activation.Tanh)]
[Dense(3, Activation.Softmax)]
public sealed partial class OptimizerNet;

[Network(Loss = Loss.CrossEntropy)]
[Input(4)]
[Dense(5)]
[BatchNorm(Activation.ReLU)]
[Dense(3, Activation.Softmax)]
public sealed partial class BatchNormReluSoftmax;

// Two independent yes/no outputs (multi-label), so binary cross-entropy over both is intended (NG3003 asks to confirm).
#pragma warning disable NG3003
[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(3)]
[BatchNorm(Momentum = 0.2, Epsilon = 1e-3)]
[Dense(2, Activation.Sigmoid)]
#pragma warning restore NG3003
public sealed partial class BatchNormInputCustom;

/// <summary>Dropout between two wide layers, for the statistics of the masks.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(200)]
[Dropout(0.3)]
[Dense(2)]
public sealed partial class InputDropoutNet;

/// <summary>Dropout and batch norm around a hidden layer, to compare BackwardBatch with Backward in inference mode.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(5)]
[Dense(7, Activation.Tanh)]
[Dropout(0.25)]
[Dense(6)]
[BatchNorm(Activation.LeakyReLU, NegativeSlope = 0.1f)]
[Dense(4, Activation.Softmax)]
public sealed partial class MixedTrainingNet;

/// <summary>S3 for the trainer: linear regression ŷ = w·x + b, mean squared error.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(1)]
[Dense(1)]
public sealed partial class LinearRegressionMean;

/// <summary>One layer per initialisation choice, wide enough for statistics.</summary>
[Network]
[Input(400)]
[Dense(300, Init = WeightInit.XavierUniform)]
[Dense(300, Init = WeightInit.XavierNormal)]
[Dense(300, Activation.ReLU, Init = WeightInit.HeUniform)]
[Dense(300, Activation.LeakyReLU, NegativeSlope = 0.2f, Init = WeightInit.HeNormal)]
[Dense(300, Init = WeightInit.Uniform, InitScale = 0.1f)]
[Dense(300, Init = WeightInit.Normal)]
public sealed partial class InitChoices;

/// <summary>Identity layers with an absolute-error loss: huge inputs give a finite loss but overflowing gradients.</summary>
[Network(Loss = Loss.MeanAbsoluteError)]
[Input(2)]
[Dense(3)]
[Dense(1)]
public sealed partial class LinearMaeNet;
