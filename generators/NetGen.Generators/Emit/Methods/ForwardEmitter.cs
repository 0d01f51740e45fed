using NetGen.Generators.Model;

namespace NetGen.Generators.Emit;

/// <summary>Forward: inference for one sample, one block per layer, in registers or stack scratch.</summary>
internal static class ForwardEmitter
{
    public static void WriteForward(SourceWriter w, EmitContext context)
    {
        bool straightLine = true;
        foreach (LayerEmitter layer in context.Layers)
        {
            straightLine &= !layer.NeedsTiles;
        }
        if (straightLine)
        {
            // A tiny network's Forward costs a few nanoseconds, and a call (its frame, the callee-saved registers) is a fair
            // part of that: inlined where the concrete type is called (W1 10.8 → 9.8 ns, W4 15.2 → 14.6 in one run, issue 11).
            w.Line("// Straight-line code: inlined where the network's own type is called, so a call of a tiny network costs no call.");
        }
        w.Line("/// <inheritdoc/>");
        if (straightLine)
        {
            w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
        }
        w.Open($"public void Forward({context[Alias.ReadOnlySpan]} input, {context[Alias.Span]} output)");
        WriteBody(w, context, "Parameters", statistics: null);
    }

    /// <summary>
    /// The guards and layers of a forward pass that reads θ from <paramref name="theta"/> and batch norm's running statistics
    /// from <paramref name="statistics"/> (an expression; null: the instance's); closes the method.
    /// </summary>
    public static void WriteBody(SourceWriter w, EmitContext context, string theta, string? statistics)
    {
        MembersEmitter.WriteGuards(w, context, "input", "output");
        if (context.Layers.Count == 1)
        {
            w.Line($"{context[Alias.Guard]}.NoOverlap(input, output, \"{context.Spec.Name}\");");
        }
        SourceWriter body = w.Child();
        foreach (LayerEmitter layer in context.Layers)
        {
            body.Line();
            layer.WriteForward(body, statistics is null ? null : "statistics");
        }
        if (body.Mentions("theta"))
        {
            w.Line("// θ as a span whose length is the constant ParameterCount: the JIT drops the bounds checks of constant indices.");
            w.Line(theta == "Parameters"
                ? $"{context[Alias.ReadOnlySpan]} theta = Parameters;"
                : $"{context[Alias.ReadOnlySpan]} theta = {theta}.Slice(0, ParameterCount);");
        }
        if (statistics is not null && body.Mentions("statistics"))
        {
            w.Line($"{context[Alias.ReadOnlySpan]} statistics = {statistics};");
        }
        if (body.Mentions("x"))
        {
            w.Line($"{context[Alias.ReadOnlySpan]} x = input;");
        }
        w.Append(body);
        w.Close();
    }
}
