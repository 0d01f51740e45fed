namespace NetGen.Generators.Model;

/// <summary>The <c>Weights = "…"</c> argument of one [Network]: the path as written and where it is written (for diagnostics).</summary>
/// <param name="Path">The path exactly as written in the attribute.</param>
/// <param name="Location">The argument's location; diagnostics about the file point here.</param>
internal sealed record WeightsReference(string Path, LocationInfo? Location)
{
    /// <summary>The last path segment, used to pick which additional files are worth reading.</summary>
    public string FileName
    {
        get
        {
            string normalized = Path.Replace('\\', '/');
            int slash = normalized.LastIndexOf('/');
            return slash < 0 ? normalized : normalized.Substring(slash + 1);
        }
    }
}

/// <summary>One tensor of a network's state, named as in the equivalent PyTorch <c>nn.Sequential</c> state dict (mirrors NetGen.IO.StateDict).</summary>
/// <param name="Name">For example <c>0.weight</c> or <c>3.running_mean</c>.</param>
/// <param name="Offset">Where it starts in θ, or in the running statistics when <paramref name="Statistics"/>.</param>
/// <param name="Shape">Outermost dimension first (a dense weight is out × in).</param>
/// <param name="Statistics">Whether it lives in the running statistics (batch norm's running mean and variance) rather than θ.</param>
internal sealed record TensorSpec(string Name, int Offset, EquatableArray<int> Shape, bool Statistics = false)
{
    public int Length
    {
        get
        {
            int length = 1;
            foreach (int dimension in Shape)
            {
                length *= dimension;
            }
            return length;
        }
    }

    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}

/// <summary>A tensor as a NetGen weight file declares it. Values are the JSON number tokens, validated, not yet converted.</summary>
internal sealed record WeightFileTensor(string Name, string DType, EquatableArray<int> Shape, EquatableArray<string> Values)
{
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}

/// <summary>One additional file read as NetGen weight JSON: its tensors, or the reason it cannot be read.</summary>
/// <param name="Path">The additional file's path.</param>
/// <param name="Tensors">The tensors in file order (empty when <paramref name="Error"/> is set).</param>
/// <param name="Error">Why the file cannot be used (with line and column), or null.</param>
internal sealed record WeightFile(string Path, EquatableArray<WeightFileTensor> Tensors, string? Error);

/// <summary>
/// Weights resolved for one network: the file's name (no folders, so that builds stay deterministic), θ in buffer order and
/// the batch-norm running statistics in theirs, as validated JSON number tokens.
/// </summary>
internal sealed record EmbeddedWeights(string FileName, EquatableArray<string> Values, EquatableArray<string> Statistics);

/// <summary>A network with a Weights argument after matching its file: the spec, the weights (null on error) and the diagnostics.</summary>
internal sealed record EmbedResult(NetworkSpec Spec, EmbeddedWeights? Weights, EquatableArray<DiagnosticInfo> Diagnostics);
