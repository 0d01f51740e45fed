using System.Collections.Generic;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>[Flatten]: the same values, read as a vector (CHW order, torch.flatten's); no parameters, no arithmetic.</summary>
internal sealed class FlattenEmitter : LayerEmitter
{
    private readonly FlattenLayer _layer;

    public FlattenEmitter(FlattenLayer layer, EmitContext context) : base(layer, context) => _layer = layer;

    public override bool HasZ => false;

    public override int Modules => 1;

    public override string Summary => " → Flatten";

    public override string PyTorchModule => "nn.Flatten()";

    public override string LayerInfo =>
        $"{Int(Index)}, {Context[Alias.LayerKind]}.Flatten, {Int(Inputs)}, {Int(Units)}, {Context[Alias.Activation]}.Identity, {Int(_layer.ParameterOffset)}, 0, {Int(_layer.ParameterOffset)}, 0";

    public override void WriteHeader(SourceWriter w)
    {
        w.Line($"// Layer {Int(Index)} · Flatten · {_layer.Input} → {Int(Units)} (no parameters)");
        w.Line(_layer.Input.Rank == 2
            ? $"//   {OutputName}[c·L + i] = {A(Index - 1)}[c,i]   (the same values in the same order)"
            : $"//   {OutputName}[c·H·W + i·W + j] = {A(Index - 1)}[c,i,j]   (the same values in the same order)");
    }

    public override void WriteForward(SourceWriter w, string? statistics)
    {
        WriteHeader(w);
        w.Line(IsLast ? $"{InName}.CopyTo(output);" : $"{ReadOnlySpan} a{Index} = {InName};");
    }

    public override void WriteForwardTile(SourceWriter w) =>
        w.Line($"{(Index == 1 ? "x" : $"a{Index - 1}")}.CopyTo(a{Index});");

    public override IReadOnlyList<Record> Records => new[] { new Record($"a{Index}", null, Units) };

    public override void WriteRecord(SourceWriter w)
    {
        WriteHeader(w);
        w.Line($"{InName}.CopyTo(a{Index});");
    }

    public override void WriteBackward(SourceWriter w) => WriteBackward(w, $"delta{Index}", $"delta{Index - 1}", batch: false);

    private void WriteBackward(SourceWriter w, string delta, string gradInput, bool batch)
    {
        if (Previous is not { } previous)
        {
            w.Line("// Layer 1 · Flatten on the input: nothing further to propagate.");
            return;
        }
        w.Line($"// Layer {Int(Index)} · Flatten: ∂L/∂{A(Index - 1)} = δ{L} (the same values, shaped back)");
        w.Line($"{delta}.CopyTo({gradInput});");
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
        w.Line($"{BatchInName}.CopyTo(ba{Index});");
    }

    public override void WriteBackwardBatch(SourceWriter w) => WriteBackward(w, $"bd{Index}", $"bd{Index - 1}", batch: true);
}
