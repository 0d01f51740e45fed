namespace NetGen.Tests;

// One network per PyTorch fixture in Fixtures/pytorch (made by tests/pytorch/make_dense_fixtures.py).

[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(2)]
[Dense(4, Activation.Tanh)]
[Dense(1, Activation.Sigmoid)]
public sealed partial class TanhSigmoidBceMean;

[Network(Loss = Loss.CrossEntropy)]
[Input(3)]
[Dense(5, Activation.ReLU)]
[Dense(4, Activation.LeakyReLU, NegativeSlope = 0.2f)]
[Dense(3, Activation.Softmax)]
public sealed partial class ReluLeakySoftmaxCeMean;

[Network(Loss = Loss.MeanSquaredError, Reduction = Reduction.Sum)]
[Input(4)]
[Dense(6, Activation.GELU)]
[Dense(3)]
public sealed partial class GeluIdentityMseSum;

[Network(Loss = Loss.MeanAbsoluteError)]
[Input(3)]
[Dense(4, Activation.Sigmoid)]
[Dense(2, Activation.Tanh)]
public sealed partial class SigmoidTanhMaeMean;

[Network(Loss = Loss.Hinge, Reduction = Reduction.Sum)]
[Input(5)]
[Dense(4, Activation.LeakyReLU)]
[Dense(3, Activation.Identity)]
public sealed partial class LeakyIdentityHingeSum;

[Network(Loss = Loss.KLDivergence)]
[Input(4)]
[Dense(5, Activation.Tanh)]
[Dense(4, Activation.Softmax)]
public sealed partial class TanhSoftmaxKlMean;

[Network(Loss = Loss.BinaryCrossEntropy, Reduction = Reduction.Sum)]
[Input(3)]
[Dense(4, Activation.ReLU)]
[Dense(1, Activation.Sigmoid)]
public sealed partial class ReluSigmoidBceSum;

[Network(Loss = Loss.MeanSquaredError)]
[Input(2)]
[Dense(3, Activation.Identity)]
[Dense(2, Activation.Sigmoid)]
public sealed partial class IdentitySigmoidMseMean;

[Network]
[Input(2)]
[Dense(3, Activation.Step)]
[Dense(2, Activation.Sign)]
public sealed partial class StepSignInference;

[Network(Loss = Loss.CrossEntropy, Reduction = Reduction.Sum)]
[Input(20)]
[Dense(40, Activation.ReLU)]
[Dense(17, Activation.Tanh)]
[Dense(5, Activation.Softmax)]
public sealed partial class WideReluTanhSoftmaxCeSum;

[Network(Loss = Loss.CrossEntropy)]
[Input(64)]
[Dense(32, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public sealed partial class DigitsReluSoftmaxCeMean;

[Network(Loss = Loss.MeanSquaredError)]
[Input(7)]
[Dense(9, Activation.GELU)]
[Dense(8, Activation.Sigmoid)]
[Dense(6, Activation.LeakyReLU, NegativeSlope = 0.05f)]
[Dense(5, Activation.Tanh)]
[Dense(3)]
public sealed partial class DeepMixedMseMean;

[Network(Loss = Loss.KLDivergence, Reduction = Reduction.Sum)]
[Input(3)]
[Dense(4, Activation.Softmax)]
public sealed partial class SoftmaxKlSum;

[Network(Loss = Loss.Hinge)]
[Input(3)]
[Dense(2, Activation.Tanh)]
public sealed partial class IdentityTanhHingeMean;

// issue 12: the activations and losses PyTorch users reach for (each fixture also has a few SGD steps, "training").

[Network(Loss = Loss.Huber)]
[Input(3)]
[Dense(5, Activation.ELU)]
[Dense(4, Activation.SELU)]
[Dense(2)]
public sealed partial class EluSeluHuberMean;

[Network(Loss = Loss.Huber, Reduction = Reduction.Sum, HuberDelta = 0.5f)]
[Input(4)]
[Dense(6, Activation.Softplus)]
[Dense(5, Activation.SiLU)]
[Dense(3)]
public sealed partial class SoftplusSiluHuberSum;

[Network(Loss = Loss.NegativeLogLikelihood)]
[Input(3)]
[Dense(6, Activation.Mish)]
[Dense(5, Activation.HardTanh)]
[Dense(4, Activation.LogSoftmax)]
public sealed partial class MishHardTanhLogSoftmaxNllMean;

[Network(Loss = Loss.NegativeLogLikelihood, Reduction = Reduction.Sum)]
[Input(4)]
[Dense(6, Activation.HardSwish)]
[Dense(5, Activation.HardSigmoid)]
[Dense(3, Activation.LogSoftmax)]
public sealed partial class HardSwishHardSigmoidLogSoftmaxNllSum;
