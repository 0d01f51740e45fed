using System.Collections.Generic;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>
/// [Conv2D(filters, k, f)]: z = W ⋆ a⁽ˡ⁻¹⁾ + b by <c>NetGen.Kernels.ConvKernels</c> with constant shapes, a = f(z). The kernel
/// scratch lives in the workspace for training and on the stack for inference; its length is the layer's
/// <see cref="Conv2DLayer.ScratchLength"/>.
/// </summary>
internal sealed class Conv2DEmitter : LayerEmitter
{
    private const string Kernels = "global::NetGen.Kernels.ConvKernels";

    private readonly Conv2DLayer _layer;

    public Conv2DEmitter(Conv2DLayer layer, EmitContext context) : base(layer, context) => _layer = layer;

    public override bool NeedsTiles => true;

    public override int TileScratch => _layer.ScratchLength;

    private string W => $"theta.Slice({Int(_layer.WeightOffset)}, {Int(_layer.WeightCount)})";

    private string B => $"theta.Slice({Int(_layer.BiasOffset)}, {Int(_layer.Filters)})";

    /// <summary>C, H, W, F, k, s, p: the kernels' shape arguments.</summary>
    private string ShapeArguments
    {
        get
        {
            Shape x = _layer.Input;
            return $"{Int(x.Channels)}, {Int(x.Height)}, {Int(x.Width)}, {Int(_layer.Filters)}, {Int(_layer.KernelSize)}, {Int(_layer.Stride)}, {Int(_layer.Padding)}";
        }
    }

    private string Geometry => $"{_layer.Input} → {_layer.Output}";

    /// <summary>The input index along one axis: <c>i·s+u−p</c>, without a stride of 1 or a padding of 0.</summary>
    private string Tap(string i, string u) =>
        (_layer.Stride == 1 ? i : $"{i}·{Int(_layer.Stride)}") + "+" + u + (_layer.Padding == 0 ? "" : $"−{Int(_layer.Padding)}");

    // ── Remarks, members, initialisation ─────────────────────────────────────────────────────

    public override string Summary => $" → Conv2D {Int(_layer.Filters)}×{Int(_layer.KernelSize)}×{Int(_layer.KernelSize)} ({F.Name})";

    public override void WriteParameterRemark(SourceWriter w) =>
        w.Line($"/// <item>W{L} = {Range(_layer.WeightOffset, _layer.WeightCount)} ({Int(_layer.Filters)}×{Int(_layer.Input.Channels)}×{Int(_layer.KernelSize)}×{Int(_layer.KernelSize)}, nn.Conv2d.weight's layout), b{L} = {Range(_layer.BiasOffset, _layer.Filters)}</item>");

    public override string LayerInfo =>
        $"{Int(Index)}, {Context[Alias.LayerKind]}.Conv2D, {Int(Inputs)}, {Int(Units)}, {Context[Alias.Activation]}.{F.Kind}, {Int(_layer.WeightOffset)}, {Int(_layer.WeightCount)}, {Int(_layer.BiasOffset)}, {Int(_layer.Filters)}";

    public override string LayerInfoInitializer => $" {{ KernelSize = {Int(_layer.KernelSize)} }}";

    public override void WriteInit(SourceWriter w) =>
        F.WriteDefaultInit(w, $"theta.Slice({Int(_layer.WeightOffset)}, {Int(_layer.WeightCount)})", _layer.Taps, _layer.Filters * _layer.KernelSize * _layer.KernelSize);

    public override IEnumerable<TensorSpec> Tensors(string prefix)
    {
        yield return new TensorSpec(prefix + "weight", _layer.WeightOffset,
            new EquatableArray<int>(new[] { _layer.Filters, _layer.Input.Channels, _layer.KernelSize, _layer.KernelSize }));
        yield return new TensorSpec(prefix + "bias", _layer.BiasOffset, new EquatableArray<int>(new[] { _layer.Filters }));
    }

    // ── Inference ────────────────────────────────────────────────────────────────────────────

    public override void WriteHeader(SourceWriter w)
    {
        string s = Int(_layer.Stride), p = Int(_layer.Padding);
        w.Line($"// Layer {Int(Index)} · Conv2D {Int(_layer.Filters)} filters {Int(_layer.KernelSize)}×{Int(_layer.KernelSize)}, stride {s}, padding {p} · {Geometry} · {F.Name}");
        w.Line($"//   z{L}[c,i,j] = b{L}[c] + Σ_{{c′,u,v}} W{L}[c,c′,u,v]·{A(Index - 1)}[c′, {Tap("i", "u")}, {Tap("j", "v")}]{(_layer.Padding > 0 ? "   (taps outside the input read 0)" : "")}");
        w.Line($"//   W{L} = {Range(_layer.WeightOffset, _layer.WeightCount)} ({Int(_layer.Filters)}×{Int(_layer.Input.Channels)}×{Int(_layer.KernelSize)}×{Int(_layer.KernelSize)}), b{L} = {Range(_layer.BiasOffset, _layer.Filters)}");
        w.Line($"//   {F.Formula(OutputName)}");
    }

    public override void WriteForward(SourceWriter w, string? statistics)
    {
        WriteHeader(w);
        int l = Index;
        string target = IsLast ? "output" : $"a{l}";
        if (!IsLast)
        {
            w.Line($"{Span} a{l} = stackalloc float[{Int(Units)}];");
        }
        w.Line($"{Span} scratch{l} = stackalloc float[{Int(_layer.ScratchLength)}];");
        w.Line($"{Kernels}.Conv2DForward({W}, {B}, {InName}, {target}, scratch{l}, {ShapeArguments});");
        F.WriteSpan(w, target, target);
    }

    public override void WriteForwardTile(SourceWriter w)
    {
        int l = Index;
        string input = l == 1 ? "x" : $"a{l - 1}";
        w.Line($"{Kernels}.Conv2DForwardBatch({W}, {B}, {input}, a{l}, scratch{l}, n, {ShapeArguments});");
        F.WriteRows(w, $"a{l}", $"a{l}", "n", Units);
    }

    // ── Training, one sample ─────────────────────────────────────────────────────────────────

    /// <summary>z, a and the kernel scratch (a record so that Evaluate passes stack memory and stays thread-safe).</summary>
    public override IReadOnlyList<Record> Records =>
        new[] { new Record($"z{Index}", null, Units), new Record($"a{Index}", null, Units), new Record($"scratch{Index}", null, _layer.ScratchLength) };

    public override IEnumerable<(string Name, int Length)> FixedBuffers()
    {
        foreach ((string, int) buffer in base.FixedBuffers())
        {
            yield return buffer;
        }
        yield return ($"step{Index}", _layer.ParameterCount);
    }

    public override void WriteRecord(SourceWriter w)
    {
        WriteHeader(w);
        int l = Index;
        w.Line($"{Kernels}.Conv2DForward({W}, {B}, {InName}, z{l}, scratch{l}, {ShapeArguments});");
        F.WriteSpan(w, $"z{l}", $"a{l}");
    }

    public override void WriteBackward(SourceWriter w) =>
        WriteBackward(w, $"delta{Index}", InName, Previous is null ? "default" : $"delta{Index - 1}", batch: false);

    /// <summary>
    /// ∂L/∂W (the correlation of the input with δ), ∂L/∂b (δ summed over positions) and ∂L/∂a⁽ˡ⁻¹⁾ (the full convolution of δ
    /// with the flipped kernel), all from the weights as they were: accumulated straight into ∂L/∂θ, or, for an SGD step,
    /// into the workspace first and then stepped.
    /// </summary>
    private void WriteBackward(SourceWriter w, string delta, string input, string gradInput, bool batch)
    {
        int l = Index;
        string scratch = batch ? Context.FixedBuffer($"scratch{l}") : $"scratch{l}";
        string s = Int(_layer.Stride), p = Int(_layer.Padding);
        w.Line($"// Layer {Int(l)} · Conv2D{(batch ? ", summed over the batch" : "")}: ∂L/∂W{L}[c,c′,u,v] = Σ_{{i,j}} δ{L}[c,i,j]·{A(l - 1)}[c′, {Tap("i", "u")}, {Tap("j", "v")}] (the input correlated with δ{L})");
        w.Line($"//   ∂L/∂b{L}[c] = Σ_{{i,j}} δ{L}[c,i,j]");
        if (Previous is not null)
        {
            w.Line($"//   ∂L/∂{A(l - 1)} = the full convolution of δ{L} with the flipped kernel W{L} (δ{L} spread back through stride {s}, padding {p})");
        }
        w.Line($"//   (SGD: the gradients go to the workspace, computed with the old W{L}, then θ takes the step)");
        w.Line($"{Span} grad{l} = step.IsSgd ? {Context.FixedBuffer($"step{l}")} : into.Slice({Int(_layer.WeightOffset)}, {Int(_layer.ParameterCount)});");
        w.Line($"if (step.IsSgd) grad{l}.Clear();");
        string call = batch ? "Conv2DBackwardBatch" : "Conv2DBackward";
        string batchArgument = batch ? "batchSize, " : "";
        w.Line($"{Kernels}.{call}({W}, {input}, {delta}, grad{l}.Slice(0, {Int(_layer.WeightCount)}), grad{l}.Slice({Int(_layer.WeightCount)}, {Int(_layer.Filters)}), {gradInput}, {scratch}, {batchArgument}{ShapeArguments});");
        if (batch)
        {
            Previous?.F.WriteBatchBackward(w, Previous.Units);
        }
        else
        {
            WritePreviousDerivative(w, $"delta{l - 1}");
        }
    }

    // ── Training, a batch ────────────────────────────────────────────────────────────────────

    public override void WriteRecordBatch(SourceWriter w)
    {
        WriteHeader(w);
        int l = Index;
        w.Line($"{Kernels}.Conv2DForwardBatch({W}, {B}, {BatchInName}, bz{l}, {Context.FixedBuffer($"scratch{l}")}, batchSize, {ShapeArguments});");
        F.WriteRows(w, $"bz{l}", $"ba{l}", "batchSize", Units);
    }

    public override void WriteBackwardBatch(SourceWriter w) =>
        WriteBackward(w, $"bd{Index}", BatchInName, Previous is null ? "default" : $"bd{Index - 1}", batch: true);

    // ── The guarded SGD step (issue 13): the gradients are in the workspace; θ takes the step after the guard ──

    public override bool DefersStep => true;

    public override string? StepBound(bool batch) =>
        $"global::NetGen.StepGuard.Bounded(global::NetGen.StepGuard.Magnitude(grad{Index}), 0f, step.LearningRate)";

    public override void WriteStep(SourceWriter w)
    {
        int l = Index;
        w.Line($"// Layer {Int(l)}: W{L} and b{L} take the step (SGD; Backward added the gradients already)");
        w.Open("if (step.IsSgd)");
        w.Open($"for (int k = 0; k < {Int(_layer.ParameterCount)}; k++)");
        w.Line($"step.Apply(ref into[{Int(_layer.WeightOffset)} + k], grad{l}[k]);");
        w.Close();
        w.Close();
    }

    public override void WriteStepBatch(SourceWriter w) => WriteStep(w);
}
