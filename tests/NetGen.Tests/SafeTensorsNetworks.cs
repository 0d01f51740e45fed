namespace NetGen.Tests;

// Twins of the nn.Sequential models in tests/pytorch/make_safetensors_fixtures.py (NETWORKS), for the safetensors
// fixtures in Fixtures/safetensors. Sequential indices count activation modules; identity has none.

/// <summary>Sequential(Linear(6, 8), ReLU, Linear(8, 5), Linear(5, 3), Softmax): tensors 0.*, 2.*, 3.*.</summary>
[Network]
[Input(6)]
[Dense(8, Activation.ReLU)]
[Dense(5)]
[Dense(3, Activation.Softmax)]
public sealed partial class StReluIdentitySoftmax;

/// <summary>Sequential(Linear(3, 4), Tanh, Linear(4, 2), Sigmoid): tensors 0.*, 2.*.</summary>
[Network]
[Input(3)]
[Dense(4, Activation.Tanh)]
[Dense(2, Activation.Sigmoid)]
public sealed partial class StTanhSigmoid;

/// <summary>Sequential(Linear(4, 6), GELU, Linear(6, 5), LeakyReLU(0.2), Linear(5, 3), Sign): tensors 0.*, 2.*, 4.*.</summary>
[Network]
[Input(4)]
[Dense(6, Activation.GELU)]
[Dense(5, Activation.LeakyReLU, NegativeSlope = 0.2f)]
[Dense(3, Activation.Sign)]
public sealed partial class StGeluLeakySign;

/// <summary>The PyTorch-trained weights of <see cref="StReluIdentitySoftmax"/>, embedded at compile time (path relative to this file).</summary>
[Network(Weights = "Fixtures/safetensors/st_relu_identity_softmax.pytorch.weights.json")]
[Input(6)]
[Dense(8, Activation.ReLU)]
[Dense(5)]
[Dense(3, Activation.Softmax)]
public sealed partial class EmbeddedReluIdentitySoftmax;

/// <summary>A trainable network with embedded weights (file named by its file name only): starts from them, can be fine-tuned.</summary>
[Network(Loss = Loss.MeanSquaredError, Weights = "st_tanh_sigmoid.pytorch.weights.json")]
[Input(3)]
[Dense(4, Activation.Tanh)]
[Dense(2, Activation.Sigmoid)]
public sealed partial class EmbeddedTanhSigmoid;

/// <summary>Embedded weights through three layers with GELU, LeakyReLU and Sign.</summary>
[Network(Weights = "st_gelu_leaky_sign.pytorch.weights.json")]
[Input(4)]
[Dense(6, Activation.GELU)]
[Dense(5, Activation.LeakyReLU, NegativeSlope = 0.2f)]
[Dense(3, Activation.Sign)]
public sealed partial class EmbeddedGeluLeakySign;

/// <summary>
/// Sequential(Linear(4, 6), ReLU, Dropout(0.3), BatchNorm1d(6), Tanh, Linear(6, 2), Sigmoid): tensors 0.*, 3.weight, 3.bias,
/// 3.running_mean, 3.running_var (and PyTorch's 3.num_batches_tracked), 5.*.
/// </summary>
// Two independent yes/no outputs (multi-label), so binary cross-entropy over both is intended (NG3003 asks to confirm).
#pragma warning disable NG3003
[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(4)]
[Dense(6, Activation.ReLU)]
[Dropout(0.3)]
[BatchNorm(Activation.Tanh)]
[Dense(2, Activation.Sigmoid)]
#pragma warning restore NG3003
public sealed partial class StBatchNormDropout;

/// <summary>The same network with PyTorch-trained weights and running statistics embedded.</summary>
[Network(Weights = "st_batchnorm_dropout.pytorch.weights.json")]
[Input(4)]
[Dense(6, Activation.ReLU)]
[Dropout(0.3)]
[BatchNorm(Activation.Tanh)]
[Dense(2, Activation.Sigmoid)]
public sealed partial class EmbeddedBatchNormDropout;
