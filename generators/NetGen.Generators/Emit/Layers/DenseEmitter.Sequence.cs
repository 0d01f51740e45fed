using System.Collections.Generic;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>
/// [Dense] in a network with recurrent layers (issue 10): applied at every time step, PyTorch's nn.Linear on a
/// <c>[steps, in]</c> tensor. The step and the sequence methods call the same one-sample kernel with constant shapes.
/// </summary>
internal sealed partial class DenseEmitter
{
    /// <summary>The sequence methods keep z⁽ˡ⁾ apart from a⁽ˡ⁾ only when f is not the identity.</summary>
    private bool KeepsZ => !F.IsIdentity;

    public override bool SequenceKeepsZ => KeepsZ;

    public override void WriteTimeStep(SourceWriter w)
    {
        WriteHeader(w);
        string input = InName;
        if (IsLast)
        {
            string z = KeepsZ ? $"z{Index}" : "output";
            w.Line($"{Kernels}.Forward({W}, {B}, {input}, {z}, {Shape});");
            F.WriteSpan(w, z, "output");
            return;
        }
        w.Line($"{Span} a{Index} = stackalloc float[{Int(Units)}];");
        w.Line($"{Kernels}.Forward({W}, {B}, {input}, a{Index}, {Shape});");
        F.WriteSpan(w, $"a{Index}", $"a{Index}");
    }

    public override IEnumerable<(string Name, int Row)> SequenceBuffers()
    {
        if (KeepsZ)
        {
            yield return ($"sz{Index}", Units);
        }
        yield return ($"sa{Index}", Units);
        yield return ($"sd{Index}", Units);
    }

    public override void WriteSequenceRecord(SourceWriter w)
    {
        WriteHeader(w);
        string n = Int(Inputs), u = Int(Units), z = KeepsZ ? $"sz{Index}" : $"sa{Index}";
        w.Open("for (int t = 0; t < steps; t++)");
        w.Line($"{Kernels}.Forward({W}, {B}, {SequenceInName}.Slice(t * {n}, {n}), {z}.Slice(t * {u}, {u}), {Shape});");
        w.Close();
        if (KeepsZ)
        {
            F.WriteRows(w, z, $"sa{Index}", "steps", Units);
        }
    }

    public override void WriteSequenceBackward(SourceWriter w)
    {
        string n = Int(Inputs), u = Int(Units);
        w.Line($"// Layer {Int(Index)} · Dense {Int(Inputs)} → {Int(Units)}, at every step t: ∂L/∂W{L} += δ{L}ₜ·{A(Index - 1)}ₜᵀ, ∂L/∂b{L} += δ{L}ₜ"
            + (Index > 1 ? $", ∂L/∂{A(Index - 1)}ₜ = W{L}ᵀ·δ{L}ₜ" : ""));
        w.Open("for (int t = 0; t < steps; t++)");
        string gradInput = Index > 1 ? $"sd{Index - 1}.Slice(t * {n}, {n})" : "default";
        w.Line($"{Kernels}.Backward({W}, sd{Index}.Slice(t * {u}, {u}), {SequenceInName}.Slice(t * {n}, {n}), grad.Slice({Int(_layer.WeightOffset)}, {Int(_layer.WeightCount)}), grad.Slice({Int(_layer.BiasOffset)}, {u}), {gradInput}, {Shape});");
        w.Close();
        WritePreviousSequenceDerivative(w);
    }
}
