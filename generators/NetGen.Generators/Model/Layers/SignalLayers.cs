using System;

namespace NetGen.Generators.Model;

/// <summary>
/// <c>[Conv1D(filters, k, f, Stride = s, Padding = p, Dilation = d)]</c> on a signal: z[f,i] = b[f] + Σ_{c,u} W[f,c,u]·a[c, i·s+u·d−p],
/// a = f(z). W = θ[ParameterOffset..) is <c>filters × channels × k</c> (nn.Conv1d.weight's layout), b follows it.
/// </summary>
internal sealed record Conv1DLayer(int Index, Shape Input, Shape Output, int ParameterOffset, ActivationModel Function, int KernelSize, int Stride, int Padding, int Dilation)
    : LayerModel(Index, Input, Output, ParameterOffset)
{
    public override ActivationModel Activation => Function;

    public int Filters => Output.Channels;

    /// <summary>Taps per filter, C·k (the fan-in).</summary>
    public int Taps => Input.Channels * KernelSize;

    public int WeightOffset => ParameterOffset;

    public int WeightCount => Filters * Taps;

    public int BiasOffset => ParameterOffset + WeightCount;

    public override int ParameterCount => WeightCount + Filters;

    /// <summary>Output samples: ⌊(n + 2p − d·(k − 1) − 1)/s⌋ + 1 (≤ 0 when the dilated kernel does not fit).</summary>
    public static int OutputLength(int input, int kernel, int stride, int padding, int dilation)
    {
        long span = (long)input + 2L * padding - (long)dilation * (kernel - 1) - 1;
        return span < 0 ? 0 : (int)Math.Min(int.MaxValue, span / stride + 1);
    }

    /// <summary>
    /// The scratch floats <c>NetGen.Kernels.ConvKernels.Conv1DScratchLength</c> returns for this layer (direct for stride 1,
    /// im2col otherwise), so that the workspace's buffer has a constant length.
    /// </summary>
    public int ScratchLength
    {
        get
        {
            int c = Input.Channels, n = Input.Height, f = Filters, k = KernelSize, p = Padding, lo = Output.Height;
            if (Stride == 1)
            {
                int np = n + 2 * p;
                int padded = p != 0 ? c * np : 0;
                int lead = (k - 1) * Dilation;
                int backward = padded + f * (lead + np) + (p != 0 ? c * np : 0);
                return Math.Max(padded, backward);
            }
            return 2 * Taps * lo;
        }
    }
}

/// <summary>
/// <c>[MaxPool1D(size, Stride = s)]</c> or <c>[AvgPool1D(size, Stride = s)]</c> (<paramref name="Max"/> says which): each window
/// of <c>size</c> samples at step s, channel by channel; no parameters.
/// </summary>
internal sealed record Pool1DLayer(int Index, Shape Input, Shape Output, int ParameterOffset, bool Max, int Size, int Stride)
    : LayerModel(Index, Input, Output, ParameterOffset)
{
    public override int ParameterCount => 0;
}

/// <summary>
/// <c>[GlobalAvgPool]</c>: each channel's mean over its positions; an image becomes C×1×1, a signal C×1 (PyTorch's adaptive
/// average pooling to 1); no parameters.
/// </summary>
internal sealed record GlobalAvgPoolLayer(int Index, Shape Input, Shape Output, int ParameterOffset)
    : LayerModel(Index, Input, Output, ParameterOffset)
{
    public override int ParameterCount => 0;

    /// <summary>Positions per channel, H·W or L.</summary>
    public int PlaneSize => Input.Height * Input.Width;
}

/// <summary>
/// <c>[BatchNorm(f)]</c> after a convolution or pooling layer: per channel, as PyTorch's BatchNorm2d (image) or BatchNorm1d
/// (signal). γ = θ[ParameterOffset..+C), β follows it; the running mean then variance (C each) at <see cref="StatisticsOffset"/>.
/// </summary>
internal sealed record ChannelBatchNormLayer(int Index, Shape Input, int ParameterOffset, ActivationModel Function, float Momentum, float Epsilon, int StatisticsOffset)
    : LayerModel(Index, Input, Input, ParameterOffset)
{
    public override ActivationModel Activation => Function;

    public int Channels => Input.Channels;

    /// <summary>Positions per channel, H·W or L.</summary>
    public int PlaneSize => Input.Height * Input.Width;

    public int GammaOffset => ParameterOffset;

    public int BetaOffset => ParameterOffset + Channels;

    public override int ParameterCount => 2 * Channels;

    public override int StatisticsCount => 2 * Channels;
}
