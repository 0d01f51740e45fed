using System.Collections.Generic;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>
/// [Conv1D(filters, k, f, Dilation = d)] after [Input(n)] (issue 10): the causal streaming convolution, through
/// <c>NetGen.Kernels.CausalConvKernels</c> with constant shapes. A step reads the frame coming in and the layer's history (the
/// last (k − 1)·d frames, a ring in the stream's state <c>s</c>) and the packed weights (b, then W transposed so that one tap's
/// weights for all filters are one vector). Like a recurrent layer it exists only in a streaming network, whose methods
/// <see cref="StepEmitter"/> writes; the one-sample members of the contract are not asked of it.
/// </summary>
internal sealed class CausalConv1DEmitter : LayerEmitter
{
    private const string Kernels = "global::NetGen.Kernels.CausalConvKernels";

    private readonly CausalConv1DLayer _layer;

    public CausalConv1DEmitter(CausalConv1DLayer layer, EmitContext context) : base(layer, context) => _layer = layer;

    private int C => _layer.Channels;

    private int K => _layer.KernelSize;

    private int D => _layer.Dilation;

    private string W(string span) => $"{span}.Slice({Int(_layer.WeightOffset)}, {Int(_layer.WeightCount)})";

    private string B(string span) => $"{span}.Slice({Int(_layer.BiasOffset)}, {Int(_layer.Filters)})";

    private string Packed => $"packed.Slice({Int(_layer.PackedOffset)}, {Int(_layer.PackedCount)})";

    private string History => $"s.Slice({Int(_layer.StateOffset)}, {Int(_layer.StateCount)})";

    private string Sizes => $"{Int(C)}, {Int(_layer.Filters)}, {Int(K)}, {Int(D)}";

    /// <summary>z, a and δ are spans; z is kept apart from a only when f is not the identity.</summary>
    private bool KeepsZ => !F.IsIdentity;

    public override bool SequenceKeepsZ => KeepsZ;

    /// <summary>How far back tap u reads: <c>(4 − u)</c>, <c>(2 − u)·2</c>.</summary>
    private string Lag => D == 1 ? $"({Int(K - 1)} − u)" : $"({Int(K - 1)} − u)·{Int(D)}";

    public override string Summary => $" → causal Conv1D {Int(_layer.Filters)}×{Int(K)}{(D > 1 ? $", dilation {Int(D)}" : "")} ({F.Name})";

    /// <summary>nn.Conv1d through the source's <c>CausalConv1d</c> subclass, which left-pads (k − 1)·d zeros over (batch, time, channels).</summary>
    public override string PyTorchModule => $"CausalConv1d({Int(C)}, {Int(_layer.Filters)}, {Int(K)}, dilation={Int(D)})";

    public override void WriteParameterRemark(SourceWriter w) =>
        w.Line($"/// <item>W{L} = {Range(_layer.WeightOffset, _layer.WeightCount)} ({Int(_layer.Filters)}×{Int(C)}×{Int(K)}, nn.Conv1d.weight's layout), b{L} = {Range(_layer.BiasOffset, _layer.Filters)}</item>");

    public override string LayerInfo =>
        $"{Int(Index)}, {Context[Alias.LayerKind]}.Conv1D, {Int(Inputs)}, {Int(Units)}, {Context[Alias.Activation]}.{F.Kind}, {Int(_layer.WeightOffset)}, {Int(_layer.WeightCount)}, {Int(_layer.BiasOffset)}, {Int(_layer.Filters)}";

    public override string LayerInfoInitializer => $" {{ KernelSize = {Int(K)} }}";

    public override void WriteInit(SourceWriter w) =>
        F.WriteDefaultInit(w, W("theta"), _layer.Taps, _layer.Filters * K);

    public override void WriteHeader(SourceWriter w)
    {
        string x = A(Index - 1);
        string dilation = D == 1 ? "" : $", dilation {Int(D)}";
        w.Line($"// Layer {Int(Index)} · causal Conv1D {Int(C)} → {Int(_layer.Filters)} filters of {Int(K)} taps{dilation}, one frame per step · {F.Name}");
        w.Line($"//   z{L}[f,t] = b{L}[f] + Σ_{{c,u}} W{L}[f,c,u]·{x}[c, t − {Lag}]   (c < {Int(C)}, u < {Int(K)}; frames before the stream's first read 0)");
        w.Line($"//   W{L} = {Range(_layer.WeightOffset, _layer.WeightCount)} ({Int(_layer.Filters)}×{Int(C)}×{Int(K)}), b{L} = {Range(_layer.BiasOffset, _layer.Filters)}");
        w.Line($"//   {F.Formula(OutputName)}");
        if (_layer.Frames > 0)
        {
            w.Line($"//   History: the last {Int(_layer.Frames)} frames of {x} ((k − 1)·d), a ring in the state with its write position in the slot after it;");
            w.Line($"//   tap u reads the frame {Lag} steps back, then this frame overwrites the oldest and the position moves on.");
        }
    }

    public override void WritePack(SourceWriter w) =>
        w.Line($"{Kernels}.Pack({W("theta")}, {B("theta")}, {Packed}, {Int(C)}, {Int(_layer.Filters)}, {Int(K)});   // b, then W as [c·k + u, f]");

    // ── Step ─────────────────────────────────────────────────────────────────────────────────

    public override void WriteTimeStep(SourceWriter w)
    {
        WriteHeader(w);
        int l = Index;
        string target;
        if (IsLast)
        {
            target = KeepsZ ? $"z{l}" : "output";
        }
        else
        {
            target = $"a{l}";
            w.Line($"{Span} a{l} = stackalloc float[{Int(Units)}];");
        }
        w.Line($"{Span} window{l} = stackalloc float[{Int(_layer.Taps)}];   // this step's taps {A(Index - 1)}[c, t − {Lag}], at c·k + u");
        w.Line($"{Kernels}.PackedStep({Packed}, {InName}, {History}, {target}, window{l}, {Sizes});");
        F.WriteSpan(w, target, IsLast ? "output" : target);
    }

    // ── Sequences ────────────────────────────────────────────────────────────────────────────

    public override IEnumerable<(string Name, int Row)> SequenceBuffers()
    {
        if (KeepsZ)
        {
            yield return ($"sz{Index}", Units);
        }
        yield return ($"sa{Index}", Units);
        yield return ($"sd{Index}", Units);
    }

    public override IEnumerable<(string Name, int Length)> SequenceFixedBuffers()
    {
        yield return ($"past{Index}", _layer.StateCount);                    // the history the sequence started from
    }

    public override void WriteSequenceRecord(SourceWriter w)
    {
        WriteHeader(w);
        int l = Index;
        string z = KeepsZ ? $"sz{l}" : $"sa{l}";
        w.Line("// From the stream's history (copied: backprop reads the frames before the sequence from it and holds them constant).");
        w.Line($"{Span} history{l} = {History};");
        w.Line($"history{l}.CopyTo(past{l});");
        w.Line($"{Span} window{l} = stackalloc float[{Int(_layer.Taps)}];");
        w.Line($"{Kernels}.PackedForwardSequence({Packed}, {SequenceInName}, history{l}, {z}, window{l}, steps, {Sizes});");
        if (KeepsZ)
        {
            F.WriteRows(w, z, $"sa{l}", "steps", Units);
        }
    }

    public override void WriteSequenceBackward(SourceWriter w)
    {
        int l = Index;
        string x = A(Index - 1);
        w.Line($"// Layer {Int(l)} · causal Conv1D: backprop through time. Frame s reaches the outputs t = s + {Lag} for u = 0 … {Int(K - 1)},");
        w.Line($"//   so its δ collects from those {Int(K)} later steps (those past the last step give 0):");
        w.Line($"//   ∂L/∂W{L}[f,c,u] += Σₜ δ{L}[f,t]·{x}[c, t − {Lag}] (frames before the sequence from the history it started from), ∂L/∂b{L}[f] += Σₜ δ{L}[f,t]"
            + (Index > 1 ? ";" : ""));
        if (Index > 1)
        {
            w.Line($"//   ∂L/∂{x}[c,s] = Σ_{{f,u}} W{L}[f,c,u]·δ{L}[f, s + {Lag}]");
        }
        string inputGradients = Index > 1 ? $"sd{l - 1}" : "default";
        w.Line($"{Kernels}.BackwardSequence({W("theta")}, {SequenceInName}, past{l}, sd{l}, {W("grad")}, {B("grad")}, {inputGradients}, steps, {Sizes});");
        WritePreviousSequenceDerivative(w);
    }

    // ── Tensors ──────────────────────────────────────────────────────────────────────────────

    public override IEnumerable<TensorSpec> Tensors(string prefix)
    {
        yield return new TensorSpec(prefix + "weight", _layer.WeightOffset, new EquatableArray<int>(new[] { _layer.Filters, C, K }));
        yield return new TensorSpec(prefix + "bias", _layer.BiasOffset, new EquatableArray<int>(new[] { _layer.Filters }));
    }

    // ── The one-sample contract: a streaming network's Forward, Backward and batches are sequences of one step ──

    public override IReadOnlyList<Record> Records => System.Array.Empty<Record>();

    public override IEnumerable<(string Name, int Length)> FixedBuffers() => System.Array.Empty<(string, int)>();

    public override IEnumerable<(string Name, int Row)> BatchBuffers() => System.Array.Empty<(string, int)>();

    public override void WriteForward(SourceWriter w, string? statistics) => throw OneSample();

    public override void WriteForwardTile(SourceWriter w) => throw OneSample();

    public override void WriteRecord(SourceWriter w) => throw OneSample();

    public override void WriteBackward(SourceWriter w) => throw OneSample();

    public override void WriteRecordBatch(SourceWriter w) => throw OneSample();

    public override void WriteBackwardBatch(SourceWriter w) => throw OneSample();

    private static System.InvalidOperationException OneSample() =>
        new("A network with a causal Conv1D is written by StepEmitter (its Forward and Backward are one-step sequences).");
}
