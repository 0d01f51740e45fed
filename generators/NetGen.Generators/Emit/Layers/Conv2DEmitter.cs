using System.Collections.Generic;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>
/// What every convolution writes (<see cref="Conv2DEmitter"/>, <see cref="Conv1DEmitter"/>): z = W ⋆ a⁽ˡ⁻¹⁾ + b by
/// <c>NetGen.Kernels.ConvKernels</c> with constant shapes, a = f(z). The kernel scratch lives in the workspace for training
/// and on the stack for inference; its length is the layer's <see cref="ScratchLength"/>. A subclass supplies the shape
/// arguments, the layout and the formulas.
/// </summary>
internal abstract class ConvolutionEmitter : LayerEmitter
{
    private const string Kernels = "global::NetGen.Kernels.ConvKernels";

    protected ConvolutionEmitter(LayerModel layer, EmitContext context) : base(layer, context)
    {
    }

    public override bool NeedsTiles => true;

    public override int TileScratch => ScratchLength;

    /// <summary>"Conv2D" or "Conv1D": the kind and the prefix of its kernels.</summary>
    protected abstract string Name { get; }

    protected abstract int WeightOffset { get; }

    protected abstract int WeightCount { get; }

    protected abstract int BiasOffset { get; }

    protected abstract int Filters { get; }

    protected abstract int KernelSize { get; }

    /// <summary>The kernel scratch's floats.</summary>
    protected abstract int ScratchLength { get; }

    /// <summary>The weight's dimensions, <c>[filters, channels, k, k]</c> or <c>[filters, channels, k]</c>.</summary>
    protected abstract int[] WeightShape { get; }

    /// <summary>The kernels' shape arguments after the batch size.</summary>
    protected abstract string ShapeArguments { get; }

    /// <summary>The first header line and the formula of z.</summary>
    protected abstract void WriteFormula(SourceWriter w);

    /// <summary>The comment of the weight gradient: <c>∂L/∂W⁽ˡ⁾[…] = Σ …</c>.</summary>
    protected abstract string WeightGradient { get; }

    /// <summary>The input positions summed over, <c>i,j</c> or <c>i</c>.</summary>
    protected abstract string Positions { get; }

    /// <summary>How δ spreads back, <c>stride 1, padding 2</c>.</summary>
    protected abstract string Spread { get; }

    /// <summary>fan_in and fan_out of the default initialisation (PyTorch's for the weight's shape).</summary>
    protected abstract (int FanIn, int FanOut) Fans { get; }

    private string W => $"theta.Slice({Int(WeightOffset)}, {Int(WeightCount)})";

    private string B => $"theta.Slice({Int(BiasOffset)}, {Int(Filters)})";

    private string Dimensions => string.Join("×", System.Linq.Enumerable.Select(WeightShape, Int));

    // ── Remarks, members, initialisation ─────────────────────────────────────────────────────

    public override void WriteParameterRemark(SourceWriter w) =>
        w.Line($"/// <item>W{L} = {Range(WeightOffset, WeightCount)} ({Dimensions}, nn.{(Name == "Conv2D" ? "Conv2d" : "Conv1d")}.weight's layout), b{L} = {Range(BiasOffset, Filters)}</item>");

    public override string LayerInfo =>
        $"{Int(Index)}, {Context[Alias.LayerKind]}.{Name}, {Int(Inputs)}, {Int(Units)}, {Context[Alias.Activation]}.{F.Kind}, {Int(WeightOffset)}, {Int(WeightCount)}, {Int(BiasOffset)}, {Int(Filters)}";

    public override string LayerInfoInitializer => $" {{ KernelSize = {Int(KernelSize)} }}";

    public override void WriteInit(SourceWriter w) =>
        F.WriteDefaultInit(w, W, Fans.FanIn, Fans.FanOut);

    public override IEnumerable<TensorSpec> Tensors(string prefix)
    {
        yield return new TensorSpec(prefix + "weight", WeightOffset, new EquatableArray<int>(WeightShape));
        yield return new TensorSpec(prefix + "bias", BiasOffset, new EquatableArray<int>(new[] { Filters }));
    }

    // ── Inference ────────────────────────────────────────────────────────────────────────────

    public override void WriteHeader(SourceWriter w)
    {
        WriteFormula(w);
        w.Line($"//   W{L} = {Range(WeightOffset, WeightCount)} ({Dimensions}), b{L} = {Range(BiasOffset, Filters)}");
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
        w.Line($"{Span} scratch{l} = stackalloc float[{Int(ScratchLength)}];");
        w.Line($"{Kernels}.{Name}Forward({W}, {B}, {InName}, {target}, scratch{l}, {ShapeArguments});");
        F.WriteSpan(w, target, target);
    }

    public override void WriteForwardTile(SourceWriter w)
    {
        int l = Index;
        string input = l == 1 ? "x" : $"a{l - 1}";
        w.Line($"{Kernels}.{Name}ForwardBatch({W}, {B}, {input}, a{l}, scratch{l}, n, {ShapeArguments});");
        F.WriteRows(w, $"a{l}", $"a{l}", "n", Units);
    }

    // ── Training, one sample ─────────────────────────────────────────────────────────────────

    /// <summary>z, a and the kernel scratch (a record so that Evaluate passes stack memory and stays thread-safe).</summary>
    public override IReadOnlyList<Record> Records =>
        new[] { new Record($"z{Index}", null, Units), new Record($"a{Index}", null, Units), new Record($"scratch{Index}", null, ScratchLength) };

    public override IEnumerable<(string Name, int Length)> FixedBuffers()
    {
        foreach ((string, int) buffer in base.FixedBuffers())
        {
            yield return buffer;
        }
        yield return ($"step{Index}", Model.ParameterCount);
    }

    public override void WriteRecord(SourceWriter w)
    {
        WriteHeader(w);
        int l = Index;
        w.Line($"{Kernels}.{Name}Forward({W}, {B}, {InName}, z{l}, scratch{l}, {ShapeArguments});");
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
        w.Line($"// Layer {Int(l)} · {Name}{(batch ? ", summed over the batch" : "")}: {WeightGradient} (the input correlated with δ{L})");
        w.Line($"//   ∂L/∂b{L}[c] = Σ_{(Positions.Length == 1 ? Positions : "{" + Positions + "}")} δ{L}[c,{Positions}]");
        if (Previous is not null)
        {
            w.Line($"//   ∂L/∂{A(l - 1)} = the full convolution of δ{L} with the flipped kernel W{L} (δ{L} spread back through {Spread})");
        }
        w.Line($"//   (SGD: the gradients go to the workspace, computed with the old W{L}, then θ takes the step)");
        w.Line($"{Span} grad{l} = step.IsSgd ? {Context.FixedBuffer($"step{l}")} : into.Slice({Int(WeightOffset)}, {Int(Model.ParameterCount)});");
        w.Line($"if (step.IsSgd) grad{l}.Clear();");
        string call = batch ? $"{Name}BackwardBatch" : $"{Name}Backward";
        string batchArgument = batch ? "batchSize, " : "";
        w.Line($"{Kernels}.{call}({W}, {input}, {delta}, grad{l}.Slice(0, {Int(WeightCount)}), grad{l}.Slice({Int(WeightCount)}, {Int(Filters)}), {gradInput}, {scratch}, {batchArgument}{ShapeArguments});");
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
        w.Line($"{Kernels}.{Name}ForwardBatch({W}, {B}, {BatchInName}, bz{l}, {Context.FixedBuffer($"scratch{l}")}, batchSize, {ShapeArguments});");
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
        w.Open($"for (int k = 0; k < {Int(Model.ParameterCount)}; k++)");
        w.Line($"step.Apply(ref into[{Int(WeightOffset)} + k], grad{l}[k]);");
        w.Close();
        w.Close();
    }

    public override void WriteStepBatch(SourceWriter w) => WriteStep(w);
}

/// <summary>[Conv2D(filters, k, f)] on an image: C, H, W, F, k, s, p as the kernels' shape arguments.</summary>
internal sealed class Conv2DEmitter : ConvolutionEmitter
{
    private readonly Conv2DLayer _layer;

    public Conv2DEmitter(Conv2DLayer layer, EmitContext context) : base(layer, context) => _layer = layer;

    protected override string Name => "Conv2D";

    protected override int WeightOffset => _layer.WeightOffset;

    protected override int WeightCount => _layer.WeightCount;

    protected override int BiasOffset => _layer.BiasOffset;

    protected override int Filters => _layer.Filters;

    protected override int KernelSize => _layer.KernelSize;

    protected override int ScratchLength => _layer.ScratchLength;

    protected override int[] WeightShape => new[] { _layer.Filters, _layer.Input.Channels, _layer.KernelSize, _layer.KernelSize };

    protected override (int FanIn, int FanOut) Fans => (_layer.Taps, _layer.Filters * _layer.KernelSize * _layer.KernelSize);

    protected override string ShapeArguments
    {
        get
        {
            Shape x = _layer.Input;
            return $"{Int(x.Channels)}, {Int(x.Height)}, {Int(x.Width)}, {Int(_layer.Filters)}, {Int(_layer.KernelSize)}, {Int(_layer.Stride)}, {Int(_layer.Padding)}";
        }
    }

    /// <summary>The input index along one axis: <c>i·s+u−p</c>, without a stride of 1 or a padding of 0.</summary>
    private string Tap(string i, string u) =>
        (_layer.Stride == 1 ? i : $"{i}·{Int(_layer.Stride)}") + "+" + u + (_layer.Padding == 0 ? "" : $"−{Int(_layer.Padding)}");

    public override string Summary => $" → Conv2D {Int(_layer.Filters)}×{Int(_layer.KernelSize)}×{Int(_layer.KernelSize)} ({F.Name})";

    public override string PyTorchModule =>
        $"nn.Conv2d({Int(_layer.Input.Channels)}, {Int(_layer.Filters)}, {Int(_layer.KernelSize)}, stride={Int(_layer.Stride)}, padding={Int(_layer.Padding)})";

    protected override void WriteFormula(SourceWriter w)
    {
        string s = Int(_layer.Stride), p = Int(_layer.Padding);
        w.Line($"// Layer {Int(Index)} · Conv2D {Int(_layer.Filters)} filters {Int(_layer.KernelSize)}×{Int(_layer.KernelSize)}, stride {s}, padding {p} · {_layer.Input} → {_layer.Output} · {F.Name}");
        w.Line($"//   z{L}[c,i,j] = b{L}[c] + Σ_{{c′,u,v}} W{L}[c,c′,u,v]·{A(Index - 1)}[c′, {Tap("i", "u")}, {Tap("j", "v")}]{(_layer.Padding > 0 ? "   (taps outside the input read 0)" : "")}");
    }

    protected override string WeightGradient =>
        $"∂L/∂W{L}[c,c′,u,v] = Σ_{{i,j}} δ{L}[c,i,j]·{A(Index - 1)}[c′, {Tap("i", "u")}, {Tap("j", "v")}]";

    protected override string Positions => "i,j";

    protected override string Spread => $"stride {Int(_layer.Stride)}, padding {Int(_layer.Padding)}";
}
