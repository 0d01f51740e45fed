using System.Collections.Generic;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>
/// The non-finite guard of the fused SGD step (TrainStep, TrainStepBatch; issue 13). Backprop computes every layer's δ
/// first (with θ as it was), then the guard checks each layer's bound (<see cref="LayerEmitter.StepBound"/>: all δ and inputs
/// finite and η·Σ|δ|·(Σ|a| + 1) ≤ 2¹⁰⁰, so no term can make a finite parameter NaN or ±∞), then the layers take their terms
/// (<see cref="LayerEmitter.WriteStep"/>). Only when a bound fails is θ copied and checked after the step (NetGen.StepGuard):
/// a parameter made NaN/±∞ puts θ, the running statistics and the dropout generator back and throws NonFiniteException.
/// For Backward (<c>step.IsSgd</c> false) the JIT drops all of it.
/// </summary>
internal static class StepGuardEmitter
{
    private const string Guard = "global::NetGen.StepGuard";

    /// <summary>Every layer with parameters defers its terms, so the cheap check before the step is possible.</summary>
    private static bool Defers(EmitContext context)
    {
        foreach (LayerEmitter layer in context.Layers)
        {
            if (!layer.DefersStep)
            {
                return false;
            }
        }
        return true;
    }

    private static bool UsesRandom(EmitContext context)
    {
        foreach (LayerEmitter layer in context.Layers)
        {
            if (layer.UsesRandom)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Before the recorded forward pass: what it may change besides θ (batch norm's running statistics in a training batch,
    /// the dropout generator), kept to be put back if the step is refused; and θ itself when a layer does not defer its step.
    /// </summary>
    public static void WriteBeforeForward(SourceWriter w, EmitContext context, bool batch)
    {
        int statistics = context.Spec.StatisticsCount;
        if (batch && statistics > 0)
        {
            w.Line($"{context[Alias.Span]} statisticsBefore = step.IsSgd ? stackalloc float[{Int(statistics)}] : default; // put back if the step is refused");
            w.Line($"if (step.IsSgd) new {context[Alias.Span]}(_statistics).CopyTo(statisticsBefore);");
        }
        if (UsesRandom(context))
        {
            w.Line("global::NetGen.SeededRandom randomBefore = _random; // put back if the step is refused");
        }
        if (!Defers(context))
        {
            w.Line($"float[]? savedTheta = step.IsSgd ? {Guard}.Save(Parameters) : null; // a layer steps during backprop: θ is checked after the step");
        }
    }

    /// <summary>Between the δ pass and the step: the bounds of every layer's terms.</summary>
    public static void WriteCheck(SourceWriter w, EmitContext context, bool batch)
    {
        if (!Defers(context))
        {
            return;
        }
        var bounds = new List<string>();
        for (int l = context.Layers.Count; l >= 1; l--)
        {
            if (context.Layers[l - 1].StepBound(batch) is { } bound)
            {
                bounds.Add(bound);
            }
        }
        w.Line();
        w.Line("// ── Guard (SGD): each layer's terms are at most η·Σ|δ|·(Σ|input| + 1); all finite and ≤ 2¹⁰⁰, no parameter can become NaN or ±∞ ──");
        w.Line("// (otherwise, rarely, θ is copied and checked after the step)");
        if (bounds.Count == 0)
        {
            w.Line("float[]? savedTheta = null;");
            return;
        }
        if (bounds.Count == 1)
        {
            w.Line($"float[]? savedTheta = step.IsSgd && !{bounds[0]} ? {Guard}.Save(Parameters) : null;");
            return;
        }
        w.Line("bool bounded = !step.IsSgd");
        for (int i = 0; i < bounds.Count; i++)
        {
            string start = i == 0 ? "    || (" : "        && ";
            string end = i == bounds.Count - 1 ? ");" : "";
            w.Line(start + bounds[i] + end);
        }
        w.Line($"float[]? savedTheta = bounded ? null : {Guard}.Save(Parameters);");
    }

    /// <summary>After the step: on the exact path, a parameter made NaN/±∞ puts everything back and throws.</summary>
    public static void WriteAfterStep(SourceWriter w, EmitContext context, bool batch, string method, string loss)
    {
        w.Line();
        w.Open($"if (savedTheta is not null && {Guard}.Restore(Parameters, savedTheta, out int badIndex, out float badValue))");
        if (batch && context.Spec.StatisticsCount > 0)
        {
            w.Line("statisticsBefore.CopyTo(_statistics);");
        }
        if (UsesRandom(context))
        {
            w.Line("_random = randomBefore;");
        }
        w.Line($"{Guard}.Throw(this, \"{method}\", badIndex, badValue, savedTheta[badIndex], {loss});");
        w.Close();
    }
}
