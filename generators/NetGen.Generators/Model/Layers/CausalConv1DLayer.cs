namespace NetGen.Generators.Model;

/// <summary>
/// <c>[Conv1D(filters, k, f, Dilation = d)]</c> in a network whose <c>[Input(n)]</c> is one frame (issue 10): the causal, streaming
/// form. Each time step reads the frame coming in (C = <see cref="LayerModel.Inputs"/> channels) and the last (k − 1)·d frames,
/// which it keeps in the stream's state, and writes one frame of <see cref="Filters"/> values:
/// z[f,t] = b[f] + Σ_{c,u} W[f,c,u]·x[c, t − (k − 1 − u)·d], a = f(z) — PyTorch's nn.Conv1d on the sequence left-padded by
/// (k − 1)·d zeros. θ from <see cref="LayerModel.ParameterOffset"/>: W (filters × C × k, nn.Conv1d.weight's layout), then b.
/// The same <see cref="LayerKindSpec.Conv1D"/> as <see cref="Conv1DLayer"/>, which is the form on a fixed-length signal.
/// </summary>
/// <param name="KernelSize">k, the taps per channel.</param>
/// <param name="Dilation">d, the spacing of the taps in frames.</param>
/// <param name="StateOffset">Where the layer's history starts in the network's state.</param>
/// <param name="PackedOffset">Where the layer's packed weights (b, then W transposed to [C·k, filters]) start.</param>
internal sealed record CausalConv1DLayer(int Index, Shape Input, Shape Output, int ParameterOffset, ActivationModel Function, int KernelSize, int Dilation,
    int StateOffset, int PackedOffset)
    : LayerModel(Index, Input, Output, ParameterOffset)
{
    public override ActivationModel Activation => Function;

    public int Channels => Input.Size;

    public int Filters => Output.Size;

    /// <summary>Taps per filter, C·k (the fan-in, and the floats of a step's window).</summary>
    public int Taps => Channels * KernelSize;

    /// <summary>The past frames the layer keeps, (k − 1)·d.</summary>
    public int Frames => (KernelSize - 1) * Dilation;

    public int WeightOffset => ParameterOffset;

    public int WeightCount => Filters * Taps;

    public int BiasOffset => ParameterOffset + WeightCount;

    public override int ParameterCount => WeightCount + Filters;

    /// <summary>The ring of the last (k − 1)·d frames, then one slot for the ring's write position (NetGen.Kernels.CausalConvKernels.HistoryLength).</summary>
    public override int StateCount => Frames * Channels + 1;

    /// <summary>b, then W transposed (NetGen.Kernels.CausalConvKernels.PackedLength).</summary>
    public override int PackedCount => Filters + Taps * Filters;
}
