using System.Collections.Generic;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>
/// What every pooling layer writes (<see cref="Pool2DEmitter"/>, <see cref="Pool1DEmitter"/>): each window at step s, channel
/// by channel, by <c>NetGen.Kernels.PoolKernels</c>; no parameters. A batch is one call with batch × channels planes.
/// </summary>
internal abstract class PoolEmitter : LayerEmitter
{
    protected const string Kernels = "global::NetGen.Kernels.PoolKernels";

    protected PoolEmitter(LayerModel layer, EmitContext context) : base(layer, context)
    {
    }

    public override bool HasZ => false;

    public override bool NeedsTiles => true;

    /// <summary>"MaxPool2D", "AvgPool1D"…: the kind and the prefix of its kernels.</summary>
    protected abstract string Name { get; }

    protected abstract bool Max { get; }

    /// <summary>The kernels' arguments after the plane count: H, W (or L), size, stride.</summary>
    protected abstract string PlaneArguments { get; }

    /// <summary>Values per window (size² or size): the average's divisor.</summary>
    protected abstract int WindowValues { get; }

    protected abstract int Size { get; }

    protected abstract string Window { get; }

    /// <summary>The header's formula line.</summary>
    protected abstract string Formula { get; }

    /// <summary>The average's backward formula: <c>∂L/∂a[c, i·s+u] += δ[c,i] / size</c>.</summary>
    protected abstract string AverageBackward { get; }

    private string Channels => Int(Model.Input.Channels);

    public override string Summary => $" → {Name} {Window}";

    public override string LayerInfo =>
        $"{Int(Index)}, {Context[Alias.LayerKind]}.{Name}, {Int(Inputs)}, {Int(Units)}, {Context[Alias.Activation]}.Identity, {Int(Model.ParameterOffset)}, 0, {Int(Model.ParameterOffset)}, 0";

    public override string LayerInfoInitializer => $" {{ KernelSize = {Int(Size)} }}";

    public override int Modules => 1;

    public override void WriteHeader(SourceWriter w)
    {
        w.Line($"// Layer {Int(Index)} · {Name} {Window}, stride {StrideText} · {Model.Input} → {Model.Output} (no parameters)");
        w.Line(Formula);
    }

    protected abstract string StrideText { get; }

    private string Forward(string input, string output, string planes) =>
        $"{Kernels}.{Name}Forward({input}, {output}, {planes}, {PlaneArguments});";

    public override void WriteForward(SourceWriter w, string? statistics)
    {
        WriteHeader(w);
        string target = IsLast ? "output" : $"a{Index}";
        if (!IsLast)
        {
            w.Line($"{Span} a{Index} = stackalloc float[{Int(Units)}];");
        }
        w.Line(Forward(InName, target, Channels));
    }

    public override void WriteForwardTile(SourceWriter w) =>
        w.Line(Forward(Index == 1 ? "x" : $"a{Index - 1}", $"a{Index}", $"n * {Channels}"));

    public override IReadOnlyList<Record> Records => new[] { new Record($"a{Index}", null, Units) };

    public override void WriteRecord(SourceWriter w)
    {
        WriteHeader(w);
        w.Line(Forward(InName, $"a{Index}", Channels));
    }

    public override void WriteBackward(SourceWriter w) =>
        WriteBackward(w, $"delta{Index}", InName, $"delta{Index - 1}", Channels, batch: false);

    private void WriteBackward(SourceWriter w, string delta, string input, string gradInput, string planes, bool batch)
    {
        if (Previous is not { } previous)
        {
            w.Line($"// Layer 1 · {Name} on the input: no parameters, nothing further to propagate.");
            return;
        }
        w.Line(Max
            ? $"// Layer {Int(Index)} · {Name}: ∂L/∂{A(Index - 1)} = 0, then each window's arg-max += δ{L}[{(Model.Input.Rank == 3 ? "c,i,j" : "c,i")}]"
            : $"// Layer {Int(Index)} · {Name}: {AverageBackward}");
        w.Line(Max
            ? $"{Kernels}.{Name}Backward({input}, {delta}, {gradInput}, {planes}, {PlaneArguments});"
            : $"{Kernels}.{Name}Backward({delta}, {gradInput}, {planes}, {PlaneArguments});");
        if (batch)
        {
            previous.F.WriteBatchBackward(w, previous.Units);
        }
        else
        {
            WritePreviousDerivative(w, gradInput);
        }
    }

    public override IEnumerable<(string Name, int Row)> BatchBuffers()
    {
        yield return ($"ba{Index}", Units);
        yield return ($"bd{Index}", Units);
    }

    public override void WriteRecordBatch(SourceWriter w)
    {
        WriteHeader(w);
        w.Line(Forward(BatchInName, $"ba{Index}", $"batchSize * {Channels}"));
    }

    public override void WriteBackwardBatch(SourceWriter w) =>
        WriteBackward(w, $"bd{Index}", BatchInName, $"bd{Index - 1}", $"batchSize * {Channels}", batch: true);
}

/// <summary>[MaxPool2D(size)] or [AvgPool2D(size)]: each size × size window at step s.</summary>
internal sealed class Pool2DEmitter : PoolEmitter
{
    private readonly Pool2DLayer _layer;

    public Pool2DEmitter(Pool2DLayer layer, EmitContext context) : base(layer, context) => _layer = layer;

    protected override string Name => _layer.Max ? "MaxPool2D" : "AvgPool2D";

    protected override bool Max => _layer.Max;

    protected override int Size => _layer.Size;

    protected override string Window => $"{Int(_layer.Size)}×{Int(_layer.Size)}";

    public override string PyTorchModule => $"nn.{(_layer.Max ? "MaxPool2d" : "AvgPool2d")}({Int(_layer.Size)}, stride={Int(_layer.Stride)})";

    protected override int WindowValues => _layer.Size * _layer.Size;

    protected override string StrideText => Int(_layer.Stride);

    protected override string PlaneArguments => $"{Int(_layer.Input.Height)}, {Int(_layer.Input.Width)}, {Int(_layer.Size)}, {Int(_layer.Stride)}";

    protected override string Formula
    {
        get
        {
            string s = Int(_layer.Stride), k = Int(_layer.Size);
            string i = _layer.Stride == 1 ? "i" : $"i·{s}", j = _layer.Stride == 1 ? "j" : $"j·{s}";
            return _layer.Max
                ? $"//   {OutputName}[c,i,j] = max_{{u,v < {k}}} {A(Index - 1)}[c, {i}+u, {j}+v]   (backward: δ goes to each window's arg-max)"
                : $"//   {OutputName}[c,i,j] = (1/{Int(WindowValues)})·Σ_{{u,v < {k}}} {A(Index - 1)}[c, {i}+u, {j}+v]   (backward: δ/{Int(WindowValues)} to every value of the window)";
        }
    }

    protected override string AverageBackward => $"∂L/∂{A(Index - 1)}[c, i·s+u, j·s+v] += δ{L}[c,i,j] / {Int(WindowValues)}";
}
