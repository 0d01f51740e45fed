using System.Collections.Generic;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>
/// [GRU(H, Layers = K)] and [LSTM(H, Layers = K)] (issue 10): PyTorch's nn.GRU / nn.LSTM over time through
/// <c>NetGen.Kernels.RecurrentKernels</c> with constant shapes. A step reads the packed weights (<c>packed</c>) and updates the
/// layer's slice of the stream's state <c>s</c>; the sequence methods record every step's gates for backprop through time.
/// Such a layer exists only in a streaming network, whose methods are written by <see cref="StepEmitter"/>: the one-sample
/// members of the contract (Forward's forms, Backprop, the batch records) are not asked of it.
/// </summary>
internal sealed class RecurrentEmitter : LayerEmitter
{
    private const string Kernels = "global::NetGen.Kernels.RecurrentKernels";

    private readonly RecurrentLayer _layer;

    public RecurrentEmitter(RecurrentLayer layer, EmitContext context) : base(layer, context) => _layer = layer;

    private string Name => _layer.IsGru ? "GRU" : "LSTM";

    private string Kind => _layer.IsGru ? "Gru" : "Lstm";

    private int H => _layer.Hidden;

    private int K => _layer.Stacked;

    /// <summary>h of every stacked layer (K·H floats).</summary>
    private int StateH => K * H;

    private string Sizes => $"{Int(Inputs)}, {Int(H)}, {Int(K)}";

    private string Theta(string span) => $"{span}.Slice({Int(_layer.ParameterOffset)}, {Int(_layer.ParameterCount)})";

    private string Packed => $"packed.Slice({Int(_layer.PackedOffset)}, {Int(_layer.PackedCount)})";

    public override bool HasZ => false;

    public override int Modules => 1;

    public override string Summary => $" → {Name} {Int(H)}{(K > 1 ? $" × {Int(K)} stacked" : "")}";

    public override void WriteParameterRemark(SourceWriter w)
    {
        int offset = _layer.ParameterOffset, rows = _layer.Gates * H;
        for (int k = 0; k < K; k++)
        {
            int n = k == 0 ? Inputs : H;
            w.Line($"/// <item>{Name}{L} stacked layer {Int(k)}: weight_ih_l{Int(k)} = {Range(offset, rows * n)} ({Int(rows)}×{Int(n)}), " +
                $"weight_hh_l{Int(k)} = {Range(offset + rows * n, rows * H)} ({Int(rows)}×{Int(H)}), bias_ih_l{Int(k)} = {Range(offset + rows * (n + H), rows)}, " +
                $"bias_hh_l{Int(k)} = {Range(offset + rows * (n + H + 1), rows)}</item>");
            offset += rows * (n + H + 2);
        }
    }

    public override string LayerInfo =>
        $"{Int(Index)}, {Context[Alias.LayerKind]}.{Name}, {Int(Inputs)}, {Int(H)}, {Context[Alias.Activation]}.Identity, {Int(_layer.ParameterOffset)}, {Int(_layer.ParameterCount)}, {Int(_layer.ParameterOffset + _layer.ParameterCount)}, 0";

    public override string LayerInfoInitializer => $" {{ StackedLayers = {Int(K)} }}";

    public override void WriteInit(SourceWriter w)
    {
        // PyTorch's reset_parameters: every weight and bias of nn.GRU / nn.LSTM from U(−1/√H, 1/√H).
        string bound = Float(1f / (float)System.Math.Sqrt(H));
        w.Line($"// {Name}{L}: every weight and bias U(−1/√H, 1/√H), H = {Int(H)}, as PyTorch's nn.{Name}");
        w.Line($"{Context[Alias.Initializers]}.Uniform({Theta("theta")}, -{bound}, {bound}, ref random);");
    }

    public override void WriteHeader(SourceWriter w)
    {
        string x = A(Index - 1);
        w.Line($"// Layer {Int(Index)} · {Name} {Int(Inputs)} → {Int(H)}{(K > 1 ? $", {Int(K)} stacked layers (layer k > 0 reads layer k − 1's new h)" : "")}, θ = {Range(_layer.ParameterOffset, _layer.ParameterCount)}");
        w.Line($"//   per stacked layer k (input {x} for k = 0): weight_ih_l{{k}} = [W_i…], weight_hh_l{{k}} = [W_h…], biases b_i…, b_h…, gates in PyTorch's order");
        if (_layer.IsGru)
        {
            w.Line("//   reset gate   r  = σ(W_ir·x + b_ir + W_hr·h + b_hr)");
            w.Line("//   update gate  z  = σ(W_iz·x + b_iz + W_hz·h + b_hz)");
            w.Line("//   candidate    n  = tanh(W_in·x + b_in + r ⊙ (W_hn·h + b_hn))");
            w.Line("//   new state    h′ = (1 − z) ⊙ n + z ⊙ h");
        }
        else
        {
            w.Line("//   input gate   i  = σ(W_ii·x + b_ii + W_hi·h + b_hi)");
            w.Line("//   forget gate  f  = σ(W_if·x + b_if + W_hf·h + b_hf)");
            w.Line("//   cell input   g  = tanh(W_ig·x + b_ig + W_hg·h + b_hg)");
            w.Line("//   output gate  o  = σ(W_io·x + b_io + W_ho·h + b_ho)");
            w.Line("//   new cell     c′ = f ⊙ c + i ⊙ g");
            w.Line("//   new state    h′ = o ⊙ tanh(c′)");
        }
        w.Line($"//   {OutputName} = the top layer's h′");
    }

    public override void WritePack(SourceWriter w) =>
        w.Line($"{Kernels}.{Kind}Pack({Theta("theta")}, {Packed}, {Sizes});");

    // ── Step ─────────────────────────────────────────────────────────────────────────────────

    public override void WriteTimeStep(SourceWriter w)
    {
        WriteHeader(w);
        int h = Index;
        string state = $"s.Slice({Int(_layer.StateOffset)}, {Int(StateH)})";
        if (_layer.IsGru)
        {
            w.Line($"{Span} h{h} = {state};");
            w.Line($"{Kernels}.GruStep({Packed}, {InName}, h{h}, {Sizes});");
        }
        else
        {
            w.Line($"{Span} h{h} = {state}, c{h} = s.Slice({Int(_layer.StateOffset + StateH)}, {Int(StateH)});");
            w.Line($"{Kernels}.LstmStep({Packed}, {InName}, h{h}, c{h}, {Sizes});");
        }
        w.Line(IsLast
            ? $"h{h}.Slice({Int(StateH - H)}, {Int(H)}).CopyTo(output);"
            : $"{ReadOnlySpan} a{h} = h{h}.Slice({Int(StateH - H)}, {Int(H)});");
    }

    // ── Sequences ────────────────────────────────────────────────────────────────────────────

    public override IEnumerable<(string Name, int Row)> SequenceBuffers()
    {
        yield return ($"hs{Index}", StateH);                                // every stacked layer's h per step
        yield return ($"rec{Index}", K * (_layer.IsGru ? 4 : 6) * H);       // the gates BPTT reads
        yield return ($"sd{Index}", H);                                     // ∂L/∂h of the top layer per step
        yield return ($"scr{Index}", (_layer.IsGru ? 8 : 9) * H);           // the backward pass's scratch (≥ 6H or 7H + 2·steps·H)
    }

    public override IEnumerable<(string Name, int Length)> SequenceFixedBuffers()
    {
        yield return ($"h0_{Index}", _layer.StateCount);                    // the state the sequence started from
    }

    public override void WriteSequenceRecord(SourceWriter w)
    {
        WriteHeader(w);
        int l = Index;
        string gates = _layer.IsGru ? "r, z, n and W_hn·h + b_hn" : "i, f, g, o, c and tanh c";
        w.Line($"// From the stream's state (copied: BPTT reads it and holds it constant); records {gates} per step.");
        w.Line($"{Span} h{l} = s.Slice({Int(_layer.StateOffset)}, {Int(_layer.StateCount)});");
        w.Line($"h{l}.CopyTo(h0_{l});");
        string record = $"rec{l}";
        if (_layer.IsGru)
        {
            w.Line($"{Kernels}.GruForwardSequence({Packed}, {SequenceInName}, h{l}, hs{l}, {record}, steps, {Sizes});");
        }
        else
        {
            w.Line($"{Kernels}.LstmForwardSequence({Packed}, {SequenceInName}, h{l}.Slice(0, {Int(StateH)}), h{l}.Slice({Int(StateH)}, {Int(StateH)}), hs{l}, {record}, steps, {Sizes});");
        }
        w.Line(K == 1
            ? $"{ReadOnlySpan} sa{l} = hs{l};"
            : $"{ReadOnlySpan} sa{l} = hs{l}.Slice({Int(K - 1)} * steps * {Int(H)}, steps * {Int(H)});   // the top layer's h per step");
    }

    public override void WriteSequenceBackward(SourceWriter w)
    {
        int l = Index;
        string x = Index > 1 ? $"{A(Index - 1)}ₜ" : "xₜ";
        w.Line($"// Layer {Int(l)} · {Name}: backprop through time, t = steps − 1 … 0, stacked layers top-down.");
        if (_layer.IsGru)
        {
            w.Line("//   δh carries back: δhₜ₋₁ = δhₜ ⊙ z + W_hrᵀ·δa_r + W_hzᵀ·δa_z + W_hnᵀ·(δa_n ⊙ r), plus ∂L/∂hₜ₋₁ from above");
            w.Line("//   with δn = δh ⊙ (1 − z), δa_n = δn ⊙ (1 − n²), δz = δh ⊙ (hₜ₋₁ − n), δa_z = δz ⊙ z(1 − z),");
            w.Line("//        δa_r = δa_n ⊙ (W_hn·hₜ₋₁ + b_hn) ⊙ r(1 − r)");
        }
        else
        {
            w.Line("//   δc carries back: δcₜ₋₁ = (δhₜ ⊙ o ⊙ (1 − tanh²cₜ) + δcₜ) ⊙ f;  δhₜ₋₁ = W_hᵀ·[δa_i; δa_f; δa_g; δa_o] + ∂L/∂hₜ₋₁ from above");
            w.Line("//   with δa_i = δc ⊙ g ⊙ i(1 − i), δa_f = δc ⊙ cₜ₋₁ ⊙ f(1 − f), δa_g = δc ⊙ i ⊙ (1 − g²), δa_o = δh ⊙ tanh c ⊙ o(1 − o)");
        }
        w.Line($"//   ∂L/∂W_ih += Σₜ δaₜ·{x}ᵀ, ∂L/∂W_hh += Σₜ δaₜ·hₜ₋₁ᵀ, ∂L/∂b += Σₜ δaₜ" + (Index > 1 ? $"; ∂L/∂{x} = W_ihᵀ·δaₜ" : ""));
        string record = $"rec{l}";
        string inputGradients = Index > 1 ? $"sd{l - 1}" : "default";
        string initial = _layer.IsGru ? $"h0_{l}" : $"h0_{l}.Slice(0, {Int(StateH)}), h0_{l}.Slice({Int(StateH)}, {Int(StateH)})";
        w.Line($"{Kernels}.{Kind}BackwardSequence({Theta("theta")}, {SequenceInName}, {initial}, hs{l}, {record}, sd{l}, {Theta("grad")}, {inputGradients}, default, scr{l}, steps, {Sizes});");
        WritePreviousSequenceDerivative(w);
    }

    // ── Tensors ──────────────────────────────────────────────────────────────────────────────

    public override IEnumerable<TensorSpec> Tensors(string prefix)
    {
        int offset = _layer.ParameterOffset, rows = _layer.Gates * H;
        for (int k = 0; k < K; k++)
        {
            int n = k == 0 ? Inputs : H;
            string s = Int(k);
            yield return new TensorSpec($"{prefix}weight_ih_l{s}", offset, new EquatableArray<int>(new[] { rows, n }));
            yield return new TensorSpec($"{prefix}weight_hh_l{s}", offset + rows * n, new EquatableArray<int>(new[] { rows, H }));
            yield return new TensorSpec($"{prefix}bias_ih_l{s}", offset + rows * (n + H), new EquatableArray<int>(new[] { rows }));
            yield return new TensorSpec($"{prefix}bias_hh_l{s}", offset + rows * (n + H + 1), new EquatableArray<int>(new[] { rows }));
            offset += rows * (n + H + 2);
        }
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
        new("A network with recurrent layers is written by StepEmitter (its Forward and Backward are one-step sequences).");
}
