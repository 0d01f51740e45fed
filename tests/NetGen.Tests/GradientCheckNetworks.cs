namespace NetGen.Tests;

// Networks for the finite-difference checks: every output activation with every loss it can pair with, and every
// differentiable activation as a hidden layer (rotating), over both reductions.

[Network(Loss = Loss.MeanSquaredError)] [Input(3)] [Dense(5, Activation.Tanh)] [Dense(3, Activation.Identity)]
public sealed partial class FdIdentityMse;
[Network(Loss = Loss.MeanAbsoluteError, Reduction = Reduction.Sum)] [Input(3)] [Dense(5, Activation.Sigmoid)] [Dense(3, Activation.Identity)]
public sealed partial class FdIdentityMae;
[Network(Loss = Loss.Hinge)] [Input(3)] [Dense(5, Activation.GELU)] [Dense(3, Activation.Identity)]
public sealed partial class FdIdentityHinge;

[Network(Loss = Loss.MeanSquaredError, Reduction = Reduction.Sum)] [Input(3)] [Dense(5, Activation.ReLU)] [Dense(3, Activation.Sigmoid)]
public sealed partial class FdSigmoidMse;
[Network(Loss = Loss.MeanAbsoluteError)] [Input(3)] [Dense(5, Activation.LeakyReLU)] [Dense(3, Activation.Sigmoid)]
public sealed partial class FdSigmoidMae;
[Network(Loss = Loss.BinaryCrossEntropy)] [Input(3)] [Dense(5, Activation.Identity)] [Dense(1, Activation.Sigmoid)]
public sealed partial class FdSigmoidBce;

[Network(Loss = Loss.MeanSquaredError)] [Input(3)] [Dense(5, Activation.GELU)] [Dense(3, Activation.Tanh)]
public sealed partial class FdTanhMse;
[Network(Loss = Loss.MeanAbsoluteError, Reduction = Reduction.Sum)] [Input(3)] [Dense(5, Activation.Tanh)] [Dense(3, Activation.Tanh)]
public sealed partial class FdTanhMae;
[Network(Loss = Loss.Hinge, Reduction = Reduction.Sum)] [Input(3)] [Dense(5, Activation.Sigmoid)] [Dense(3, Activation.Tanh)]
public sealed partial class FdTanhHinge;

[Network(Loss = Loss.MeanSquaredError)] [Input(3)] [Dense(5, Activation.Sigmoid)] [Dense(3, Activation.ReLU)]
public sealed partial class FdReluMse;
[Network(Loss = Loss.MeanAbsoluteError)] [Input(3)] [Dense(5, Activation.Tanh)] [Dense(3, Activation.ReLU)]
public sealed partial class FdReluMae;

[Network(Loss = Loss.MeanSquaredError, Reduction = Reduction.Sum)] [Input(3)] [Dense(5, Activation.Tanh)] [Dense(3, Activation.LeakyReLU, NegativeSlope = 0.1f)]
public sealed partial class FdLeakyMse;
[Network(Loss = Loss.MeanAbsoluteError)] [Input(3)] [Dense(5, Activation.GELU)] [Dense(3, Activation.LeakyReLU)]
public sealed partial class FdLeakyMae;
[Network(Loss = Loss.Hinge)] [Input(3)] [Dense(5, Activation.Sigmoid)] [Dense(3, Activation.LeakyReLU, NegativeSlope = 0.3f)]
public sealed partial class FdLeakyHinge;

[Network(Loss = Loss.MeanSquaredError)] [Input(3)] [Dense(5, Activation.LeakyReLU, NegativeSlope = 0.2f)] [Dense(3, Activation.GELU)]
public sealed partial class FdGeluMse;
[Network(Loss = Loss.MeanAbsoluteError, Reduction = Reduction.Sum)] [Input(3)] [Dense(5, Activation.Identity)] [Dense(3, Activation.GELU)]
public sealed partial class FdGeluMae;

[Network(Loss = Loss.CrossEntropy)] [Input(3)] [Dense(5, Activation.ReLU)] [Dense(4, Activation.Softmax)]
public sealed partial class FdSoftmaxCe;
[Network(Loss = Loss.KLDivergence, Reduction = Reduction.Sum)] [Input(3)] [Dense(5, Activation.GELU)] [Dense(4, Activation.Softmax)]
public sealed partial class FdSoftmaxKl;
[Network(Loss = Loss.MeanSquaredError)] [Input(3)] [Dense(5, Activation.Tanh)] [Dense(4, Activation.Softmax)]
public sealed partial class FdSoftmaxMse;
[Network(Loss = Loss.MeanAbsoluteError)] [Input(3)] [Dense(5, Activation.Sigmoid)] [Dense(4, Activation.Softmax)]
public sealed partial class FdSoftmaxMae;

// Deep and wide: SIMD kernels (layers above the unroll limit) in every position.
[Network(Loss = Loss.CrossEntropy)] [Input(24)] [Dense(33, Activation.GELU)] [Dense(17, Activation.LeakyReLU)] [Dense(9, Activation.Tanh)] [Dense(6, Activation.Softmax)]
public sealed partial class FdWideCe;

// issue 12: every new activation as output and as hidden layer, Huber (default and set δ) and LogSoftmax + NLL (fused), and
// NLL unfused after Huber-free outputs is an NG3101 error, so it is not here.
[Network(Loss = Loss.MeanSquaredError)] [Input(3)] [Dense(5, Activation.SiLU)] [Dense(3, Activation.ELU)]
public sealed partial class FdEluMse;
[Network(Loss = Loss.Huber, Reduction = Reduction.Sum)] [Input(3)] [Dense(5, Activation.Mish)] [Dense(3, Activation.SELU)]
public sealed partial class FdSeluHuber;
[Network(Loss = Loss.Huber, HuberDelta = 0.3f)] [Input(3)] [Dense(5, Activation.ELU)] [Dense(3, Activation.Softplus)]
public sealed partial class FdSoftplusHuber;
[Network(Loss = Loss.MeanSquaredError, Reduction = Reduction.Sum)] [Input(3)] [Dense(5, Activation.Softplus)] [Dense(3, Activation.SiLU)]
public sealed partial class FdSiluMse;
[Network(Loss = Loss.MeanAbsoluteError)] [Input(3)] [Dense(5, Activation.SELU)] [Dense(3, Activation.Mish)]
public sealed partial class FdMishMae;
[Network(Loss = Loss.MeanSquaredError)] [Input(3)] [Dense(5, Activation.HardSwish)] [Dense(3, Activation.HardTanh)]
public sealed partial class FdHardTanhMse;
[Network(Loss = Loss.Huber)] [Input(3)] [Dense(5, Activation.HardTanh)] [Dense(3, Activation.HardSigmoid)]
public sealed partial class FdHardSigmoidHuber;
[Network(Loss = Loss.MeanSquaredError)] [Input(3)] [Dense(5, Activation.HardSigmoid)] [Dense(3, Activation.HardSwish)]
public sealed partial class FdHardSwishMse;
[Network(Loss = Loss.Huber)] [Input(3)] [Dense(5, Activation.Tanh)] [Dense(1, Activation.Identity)]
public sealed partial class FdIdentityHuberOne;
[Network(Loss = Loss.NegativeLogLikelihood)] [Input(3)] [Dense(5, Activation.SiLU)] [Dense(4, Activation.LogSoftmax)]
public sealed partial class FdLogSoftmaxNll;
// Deep and wide: the span kernels of the new activations and a 6-class LogSoftmax over the blocked Dense kernels.
[Network(Loss = Loss.NegativeLogLikelihood)] [Input(24)] [Dense(33, Activation.Mish)] [Dense(17, Activation.ELU)] [Dense(9, Activation.HardSwish)] [Dense(6, Activation.LogSoftmax)]
public sealed partial class FdWideNll;
[Network(Loss = Loss.Huber, HuberDelta = 0.5f)] [Input(24)] [Dense(33, Activation.SELU)] [Dense(17, Activation.Softplus)] [Dense(9, Activation.SiLU)] [Dense(20, Activation.HardSigmoid)]
public sealed partial class FdWideHuber;
