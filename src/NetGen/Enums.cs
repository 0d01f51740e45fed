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

    // ── issue 12: PyTorch's other common activations (kernels in NetGen.Kernels.Activations.Extended) ──
    /// <summary>PyTorch <c>nn.ELU()</c> (α = 1): <c>z</c> if <c>z &gt; 0</c>, else <c>α·(e^z − 1)</c>.</summary>
    ELU = 9,
    /// <summary>PyTorch <c>nn.SELU()</c>: <c>λ·z</c> if <c>z &gt; 0</c>, else <c>λ·α·(e^z − 1)</c>, λ ≈ 1.0507, α ≈ 1.6733.</summary>
    SELU = 10,
    /// <summary>PyTorch <c>nn.Softplus()</c> (β = 1, threshold 20): <c>log(1 + e^z)</c>, and <c>z</c> above 20.</summary>
    Softplus = 11,
    /// <summary>PyTorch <c>nn.SiLU()</c> (swish): <c>z·σ(z)</c>.</summary>
    SiLU = 12,
    /// <summary>PyTorch <c>nn.Mish()</c>: <c>z·tanh(softplus(z))</c>.</summary>
    Mish = 13,
    /// <summary>PyTorch <c>nn.Hardtanh()</c>: <c>clamp(z, −1, 1)</c>.</summary>
    HardTanh = 14,
    /// <summary>PyTorch <c>nn.Hardsigmoid()</c>: <c>clamp(z + 3, 0, 6) / 6</c>.</summary>
    HardSigmoid = 15,
    /// <summary>PyTorch <c>nn.Hardswish()</c>: <c>z·clamp(z + 3, 0, 6) / 6</c>.</summary>
    HardSwish = 16,
    /// <summary>
    /// PyTorch <c>nn.LogSoftmax(dim=-1)</c> over the layer: <c>zₖ − log Σⱼ e^(zⱼ)</c>, with max-subtraction. Output layer only;
    /// with <see cref="Loss.NegativeLogLikelihood"/> the two are fused (PyTorch's <c>LogSoftmax</c> + <c>NLLLoss</c>).
    /// </summary>
    LogSoftmax = 17,
    /// <summary>
    /// PyTorch <c>nn.PReLU()</c>: <c>z</c> if <c>z &gt; 0</c>, else <c>a·z</c>, with one learnable slope <c>a</c> per layer
    /// (initially 0.25), trained with the weights. Dense layers only. The slope follows the layer's bias in
    /// <see cref="INetwork.Parameters"/>; its tensor is the PReLU module's <c>weight</c> (shape [1]): <c>{k+1}.weight</c> after
    /// the Linear <c>{k}</c> of the nn.Sequential, or <c>{Name}_prelu.weight</c> for a layer with a Name.
    /// </summary>
    PReLU = 18,
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

    // ── issue 12 ──
    /// <summary>
    /// PyTorch <c>HuberLoss(delta)</c> per element: <c>½r²</c> where <c>|r| &lt; δ</c>, else <c>δ·(|r| − ½δ)</c>, r = ŷ − y;
    /// δ = <see cref="NetworkAttribute.HuberDelta"/> (1 unless set).
    /// </summary>
    Huber = 6,
    /// <summary>
    /// <c>−Σₖ yₖ·ŷₖ</c> per sample on log-probabilities ŷ from an <see cref="Activation.LogSoftmax"/> output (PyTorch <c>NLLLoss</c>;
    /// y one-hot or soft), fused with the LogSoftmax: <c>δ = softmax(z)·Σₖyₖ − y</c>.
    /// </summary>
    NegativeLogLikelihood = 7,
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

/// <summary>The kind of a layer in a generated network (see <see cref="LayerInfo"/>).</summary>
public enum LayerKind
{
    /// <summary>A fully connected layer, <see cref="DenseAttribute"/>: parameters W (out × in) then b.</summary>
    Dense = 0,
    /// <summary>Inverted dropout, <see cref="DropoutAttribute"/>: no parameters.</summary>
    Dropout = 1,
    /// <summary>Batch normalisation, <see cref="BatchNormAttribute"/>: parameters γ (scale) then β (shift).</summary>
    BatchNorm = 2,

    // issue 13: preprocessing that travels with the model
    /// <summary>
    /// Input standardisation, <see cref="NormalizationAttribute"/>: no parameters; a mean and a variance per feature in
    /// <see cref="INetwork.RunningStatistics"/> (not trained, set by <c>Adapt</c>).
    /// </summary>
    Normalization = 3,

    // issue 9: convolutional layers
    /// <summary>A 2-D convolution, <see cref="Conv2DAttribute"/>: parameters W (filters × channels × k × k) then b.</summary>
    Conv2D = 10,
    /// <summary>2-D max pooling, <see cref="MaxPool2DAttribute"/>: no parameters.</summary>
    MaxPool2D = 12,
    /// <summary>2-D average pooling, <see cref="AvgPool2DAttribute"/>: no parameters.</summary>
    AvgPool2D = 13,
    /// <summary>A 1-D convolution, <see cref="Conv1DAttribute"/>: parameters W (filters × channels × k) then b.</summary>
    Conv1D = 11,
    /// <summary>1-D max pooling, <see cref="MaxPool1DAttribute"/>: no parameters.</summary>
    MaxPool1D = 14,
    /// <summary>1-D average pooling, <see cref="AvgPool1DAttribute"/>: no parameters.</summary>
    AvgPool1D = 15,
    /// <summary>Global average pooling, <see cref="GlobalAvgPoolAttribute"/>: each channel's mean; no parameters.</summary>
    GlobalAvgPool = 16,
    /// <summary>Flatten, <see cref="FlattenAttribute"/>: no parameters, the values unchanged.</summary>
    Flatten = 17,

    // issue 10: recurrent layers
    /// <summary>
    /// A (stacked) GRU, <see cref="GRUAttribute"/>: per stacked layer k, PyTorch's <c>weight_ih_l{k}</c> (3H × in),
    /// <c>weight_hh_l{k}</c> (3H × H), <c>bias_ih_l{k}</c>, <c>bias_hh_l{k}</c> (3H each).
    /// </summary>
    GRU = 20,
    /// <summary>
    /// A (stacked) LSTM, <see cref="LSTMAttribute"/>: per stacked layer k, PyTorch's <c>weight_ih_l{k}</c> (4H × in),
    /// <c>weight_hh_l{k}</c> (4H × H), <c>bias_ih_l{k}</c>, <c>bias_hh_l{k}</c> (4H each).
    /// </summary>
    LSTM = 21,
}

/// <summary>How a dense layer's weights are initialised (biases always start at 0), with PyTorch's <c>torch.nn.init</c> formulas.</summary>
public enum WeightInit
{
    /// <summary>He uniform for the ReLU family (ReLU, LeakyReLU, GELU), Xavier/Glorot uniform for everything else.</summary>
    Default = 0,
    /// <summary>Xavier/Glorot uniform: <c>U(−a, a)</c>, <c>a = √(6 / (fan_in + fan_out))</c>.</summary>
    XavierUniform = 1,
    /// <summary>Xavier/Glorot normal: <c>N(0, σ²)</c>, <c>σ = √(2 / (fan_in + fan_out))</c>.</summary>
    XavierNormal = 2,
    /// <summary>He (Kaiming) uniform: <c>U(−a, a)</c>, <c>a = √(6 / ((1 + slope²)·fan_in))</c>, slope the LeakyReLU slope (else 0).</summary>
    HeUniform = 3,
    /// <summary>He (Kaiming) normal: <c>N(0, σ²)</c>, <c>σ = √(2 / ((1 + slope²)·fan_in))</c>.</summary>
    HeNormal = 4,
    /// <summary><c>U(−s, s)</c> with <c>s</c> = <see cref="DenseAttribute.InitScale"/> (0.05 unless set, as Keras's <c>RandomUniform</c>).</summary>
    Uniform = 5,
    /// <summary><c>N(0, s²)</c> with <c>s</c> = <see cref="DenseAttribute.InitScale"/> (0.05 unless set, as Keras's <c>RandomNormal</c>).</summary>
    Normal = 6,
}
