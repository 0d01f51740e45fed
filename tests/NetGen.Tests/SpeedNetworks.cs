namespace NetGen.Tests;

// Networks that reach every form the emitter chooses for a layer (see NetworkEmitter.Layout.cs): one unit in a float,
// 2–4 / 5–8 / 9–16 units in a Vector128 / Vector256 / Vector512 (padded lanes included), straight-line layers feeding
// a blocked kernel and the other way round, and every activation in a register form.

[Network(Loss = Loss.BinaryCrossEntropy)] [Input(1)] [Dense(1, Activation.Tanh)] [Dense(1, Activation.Sigmoid)]
public sealed partial class RegScalarChain;

[Network(Loss = Loss.MeanSquaredError)] [Input(2)] [Dense(12, Activation.GELU)] [Dense(3, Activation.LeakyReLU, NegativeSlope = 0.1f)] [Dense(1)]
public sealed partial class RegLanes512;

[Network(Loss = Loss.MeanAbsoluteError, Reduction = Reduction.Sum)] [Input(3)] [Dense(7, Activation.Sigmoid)] [Dense(2, Activation.Identity)]
public sealed partial class RegLanes256Mae;

[Network(Loss = Loss.CrossEntropy)] [Input(4)] [Dense(6, Activation.ReLU)] [Dense(20, Activation.Tanh)] [Dense(2, Activation.Softmax)]
public sealed partial class RegFeedsKernel;

[Network(Loss = Loss.BinaryCrossEntropy, Reduction = Reduction.Sum)] [Input(20)] [Dense(8, Activation.Tanh)] [Dense(4, Activation.ReLU)] [Dense(1, Activation.Sigmoid)]
public sealed partial class KernelFeedsReg;

[Network(Loss = Loss.Hinge)] [Input(2)] [Dense(5, Activation.LeakyReLU)] [Dense(1, Activation.Tanh)]
public sealed partial class RegHinge;

[Network(Loss = Loss.MeanSquaredError)] [Input(3)] [Dense(4, Activation.Sigmoid)] [Dense(1, Activation.GELU)]
public sealed partial class RegScalarGelu;

[Network(Loss = Loss.MeanSquaredError, Reduction = Reduction.Sum)] [Input(2)] [Dense(3, Activation.ReLU)] [Dense(1, Activation.Identity)]
public sealed partial class RegScalarIdentity;

[Network(Loss = Loss.MeanSquaredError)] [Input(1)] [Dense(8, Activation.Tanh)] [Dense(8, Activation.Tanh)] [Dense(1)]
public sealed partial class AudioShaped;

[Network] [Input(3)] [Dense(4, Activation.Step)] [Dense(6, Activation.Sign)] [Dense(2, Activation.Identity)]
public sealed partial class RegStepSign;
