using NetGen.Generators.Model;

namespace NetGen.Generators.Emit;

/// <summary>
/// Issue 13: the members of a network whose first layer is [Normalization] (<c>NetGen.IAdaptableNetwork</c>): <c>IsAdapted</c>
/// and the two <c>Adapt</c> overloads, which measure the input features' mean and variance into the layer's statistics.
/// </summary>
internal static class AdaptEmitter
{
    /// <summary>The network's [Normalization] layer (always layer 1), or null.</summary>
    public static NormalizationEmitter? Layer(EmitContext context) =>
        context.Layers.Count > 0 ? context.Layers[0] as NormalizationEmitter : null;

    public static void Write(SourceWriter w, EmitContext context)
    {
        if (Layer(context) is not { } layer)
        {
            return;
        }
        string kernels = context[Alias.NormalizationKernels], name = context.Spec.Name;
        w.Line("/// <inheritdoc/>");
        w.Line("public bool IsAdapted { get; set; }");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Measures each input feature's mean μ and population variance σ² on <paramref name=\"data\"/>'s inputs (double precision, two");
        w.Line("/// passes) and stores them in the [Normalization] layer (<see cref=\"RunningStatistics\"/>); sets <see cref=\"IsAdapted\"/>.");
        w.Line("/// Measure the training split only: validation, test and new inputs are then scaled by the same μ and σ².");
        w.Line("/// </summary>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">The inputs are not <see cref=\"InputSize\"/> values each, there are none, or one is NaN or ±∞");
        w.Line("/// (named by row and feature); μ and σ² are then unchanged.</exception>");
        w.Open("public void Adapt(global::NetGen.Training.Dataset data)");
        w.Line($"{kernels}.Adapt(data, InputSize, {layer.Mean()}, {layer.Variance()}, \"{name}\", nameof(data));");
        w.Line("IsAdapted = true;");
        w.Close();
        w.Line();
        w.Line("/// <summary>As <see cref=\"Adapt(global::NetGen.Training.Dataset)\"/>, from row-major input rows (<see cref=\"InputSize\"/> values each).</summary>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\"><paramref name=\"rows\"/> is empty or not whole rows, or holds NaN or ±∞; μ and σ² are then unchanged.</exception>");
        w.Open($"public void Adapt({context[Alias.ReadOnlySpan]} rows)");
        w.Line($"{kernels}.Adapt(rows, InputSize, {layer.Mean()}, {layer.Variance()}, \"{name}\", nameof(rows));");
        w.Line("IsAdapted = true;");
        w.Close();
    }
}
