using System.Collections.Generic;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>The tensor table (PyTorch state-dict names for weight files) and, with <c>Weights = "…"</c>, the embedded weights.</summary>
internal static partial class NetworkEmitter
{
    private const string Tensor = "global::NetGen.ParameterTensor";

    private static void WriteParameterTensors(SourceWriter w, NetworkSpec spec)
    {
        IReadOnlyList<TensorSpec> tensors = TensorSpec.For(spec);
        w.Line("// The tensors of θ, named as in the state dict of the equivalent PyTorch nn.Sequential (each Dense layer is a Linear");
        w.Line("// module followed by its activation module; identity has none). Weight files (NetGen.IO) are checked against this table.");
        w.Line($"private static readonly {Tensor}[] s_parameterTensors =");
        w.Line("{");
        int layer = 0;
        foreach (TensorSpec tensor in tensors)
        {
            bool weight = tensor.Name.EndsWith(".weight", System.StringComparison.Ordinal);
            layer += weight ? 1 : 0;
            string dims = string.Join(", ", tensor.Shape);
            w.Line($"    new {Tensor}(\"{tensor.Name}\", {Int(tensor.Offset)}, {dims}),    // {(weight ? "W" : "b")}{Sup(layer)} = {Range(tensor.Offset, tensor.Length)}");
        }
        w.Line("};");
        w.Line();
        w.Line("/// <summary>The tensors of <see cref=\"Parameters\"/> in buffer order, with their PyTorch nn.Sequential state-dict names and shapes.</summary>");
        w.Line($"public static global::System.ReadOnlySpan<{Tensor}> ParameterTensors => s_parameterTensors;");
        w.Line($"global::System.ReadOnlySpan<{Tensor}> global::NetGen.INetwork.ParameterTensors => s_parameterTensors;");
        w.Line();
    }

    private static void WriteEmbedded(SourceWriter w, NetworkSpec spec, EmbeddedWeights weights)
    {
        const string MemoryMarshal = "global::System.Runtime.InteropServices.MemoryMarshal";
        w.Line();
        w.Line("/// <summary>");
        w.Line($"/// The trained parameters θ baked in at compile time from <c>{Xml(weights.FileName)}</c> ({Int(spec.ParameterCount)} floats, the layout of");
        w.Line("/// <see cref=\"Parameters\"/>). A view of the assembly's static data: reading it does no I/O, allocates nothing and needs no start-up work.");
        w.Line("/// </summary>");
        w.Line("/// <exception cref=\"global::System.PlatformNotSupportedException\">On a big-endian processor (the data is little-endian float32).</exception>");
        w.Open($"public static {ReadOnlySpan} EmbeddedParameters");
        w.Open("get");
        w.Line("if (!global::System.BitConverter.IsLittleEndian)");
        w.Line("{");
        w.Line("    throw new global::System.PlatformNotSupportedException(\"Embedded NetGen weights are little-endian float32.\");");
        w.Line("}");
        w.Line($"return {MemoryMarshal}.Cast<byte, float>(EmbeddedParameterBytes);");
        w.Close();
        w.Close();
        w.Line();
        w.Line("// θ as little-endian float32 bytes, four per value; each line's values (as written in the file) follow it as a comment.");
        w.Line("// A ReadOnlySpan<byte> over a constant array is compiled to a span over the assembly's data section: no allocation, ever.");
        w.Line("private static global::System.ReadOnlySpan<byte> EmbeddedParameterBytes => new byte[]");
        w.Line("{");
        const int PerLine = 8;
        foreach (TensorSpec tensor in TensorSpec.For(spec))
        {
            w.Line($"    // {tensor.Name} {tensor.ShapeText} = {Range(tensor.Offset, tensor.Length)}");
            for (int start = 0; start < tensor.Length; start += PerLine)
            {
                var bytes = new System.Text.StringBuilder("   ");
                var values = new System.Text.StringBuilder();
                for (int i = start; i < tensor.Length && i < start + PerLine; i++)
                {
                    string token = weights.Values[tensor.Offset + i];
                    Parsing.DecimalFloat.TryParse(token, out uint bits);
                    for (int b = 0; b < 4; b++)
                    {
                        bytes.Append(" 0x").Append(((bits >> (8 * b)) & 0xFF).ToString("X2", System.Globalization.CultureInfo.InvariantCulture)).Append(',');
                    }
                    values.Append(i == start ? "" : ", ").Append(token);
                }
                w.Line($"{bytes}    // {values}");
            }
        }
        w.Line("};");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Computes ŷ for one input vector with the embedded weights (<see cref=\"EmbeddedParameters\"/>): no instance, no allocation,");
        w.Line("/// scratch on the stack, safe to call from any number of threads at once.");
        w.Line("/// </summary>");
        w.Line("/// <param name=\"input\">The input x, <see cref=\"InputSize\"/> values.</param>");
        w.Line("/// <param name=\"output\">Receives ŷ, <see cref=\"OutputSize\"/> values.</param>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
        w.Open($"public static void ForwardEmbedded({ReadOnlySpan} input, {Span} output)");
        WriteForwardBody(w, spec, "EmbeddedParameters");
    }

    /// <summary>Escapes text for an XML doc comment.</summary>
    private static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
