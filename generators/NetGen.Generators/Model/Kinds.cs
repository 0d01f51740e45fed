namespace NetGen.Generators.Model;

// Mirrors of the runtime enums (NetGen.Activation, NetGen.Loss, NetGen.Reduction). Attribute arguments reach the
// generator as their integer values; a test asserts that names and values stay identical to the runtime's.

/// <summary>Mirror of <c>NetGen.Activation</c>.</summary>
internal enum ActivationKind
{
    Identity = 0,
    Step = 1,
    Sign = 2,
    Sigmoid = 3,
    Tanh = 4,
    ReLU = 5,
    LeakyReLU = 6,
    GELU = 7,
    Softmax = 8,
    // issue 12
    ELU = 9,
    SELU = 10,
    Softplus = 11,
    SiLU = 12,
    Mish = 13,
    HardTanh = 14,
    HardSigmoid = 15,
    HardSwish = 16,
    LogSoftmax = 17,
    PReLU = 18,
}

/// <summary>Mirror of <c>NetGen.Loss</c>.</summary>
internal enum LossKind
{
    MeanSquaredError = 0,
    MeanAbsoluteError = 1,
    BinaryCrossEntropy = 2,
    CrossEntropy = 3,
    Hinge = 4,
    KLDivergence = 5,
    // issue 12
    Huber = 6,
    NegativeLogLikelihood = 7,
}

/// <summary>Mirror of <c>NetGen.Reduction</c>.</summary>
internal enum ReductionKind
{
    Mean = 0,
    Sum = 1,
}

/// <summary>Mirror of <c>NetGen.LayerKind</c>.</summary>
internal enum LayerKindSpec
{
    Dense = 0,
    Dropout = 1,
    BatchNorm = 2,

    // issue 13
    Normalization = 3,

    // issue 9
    Conv2D = 10,
    Conv1D = 11,
    MaxPool2D = 12,
    AvgPool2D = 13,
    MaxPool1D = 14,
    AvgPool1D = 15,
    GlobalAvgPool = 16,
    Flatten = 17,

    // issue 10
    GRU = 20,
    LSTM = 21,
}

/// <summary>Mirror of <c>NetGen.WeightInit</c>.</summary>
internal enum WeightInitKind
{
    Default = 0,
    XavierUniform = 1,
    XavierNormal = 2,
    HeUniform = 3,
    HeNormal = 4,
    Uniform = 5,
    Normal = 6,
}
