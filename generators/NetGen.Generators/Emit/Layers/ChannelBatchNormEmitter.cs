using System.Collections.Generic;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>
/// [BatchNorm(f)] after a convolution or pooling layer: one γ, β, running mean and variance per channel, the statistics over
/// the batch and every position of the channel (PyTorch's BatchNorm2d on images, BatchNorm1d on signals), by
/// <c>NetGen.Kernels.ChannelBatchNormKernels</c>; then f. Training mode needs a batch, as for the per-feature form.
/// </summary>
internal sealed class ChannelBatchNormEmitter : GammaBetaEmitter
{
    private const string Kernels = "global::NetGen.Kernels.ChannelBatchNormKernels";

    private readonly ChannelBatchNormLayer _layer;

    public ChannelBatchNormEmitter(ChannelBatchNormLayer layer, EmitContext context) : base(layer, context) => _layer = layer;

    protected override int Count => _layer.Channels;

    protected override int GammaOffset => _layer.GammaOffset;

    protected override int BetaOffset => _layer.BetaOffset;

    public override bool BehavesDifferentlyInTraining => true;

    public override string? BatchRequirement => "batch norm, which normalises over a mini-batch in training mode";

    public override bool NeedsTiles => true;

    private string C => Int(_layer.Channels);

    private string P => Int(_layer.PlaneSize);

    private string Gamma => $"theta.Slice({Int(_layer.GammaOffset)}, {C})";

    private string Beta => $"theta.Slice({Int(_layer.BetaOffset)}, {C})";

    private string Epsilon => Float(_layer.Epsilon);

    private string Module => _layer.Input.Rank == 3 ? "BatchNorm2d" : "BatchNorm1d";

    public override string PyTorchModule =>
        $"nn.{Module}({C}, eps={PyTorchModuleEmitter.Float(_layer.Epsilon)}, momentum={PyTorchModuleEmitter.Float(_layer.Momentum)})";

    /// <summary>The running mean, from the instance's <c>_statistics</c> or, when given, a span local (embedded weights).</summary>
    private string RunningMean(string? statistics = null) => statistics is null
        ? $"new {Span}(_statistics, {Int(_layer.StatisticsOffset)}, {C})"
        : $"{statistics}.Slice({Int(_layer.StatisticsOffset)}, {C})";

    private string RunningVariance(string? statistics = null) => statistics is null
        ? $"new {Span}(_statistics, {Int(_layer.StatisticsOffset + _layer.Channels)}, {C})"
        : $"{statistics}.Slice({Int(_layer.StatisticsOffset + _layer.Channels)}, {C})";

    // ── Remarks, members, initialisation ─────────────────────────────────────────────────────

    public override string Summary => $" → BatchNorm per channel ({F.Name})";

    public override void WriteParameterRemark(SourceWriter w) =>
        w.Line($"/// <item>γ{L} = {Range(_layer.GammaOffset, _layer.Channels)}, β{L} = {Range(_layer.BetaOffset, _layer.Channels)} (batch norm per channel, nn.{Module}; running mean and variance in <c>RunningStatistics</c>[{Int(_layer.StatisticsOffset)}..{Int(_layer.StatisticsOffset + 2 * _layer.Channels)}))</item>");

    public override string LayerInfo =>
        $"{Int(Index)}, {Context[Alias.LayerKind]}.BatchNorm, {Int(Units)}, {Int(Units)}, {Context[Alias.Activation]}.{F.Kind}, {Int(_layer.GammaOffset)}, {C}, {Int(_layer.BetaOffset)}, {C}";

    public override void WriteInit(SourceWriter w)
    {
        w.Line($"// γ{L} = 1, β{L} = 0; running mean 0, running variance 1 (PyTorch's initial values)");
        w.Line($"{Gamma}.Fill(1f);");
        w.Line($"{RunningVariance()}.Fill(1f);");
    }

    public override IEnumerable<TensorSpec> Tensors(string prefix)
    {
        var channels = new EquatableArray<int>(new[] { _layer.Channels });
        yield return new TensorSpec(prefix + "weight", _layer.GammaOffset, channels);
        yield return new TensorSpec(prefix + "bias", _layer.BetaOffset, channels);
        yield return new TensorSpec(prefix + "running_mean", _layer.StatisticsOffset, channels, Statistics: true);
        yield return new TensorSpec(prefix + "running_var", _layer.StatisticsOffset + _layer.Channels, channels, Statistics: true);
    }

    public override IEnumerable<string> IgnoredTensors(string prefix)
    {
        yield return prefix + "num_batches_tracked";
    }

    // ── Inference ────────────────────────────────────────────────────────────────────────────

    public override void WriteHeader(SourceWriter w)
    {
        int s = _layer.StatisticsOffset, c = _layer.Channels;
        string momentum = Number(_layer.Momentum);
        string position = _layer.Input.Rank == 3 ? "c,i,j" : "c,i";
        w.Line($"// Layer {Int(Index)} · BatchNorm per channel ({Module}) · {_layer.Input} · {F.Name}        γ{L} = {Range(_layer.GammaOffset, c)}, β{L} = {Range(_layer.BetaOffset, c)}");
        w.Line($"//   x̂[{position}] = ({A(Index - 1)}[{position}] − μ[c]) / √(σ²[c] + ε), ε = {Number(_layer.Epsilon)}: training uses channel c's mean and biased variance over the batch and its {P} positions, inference the running μ, σ²");
        w.Line($"//   (running μ = s[{Int(s)}..{Int(s + c)}), σ² = s[{Int(s + c)}..{Int(s + 2 * c)}); r ← (1 − {momentum})·r + {momentum}·batch, σ² unbiased)");
        w.Line($"//   z{L}[{position}] = γ{L}[c]·x̂[{position}] + β{L}[c]");
        w.Line($"//   {F.Formula(OutputName)}");
    }

    /// <summary>z = γ_c·(x − μ_run)/√(σ²_run + ε) + β_c for <paramref name="batch"/> samples.</summary>
    private void WriteInference(SourceWriter w, string inName, string z, string batch, string? statistics = null) =>
        w.Line($"{Kernels}.Inference({inName}, {Gamma}, {Beta}, {RunningMean(statistics)}, {RunningVariance(statistics)}, {Epsilon}, {z}, {batch}, {C}, {P});");

    public override void WriteForward(SourceWriter w, string? statistics)
    {
        WriteHeader(w);
        string target = IsLast ? "output" : $"a{Index}";
        if (!IsLast)
        {
            w.Line($"{Span} {target} = stackalloc float[{Int(Units)}];");
        }
        WriteInference(w, InName, target, "1", statistics);
        F.WriteSpan(w, target, target);
    }

    public override void WriteForwardTile(SourceWriter w)
    {
        WriteInference(w, Index == 1 ? "x" : $"a{Index - 1}", $"a{Index}", "n");
        F.WriteRows(w, $"a{Index}", $"a{Index}", "n", Units);
    }

    // ── Training, one sample ─────────────────────────────────────────────────────────────────

    public override IReadOnlyList<Record> Records => new[] { new Record($"z{Index}", null, Units), new Record($"a{Index}", null, Units) };

    public override void WriteRecord(SourceWriter w)
    {
        WriteHeader(w);
        w.Line("// (one sample: batch norm uses its running statistics)");
        WriteInference(w, InName, $"z{Index}", "1");
        F.WriteSpan(w, $"z{Index}", $"a{Index}");
    }

    public override IEnumerable<(string Name, int Length)> FixedBuffers()
    {
        foreach ((string, int) buffer in base.FixedBuffers())
        {
            yield return buffer;
        }
        yield return ($"inverseStd{Index}", _layer.Channels);
    }

    private string InferenceBackward(string delta, string input, string gradInput) =>
        $"{Kernels}.InferenceBackward({delta}, {input}, {Gamma}, {RunningMean()}, {RunningVariance()}, {Epsilon}, dGamma{Index}, dBeta{Index}, {gradInput}, 1, {C}, {P});";

    public override void WriteBackward(SourceWriter w)
    {
        int l = Index;
        w.Line($"// Layer {Int(l)} · BatchNorm with running statistics (constants): ∂L/∂γ{L}[c] = Σ_q δ{L}[c,q]·x̂[c,q], ∂L/∂β{L}[c] = Σ_q δ{L}[c,q], ∂L/∂{A(l - 1)}[c,q] = δ{L}[c,q]·γ{L}[c] / √(σ²[c] + ε)");
        WriteGradients(w, call => call.Line(InferenceBackward($"delta{l}", InName, Previous is null ? "default" : $"delta{l - 1}")));
        WritePreviousDerivative(w, $"delta{l - 1}");
    }

    // ── Training, a batch ────────────────────────────────────────────────────────────────────

    public override void WriteRecordBatch(SourceWriter w)
    {
        WriteHeader(w);
        int l = Index;
        w.Open("if (Training)");
        w.Line($"{Kernels}.TrainingForward({BatchInName}, {Gamma}, {Beta}, {RunningMean()}, {RunningVariance()}, {Float(_layer.Momentum)}, {Epsilon}, bx{l}, {Context.FixedBuffer($"inverseStd{l}")}, bz{l}, batchSize, {C}, {P});");
        w.Close();
        w.Open("else");
        WriteInference(w, BatchInName, $"bz{l}", "batchSize");
        w.Close();
        F.WriteRows(w, $"bz{l}", $"ba{l}", "batchSize", Units);
    }

    public override void WriteBackwardBatch(SourceWriter w)
    {
        int l = Index;
        string gradInput = Previous is null ? "default" : $"bd{l - 1}";
        w.Line($"// Layer {Int(l)} · BatchNorm per channel, batch statistics over n = batch·{P} values of each channel: ∂L/∂β[c] = Σ δ, ∂L/∂γ[c] = Σ δ·x̂,");
        w.Line($"//   ∂L/∂{A(l - 1)} = γ[c]/(n·√(σ²[c] + ε))·(n·δ − Σ δ − x̂·Σ δ·x̂); with Training off, the running statistics sample by sample");
        WriteGradients(w, call =>
        {
            call.Open("if (Training)");
            call.Line($"{Kernels}.TrainingBackward(bd{l}, bx{l}, {Context.FixedBuffer($"inverseStd{l}")}, {Gamma}, dGamma{l}, dBeta{l}, {gradInput}, batchSize, {C}, {P});");
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
            call.Line(InferenceBackward($"delta{l}", InName, Previous is null ? "default" : $"delta{l - 1}"));
            call.Close();
            call.Close();
        });
        Previous?.F.WriteBatchBackward(w, Previous.Units);
    }
}
