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
            return;   // issue 10: a streaming network runs its embedded weights through Step (the constructor copies them)
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
        ForwardEmitter.WriteBody(w, context, "EmbeddedParameters", spec.StatisticsCount > 0 ? "EmbeddedRunningStatistics" : null);
    }

    /// <summary>A <c>ReadOnlySpan&lt;float&gt;</c> property over a constant byte array (little-endian float32), one comment per tensor.</summary>
    private static void WriteEmbeddedSpan(SourceWriter w, EmitContext context, string name, string bytesName, IReadOnlyList<TensorSpec> tensors, bool statistics, EquatableArray<string> values)
    {
        const string MemoryMarshal = "global::System.Runtime.InteropServices.MemoryMarshal";
        w.Line("/// <exception cref=\"global::System.PlatformNotSupportedException\">On a big-endian processor (the data is little-endian float32).</exception>");
        w.Open($"public static {context[Alias.ReadOnlySpan]} {name}");
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
            w.Line($"    // {tensor.Name} {tensor.ShapeText} = {(statistics ? "s" : "θ")}[{Int(tensor.Offset)}..{Int(tensor.Offset + tensor.Length)})");
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

}
