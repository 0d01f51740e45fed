// Compiled twice: by the fresh consumer project (against the NetGen package) and by NetGen.Package.Tests (against the
// repository's sources, to compute the expected output).
using NetGen;

namespace PackageConsumer;

/// <summary>Inference with weights baked in from tiny.weights.json (an AdditionalFiles item).</summary>
[Network(Weights = "tiny.weights.json")]
[Input(3)]
[Dense(4, Activation.Tanh)]
[Dropout(0.25)]
[Dense(2, Activation.Softmax)]
public sealed partial class TinyEmbedded;

/// <summary>A trainable network: XOR.</summary>
[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(2)]
[Dense(4, Activation.Tanh)]
[Dense(1, Activation.Sigmoid)]
public sealed partial class Xor;
