using System.Collections.Generic;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>
/// What batch norm per feature (<see cref="BatchNormEmitter"/>) and per channel (<see cref="ChannelBatchNormEmitter"/>) share:
/// γ and β of <see cref="Count"/> values each, their gradients (into ∂L/∂θ, or stack scratch for an SGD step), the guarded
/// step, and the batch buffer of x̂.
/// </summary>
internal abstract class GammaBetaEmitter(LayerModel layer, EmitContext context) : LayerEmitter(layer, context)
{
    /// <summary>γ's and β's length: the features, or the channels.</summary>
    protected abstract int Count { get; }

    protected abstract int GammaOffset { get; }

    protected abstract int BetaOffset { get; }

    /// <summary>
    /// ∂L/∂γ and ∂L/∂β (<c>dGamma{l}</c>, <c>dBeta{l}</c>) by <paramref name="kernels"/>: straight into ∂L/∂θ when accumulating;
    /// for an SGD step into stack scratch first (computed with the old γ), then both take the step.
    /// </summary>
    protected void WriteGradients(SourceWriter w, System.Action<SourceWriter> kernels)
    {
        int l = Index;
        w.Line($"//   (SGD: ∂L/∂γ{L}, ∂L/∂β{L} go to stack scratch, computed with the old γ{L}, then γ{L} and β{L} take the step)");
        w.Line($"{Span} scratch{l} = step.IsSgd ? stackalloc float[{Int(2 * Count)}] : default;");
        w.Line($"{Span} dGamma{l} = step.IsSgd ? scratch{l}.Slice(0, {Int(Count)}) : into.Slice({Int(GammaOffset)}, {Int(Count)}), dBeta{l} = step.IsSgd ? scratch{l}.Slice({Int(Count)}, {Int(Count)}) : into.Slice({Int(BetaOffset)}, {Int(Count)});");
        kernels(w);
    }

    // ── The guarded SGD step (issue 13): the gradients are in scratch; γ and β take the step after the guard ──

    public override bool DefersStep => true;

    public override string? StepBound(bool batch) =>
        $"global::NetGen.StepGuard.Bounded(global::NetGen.StepGuard.Magnitude(scratch{Index}), 0f, step.LearningRate)";

    public override void WriteStep(SourceWriter w)
    {
        int l = Index;
        w.Line($"// Layer {Int(l)}: γ{L} and β{L} take the step (SGD; Backward added the gradients already)");
        w.Open("if (step.IsSgd)");
        w.Open($"for (int k = 0; k < {Int(Count)}; k++)");
        w.Line($"step.Apply(ref into[{Int(GammaOffset)} + k], dGamma{l}[k]);");
        w.Line($"step.Apply(ref into[{Int(BetaOffset)} + k], dBeta{l}[k]);");
        w.Close();
        w.Close();
    }

    public override void WriteStepBatch(SourceWriter w) => WriteStep(w);

    public override IEnumerable<(string Name, int Row)> BatchBuffers()
    {
        foreach ((string, int) buffer in base.BatchBuffers())
        {
            yield return buffer;
        }
        yield return ($"bx{Index}", Units);
    }
}
