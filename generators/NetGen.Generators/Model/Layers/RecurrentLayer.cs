namespace NetGen.Generators.Model;

/// <summary>
/// <c>[GRU(hidden, Layers = K)]</c> or <c>[LSTM(hidden, Layers = K)]</c>: PyTorch's <c>nn.GRU</c>/<c>nn.LSTM</c> with
/// <c>num_layers = K</c>, applied over time. θ from <see cref="LayerModel.ParameterOffset"/>, per stacked layer k:
/// <c>weight_ih_l{k}</c> (G·H × in_k), <c>weight_hh_l{k}</c> (G·H × H), <c>bias_ih_l{k}</c>, <c>bias_hh_l{k}</c> (G·H each),
/// G = 3 (GRU) or 4 (LSTM), in₀ the layer's input size, in_k = H above. The output at each time step is the top layer's h.
/// </summary>
/// <param name="Kind"><see cref="LayerKindSpec.GRU"/> or <see cref="LayerKindSpec.LSTM"/>.</param>
/// <param name="Hidden">H, the hidden units per stacked layer.</param>
/// <param name="Stacked">K, the stacked layers.</param>
/// <param name="StateOffset">Where the layer's state starts in the network's state (h of every stacked layer; an LSTM's c after it).</param>
/// <param name="PackedOffset">Where the layer's packed weights start in the network's packed copy.</param>
internal sealed record RecurrentLayer(int Index, Shape Input, Shape Output, int ParameterOffset, LayerKindSpec Kind, int Hidden, int Stacked, int StateOffset, int PackedOffset)
    : LayerModel(Index, Input, Output, ParameterOffset)
{
    public bool IsGru => Kind == LayerKindSpec.GRU;

    /// <summary>G: 3 gates (r, z, n) or 4 (i, f, g, o).</summary>
    public int Gates => IsGru ? 3 : 4;

    public override int ParameterCount => Count(Inputs, Hidden, Stacked, Gates, packed: false);

    public override int PackedCount => Count(Inputs, Hidden, Stacked, Gates, packed: true);

    /// <summary>h of every stacked layer, and an LSTM's c.</summary>
    public override int StateCount => (IsGru ? 1 : 2) * Stacked * Hidden;

    /// <summary>Parameter (or packed) floats of a stack: the same formulas as NetGen.Kernels.RecurrentKernels.</summary>
    public static int Count(int inputs, int hidden, int stacked, int gates, bool packed)
    {
        long total = 0;
        for (int k = 0; k < stacked; k++)
        {
            long n = k == 0 ? inputs : hidden;
            total += packed
                ? gates * (long)hidden * (n + hidden + 1) + (gates == 3 ? hidden : 0)
                : gates * (long)hidden * (n + hidden) + 2L * gates * hidden;
        }
        return total > int.MaxValue ? int.MaxValue : (int)total;
    }
}
