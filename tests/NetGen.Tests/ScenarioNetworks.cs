namespace NetGen.Tests;

// The textbook's seed scenarios (DESIGN.md, S1–S4, S8).

/// <summary>S1: one neuron with a sign activation, f(x) = sign(wᵀx).</summary>
[Network]
[Input(2)]
[Dense(1, Activation.Sign)]
public sealed partial class SignNeuron;

/// <summary>S1's weighted sum alone, f(x) = wᵀx.</summary>
[Network]
[Input(2)]
[Dense(1)]
public sealed partial class LinearNeuron;

/// <summary>S2: two lines 3x − y &gt; 0 and −3x + 2y + 3 &gt; 0 as two step neurons, joined by an AND neuron.</summary>
[Network]
[Input(2)]
[Dense(2, Activation.Step)]
[Dense(1, Activation.Step)]
public sealed partial class TwoLines;

/// <summary>S2 as the textbook writes it: g(x) = sign(f₁(x) + f₂(x)), f₁ = w₁ᵀx, f₂ = w₂ᵀx + 3.</summary>
[Network]
[Input(2)]
[Dense(2)]
[Dense(1, Activation.Sign)]
public sealed partial class TwoLinesSeedFormula;

/// <summary>S3: linear regression ŷ = wx + b, L2 loss summed over the batch (the textbook's Σ(yᵢ − ŷᵢ)²).</summary>
[Network(Loss = Loss.MeanSquaredError, Reduction = Reduction.Sum)]
[Input(1)]
[Dense(1)]
public sealed partial class LinearRegression;

/// <summary>S4: XOR with one hidden layer.</summary>
[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(2)]
[Dense(4, Activation.Tanh)]
[Dense(1, Activation.Sigmoid)]
public sealed partial class XorNet;

/// <summary>S8: a softmax over five scores with the NLL (cross-entropy) loss.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(5)]
[Dense(5, Activation.Softmax)]
public sealed partial class SoftmaxOfFive;

/// <summary>S8's L1 example with the textbook's Sum reduction.</summary>
[Network(Loss = Loss.MeanAbsoluteError, Reduction = Reduction.Sum)]
[Input(4)]
[Dense(4)]
public sealed partial class L1Sum;

/// <summary>S8's L2 example with the textbook's Sum reduction.</summary>
[Network(Loss = Loss.MeanSquaredError, Reduction = Reduction.Sum)]
[Input(4)]
[Dense(4)]
public sealed partial class L2Sum;

/// <summary>The same L1 loss with PyTorch's default Mean reduction.</summary>
[Network(Loss = Loss.MeanAbsoluteError)]
[Input(4)]
[Dense(4)]
public sealed partial class L1Mean;

/// <summary>The same L2 loss with PyTorch's default Mean reduction.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(4)]
[Dense(4)]
public sealed partial class L2Mean;

/// <summary>S6's shape: the MNIST-sized MLP 784 → 128 ReLU → 64 ReLU → 10 softmax.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(784)]
[Dense(128, Activation.ReLU)]
[Dense(64, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public sealed partial class MnistShaped;
