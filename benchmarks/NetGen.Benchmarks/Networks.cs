using NetGen;

namespace NetGen.Benchmarks;

// The reference workloads, declared as a NetGen user would declare them. The naive and TensorPrimitives
// baselines (Baselines/*.cs) and the PyTorch script (benchmarks/pytorch/bench_pytorch.py) build the same four shapes.

/// <summary>W1 XOR: 2 → 4 tanh → 1 sigmoid, binary cross-entropy.</summary>
[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(2)]
[Dense(4, Activation.Tanh)]
[Dense(1, Activation.Sigmoid)]
public sealed partial class W1Xor;

/// <summary>W2 digits: 64 → 32 ReLU → 10 softmax, cross-entropy.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(64)]
[Dense(32, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public sealed partial class W2Digits;

/// <summary>W3 MNIST-shaped: 784 → 128 ReLU → 64 ReLU → 10 softmax, cross-entropy.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(784)]
[Dense(128, Activation.ReLU)]
[Dense(64, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public sealed partial class W3Mnist;

/// <summary>W4 audio-style: 1 → 8 tanh → 8 tanh → 1 identity, mean squared error.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(1)]
[Dense(8, Activation.Tanh)]
[Dense(8, Activation.Tanh)]
[Dense(1)]
public sealed partial class W4Audio;

// ----- Profile networks (-- profile): the workloads' shapes with identity activations, so that the difference to the real
// network is the cost of its activations, and the smallest possible network, the floor of a generated call. -----

/// <summary>W1's shape with identity activations.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(2)]
[Dense(4)]
[Dense(1)]
public sealed partial class W1Linear;

/// <summary>W2's shape with identity activations.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(64)]
[Dense(32)]
[Dense(10)]
public sealed partial class W2Linear;

/// <summary>W4's shape with identity activations.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(1)]
[Dense(8)]
[Dense(8)]
[Dense(1)]
public sealed partial class W4Linear;

/// <summary>One weight and one bias: what a generated Forward costs before any arithmetic (guards, spans, call).</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(1)]
[Dense(1)]
public sealed partial class CallFloor;
