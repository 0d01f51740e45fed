using System.Collections.Generic;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>With <c>Weights = "…"</c>: the embedded parameters (and batch-norm statistics) and the static inference path.</summary>
internal static class EmbeddedEmitter
{
    public static void WriteEmbedded(SourceWriter w, EmitContext context, EmbeddedWeights weights)
    {
        NetworkSpec spec = context.Spec;
        IReadOnlyList<TensorSpec> tensors = StateDictNames.Tensors(spec);
        w.Line();
        w.Line("/// <summary>");
        w.Line($"/// The trained parameters θ baked in at compile time from <c>{NetworkEmitter.Xml(weights.FileName)}</c> ({Int(spec.ParameterCount)} floats, the layout of");
        w.Line("/// <see cref=\"Parameters\"/>). A view of the assembly's static data: reading it does no I/O, allocates nothing and needs no start-up work.");
        w.Line("/// </summary>");
        WriteEmbeddedSpan(w, context, "EmbeddedParameters", "EmbeddedParameterBytes", tensors, statistics: false, weights.Values);
        if (spec.StatisticsCount > 0)
        {
            w.Line();
            w.Line($"/// <summary>The batch-norm running statistics baked in from <c>{NetworkEmitter.Xml(weights.FileName)}</c> (the layout of <see cref=\"RunningStatistics\"/>).</summary>");
            WriteEmbeddedSpan(w, context, "EmbeddedRunningStatistics", "EmbeddedStatisticBytes", tensors, statistics: true, weights.Statistics);
        }
        if (spec.IsStreaming)
        {
            WriteStepEmbedded(w, context);   // issue 10b: the static step on the embedded weights
            return;
        }
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Computes ŷ for one input vector with the embedded weights (<see cref=\"EmbeddedParameters\"/>), in inference mode: no instance,");
        w.Line("/// no allocation, scratch on the stack, safe to call from any number of threads at once.");
        w.Line("/// </summary>");
        w.Line("/// <param name=\"input\">The input x, <see cref=\"InputSize\"/> values.</param>");
        w.Line("/// <param name=\"output\">Receives ŷ, <see cref=\"OutputSize\"/> values.</param>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
        w.Open($"public static void ForwardEmbedded({context[Alias.ReadOnlySpan]} input, {context[Alias.Span]} output)");
        bool copy = context.HasForwardCopy; // issue 11: the instance's Forward reads some W by columns; so does this, from a copy baked in
        context.WritingForwardCopy = copy;
        ForwardEmitter.WriteBody(w, context, copy ? "EmbeddedForwardParameters" : "EmbeddedParameters", spec.StatisticsCount > 0 ? "EmbeddedRunningStatistics" : null);
        context.WritingForwardCopy = false;
        if (copy)
        {
            WriteEmbeddedForwardCopy(w, context, weights, tensors);
        }
    }

    /// <summary>
    /// Forward's copy of the embedded θ, baked in (issue 11): the same values with each column-form W by columns, so that
    /// <c>ForwardEmbedded</c> computes the bits of an instance's <c>Forward</c> with no copy to make at run time.
    /// </summary>
    private static void WriteEmbeddedForwardCopy(SourceWriter w, EmitContext context, EmbeddedWeights weights, IReadOnlyList<TensorSpec> tensors)
    {
        var values = new string[context.Spec.ParameterCount];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = weights.Values[i];
        }
        var byColumns = new HashSet<int>();
        foreach (LayerEmitter layer in context.Layers)
        {
            if (layer.ForwardByColumns is { } m)
            {
                byColumns.Add(m.Offset);
                for (int o = 0; o < m.Rows; o++)
                {
                    for (int i = 0; i < m.Columns; i++)
                    {
                        values[m.Offset + m.Rows * i + o] = weights.Values[m.Offset + m.Columns * o + i];
                    }
                }
            }
        }
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// <see cref=\"EmbeddedParameters\"/> as ForwardEmbedded reads them: the same values, with the W marked \"by columns\" below");
        w.Line("/// stored by columns (copy[offset + rows·i + o] = Wₒᵢ), as an instance's Forward reads its copy of θ.");
        w.Line("/// </summary>");
        WriteEmbeddedSpan(w, context, "EmbeddedForwardParameters", "EmbeddedForwardParameterBytes", tensors, statistics: false,
            new EquatableArray<string>(values), publicSpan: false, note: t => byColumns.Contains(t.Offset) ? " by columns" : "");
    }

    /// <summary>A <c>ReadOnlySpan&lt;float&gt;</c> property over a constant byte array (little-endian float32), one comment per tensor.</summary>
    private static void WriteEmbeddedSpan(SourceWriter w, EmitContext context, string name, string bytesName, IReadOnlyList<TensorSpec> tensors, bool statistics, EquatableArray<string> values,
        bool publicSpan = true, System.Func<TensorSpec, string>? note = null)
    {
        const string MemoryMarshal = "global::System.Runtime.InteropServices.MemoryMarshal";
        w.Line("/// <exception cref=\"global::System.PlatformNotSupportedException\">On a big-endian processor (the data is little-endian float32).</exception>");
        w.Open($"{(publicSpan ? "public" : "private")} static {context[Alias.ReadOnlySpan]} {name}");
        w.Open("get");
        w.Line("if (!global::System.BitConverter.IsLittleEndian)");
        w.Line("{");
        w.Line("    throw new global::System.PlatformNotSupportedException(\"Embedded NetGen weights are little-endian float32.\");");
        w.Line("}");
        w.Line($"return {MemoryMarshal}.Cast<byte, float>({bytesName});");
        w.Close();
        w.Close();
        w.Line();
        w.Line("// Little-endian float32 bytes, four per value; each line's values, as written in the file, follow it as a comment.");
        w.Line("// A ReadOnlySpan<byte> over a constant array compiles to a span over the assembly's data section: it never allocates.");
        w.Line($"private static global::System.ReadOnlySpan<byte> {bytesName} => new byte[]");
        w.Line("{");
        const int PerLine = 8;
        foreach (TensorSpec tensor in tensors)
        {
            if (tensor.Statistics != statistics)
            {
                continue;
            }
            w.Line($"    // {tensor.Name} {tensor.ShapeText}{note?.Invoke(tensor)} = {(statistics ? "s" : "θ")}[{Int(tensor.Offset)}..{Int(tensor.Offset + tensor.Length)})");
            for (int start = 0; start < tensor.Length; start += PerLine)
            {
                var bytes = new System.Text.StringBuilder("   ");
                var comment = new System.Text.StringBuilder();
                for (int i = start; i < tensor.Length && i < start + PerLine; i++)
                {
                    string token = values[tensor.Offset + i];
                    Parsing.DecimalFloat.TryParse(token, out uint bits);
                    for (int b = 0; b < 4; b++)
                    {
                        bytes.Append(" 0x").Append(((bits >> (8 * b)) & 0xFF).ToString("X2", System.Globalization.CultureInfo.InvariantCulture)).Append(',');
                    }
                    comment.Append(i == start ? "" : ", ").Append(token);
                }
                w.Line($"{bytes}    // {comment}");
            }
        }
        w.Line("};");
    }


    /// <summary>
    /// A streaming network with embedded weights (issue 10b): <c>StepEmbedded(ref State, input, output)</c>, a static step that reads
    /// <c>EmbeddedParameters</c> and a packed copy of them made once, so a real-time callback needs no instance. Its body is the
    /// instance's <c>StepCore</c>, written again over the embedded θ.
    /// </summary>
    private static void WriteStepEmbedded(SourceWriter w, EmitContext context)
    {
        NetworkSpec spec = context.Spec;
        string span = context[Alias.Span], readOnlySpan = context[Alias.ReadOnlySpan], aligned = context[Alias.Aligned];
        bool z = context.Output.SequenceKeepsZ;
        string zName = $"z{context.Output.Index}";
        SourceWriter body = w.Child(1);
        foreach (LayerEmitter layer in context.Layers)
        {
            layer.WriteTimeStep(body);
        }
        SourceWriter pack = w.Child(1);
        foreach (LayerEmitter layer in context.Layers)
        {
            layer.WritePack(pack);
        }
        w.Line();
        w.Line("// EmbeddedParameters packed for the streaming kernels, made once by the first StepEmbedded (its only allocation).");
        w.Line("private static float[]? s_embeddedPacked;");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Advances the stream whose state is <paramref name=\"state\"/> one time step with the embedded weights");
        w.Line("/// (<see cref=\"EmbeddedParameters\"/>): no instance, safe to call from any number of threads at once, one state per stream.");
        w.Line("/// Allocates nothing after the first call, which packs the embedded weights for the kernels once. Gives the bits of");
        w.Line("/// <c>Step(ref state, …)</c> on an instance made with the embedded weights.");
        w.Line("/// </summary>");
        w.Line("/// <param name=\"state\">The stream's state, updated in place (<c>default</c> is the zero state).</param>");
        w.Line("/// <param name=\"input\">The frame x, <see cref=\"InputSize\"/> values.</param>");
        w.Line("/// <param name=\"output\">Receives ŷ, <see cref=\"OutputSize\"/> values.</param>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
        w.Open($"public static void StepEmbedded(ref State state, {readOnlySpan} input, {span} output)");
        MembersEmitter.WriteGuards(w, context, "input", "output");
        if (body.Mentions("theta"))
        {
            w.Line($"{readOnlySpan} theta = EmbeddedParameters;");
        }
        if (body.Mentions("packed"))
        {
            w.Line($"{readOnlySpan} packed = s_embeddedPacked ?? PackEmbedded();");
        }
        if (z)
        {
            w.Line($"{span} {zName} = stackalloc float[OutputSize];");
        }
        w.Line($"{readOnlySpan} x = input;");
        w.Line($"{span} s = state;");
        w.Append(body);
        w.Close();
        w.Line();
        w.Line("/// <summary>Packs the embedded θ for the streaming kernels once (two threads that race pack equal copies; either is kept).</summary>");
        w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]");
        w.Open("private static float[] PackEmbedded()");
        w.Line($"{readOnlySpan} theta = EmbeddedParameters;");
        w.Line($"float[] copy = {aligned}.Allocate({Int(spec.PackedCount)});");
        w.Line($"{span} packed = copy;");
        w.Append(pack);
        w.Line("s_embeddedPacked = copy;");
        w.Line("return copy;");
        w.Close();
    }
}
