namespace NetGen.Generators.Model;

/// <summary>
/// One layer of the model: what every kind has. Each kind is one sealed record deriving from this (see <c>Model/Layers</c>)
/// that adds only its own fields. Records compare by value, so the incremental pipeline caches; they hold no Roslyn
/// object (ISymbol, SyntaxNode, Location, Compilation), or caching breaks.
/// </summary>
/// <param name="Index">1-based layer number l, as in the textbook's a⁽ˡ⁾.</param>
/// <param name="Input">The shape coming in (the previous layer's output, or the input).</param>
/// <param name="Output">The shape going out.</param>
/// <param name="ParameterOffset">Where the layer's parameters start in θ (where the next layer's start, when it has none).</param>
internal abstract record LayerModel(int Index, Shape Input, Shape Output, int ParameterOffset)
{
    /// <summary>Floats of θ the layer owns, from <see cref="ParameterOffset"/> on.</summary>
    public abstract int ParameterCount { get; }

    /// <summary>The activation f applied to the layer's output (identity for layers without one).</summary>
    public virtual ActivationModel Activation => ActivationModel.Identity;

    /// <summary>
    /// Floats of saved, untrained state (batch norm's running statistics) the layer keeps in the network's
    /// <c>RunningStatistics</c>, from the offset its record stores. Streaming state (a recurrent layer's hidden state) is not
    /// this: it belongs to one stream, not to the model.
    /// </summary>
    public virtual int StatisticsCount => 0;

    /// <summary>
    /// Floats of streaming state the layer keeps between time steps (a recurrent layer's h, an LSTM's c), in the network's
    /// caller-owned <c>State</c>; 0 for stateless layers (issue 10).
    /// </summary>
    public virtual int StateCount => 0;

    /// <summary>Floats of the packed copy of the layer's θ that its streaming kernels read (issue 10); 0 if none.</summary>
    public virtual int PackedCount => 0;

    /// <summary>The layer's module name (<c>Name = "fc1"</c> on its attribute), or null for its nn.Sequential index.</summary>
    public string? Name { get; init; }

    /// <summary>Values in one input sample.</summary>
    public int Inputs => Input.Size;

    /// <summary>Values in one output sample.</summary>
    public int Units => Output.Size;
}

/// <summary>An activation function f and its one parameter (LeakyReLU's slope for z ≤ 0).</summary>
internal sealed record ActivationModel(ActivationKind Kind, float NegativeSlope = 0.01f)
{
    public static ActivationModel Identity { get; } = new(ActivationKind.Identity);

    public bool IsIdentity => Kind == ActivationKind.Identity;
}
