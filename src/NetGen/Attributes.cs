using System;

namespace NetGen;

/// <summary>
/// The base of every layer attribute: what all layers share. <see cref="Name"/> names the layer's tensors in weight files
/// (<c>[Dense(4, Activation.Tanh, Name = "fc1")]</c> has <c>fc1.weight</c> and <c>fc1.bias</c>, as PyTorch's
/// <c>self.fc1 = nn.Linear(2, 4)</c>); without it a layer's tensors take the index its module has in the equivalent
/// <c>nn.Sequential</c> (<c>0.weight</c> …). A new layer attribute derives from this class and gets <c>Name</c> with no code of its own.
/// </summary>
public abstract class LayerAttribute : Attribute
{
    /// <summary>
    /// The layer's module name in state dicts and weight files, as PyTorch writes it: a Python identifier (<c>fc1</c>) or
    /// identifiers and indices joined by dots for a module inside another (<c>encoder.fc1</c>, <c>features.0</c>). Unique in
    /// the network (NG1101) and a valid state-dict key (NG1102). Null (the default): the <c>nn.Sequential</c> index.
    /// </summary>
    public string? Name { get; set; }
}

/// <summary>
/// Marks a <c>partial class</c> as a NetGen network. The layers are the <see cref="InputAttribute"/> and layer
/// attributes (<see cref="DenseAttribute"/>, …) on the same declaration, in order. At compile time the NetGen
/// generator writes the network's forward pass, backward pass and parameter storage into the other half of the class.
/// </summary>
/// <remarks>
/// Set <see cref="Loss"/> to make the network trainable (a <c>Backward</c> method is generated). Without a loss the
/// network is inference-only.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>The loss minimised by training. Leave unset for an inference-only network.</summary>
    public Loss Loss { get; set; }

    /// <summary>How the per-element losses of one sample are combined; <see cref="Reduction.Mean"/> (PyTorch's default) unless set.</summary>
    public Reduction Reduction { get; set; }

    /// <summary>
    /// A NetGen weight file (JSON, written by <c>NetGen.IO.WeightsJson.Save</c> or the PyTorch script) to bake into the assembly
    /// at compile time. Add the file to the project as <c>&lt;AdditionalFiles Include="…" /&gt;</c>; name it by its path
    /// relative to this source file or by any trailing part of its path (<c>"digits.weights.json"</c>). The generated class then
    /// has <c>EmbeddedParameters</c> (static data: no file I/O, no start-up work), a static <c>ForwardEmbedded</c> and a
    /// parameterless constructor that starts from the embedded weights. A missing file, a missing, extra or misshapen tensor is
    /// a build error (NG5xxx) naming the file and the tensor.
    /// </summary>
    public string? Weights { get; set; }

    /// <summary>
    /// Huber's δ for <see cref="Loss.Huber"/> (PyTorch <c>HuberLoss(delta)</c>): the residual size where the loss turns from
    /// quadratic to linear. 1 (PyTorch's default) unless set; must be a positive finite float.
    /// </summary>
    public float HuberDelta { get; set; } = 1f;
}

/// <summary>The network's input: a vector of <c>size</c> values. Must be the first layer attribute.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class InputAttribute : Attribute
{
    /// <summary>Declares an input vector of <paramref name="size"/> values.</summary>
    public InputAttribute(int size)
    {
        Size = size;
        Channels = size;
        Height = 1;
        Width = 1;
    }

    /// <summary>
    /// Declares a fixed-length signal of <paramref name="channels"/> × <paramref name="length"/> values, channel-major (PyTorch's
    /// <c>(C, L)</c> without the batch dimension); <see cref="Size"/> is the product.
    /// </summary>
    public InputAttribute(int channels, int length)
    {
        Size = channels * length;
        Channels = channels;
        Height = length;
        Width = 1;
    }

    /// <summary>
    /// Declares an image of <paramref name="channels"/> × <paramref name="height"/> × <paramref name="width"/> values, CHW and
    /// row-major (PyTorch's <c>(C, H, W)</c> without the batch dimension); <see cref="Size"/> is the product.
    /// </summary>
    public InputAttribute(int channels, int height, int width)
    {
        Size = channels * height * width;
        Channels = channels;
        Height = height;
        Width = width;
    }

    /// <summary>The number of input values (for a signal or an image, the product of its dimensions).</summary>
    public int Size { get; }

    /// <summary>The channels of a signal or image (for a vector, its size).</summary>
    public int Channels { get; }

    /// <summary>A signal's length or an image's height (1 for a vector).</summary>
    public int Height { get; }

    /// <summary>An image's width (1 for a vector or a signal).</summary>
    public int Width { get; }
}

/// <summary>
/// A fully connected layer: <c>a = f(W·x + b)</c> with <c>W</c> of shape <c>units × inputs</c> (row-major, the layout of
/// PyTorch's <c>nn.Linear.weight</c>) followed by the bias <c>b</c> of <c>units</c> values.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute : LayerAttribute
{
    /// <summary>Declares a dense layer of <paramref name="units"/> outputs with the given activation.</summary>
    public DenseAttribute(int units, Activation activation = Activation.Identity)
    {
        Units = units;
        Activation = activation;
    }

    /// <summary>The number of outputs.</summary>
    public int Units { get; }

    /// <summary>The activation applied to <c>W·x + b</c>.</summary>
    public Activation Activation { get; }

    /// <summary>The slope for negative inputs of <see cref="Activation.LeakyReLU"/>; 0.01 (PyTorch's default) unless set.</summary>
    public float NegativeSlope { get; set; } = 0.01f;

    /// <summary>
    /// How the weights are initialised from the network's seed: <see cref="WeightInit.Default"/> (He uniform for the ReLU family,
    /// Xavier/Glorot uniform otherwise) unless set. Biases start at 0.
    /// </summary>
    public WeightInit Init { get; set; }

    /// <summary>The scale <c>s</c> of <see cref="WeightInit.Uniform"/> (<c>U(−s, s)</c>) and <see cref="WeightInit.Normal"/> (<c>N(0, s²)</c>); 0.05 unless set.</summary>
    public float InitScale { get; set; } = 0.05f;
}

/// <summary>
/// Inverted dropout (Srivastava et al. 2014, as PyTorch's <c>nn.Dropout</c> and Keras's <c>Dropout</c>): in training mode each
/// value is zeroed with probability <c>p</c> and the survivors are scaled by <c>1/(1 − p)</c>, so that inference needs no
/// rescaling; in inference (<c>Forward</c>, <c>Evaluate</c>, or <c>Training = false</c>) the layer is the identity.
/// The masks come from the network's seeded generator: the same seed gives the same masks.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DropoutAttribute : LayerAttribute
{
    /// <summary>Declares a dropout layer that zeroes each value with probability <paramref name="rate"/>, 0 ≤ p &lt; 1 (<c>[Dropout(0.5)]</c>).</summary>
    public DropoutAttribute(double rate) => Rate = rate;

    /// <summary>p, the probability that a value is dropped during training.</summary>
    public double Rate { get; }
}

/// <summary>
/// Batch normalisation (Ioffe &amp; Szegedy 2015) over the previous layer's values, as PyTorch's <c>nn.BatchNorm1d</c>:
/// <c>y = f(γ·x̂ + β)</c> with <c>x̂ = (x − μ) / √(σ² + ε)</c>. In training mode μ and σ² are the mini-batch's mean and biased
/// variance, and the running statistics move by <c>r ← (1 − momentum)·r + momentum·batch</c> (the running variance takes the
/// unbiased batch variance); in inference the running statistics are used. γ starts at 1 and β at 0; both are learned
/// and sit in the parameter buffer as γ then β.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class BatchNormAttribute : LayerAttribute
{
    /// <summary>Declares a batch-norm layer followed by <paramref name="activation"/> (identity unless given).</summary>
    public BatchNormAttribute(Activation activation = Activation.Identity) => Activation = activation;

    /// <summary>The activation applied after the scale and shift, so that <c>[Dense(64)] [BatchNorm(Activation.ReLU)]</c> is the usual Dense → BN → ReLU block.</summary>
    public Activation Activation { get; }

    /// <summary>The running statistics' update rate; 0.1 (PyTorch's default) unless set.</summary>
    public double Momentum { get; set; } = 0.1;

    /// <summary>ε added to the variance; 1e-5 (PyTorch's default) unless set.</summary>
    public double Epsilon { get; set; } = 1e-5;

    /// <summary>The slope for negative inputs when the activation is <see cref="Activation.LeakyReLU"/>; 0.01 unless set.</summary>
    public float NegativeSlope { get; set; } = 0.01f;
}

// ── Convolutional layers (issue 9) ───────────────────────────────────────────────────────────

/// <summary>
/// A 2-D convolution, PyTorch's <c>nn.Conv2d(inChannels, filters, kernelSize, stride, padding)</c>, then the activation:
/// <c>z[f,i,j] = b[f] + Σ_{c,u,v} W[f,c,u,v]·a[c, i·s+u−p, j·s+v−p]</c> (cross-correlation, taps outside the input read 0).
/// W is <c>[filters, inChannels, kernelSize, kernelSize]</c> row-major (<c>nn.Conv2d.weight</c>'s layout), then b of
/// <c>filters</c> values. The input must be an image (<c>[Input(channels, height, width)]</c> or a previous convolution or
/// pooling); the output is <c>filters × Ho × Wo</c> with <c>Ho = ⌊(H + 2p − k)/s⌋ + 1</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv2DAttribute : LayerAttribute
{
    /// <summary>Declares a convolution with <paramref name="filters"/> output channels and a square <paramref name="kernelSize"/> kernel.</summary>
    public Conv2DAttribute(int filters, int kernelSize, Activation activation = Activation.Identity)
    {
        Filters = filters;
        KernelSize = kernelSize;
        Activation = activation;
    }

    /// <summary>Output channels.</summary>
    public int Filters { get; }

    /// <summary>Kernel rows and columns.</summary>
    public int KernelSize { get; }

    /// <summary>The activation applied to z.</summary>
    public Activation Activation { get; }

    /// <summary>Step between output positions, both axes; 1 unless set.</summary>
    public int Stride { get; set; } = 1;

    /// <summary>Zeros added on every side of the input; 0 unless set.</summary>
    public int Padding { get; set; }

    /// <summary>The slope for negative inputs of <see cref="Activation.LeakyReLU"/>; 0.01 (PyTorch's default) unless set.</summary>
    public float NegativeSlope { get; set; } = 0.01f;
}

/// <summary>
/// 2-D max pooling, PyTorch's <c>nn.MaxPool2d(size, stride)</c>: <c>y[c,i,j] = max_{u,v &lt; size} x[c, i·s+u, j·s+v]</c>, no
/// padding, <c>Ho = ⌊(H − size)/s⌋ + 1</c>. Backward routes δ to each window's arg-max (the first maximum in scan order).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaxPool2DAttribute : LayerAttribute
{
    /// <summary>Declares max pooling over <paramref name="size"/> × <paramref name="size"/> windows.</summary>
    public MaxPool2DAttribute(int size) => Size = size;

    /// <summary>Window rows and columns.</summary>
    public int Size { get; }

    /// <summary>Step between windows; 0 (the default) means <see cref="Size"/>, as PyTorch's <c>stride=None</c>.</summary>
    public int Stride { get; set; }
}

/// <summary>
/// 2-D average pooling, PyTorch's <c>nn.AvgPool2d(size, stride)</c>: <c>y[c,i,j] = (1/size²)·Σ_{u,v &lt; size} x[c, i·s+u, j·s+v]</c>,
/// no padding, <c>Ho = ⌊(H − size)/s⌋ + 1</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AvgPool2DAttribute : LayerAttribute
{
    /// <summary>Declares average pooling over <paramref name="size"/> × <paramref name="size"/> windows.</summary>
    public AvgPool2DAttribute(int size) => Size = size;

    /// <summary>Window rows and columns.</summary>
    public int Size { get; }

    /// <summary>Step between windows; 0 (the default) means <see cref="Size"/>, as PyTorch's <c>stride=None</c>.</summary>
    public int Stride { get; set; }
}

/// <summary>
/// A 1-D convolution over a fixed-length signal, PyTorch's <c>nn.Conv1d(inChannels, filters, kernelSize, stride, padding,
/// dilation)</c>, then the activation: <c>z[f,i] = b[f] + Σ_{c,u} W[f,c,u]·a[c, i·s+u·d−p]</c> (cross-correlation, taps
/// outside the input read 0). W is <c>[filters, inChannels, kernelSize]</c> row-major (<c>nn.Conv1d.weight</c>'s layout),
/// then b of <c>filters</c> values. The input must be a signal (<c>[Input(channels, length)]</c> or a previous 1-D
/// convolution or pooling); the output is <c>filters × Lo</c> with <c>Lo = ⌊(L + 2p − d·(k − 1) − 1)/s⌋ + 1</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv1DAttribute : LayerAttribute
{
    /// <summary>Declares a 1-D convolution with <paramref name="filters"/> output channels and <paramref name="kernelSize"/> taps.</summary>
    public Conv1DAttribute(int filters, int kernelSize, Activation activation = Activation.Identity)
    {
        Filters = filters;
        KernelSize = kernelSize;
        Activation = activation;
    }

    /// <summary>Output channels.</summary>
    public int Filters { get; }

    /// <summary>Kernel taps.</summary>
    public int KernelSize { get; }

    /// <summary>The activation applied to z.</summary>
    public Activation Activation { get; }

    /// <summary>Step between output positions; 1 unless set.</summary>
    public int Stride { get; set; } = 1;

    /// <summary>Zeros added at each end of the signal; 0 unless set.</summary>
    public int Padding { get; set; }

    /// <summary>Spacing between the kernel's taps (<c>d</c>: tap u reads position <c>i·s + u·d − p</c>); 1 unless set.</summary>
    public int Dilation { get; set; } = 1;

    /// <summary>The slope for negative inputs of <see cref="Activation.LeakyReLU"/>; 0.01 (PyTorch's default) unless set.</summary>
    public float NegativeSlope { get; set; } = 0.01f;
}

/// <summary>
/// 1-D max pooling, PyTorch's <c>nn.MaxPool1d(size, stride)</c>: <c>y[c,i] = max_{u &lt; size} x[c, i·s+u]</c>, no padding,
/// <c>Lo = ⌊(L − size)/s⌋ + 1</c>. Backward routes δ to each window's arg-max (the first maximum).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaxPool1DAttribute : LayerAttribute
{
    /// <summary>Declares max pooling over windows of <paramref name="size"/> samples.</summary>
    public MaxPool1DAttribute(int size) => Size = size;

    /// <summary>Window length.</summary>
    public int Size { get; }

    /// <summary>Step between windows; 0 (the default) means <see cref="Size"/>, as PyTorch's <c>stride=None</c>.</summary>
    public int Stride { get; set; }
}

/// <summary>
/// 1-D average pooling, PyTorch's <c>nn.AvgPool1d(size, stride)</c>: <c>y[c,i] = (1/size)·Σ_{u &lt; size} x[c, i·s+u]</c>, no
/// padding, <c>Lo = ⌊(L − size)/s⌋ + 1</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AvgPool1DAttribute : LayerAttribute
{
    /// <summary>Declares average pooling over windows of <paramref name="size"/> samples.</summary>
    public AvgPool1DAttribute(int size) => Size = size;

    /// <summary>Window length.</summary>
    public int Size { get; }

    /// <summary>Step between windows; 0 (the default) means <see cref="Size"/>, as PyTorch's <c>stride=None</c>.</summary>
    public int Stride { get; set; }
}

/// <summary>
/// Global average pooling, PyTorch's <c>nn.AdaptiveAvgPool2d(1)</c> after an image (or <c>nn.AdaptiveAvgPool1d(1)</c> after a
/// signal): each channel's mean, <c>y[c] = (1/n)·Σ_q x[c, q]</c> over its n positions. The output keeps the rank with
/// size-1 positions (<c>C × 1 × 1</c> or <c>C × 1</c>), as PyTorch's, so a Dense layer after it needs <c>[Flatten]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GlobalAvgPoolAttribute : LayerAttribute
{
}

/// <summary>
/// Flattens an image or signal into a vector of its values in CHW order (PyTorch's <c>nn.Flatten()</c>, <c>torch.flatten</c>
/// from dimension 1): no arithmetic, no parameters; the values keep their places.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class FlattenAttribute : LayerAttribute
{
}

// ── Recurrent layers (issue 10) ──────────────────────────────────────────────────────────────

/// <summary>
/// A gated recurrent unit over time, PyTorch's <c>nn.GRU(inputs, hidden, num_layers = Layers)</c> with a batch of one:
/// per time step and stacked layer, <c>r = σ(W_ir·x + b_ir + W_hr·h + b_hr)</c>, <c>z = σ(W_iz·x + b_iz + W_hz·h + b_hz)</c>,
/// <c>n = tanh(W_in·x + b_in + r ⊙ (W_hn·h + b_hn))</c>, <c>h′ = (1 − z) ⊙ n + z ⊙ h</c>; its output at each step is the top
/// layer's h′. Parameters per stacked layer k, PyTorch's state dict: <c>weight_ih_l{k}</c> <c>[3H, in]</c>,
/// <c>weight_hh_l{k}</c> <c>[3H, H]</c>, <c>bias_ih_l{k}</c> <c>[3H]</c>, <c>bias_hh_l{k}</c> <c>[3H]</c> (gates r, z, n).
/// A network with a recurrent layer streams: it gets <c>Step</c>, <c>ResetState</c>, <c>ForwardSequence</c> and (with a loss)
/// <c>BackwardSequence</c>; a Dense layer after it is applied at every time step.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GRUAttribute : LayerAttribute
{
    /// <summary>Declares a GRU with <paramref name="hidden"/> units per stacked layer.</summary>
    public GRUAttribute(int hidden) => Hidden = hidden;

    /// <summary>Hidden units H (PyTorch's <c>hidden_size</c>): the layer's output size.</summary>
    public int Hidden { get; }

    /// <summary>Stacked layers (PyTorch's <c>num_layers</c>), layer k &gt; 0 fed by layer k − 1's h; 1 unless set.</summary>
    public int Layers { get; set; } = 1;
}

/// <summary>
/// A long short-term memory layer over time, PyTorch's <c>nn.LSTM(inputs, hidden, num_layers = Layers)</c> with a batch of
/// one: per time step and stacked layer, gates <c>i = σ(…)</c>, <c>f = σ(…)</c>, <c>g = tanh(…)</c>, <c>o = σ(…)</c> of
/// <c>W_i·x + b_i + W_h·h + b_h</c>, then <c>c′ = f ⊙ c + i ⊙ g</c>, <c>h′ = o ⊙ tanh(c′)</c>; its output at each step is the top
/// layer's h′. Parameters per stacked layer k, PyTorch's state dict: <c>weight_ih_l{k}</c> <c>[4H, in]</c>,
/// <c>weight_hh_l{k}</c> <c>[4H, H]</c>, <c>bias_ih_l{k}</c> <c>[4H]</c>, <c>bias_hh_l{k}</c> <c>[4H]</c> (gates i, f, g, o).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LSTMAttribute : LayerAttribute
{
    /// <summary>Declares an LSTM with <paramref name="hidden"/> units per stacked layer.</summary>
    public LSTMAttribute(int hidden) => Hidden = hidden;

    /// <summary>Hidden units H (PyTorch's <c>hidden_size</c>): the layer's output size.</summary>
    public int Hidden { get; }

    /// <summary>Stacked layers (PyTorch's <c>num_layers</c>), layer k &gt; 0 fed by layer k − 1's h; 1 unless set.</summary>
    public int Layers { get; set; } = 1;
}

// issue 13: preprocessing that travels with the model

/// <summary>
/// Standardises each input feature, as Keras's <c>keras.layers.Normalization</c>: <c>y = (x − μ) / max(√σ², ε)</c> with ε = 1e-7
/// (Keras's <c>backend.epsilon()</c>, so a constant feature is only centred). μ and σ² (the population variance) are not trained:
/// the generated <c>Adapt(data)</c> measures them on training data, and they are saved, loaded and embedded with the weights
/// (state-dict tensors <c>running_mean</c> and <c>running_var</c>). Before <c>Adapt</c> the layer is the identity (μ = 0, σ² = 1) and
/// the generated <c>IsAdapted</c> is false; <c>Trainer</c> refuses to train such a network.
/// </summary>
/// <remarks>
/// It must be the first layer, right after a vector <c>[Input(n)]</c> (NG1201, NG1202): <c>Adapt</c> then reads the data exactly as
/// the network does, and a model's raw input (centimetres, dollars) goes in unscaled.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class NormalizationAttribute : LayerAttribute
{
}
