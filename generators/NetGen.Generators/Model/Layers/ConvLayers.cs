using System;

namespace NetGen.Generators.Model;

/// <summary>
/// <c>[Conv2D(filters, k, f, Stride = s, Padding = p)]</c>: z[f,i,j] = b[f] + Σ_{c,u,v} W[f,c,u,v]·a[c, i·s+u−p, j·s+v−p],
/// a = f(z). W = θ[ParameterOffset..) is <c>filters × channels × k × k</c> (nn.Conv2d.weight's layout), b follows it.
/// </summary>
internal sealed record Conv2DLayer(int Index, Shape Input, Shape Output, int ParameterOffset, ActivationModel Function, int KernelSize, int Stride, int Padding)
    : LayerModel(Index, Input, Output, ParameterOffset)
{
    public override ActivationModel Activation => Function;

    public int Filters => Output.Channels;

    /// <summary>Taps per filter, C·k·k (the fan-in).</summary>
    public int Taps => Input.Channels * KernelSize * KernelSize;

    public int WeightOffset => ParameterOffset;

    public int WeightCount => Filters * Taps;

    public int BiasOffset => ParameterOffset + WeightCount;

    public override int ParameterCount => WeightCount + Filters;

    /// <summary>Output rows or columns along an axis of <paramref name="input"/>: ⌊(n + 2p − k)/s⌋ + 1 (≤ 0 when the kernel does not fit).</summary>
    public static int OutputLength(int input, int kernel, int stride, int padding)
    {
        int span = input + 2 * padding - kernel;
        return span < 0 ? 0 : span / stride + 1;
    }

    /// <summary>
    /// The scratch floats <c>NetGen.Kernels.ConvKernels.Conv2DScratchLength</c> returns for this layer (its form: direct for
    /// stride 1, im2col otherwise), so that the workspace's buffer has a constant length.
    /// </summary>
    public int ScratchLength
    {
        get
        {
            int c = Input.Channels, h = Input.Height, w = Input.Width, f = Filters, k = KernelSize, p = Padding;
            int ho = Output.Height, wo = Output.Width;
            if (Stride == 1)
            {
                int hp = h + 2 * p, wp = w + 2 * p;
                int padded = p != 0 ? c * hp * wp : 0;
                bool compaction = ho > 1 && wp != wo;
                int forward = padded + (compaction ? f * ho * wp : 0);
                int lead = (k - 1) * wp + (k - 1);
                int backward = padded + f * (lead + hp * wp) + (p != 0 ? c * h * wp : 0);
                return Math.Max(forward, backward);
            }
            return 2 * Taps * ho * wo;
        }
    }
}

/// <summary>
/// <c>[MaxPool2D(size, Stride = s)]</c> or <c>[AvgPool2D(size, Stride = s)]</c> (<paramref name="Max"/> says which): each
/// window of size × size at step s, channel by channel; no parameters.
/// </summary>
internal sealed record Pool2DLayer(int Index, Shape Input, Shape Output, int ParameterOffset, bool Max, int Size, int Stride)
    : LayerModel(Index, Input, Output, ParameterOffset)
{
    public override int ParameterCount => 0;

    /// <summary>Pooled rows or columns: ⌊(n − size)/s⌋ + 1 (≤ 0 when the window does not fit).</summary>
    public static int OutputLength(int input, int size, int stride) => input < size ? 0 : (input - size) / stride + 1;
}

/// <summary><c>[Flatten]</c>: the same values as a vector (CHW order); no parameters, no arithmetic.</summary>
internal sealed record FlattenLayer(int Index, Shape Input, int ParameterOffset)
    : LayerModel(Index, Input, Shape.Vector(Input.Size), ParameterOffset)
{
    public override int ParameterCount => 0;
}
