using System.Collections.Generic;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>[MaxPool1D(size)] or [AvgPool1D(size)]: each window of size samples at step s.</summary>
internal sealed class Pool1DEmitter : PoolEmitter
{
    private readonly Pool1DLayer _layer;

    public Pool1DEmitter(Pool1DLayer layer, EmitContext context) : base(layer, context) => _layer = layer;

    protected override string Name => _layer.Max ? "MaxPool1D" : "AvgPool1D";

    protected override bool Max => _layer.Max;

    protected override int Size => _layer.Size;

    protected override string Window => Int(_layer.Size);

    public override string PyTorchModule => $"nn.{(_layer.Max ? "MaxPool1d" : "AvgPool1d")}({Int(_layer.Size)}, stride={Int(_layer.Stride)})";

    protected override int WindowValues => _layer.Size;

    protected override string StrideText => Int(_layer.Stride);

    protected override string PlaneArguments => $"{Int(_layer.Input.Height)}, {Int(_layer.Size)}, {Int(_layer.Stride)}";

    protected override string Formula
    {
        get
        {
            string k = Int(_layer.Size);
            string i = _layer.Stride == 1 ? "i" : $"i·{Int(_layer.Stride)}";
            return _layer.Max
                ? $"//   {OutputName}[c,i] = max_{{u < {k}}} {A(Index - 1)}[c, {i}+u]   (backward: δ goes to each window's arg-max)"
                : $"//   {OutputName}[c,i] = (1/{k})·Σ_{{u < {k}}} {A(Index - 1)}[c, {i}+u]   (backward: δ/{k} to every value of the window)";
        }
    }

    protected override string AverageBackward => $"∂L/∂{A(Index - 1)}[c, i·s+u] += δ{L}[c,i] / {Int(WindowValues)}";
}

/// <summary>[GlobalAvgPool]: each channel's mean, by <c>NetGen.Kernels.PoolKernels</c>; no parameters.</summary>
internal sealed class GlobalAvgPoolEmitter : LayerEmitter
{
    private const string Kernels = "global::NetGen.Kernels.PoolKernels";

    private readonly GlobalAvgPoolLayer _layer;

    public GlobalAvgPoolEmitter(GlobalAvgPoolLayer layer, EmitContext context) : base(layer, context) => _layer = layer;

    public override bool HasZ => false;

    public override bool NeedsTiles => true;

    public override int Modules => 1;

    private string Channels => Int(_layer.Input.Channels);

    private string Plane => Int(_layer.PlaneSize);

    public override string Summary => " → GlobalAvgPool";

    /// <summary>PyTorch's adaptive pooling to one position keeps the rank, as [GlobalAvgPool] does (C×1×1 or C×1).</summary>
    public override string PyTorchModule => _layer.Input.Rank == 3 ? "nn.AdaptiveAvgPool2d(1)" : "nn.AdaptiveAvgPool1d(1)";

    public override string LayerInfo =>
        $"{Int(Index)}, {Context[Alias.LayerKind]}.GlobalAvgPool, {Int(Inputs)}, {Int(Units)}, {Context[Alias.Activation]}.Identity, {Int(_layer.ParameterOffset)}, 0, {Int(_layer.ParameterOffset)}, 0";

    public override void WriteHeader(SourceWriter w)
    {
        w.Line($"// Layer {Int(Index)} · GlobalAvgPool · {_layer.Input} → {_layer.Output} (no parameters)");
        w.Line($"//   {OutputName}[c] = (1/{Plane})·Σ_q {A(Index - 1)}[c, q]   (each channel's mean over its {Plane} positions; backward: δ/{Plane} to each)");
    }

    private string Forward(string input, string output, string planes) =>
        $"{Kernels}.GlobalAvgPoolForward({input}, {output}, {planes}, {Plane});";

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
        WriteBackward(w, $"delta{Index}", $"delta{Index - 1}", Channels, batch: false);

    private void WriteBackward(SourceWriter w, string delta, string gradInput, string planes, bool batch)
    {
        if (Previous is not { } previous)
        {
            w.Line("// Layer 1 · GlobalAvgPool on the input: no parameters, nothing further to propagate.");
            return;
        }
        w.Line($"// Layer {Int(Index)} · GlobalAvgPool: ∂L/∂{A(Index - 1)}[c, q] = δ{L}[c] / {Plane}");
        w.Line($"{Kernels}.GlobalAvgPoolBackward({delta}, {gradInput}, {planes}, {Plane});");
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
        WriteBackward(w, $"bd{Index}", $"bd{Index - 1}", $"batchSize * {Channels}", batch: true);
}
