using System.Collections.Generic;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>
/// [BatchNorm(f)]: batch statistics in training mode (which needs a batch: one-sample training methods refuse it), running
/// statistics in inference, learnable γ and β; then f.
/// </summary>
internal sealed class BatchNormEmitter : GammaBetaEmitter
{
    private readonly BatchNormLayer _layer;

    public BatchNormEmitter(BatchNormLayer layer, EmitContext context) : base(layer, context) => _layer = layer;

    protected override int Count => Units;

    protected override int GammaOffset => _layer.GammaOffset;

    protected override int BetaOffset => _layer.BetaOffset;

    public override bool BehavesDifferentlyInTraining => true;

    public override string? BatchRequirement => "batch norm, which normalises over a mini-batch in training mode";

    private string Kernels => Context[Alias.BatchNormKernels];

    private string N => Int(Units);

    private string Gamma => $"theta.Slice({Int(_layer.GammaOffset)}, {N})";

    private string Beta => $"theta.Slice({Int(_layer.BetaOffset)}, {N})";

    private string Epsilon => Float(_layer.Epsilon);

    /// <summary>The running mean, from the instance's <c>_statistics</c> or, when given, a span local (embedded weights).</summary>
    private string RunningMean(string? statistics = null) => statistics is null
        ? $"new {Span}(_statistics, {Int(_layer.StatisticsOffset)}, {N})"
        : $"{statistics}.Slice({Int(_layer.StatisticsOffset)}, {N})";

    private string RunningVariance(string? statistics = null) => statistics is null
        ? $"new {Span}(_statistics, {Int(_layer.StatisticsOffset + Units)}, {N})"
        : $"{statistics}.Slice({Int(_layer.StatisticsOffset + Units)}, {N})";

    // ── Remarks, members, initialisation ─────────────────────────────────────────────────────

    public override string Summary => $" → BatchNorm ({F.Name})";

    public override string PyTorchModule => $"nn.BatchNorm1d({N}, eps={PyTorchModuleEmitter.Float(_layer.Epsilon)}, momentum={PyTorchModuleEmitter.Float(_layer.Momentum)})";

    public override void WriteParameterRemark(SourceWriter w) =>
        w.Line($"/// <item>γ{L} = {Range(_layer.GammaOffset, Units)}, β{L} = {Range(_layer.BetaOffset, Units)} (batch norm; running mean and variance in <c>RunningStatistics</c>[{Int(_layer.StatisticsOffset)}..{Int(_layer.StatisticsOffset + 2 * Units)}))</item>");

    public override string LayerInfo =>
        $"{Int(Index)}, {Context[Alias.LayerKind]}.BatchNorm, {N}, {N}, {Context[Alias.Activation]}.{F.Kind}, {Int(_layer.GammaOffset)}, {N}, {Int(_layer.BetaOffset)}, {N}";

    public override void WriteInit(SourceWriter w)
    {
        w.Line($"// γ{L} = 1, β{L} = 0; running mean 0, running variance 1 (PyTorch's initial values)");
        w.Line($"{Gamma}.Fill(1f);");
        w.Line($"{RunningVariance()}.Fill(1f);");
    }

    public override IEnumerable<TensorSpec> Tensors(string prefix)
    {
        var features = new EquatableArray<int>(new[] { Units });
        yield return new TensorSpec(prefix + "weight", _layer.GammaOffset, features);
        yield return new TensorSpec(prefix + "bias", _layer.BetaOffset, features);
        yield return new TensorSpec(prefix + "running_mean", _layer.StatisticsOffset, features, Statistics: true);
        yield return new TensorSpec(prefix + "running_var", _layer.StatisticsOffset + Units, features, Statistics: true);
    }

    public override IEnumerable<string> IgnoredTensors(string prefix)
    {
        yield return prefix + "num_batches_tracked";
    }

    // ── Inference ────────────────────────────────────────────────────────────────────────────

    public override void WriteHeader(SourceWriter w)
    {
        string momentum = Number(_layer.Momentum);
        w.Line($"// Layer {Int(Index)} · BatchNorm {N} · {F.Name}        γ{L} = {Range(_layer.GammaOffset, Units)}, β{L} = {Range(_layer.BetaOffset, Units)}");
        w.Line($"//   x̂ = ({A(Index - 1)} − μ) / √(σ² + ε), ε = {Number(_layer.Epsilon)}: training uses the batch's μ and biased σ², inference the running μ, σ²");
        w.Line($"//   (running μ = s[{Int(_layer.StatisticsOffset)}..{Int(_layer.StatisticsOffset + Units)}), σ² = s[{Int(_layer.StatisticsOffset + Units)}..{Int(_layer.StatisticsOffset + 2 * Units)}); r ← (1 − {momentum})·r + {momentum}·batch, σ² unbiased)");
        w.Line($"//   z{L} = γ{L} ⊙ x̂ + β{L}");
        w.Line($"//   {F.Formula(OutputName)}");
    }

    /// <summary>z = γ ⊙ (x − μ_run)/√(σ²_run + ε) + β for one sample.</summary>
    private void WriteInference(SourceWriter w, string inName, string z, string? statistics = null) =>
        w.Line($"{Kernels}.Inference({inName}, {Gamma}, {Beta}, {RunningMean(statistics)}, {RunningVariance(statistics)}, {Epsilon}, {z});");

    public override void WriteForward(SourceWriter w, string? statistics)
    {
        WriteHeader(w);
        string target = IsLast ? "output" : $"a{Index}";
        if (!IsLast)
        {
            w.Line($"{Span} {target} = stackalloc float[{N}];");
        }
        WriteInference(w, InName, target, statistics);
        F.WriteSpan(w, target, target);
    }

    public override void WriteForwardTile(SourceWriter w)
    {
        string input = Index == 1 ? "x" : $"a{Index - 1}";
        w.Open("for (int b = 0; b < n; b++)");
        WriteInference(w, $"{input}.Slice(b * {Int(Inputs)}, {Int(Inputs)})", $"a{Index}.Slice(b * {N}, {N})");
        w.Close();
        F.WriteRows(w, $"a{Index}", $"a{Index}", "n", Units);
    }

    // ── Training, one sample ─────────────────────────────────────────────────────────────────

    public override IReadOnlyList<Record> Records => new[] { new Record($"z{Index}", null, Units), new Record($"a{Index}", null, Units) };

    public override void WriteRecord(SourceWriter w)
    {
        WriteHeader(w);
        w.Line("// (one sample: batch norm uses its running statistics)");
        WriteInference(w, InName, $"z{Index}");
        F.WriteSpan(w, $"z{Index}", $"a{Index}");
    }

    public override IEnumerable<(string Name, int Length)> FixedBuffers()
    {
        foreach ((string, int) buffer in base.FixedBuffers())
        {
            yield return buffer;
        }
        yield return ($"inverseStd{Index}", Units);
    }

    public override void WriteBackward(SourceWriter w)
    {
        int l = Index;
        w.Line($"// Layer {Int(l)} · BatchNorm with running statistics (constants): ∂L/∂γ{L} = δ{L} ⊙ x̂, ∂L/∂β{L} = δ{L}, ∂L/∂{A(l - 1)} = δ{L} ⊙ γ{L} / √(σ² + ε)");
        WriteGradients(w, call => call.Line($"{Kernels}.InferenceBackward(delta{l}, {InName}, {Gamma}, {RunningMean()}, {RunningVariance()}, {Epsilon}, dGamma{l}, dBeta{l}, {(Previous is null ? "default" : $"delta{l - 1}")});"));
        WritePreviousDerivative(w, $"delta{l - 1}");
    }

    // ── Training, a batch ────────────────────────────────────────────────────────────────────

    public override void WriteRecordBatch(SourceWriter w)
    {
        WriteHeader(w);
        int l = Index;
        w.Open("if (Training)");
        w.Line($"{Kernels}.TrainingForward({BatchInName}, batchSize, {Gamma}, {Beta}, {RunningMean()}, {RunningVariance()}, {Float(_layer.Momentum)}, {Epsilon}, bx{l}, {Context.FixedBuffer($"inverseStd{l}")}, bz{l});");
        w.Close();
        w.Open("else");
        OpenRows(w, Context, (Previous, "a", true), (this, "z", false));
        WriteInference(w, InName, $"z{l}");
        w.Close();
        w.Close();
        F.WriteRows(w, $"bz{l}", $"ba{l}", "batchSize", Units);
    }

    public override void WriteBackwardBatch(SourceWriter w)
    {
        int l = Index;
        string gradInput = Previous is null ? "default" : $"bd{l - 1}";
        w.Line($"// Layer {Int(l)} · BatchNorm, batch statistics: ∂L/∂β = Σᵦ δ, ∂L/∂γ = Σᵦ δ ⊙ x̂,");
        w.Line($"//   ∂L/∂{A(l - 1)} = γ/(B·√(σ² + ε)) ⊙ (B·δ − Σᵦ δ − x̂ ⊙ Σᵦ δ ⊙ x̂); with Training off, the running statistics per sample");
        WriteGradients(w, call =>
        {
            call.Open("if (Training)");
            call.Line($"{Kernels}.TrainingBackward(bd{l}, bx{l}, {Context.FixedBuffer($"inverseStd{l}")}, {Gamma}, batchSize, dGamma{l}, dBeta{l}, {gradInput});");
            call.Close();
            call.Open("else");
            if (Previous is not null)
            {
                OpenRows(call, Context, (Previous, "a", true), (this, "delta", true), (Previous, "delta", false));
            }
            else
            {
                OpenRows(call, Context, (null, "a", true), (this, "delta", true));
            }
            call.Line($"{Kernels}.InferenceBackward(delta{l}, {InName}, {Gamma}, {RunningMean()}, {RunningVariance()}, {Epsilon}, dGamma{l}, dBeta{l}, {(Previous is null ? "default" : $"delta{l - 1}")});");
            call.Close();
            call.Close();
        });
        Previous?.F.WriteBatchBackward(w, Previous.Units);
    }
}
