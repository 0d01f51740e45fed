using System.Collections.Generic;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>[Dropout(p)]: inverted dropout in training mode (a seeded mask m), the identity in inference; no parameters.</summary>
internal sealed class DropoutEmitter : LayerEmitter
{
    private readonly DropoutLayer _layer;

    public DropoutEmitter(DropoutLayer layer, EmitContext context) : base(layer, context) => _layer = layer;

    public override bool HasZ => false;

    public override bool BehavesDifferentlyInTraining => true;

    public override bool UsesRandom => true;

    private string Kernels => Context[Alias.DropoutKernels];

    private string Rate => Number(_layer.Rate);

    public override string Summary => $" → Dropout (p = {Rate})";

    public override string PyTorchModule => $"nn.Dropout(p={PyTorchModuleEmitter.Float(_layer.Rate)})";

    public override string LayerInfo =>
        $"{Int(Index)}, {Context[Alias.LayerKind]}.Dropout, {Int(Inputs)}, {Int(Units)}, {Context[Alias.Activation]}.Identity, {Int(_layer.ParameterOffset)}, 0, {Int(_layer.ParameterOffset)}, 0";

    public override void WriteHeader(SourceWriter w)
    {
        w.Line($"// Layer {Int(Index)} · Dropout p = {Rate} · {Int(Units)} values (no parameters)");
        w.Line($"//   training:  {OutputName} = {A(Index - 1)} ⊙ m{L},  mᵢ = 0 with probability p, else 1/(1 − p) (inverted dropout, seeded)");
        w.Line($"//   inference: {OutputName} = {A(Index - 1)}");
    }

    public override void WriteForward(SourceWriter w, string? statistics)
    {
        WriteHeader(w);
        w.Line(IsLast ? $"{InName}.CopyTo(output);" : $"{ReadOnlySpan} a{Index} = {InName};");
    }

    public override void WriteForwardTile(SourceWriter w) =>
        w.Line($"{(Index == 1 ? "x" : $"a{Index - 1}")}.CopyTo(a{Index}); // inference: dropout is the identity");

    public override IReadOnlyList<Record> Records => new[] { new Record($"a{Index}", null, Units), new Record($"mask{Index}", null, Units) };

    public override void WriteRecord(SourceWriter w)
    {
        WriteHeader(w);
        w.Line($"{Kernels}.Forward({InName}, a{Index}, mask{Index}, {Float(_layer.Rate)}, training, ref _random);");
    }

    public override bool RecordUsesTraining => true;

    public override void WriteBackward(SourceWriter w) => WriteBackward(w, $"delta{Index}", $"mask{Index}", $"delta{Index - 1}", batch: false);

    public override IEnumerable<(string Name, int Row)> BatchBuffers()
    {
        yield return ($"ba{Index}", Units);
        yield return ($"bd{Index}", Units);
        yield return ($"bm{Index}", Units);
    }

    public override void WriteRecordBatch(SourceWriter w)
    {
        WriteHeader(w);
        w.Line($"{Kernels}.Forward({BatchInName}, ba{Index}, bm{Index}, {Float(_layer.Rate)}, Training, ref _random);");
    }

    public override void WriteBackwardBatch(SourceWriter w) => WriteBackward(w, $"bd{Index}", $"bm{Index}", $"bd{Index - 1}", batch: true);

    /// <summary>∂L/∂a⁽ˡ⁻¹⁾ = δ⁽ˡ⁾ ⊙ m⁽ˡ⁾, then the previous layer's f′.</summary>
    private void WriteBackward(SourceWriter w, string delta, string mask, string deltaPrevious, bool batch)
    {
        if (Previous is not { } previous)
        {
            w.Line("// Layer 1 · Dropout on the input: no parameters, nothing further to propagate.");
            return;
        }
        w.Line($"// Layer {Int(Index)} · Dropout: ∂L/∂{A(Index - 1)} = ∂L/∂{A(Index)} ⊙ m{L}");
        w.Line($"{Kernels}.Backward({delta}, {mask}, {deltaPrevious});");
        if (batch)
        {
            previous.F.WriteBatchBackward(w, previous.Units);
        }
        else
        {
            WritePreviousDerivative(w, deltaPrevious);
        }
    }
}
