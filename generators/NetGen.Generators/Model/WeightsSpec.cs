using System.Collections.Generic;

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

/// <summary>One tensor of a network's parameter buffer, named as in the equivalent PyTorch <c>nn.Sequential</c> state dict.</summary>
/// <param name="Name">For example <c>0.weight</c>.</param>
/// <param name="Offset">Where it starts in θ.</param>
/// <param name="Shape">Outermost dimension first (a dense weight is out × in).</param>
internal sealed record TensorSpec(string Name, int Offset, EquatableArray<int> Shape)
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

    /// <summary>
    /// The tensors of a network in buffer order. Each dense layer is an <c>nn.Linear</c> module followed by its activation
    /// module; an identity activation has no module. So <c>[Dense(32, ReLU)][Dense(16)][Dense(10, Softmax)]</c> is
    /// <c>Sequential(Linear, ReLU, Linear, Linear, Softmax)</c>: <c>0.*</c>, <c>2.*</c>, <c>3.*</c>.
    /// </summary>
    public static IReadOnlyList<TensorSpec> For(NetworkSpec spec)
    {
        var tensors = new List<TensorSpec>(2 * spec.Layers.Count);
        int module = 0;
        foreach (LayerSpec layer in spec.Layers)
        {
            string prefix = module.ToString(System.Globalization.CultureInfo.InvariantCulture);
            tensors.Add(new TensorSpec(prefix + ".weight", layer.WeightOffset, new EquatableArray<int>(new[] { layer.Units, layer.Inputs })));
            tensors.Add(new TensorSpec(prefix + ".bias", layer.BiasOffset, new EquatableArray<int>(new[] { layer.Units })));
            module += layer.Activation == ActivationKind.Identity ? 1 : 2;
        }
        return tensors;
    }
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

/// <summary>Weights resolved for one network: the file's name (no folders, so that builds stay deterministic) and θ in buffer order, as validated JSON number tokens.</summary>
internal sealed record EmbeddedWeights(string FileName, EquatableArray<string> Values);

/// <summary>A network with a Weights argument after matching its file: the spec, the weights (null on error) and the diagnostics.</summary>
internal sealed record EmbedResult(NetworkSpec Spec, EmbeddedWeights? Weights, EquatableArray<DiagnosticInfo> Diagnostics);
