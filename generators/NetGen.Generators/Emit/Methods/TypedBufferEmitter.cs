using NetGen.Generators.Model;

namespace NetGen.Generators.Emit;

/// <summary>
/// Typed fixed-size buffers (issue 13): per network, <c>InputBuffer</c> and <c>OutputBuffer</c> are inline arrays of exactly
/// InputSize and OutputSize floats, and <c>Forward(in InputBuffer, out OutputBuffer)</c> takes them, so that a buffer of
/// another network's shape is another type and the call does not compile. Each buffer is a value (no allocation); it
/// converts to a span where a span is wanted (<c>Span&lt;float&gt; s = buffer;</c>).
/// </summary>
internal static class TypedBufferEmitter
{
    private const string InlineArray = "[global::System.Runtime.CompilerServices.InlineArray";

    public static void Write(SourceWriter w, EmitContext context)
    {
        string name = context.Spec.Name;
        w.Line();
        w.Line($"/// <summary>One input of {name} as a fixed-size value: exactly <see cref=\"InputSize\"/> floats, indexable and convertible to a span.</summary>");
        w.Line("/// <remarks>A buffer of another network's input is another type, so passing it to this network's <c>Forward</c> does not compile.</remarks>");
        w.Line($"{InlineArray}(InputSize)]");
        w.Open("public struct InputBuffer");
        w.Line("private float _element;");
        w.Close();
        w.Line();
        w.Line($"/// <summary>One output of {name} as a fixed-size value: exactly <see cref=\"OutputSize\"/> floats, indexable and convertible to a span.</summary>");
        w.Line($"{InlineArray}(OutputSize)]");
        w.Open("public struct OutputBuffer");
        w.Line("private float _element;");
        w.Close();
        w.Line();
        w.Line("/// <summary>Forward on typed buffers: the shapes are checked by the compiler; the same values as the span overload, 0 bytes allocated.</summary>");
        w.Line("/// <param name=\"input\">The input (passed by reference, not copied).</param>");
        w.Line("/// <param name=\"output\">Receives the output.</param>");
        w.Open("public void Forward(in InputBuffer input, out OutputBuffer output)");
        w.Line("output = default;");
        w.Line($"Forward(({context[Alias.ReadOnlySpan]})input, ({context[Alias.Span]})output);");
        w.Close();
    }
}
