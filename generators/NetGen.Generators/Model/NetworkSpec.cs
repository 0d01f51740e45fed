namespace NetGen.Generators.Model;

/// <summary>
/// Everything the emitter needs to write one network, as plain values. Immutable with structural equality (records,
/// <see cref="EquatableArray{T}"/>): it holds no ISymbol, SyntaxNode, Location or Compilation, or caching breaks.
/// </summary>
/// <param name="Namespace">The class's namespace, or null for the global namespace.</param>
/// <param name="Name">The class name.</param>
/// <param name="FullName">The fully qualified display name, for messages.</param>
/// <param name="Input">The shape of one input sample.</param>
/// <param name="Layers">The layers in order, with shapes and parameter offsets resolved.</param>
/// <param name="Loss">The loss, or null for an inference-only network.</param>
/// <param name="Reduction">How one sample's per-element losses are combined.</param>
/// <param name="HintName">The generated file's hint name.</param>
/// <param name="Aliases">The names the generated file's using aliases take (free of clashes with the user's names).</param>
internal sealed record NetworkSpec(
    string? Namespace,
    string Name,
    string FullName,
    Shape Input,
    EquatableArray<LayerModel> Layers,
    LossKind? Loss,
    ReductionKind Reduction,
    string HintName,
    AliasNames Aliases)
{
    /// <summary>Huber's δ for <see cref="LossKind.Huber"/> (1 unless <c>HuberDelta</c> is set).</summary>
    public float HuberDelta { get; init; } = 1f;

    /// <summary>The class is abstract (issue 9: then it makes no data-parallel workers, which are instances of it).</summary>
    public bool IsAbstract { get; init; }

    /// <summary>Whether the class gets data-parallel workers (issue 9): trainable, not streaming, not abstract.</summary>
    public bool HasWorkers => IsTrainable && !IsStreaming && !IsAbstract;

    public int InputSize => Input.Size;

    public int OutputSize => Layers[Layers.Count - 1].Units;

    public int ParameterCount
    {
        get
        {
            LayerModel last = Layers[Layers.Count - 1];
            return last.ParameterOffset + last.ParameterCount;
        }
    }

    public bool IsTrainable => Loss is not null;

    /// <summary>Floats of saved untrained state (batch norm's running statistics), layer after layer.</summary>
    public int StatisticsCount
    {
        get
        {
            int count = 0;
            foreach (LayerModel layer in Layers)
            {
                count += layer.StatisticsCount;
            }
            return count;
        }
    }

    // issue 10: streaming

    /// <summary>Floats of one stream's state (every recurrent layer's h, an LSTM's c); 0: the network does not stream.</summary>
    public int StateCount
    {
        get
        {
            int count = 0;
            foreach (LayerModel layer in Layers)
            {
                count += layer.StateCount;
            }
            return count;
        }
    }

    /// <summary>Floats of the packed weights the recurrent kernels read.</summary>
    public int PackedCount
    {
        get
        {
            int count = 0;
            foreach (LayerModel layer in Layers)
            {
                count += layer.PackedCount;
            }
            return count;
        }
    }

    /// <summary>A network with recurrent layers: Step, ResetState, State, ForwardSequence, BackwardSequence.</summary>
    public bool IsStreaming => StateCount > 0;
}
