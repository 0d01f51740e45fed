using System.Collections.Generic;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>
/// [Normalization] (issue 13, Keras's Normalization): the input standardised per feature with a mean and variance that
/// <c>Adapt</c> measured (not trained); the same in training and inference; no parameters. Always layer 1 (NG1201).
/// </summary>
internal sealed class NormalizationEmitter : LayerEmitter
{
    private readonly NormalizationLayer _layer;

    public NormalizationEmitter(NormalizationLayer layer, EmitContext context) : base(layer, context) => _layer = layer;

    public override bool HasZ => false;

    private string Kernels => Context[Alias.NormalizationKernels];

    private string N => Int(Units);

    /// <summary>Where the adapted mean starts in the running statistics (the variance follows).</summary>
    public int StatisticsOffset => _layer.StatisticsOffset;

    /// <summary>μ, from the instance's <c>_statistics</c> or, when given, a span local (embedded weights).</summary>
    public string Mean(string? statistics = null) => statistics is null
        ? $"new {Span}(_statistics, {Int(_layer.StatisticsOffset)}, {N})"
        : $"{statistics}.Slice({Int(_layer.StatisticsOffset)}, {N})";

    /// <summary>σ², as <see cref="Mean"/>.</summary>
    public string Variance(string? statistics = null) => statistics is null
        ? $"new {Span}(_statistics, {Int(_layer.StatisticsOffset + Units)}, {N})"
        : $"{statistics}.Slice({Int(_layer.StatisticsOffset + Units)}, {N})";

    // ── Remarks, members, initialisation ─────────────────────────────────────────────────────

    public override string Summary => " → Normalization";

    public override string PyTorchModule => $"Normalization({N})";

    public override void WriteParameterRemark(SourceWriter w) =>
        w.Line($"/// <item>layer {Int(Index)}, normalization: no parameters; adapted mean and variance in <c>RunningStatistics</c>[{Int(_layer.StatisticsOffset)}..{Int(_layer.StatisticsOffset + 2 * Units)}) (set by <c>Adapt</c>)</item>");

    public override string LayerInfo =>
        $"{Int(Index)}, {Context[Alias.LayerKind]}.Normalization, {N}, {N}, {Context[Alias.Activation]}.Identity, {Int(_layer.ParameterOffset)}, 0, {Int(_layer.ParameterOffset)}, 0";

    public override void WriteInit(SourceWriter w)
    {
        w.Line($"// Normalization: mean 0, variance 1 until Adapt measures them (the identity; IsAdapted is false)");
        w.Line($"{Variance()}.Fill(1f);");
    }

    public override IEnumerable<TensorSpec> Tensors(string prefix)
    {
        var features = new EquatableArray<int>(new[] { Units });
        yield return new TensorSpec(prefix + "running_mean", _layer.StatisticsOffset, features, Statistics: true);
        yield return new TensorSpec(prefix + "running_var", _layer.StatisticsOffset + Units, features, Statistics: true);
    }

    // ── Inference ────────────────────────────────────────────────────────────────────────────

    public override void WriteHeader(SourceWriter w)
    {
        int s = _layer.StatisticsOffset;
        w.Line($"// Layer {Int(Index)} · Normalization · {N} features (no parameters; Keras's Normalization)");
        w.Line($"//   {OutputName} = ({A(Index - 1)} − μ) / max(√σ², ε), ε = 1e-7, per feature: the input standardised to mean 0, variance 1");
        w.Line($"//   (μ = s[{Int(s)}..{Int(s + Units)}), σ² = s[{Int(s + Units)}..{Int(s + 2 * Units)}): the population mean and variance Adapt measured on the");
        w.Line("//   training data, not trained; before Adapt μ = 0, σ² = 1 and the layer is the identity; the same in training and inference)");
    }

    private void WriteNormalize(SourceWriter w, string input, string output, string? statistics = null) =>
        w.Line($"{Kernels}.Forward({input}, {Mean(statistics)}, {Variance(statistics)}, {output});");

    public override void WriteForward(SourceWriter w, string? statistics)
    {
        WriteHeader(w);
        string target = IsLast ? "output" : $"a{Index}";
        if (!IsLast)
        {
            w.Line($"{Span} {target} = stackalloc float[{N}];");
        }
        WriteNormalize(w, InName, target, statistics);
    }

    public override void WriteForwardTile(SourceWriter w) =>
        w.Line($"{Kernels}.ForwardRows({(Index == 1 ? "x" : $"a{Index - 1}")}, n, {Mean()}, {Variance()}, a{Index});");

    // ── Training ─────────────────────────────────────────────────────────────────────────────

    public override IReadOnlyList<Record> Records => new[] { new Record($"a{Index}", null, Units) };

    public override void WriteRecord(SourceWriter w)
    {
        WriteHeader(w);
        WriteNormalize(w, InName, $"a{Index}");
    }

    public override void WriteBackward(SourceWriter w) => WriteBackwardComment(w);

    public override IEnumerable<(string Name, int Row)> BatchBuffers()
    {
        yield return ($"ba{Index}", Units);
        yield return ($"bd{Index}", Units);
    }

    public override void WriteRecordBatch(SourceWriter w)
    {
        WriteHeader(w);
        w.Line($"{Kernels}.ForwardRows({BatchInName}, batchSize, {Mean()}, {Variance()}, ba{Index});");
    }

    public override void WriteBackwardBatch(SourceWriter w) => WriteBackwardComment(w);

    /// <summary>
    /// The layer is always the first (NG1201): ∂L/∂x = δ⁽¹⁾ / max(√σ², ε) would be the input's gradient, which no NetGen method
    /// returns, and μ, σ² are not trained, so backprop ends here.
    /// </summary>
    private void WriteBackwardComment(SourceWriter w) =>
        w.Line($"// Layer {Int(Index)} · Normalization on the input: no parameters (μ and σ² are not trained), nothing further to propagate.");
}
