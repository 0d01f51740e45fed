namespace NetGen.Generators.Model;

/// <summary>
/// Everything the emitter needs to write one network, as plain values. Immutable with structural equality (records,
/// <see cref="EquatableArray{T}"/>): it holds no ISymbol, SyntaxNode, Location or Compilation, or caching breaks.
/// </summary>
/// <param name="Namespace">The class's namespace, or null for the global namespace.</param>
/// <param name="Name">The class name.</param>
/// <param name="FullName">The fully qualified display name, for messages.</param>
/// <param name="InputSize">Values in one input vector.</param>
/// <param name="Layers">The layers in order, with shapes and parameter offsets resolved.</param>
/// <param name="Loss">The loss, or null for an inference-only network.</param>
/// <param name="Reduction">How one sample's per-element losses are combined.</param>
/// <param name="HintName">The generated file's hint name.</param>
internal sealed record NetworkSpec(
    string? Namespace,
    string Name,
    string FullName,
    int InputSize,
    EquatableArray<LayerSpec> Layers,
    LossKind? Loss,
    ReductionKind Reduction,
    string HintName)
{
    public int OutputSize => Layers[Layers.Count - 1].Units;

    public int ParameterCount
    {
        get
        {
            LayerSpec last = Layers[Layers.Count - 1];
            return last.BiasOffset + last.BiasCount;
        }
    }

    public bool IsTrainable => Loss is not null;

    /// <summary>Floats of batch-norm running statistics (mean then variance per batch-norm layer).</summary>
    public int StatisticsCount
    {
        get
        {
            int count = 0;
            foreach (LayerSpec layer in Layers)
            {
                count += layer.Kind == LayerKindSpec.BatchNorm ? 2 * layer.Units : 0;
            }
            return count;
        }
    }

    public bool Has(LayerKindSpec kind)
    {
        foreach (LayerSpec layer in Layers)
        {
            if (layer.Kind == kind)
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>
/// One layer. Dense: <c>a = f(W·x + b)</c>, <c>W</c> = θ[WeightOffset..WeightOffset + Units·Inputs), <c>b</c> = θ[BiasOffset..BiasOffset + Units).
/// Dropout: no parameters (offsets are where the next layer starts). BatchNorm: γ = θ[WeightOffset..+Units), β = θ[BiasOffset..+Units),
/// running mean and variance at StatisticsOffset in the statistics buffer.
/// </summary>
/// <param name="Index">1-based layer number l, as in the textbook's a⁽ˡ⁾.</param>
/// <param name="Inputs">Values coming in (the previous layer's units, or the input size).</param>
/// <param name="Units">Values going out.</param>
/// <param name="Activation">f.</param>
/// <param name="NegativeSlope">LeakyReLU's slope for z ≤ 0.</param>
/// <param name="WeightOffset">Where W starts in the parameter buffer.</param>
/// <param name="BiasOffset">Where b starts in the parameter buffer.</param>
/// <param name="Kind">Dense, Dropout or BatchNorm.</param>
/// <param name="Rate">Dropout's p.</param>
/// <param name="Momentum">BatchNorm's running-statistics momentum.</param>
/// <param name="Epsilon">BatchNorm's ε.</param>
/// <param name="Init">Dense weight initialisation.</param>
/// <param name="InitScale">The scale of the Uniform and Normal initialisations.</param>
/// <param name="StatisticsOffset">BatchNorm: where its running mean starts in the statistics buffer (the variance follows).</param>
internal sealed record LayerSpec(
    int Index,
    int Inputs,
    int Units,
    ActivationKind Activation,
    float NegativeSlope,
    int WeightOffset,
    int BiasOffset,
    LayerKindSpec Kind = LayerKindSpec.Dense,
    float Rate = 0f,
    float Momentum = 0.1f,
    float Epsilon = 1e-5f,
    WeightInitKind Init = WeightInitKind.Default,
    float InitScale = 0.05f,
    int StatisticsOffset = 0)
{
    public int WeightCount => Kind switch
    {
        LayerKindSpec.Dense => Inputs * Units,
        LayerKindSpec.BatchNorm => Units,
        _ => 0,
    };

    public int BiasCount => Kind == LayerKindSpec.Dropout ? 0 : Units;

    public bool IsDense => Kind == LayerKindSpec.Dense;
}
