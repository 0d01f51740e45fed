using NetGen.Generators.Model;

namespace NetGen.Generators.Emit;

/// <summary>Forward: inference for one sample, one block per layer, in registers or stack scratch.</summary>
internal static class ForwardEmitter
{
    public static void WriteForward(SourceWriter w, EmitContext context)
    {
        bool straightLine = StraightLine(context);
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
        bool copy = context.HasForwardCopy; // issue 11: some W read by columns from Forward's copy of θ
        context.WritingForwardCopy = copy;
        WriteBody(w, context, copy ? ForwardCopy : "Parameters", statistics: null);
        context.WritingForwardCopy = false;
    }

    private const string ForwardCopy = "ForwardCopy";

    /// <summary>Every layer is straight-line code (no tiles): the tiny networks, whose Forward is inlined.</summary>
    private static bool StraightLine(EmitContext context)
    {
        foreach (LayerEmitter layer in context.Layers)
        {
            if (layer.NeedsTiles)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Forward's θ from its copy (issue 11; NetGen.Kernels.ForwardCopy), made first when stale by a local function.</summary>
    private static void WriteForwardCopyTheta(SourceWriter w, EmitContext context)
    {
        var listed = new System.Collections.Generic.List<string>();
        foreach (LayerEmitter layer in context.Layers)
        {
            if (layer.ForwardByColumns is { } m)
            {
                listed.Add($"W{Notation.Sup(layer.Index)} ({Notation.Range(m.Offset, m.Rows * m.Columns)}, {Notation.Int(m.Rows)}×{Notation.Int(m.Columns)})");
            }
        }
        string copy = context[Alias.ForwardCopy];
        w.Line($"// θ from Forward's copy, kept after θ in its buffer: the same values with {string.Join(" and ", listed)} by columns,");
        w.Line("// made again first whenever θ may have changed (every read of Parameters marks it).");
        w.Line($"if (!{copy}.IsCurrent(_parameters, ParameterCount, out {context[Alias.ReadOnlySpan]} theta))");
        w.Line("{");
        w.Line("    MakeForwardCopy(_parameters);");
        w.Line("}");
    }

    /// <summary>
    /// The local function that makes Forward's copy of θ: θ's values outside the column-form W, and each such W by columns —
    /// every value written once and final, so threads that make the copy at once write the same values (issue 11).
    /// </summary>
    private static void WriteMakeForwardCopy(SourceWriter w, EmitContext context)
    {
        string copy = context[Alias.ForwardCopy];
        w.Line();
        w.Line("// Forward's copy of θ: θ's values, each W above by columns (copy[offset + rows·i + o] = Wₒᵢ); every value is written");
        w.Line("// once and final, so threads that make the copy at the same time write the same values.");
        w.Line("static void MakeForwardCopy(float[] buffer)");
        w.Line("{");
        w.Line($"    {context[Alias.ReadOnlySpan]} theta = {context[Alias.Aligned]}.Span(buffer, ParameterCount);");
        w.Line($"    {context[Alias.Span]} copy = {copy}.Copy(buffer, ParameterCount);");
        int next = 0;
        void Values(int end)
        {
            if (end > next)
            {
                string range = $"{Notation.Int(next)}, {Notation.Int(end - next)}";
                w.Line($"    theta.Slice({range}).CopyTo(copy.Slice({range}));");
            }
        }
        foreach (LayerEmitter layer in context.Layers)
        {
            if (layer.ForwardByColumns is { } m)
            {
                Values(m.Offset);
                string range = $"{Notation.Int(m.Offset)}, {Notation.Int(m.Rows * m.Columns)}";
                w.Line($"    {context[Alias.Lanes]}.Transpose(theta.Slice({range}), {Notation.Int(m.Rows)}, {Notation.Int(m.Columns)}, copy.Slice({range}));");
                next = m.Offset + m.Rows * m.Columns;
            }
        }
        Values(context.Spec.ParameterCount);
        w.Line($"    {copy}.MarkCurrent(buffer, ParameterCount);");
        w.Line("}");
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
        context.ThetaByReference = true;
        foreach (LayerEmitter layer in context.Layers)
        {
            body.Line();
            layer.WriteForward(body, statistics is null ? null : "statistics");
        }
        context.ThetaByReference = false;
        if (theta == ForwardCopy)
        {
            WriteForwardCopyTheta(w, context);
        }
        else if (body.Mentions("theta") || body.Mentions("ref θ"))
        {
            w.Line("// θ as a span whose length is the constant ParameterCount: the JIT drops the bounds checks of constant indices.");
            if (theta == "Parameters" && StraightLine(context))
            {
                // issue 11: a tiny network's Forward costs nanoseconds; the span over its own buffer needs no length check.
                w.Line("// (Made over this network's own θ buffer, allocated that long, so without the length check of Parameters.)");
                w.Line($"{context[Alias.ReadOnlySpan]} theta = global::System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref {context[Alias.Aligned]}.First(_parameters), ParameterCount);");
            }
            else
            {
                w.Line(theta == "Parameters"
                    ? $"{context[Alias.ReadOnlySpan]} theta = Parameters;"
                    : $"{context[Alias.ReadOnlySpan]} theta = {theta}.Slice(0, ParameterCount);");
            }
        }
        if (body.Mentions("ref θ"))
        {
            w.Line("// θ's first value: the vector loads below read θ at constant offsets inside ParameterCount (no checks needed).");
            w.Line("ref float θ = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(theta);");
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
        if (theta == ForwardCopy)
        {
            WriteMakeForwardCopy(w, context);
        }
        w.Close();
    }
}
