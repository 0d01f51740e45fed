using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>[BatchNorm]: batch statistics in training mode, running statistics in inference, learnable γ and β.</summary>
internal static partial class NetworkEmitter
{
    private static void WriteBatchNormHeader(SourceWriter w, LayerSpec layer, bool isLast)
    {
        int l = layer.Index;
        string output = isLast ? "ŷ" : A(l);
        w.Line($"// Layer {Int(l)} · BatchNorm {Int(layer.Units)} · {Name(layer.Activation, layer.NegativeSlope)}        γ{Sup(l)} = {Range(layer.WeightOffset, layer.Units)}, β{Sup(l)} = {Range(layer.BiasOffset, layer.Units)}");
        w.Line($"//   x̂ = ({A(l - 1)} − μ) / √(σ² + ε), ε = {Rate(layer.Epsilon)}: training uses the batch's μ and biased σ², inference the running μ, σ²");
        w.Line($"//   (running {Range2("μ", layer.StatisticsOffset, layer.Units)}, {Range2("σ²", layer.StatisticsOffset + layer.Units, layer.Units)}; r ← (1 − {Rate(layer.Momentum)})·r + {Rate(layer.Momentum)}·batch, σ² unbiased)");
        w.Line($"//   z{Sup(l)} = γ{Sup(l)} ⊙ x̂ + β{Sup(l)}");
        w.Line(layer.Activation == ActivationKind.Identity
            ? $"//   {output} = z{Sup(l)}"
            : $"//   {output} = {Function(layer.Activation)}(z{Sup(l)})");
    }

    private static string Range2(string name, int start, int count) => $"{name} = s[{Int(start)}..{Int(start + count)})";

    private static string Gamma(LayerSpec layer) => $"theta.Slice({Int(layer.WeightOffset)}, {Int(layer.Units)})";

    private static string Beta(LayerSpec layer) => $"theta.Slice({Int(layer.BiasOffset)}, {Int(layer.Units)})";

    /// <summary>The running mean, from the instance's <c>_statistics</c> or, when given, a span variable (embedded weights).</summary>
    private static string RunningMean(LayerSpec layer, string? statistics = null) => statistics is null
        ? $"new {Span}(_statistics, {Int(layer.StatisticsOffset)}, {Int(layer.Units)})"
        : $"{statistics}.Slice({Int(layer.StatisticsOffset)}, {Int(layer.Units)})";

    private static string RunningVariance(LayerSpec layer, string? statistics = null) => statistics is null
        ? $"new {Span}(_statistics, {Int(layer.StatisticsOffset + layer.Units)}, {Int(layer.Units)})"
        : $"{statistics}.Slice({Int(layer.StatisticsOffset + layer.Units)}, {Int(layer.Units)})";

    /// <summary>z = γ ⊙ (x − μ_run)/√(σ²_run + ε) + β for one sample.</summary>
    private static void WriteBatchNormInference(SourceWriter w, LayerSpec layer, string inName, string z, string? statistics = null) =>
        w.Line($"{Kernels}.BatchNormKernels.Inference({inName}, {Gamma(layer)}, {Beta(layer)}, {RunningMean(layer, statistics)}, {RunningVariance(layer, statistics)}, {Float(layer.Epsilon)}, {z});");

    /// <summary>The backward step with the running statistics (inference mode, one sample).</summary>
    private static void WriteBatchNormInferenceBackward(SourceWriter w, LayerSpec layer, string delta, string inName, string gradInput)
    {
        int l = layer.Index;
        w.Line($"// Layer {Int(l)} · BatchNorm with running statistics (constants): ∂L/∂γ{Sup(l)} += δ{Sup(l)} ⊙ x̂, ∂L/∂β{Sup(l)} += δ{Sup(l)}, ∂L/∂{A(l - 1)} = δ{Sup(l)} ⊙ γ{Sup(l)} / √(σ² + ε)");
        w.Line($"{Kernels}.BatchNormKernels.InferenceBackward({delta}, {inName}, {Gamma(layer)}, {RunningMean(layer)}, {RunningVariance(layer)}, {Float(layer.Epsilon)}, grad.Slice({Int(layer.WeightOffset)}, {Int(layer.Units)}), grad.Slice({Int(layer.BiasOffset)}, {Int(layer.Units)}), {gradInput});");
    }

    /// <summary>Dropout and batch norm in inference mode (Forward, Evaluate), including the layer's activation.</summary>
    private static void WriteInferenceLayer(SourceWriter w, LayerSpec layer, string inName, string target, bool isLast, string? logits, string? statistics = null)
    {
        WriteLayerHeader(w, layer, isLast);
        if (layer.Kind == LayerKindSpec.Dropout)
        {
            WriteDropoutInference(w, inName, target, isLast);
            return;
        }
        if (!isLast)
        {
            w.Line($"{Span} {target} = stackalloc float[{Int(layer.Units)}];");
        }
        string z = logits ?? target;
        WriteBatchNormInference(w, layer, inName, z, statistics);
        if (z != target && layer.Activation == ActivationKind.Identity)
        {
            w.Line($"{z}.CopyTo({target});");
        }
        else
        {
            WriteActivation(w, layer, z, target);
        }
    }
}
