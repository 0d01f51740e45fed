namespace NetGen;

/// <summary>Activation functions <c>a = f(z)</c> applied element-wise (Softmax: over the whole layer).</summary>
public enum Activation
{
    /// <summary><c>f(z) = z</c>.</summary>
    Identity = 0,
    /// <summary>Heaviside step: <c>f(z) = 1</c> if <c>z &gt; 0</c>, else 0. Its gradient is 0: for inference-only networks (perceptrons).</summary>
    Step = 1,
    /// <summary><c>f(z) = sign(z)</c> ∈ {−1, 0, 1}. Its gradient is 0: for inference-only networks (perceptrons).</summary>
    Sign = 2,
    /// <summary>Logistic sigmoid <c>σ(z) = 1 / (1 + e^(−z))</c>; <c>σ′ = σ(1 − σ)</c>.</summary>
    Sigmoid = 3,
    /// <summary>Hyperbolic tangent; <c>tanh′ = 1 − tanh²</c>.</summary>
    Tanh = 4,
    /// <summary><c>max(0, z)</c>.</summary>
    ReLU = 5,
    /// <summary><c>z</c> if <c>z &gt; 0</c>, else <c>slope·z</c> (slope 0.01 unless <see cref="DenseAttribute.NegativeSlope"/> is set).</summary>
    LeakyReLU = 6,
    /// <summary>Gaussian error linear unit, exact form <c>z·Φ(z) = z/2·(1 + erf(z/√2))</c> (PyTorch's default).</summary>
    GELU = 7,
    /// <summary><c>softmax(z)ₖ = e^(zₖ) / Σⱼ e^(zⱼ)</c> over the layer, computed with max-subtraction.</summary>
    Softmax = 8,
}

/// <summary>Loss functions, with PyTorch's definitions.</summary>
public enum Loss
{
    /// <summary><c>(ŷ − y)²</c> per element (PyTorch <c>MSELoss</c>).</summary>
    MeanSquaredError = 0,
    /// <summary><c>|ŷ − y|</c> per element (PyTorch <c>L1Loss</c>).</summary>
    MeanAbsoluteError = 1,
    /// <summary><c>−[y·log ŷ + (1 − y)·log(1 − ŷ)]</c> per element (PyTorch <c>BCELoss</c>); fused with a sigmoid output.</summary>
    BinaryCrossEntropy = 2,
    /// <summary><c>−Σₖ yₖ·log ŷₖ</c> per sample, ŷ the softmax probabilities, y one-hot or soft (PyTorch <c>CrossEntropyLoss</c> with probability targets).</summary>
    CrossEntropy = 3,
    /// <summary><c>max(0, 1 − y·ŷ)</c> per element with y ∈ {−1, +1}.</summary>
    Hinge = 4,
    /// <summary><c>Σₖ yₖ·(log yₖ − log ŷₖ)</c> per sample, with <c>0·log 0 = 0</c> (PyTorch <c>KLDivLoss</c>, reduction <c>batchmean</c>).</summary>
    KLDivergence = 5,
}

/// <summary>How one sample's per-element losses are combined.</summary>
public enum Reduction
{
    /// <summary>
    /// PyTorch's default: the mean over the output elements for element-wise losses (MSE, MAE, BCE, Hinge). CrossEntropy and
    /// KLDivergence are per-sample sums over classes, so for them Mean and Sum agree per sample; over a mini-batch the
    /// trainer always takes the mean over samples.
    /// </summary>
    Mean = 0,
    /// <summary>The plain sum over the output elements, as in the textbook's worked examples (L1 = 6, L2 = 14).</summary>
    Sum = 1,
}
