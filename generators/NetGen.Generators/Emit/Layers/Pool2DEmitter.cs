using System.Collections.Generic;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>
/// [MaxPool2D(size)] or [AvgPool2D(size)]: each size × size window at step s, channel by channel, by
/// <c>NetGen.Kernels.PoolKernels</c>; no parameters. A batch is one call with batch × channels planes.
/// </summary>
internal sealed class Pool2DEmitter : LayerEmitter
{
    private const string Kernels = "global::NetGen.Kernels.PoolKernels";

    private readonly Pool2DLayer _layer;

    public Pool2DEmitter(Pool2DLayer layer, EmitContext context) : base(layer, context) => _layer = layer;

    public override bool HasZ => false;

    public override bool NeedsTiles => true;

    private string Name => _layer.Max ? "MaxPool2D" : "AvgPool2D";

    private string Window => $"{Int(_layer.Size)}×{Int(_layer.Size)}";

    /// <summary>H, W, size, stride (after the plane count).</summary>
    private string PlaneArguments => $"{Int(_layer.Input.Height)}, {Int(_layer.Input.Width)}, {Int(_layer.Size)}, {Int(_layer.Stride)}";

    private string Channels => Int(_layer.Input.Channels);

    public override string Summary => $" → {Name} {Window}";

    public override string PyTorchModule => $"nn.{(_layer.Max ? "MaxPool2d" : "AvgPool2d")}({Int(_layer.Size)}, stride={Int(_layer.Stride)})";

    public override string LayerInfo =>
        $"{Int(Index)}, {Context[Alias.LayerKind]}.{Name}, {Int(Inputs)}, {Int(Units)}, {Context[Alias.Activation]}.Identity, {Int(_layer.ParameterOffset)}, 0, {Int(_layer.ParameterOffset)}, 0";

    public override string LayerInfoInitializer => $" {{ KernelSize = {Int(_layer.Size)} }}";

    public override int Modules => 1;

    public override void WriteHeader(SourceWriter w)
    {
        string s = Int(_layer.Stride), k = Int(_layer.Size);
        string i = _layer.Stride == 1 ? "i" : $"i·{s}", j = _layer.Stride == 1 ? "j" : $"j·{s}";
        w.Line($"// Layer {Int(Index)} · {Name} {Window}, stride {s} · {_layer.Input} → {_layer.Output} (no parameters)");
        w.Line(_layer.Max
            ? $"//   {OutputName}[c,i,j] = max_{{u,v < {k}}} {A(Index - 1)}[c, {i}+u, {j}+v]   (backward: δ goes to each window's arg-max)"
            : $"//   {OutputName}[c,i,j] = (1/{Int(_layer.Size * _layer.Size)})·Σ_{{u,v < {k}}} {A(Index - 1)}[c, {i}+u, {j}+v]   (backward: δ/{Int(_layer.Size * _layer.Size)} to every value of the window)");
    }

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
        w.Line(_layer.Max
            ? $"// Layer {Int(Index)} · {Name}: ∂L/∂{A(Index - 1)} = 0, then each window's arg-max += δ{L}[c,i,j]"
            : $"// Layer {Int(Index)} · {Name}: ∂L/∂{A(Index - 1)}[c, i·s+u, j·s+v] += δ{L}[c,i,j] / {Int(_layer.Size * _layer.Size)}");
        w.Line(_layer.Max
            ? $"{Kernels}.MaxPool2DBackward({input}, {delta}, {gradInput}, {planes}, {PlaneArguments});"
            : $"{Kernels}.AvgPool2DBackward({delta}, {gradInput}, {planes}, {PlaneArguments});");
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
