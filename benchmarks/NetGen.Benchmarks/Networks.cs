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
