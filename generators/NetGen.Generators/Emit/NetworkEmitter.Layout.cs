using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>
/// Kernel choice: where each layer's values live in a generated method and how they are named. Layers with at most
/// <see cref="UnrollLimit"/> weights are written out as straight-line code; among those, a layer whose units fit one
/// vector and whose consumer is also straight-line code keeps z, a and δ in registers (a float for one unit, else a
/// Vector128/256/512 with unused lanes zero), so a tiny network never touches memory between its layers. Every other layer
/// keeps its values in spans (stack scratch in Forward, instance buffers in Backward) and larger layers call the blocked
/// SIMD kernels in NetGen.Kernels.DenseKernels with constant shapes.
/// </summary>
internal static partial class NetworkEmitter
{
    private enum Form
    {
        /// <summary>A span: stackalloc in Forward, an instance buffer in Backward.</summary>
        Span,

        /// <summary>A float local (one unit).</summary>
        Scalar,

        /// <summary>A Vector128/256/512 local (up to 4, 8, 16 units).</summary>
        Lanes,
    }

    private const string Intrinsics = "global::System.Runtime.Intrinsics";

    private static bool IsUnrolled(LayerSpec layer) => layer.IsDense && layer.WeightCount <= UnrollLimit;

    /// <summary>The form of <paramref name="layer"/>'s values; <paramref name="outputInSpan"/> forces the output layer into a span.</summary>
    private static Form FormOf(NetworkSpec spec, LayerSpec layer, bool outputInSpan)
    {
        if (!IsUnrolled(layer) || layer.Activation == ActivationKind.Softmax || layer.Units > 16)
        {
            return Form.Span;
        }
        bool last = layer.Index == spec.Layers.Count;
        if (last ? outputInSpan : !IsUnrolled(spec.Layers[layer.Index]))
        {
            return Form.Span;
        }
        return layer.Units == 1 ? Form.Scalar : Form.Lanes;
    }

    /// <summary>Forward writes the output layer into <c>output</c> directly, whatever its form.</summary>
    private static Form ForwardForm(NetworkSpec spec, LayerSpec layer) => FormOf(spec, layer, outputInSpan: false);

    /// <summary>
    /// Backward keeps a one-unit output in a register when its loss has a one-value form (the element-wise losses);
    /// cross-entropy and KL divergence need the whole output layer as a span.
    /// </summary>
    private static Form BackwardForm(NetworkSpec spec, LayerSpec layer) =>
        FormOf(spec, layer, outputInSpan: !(layer.Units == 1 && spec.Loss is LossKind.MeanSquaredError or LossKind.MeanAbsoluteError
            or LossKind.BinaryCrossEntropy or LossKind.Hinge));

    /// <summary>The vector type that holds <paramref name="units"/> lanes.</summary>
    private static string LanesType(int units) => $"{Intrinsics}.{LanesName(units)}<float>";

    private static string LanesName(int units) => units <= 4 ? "Vector128" : units <= 8 ? "Vector256" : "Vector512";

    private static int LanesWidth(int units) => units <= 4 ? 4 : units <= 8 ? 8 : 16;

    /// <summary>Element <paramref name="i"/> of a value named <paramref name="name"/> held in <paramref name="form"/>.</summary>
    private static string Element(string name, Form form, int i) => form == Form.Scalar ? name : $"{name}[{Int(i)}]";

    /// <summary><c>Vector128.Create(e0, e1, …)</c> padded with zeros to the vector's width, one element per line.</summary>
    private static void WriteLanesCreate(SourceWriter w, string prefix, int units, System.Func<int, string> element, string suffix)
    {
        w.Line($"{prefix}{Intrinsics}.{LanesName(units)}.Create(");
        int width = LanesWidth(units);
        for (int o = 0; o < units; o++)
        {
            w.Line($"    {element(o)}{(o == width - 1 ? ")" + suffix : ",")}");
        }
        if (units < width)
        {
            var padding = new System.Text.StringBuilder("    ");
            for (int o = units; o < width; o++)
            {
                padding.Append(o > units ? ", 0f" : "0f");
            }
            w.Line($"{padding}){suffix} // lanes {Int(units)}–{Int(width - 1)} unused");
        }
    }

    /// <summary>z⁽ˡ⁾ₒ = b⁽ˡ⁾ₒ + Σᵢ W⁽ˡ⁾ₒᵢ·inᵢ as one expression (straight-line layers).</summary>
    private static string AffineExpression(LayerSpec layer, int o, System.Func<int, string> input)
    {
        var text = new System.Text.StringBuilder($"theta[{Int(layer.BiasOffset + o)}]");
        for (int i = 0; i < layer.Inputs; i++)
        {
            text.Append($" + theta[{Int(layer.WeightOffset + o * layer.Inputs + i)}] * {input(i)}");
        }
        return text.ToString();
    }

    /// <summary>f applied to a register value (float or vector); null for the identity.</summary>
    private static string? RegisterActivation(LayerSpec layer, string z) => layer.Activation switch
    {
        ActivationKind.Identity => null,
        ActivationKind.Step => $"{Kernels}.Activations.Step({z})",
        ActivationKind.Sign => $"{Kernels}.Activations.Sign({z})",
        ActivationKind.Sigmoid => $"{Kernels}.Activations.Sigmoid({z})",
        ActivationKind.Tanh => $"{Kernels}.Activations.Tanh({z})",
        ActivationKind.ReLU => $"{Kernels}.Activations.ReLU({z})",
        ActivationKind.LeakyReLU => $"{Kernels}.Activations.LeakyReLU({z}, {Float(layer.NegativeSlope)})",
        ActivationKind.GELU => $"{Kernels}.Activations.Gelu({z})",
        _ => null,
    };

    /// <summary>g ⊙ f′ for a register value, from the stored a or z of <paramref name="layer"/>; "0" when f′ = 0.</summary>
    private static string RegisterActivationBackward(LayerSpec layer, Form form, string g)
    {
        int l = layer.Index;
        return layer.Activation switch
        {
            ActivationKind.Identity => g,
            ActivationKind.Step or ActivationKind.Sign => form == Form.Scalar ? "0f" : $"{LanesType(layer.Units)}.Zero",
            ActivationKind.Sigmoid => $"{Kernels}.Activations.SigmoidBackward(a{l}, {g})",
            ActivationKind.Tanh => $"{Kernels}.Activations.TanhBackward(a{l}, {g})",
            ActivationKind.ReLU => $"{Kernels}.Activations.ReLUBackward(z{l}, {g})",
            ActivationKind.LeakyReLU => $"{Kernels}.Activations.LeakyReLUBackward(z{l}, {g}, {Float(layer.NegativeSlope)})",
            ActivationKind.GELU => $"{Kernels}.Activations.GeluBackward(z{l}, {g})",
            _ => g,
        };
    }

    /// <summary>True when <paramref name="count"/> values fill a vector exactly (4, 8 or 16).</summary>
    private static bool FillsLanes(int count) => count == 4 || count == 8 || count == 16;

    /// <summary>
    /// The layer's input as one vector expression when z = b + W·in is best formed row by row: 4 or 8 units, an input of 4
    /// or 8 values held in (or loaded as) one vector. Null otherwise (then each unit is one scalar expression).
    /// </summary>
    private static string? RowProducts(NetworkSpec spec, LayerSpec layer, System.Func<NetworkSpec, LayerSpec, Form> formOf) =>
        RowSumsApply(layer) ? InputLanes(spec, layer, formOf) : null;

    private static bool RowSumsApply(LayerSpec layer) => (layer.Units == 4 || layer.Units == 8) && (layer.Inputs == 4 || layer.Inputs == 8);

    /// <summary>b + w·in for a one-unit layer whose input is the vector <paramref name="inLanes"/>.</summary>
    private static string DotExpression(LayerSpec layer, string inLanes) =>
        $"theta[{Int(layer.BiasOffset)}] + {Intrinsics}.{LanesName(layer.Inputs)}.Sum({ThetaLanes("theta", layer.WeightOffset, layer.Inputs)} * {inLanes})";

    /// <summary>
    /// z = b + w·in for a one-unit layer: the dot product of two vectors when the input fills one, else one scalar expression.
    /// </summary>
    private static string ScalarAffine(NetworkSpec spec, LayerSpec layer, System.Func<int, string> input, System.Func<NetworkSpec, LayerSpec, Form> formOf) =>
        layer.Inputs >= 4 && InputLanes(spec, layer, formOf) is string inLanes ? DotExpression(layer, inLanes) : AffineExpression(layer, 0, input);

    /// <summary>
    /// <c>z = b + RowSums(W₀ ⊙ in, W₁ ⊙ in, …)</c>: each weight row times the input lane by lane, then all row sums at once
    /// (NetGen.Kernels.Lanes.RowSums, a transpose-and-add), one row per line.
    /// </summary>
    private static void WriteRowSums(SourceWriter w, LayerSpec layer, string prefix, string inLanes, string suffix)
    {
        int l = layer.Index;
        w.Line($"// z{Sup(l)}ₒ = b{Sup(l)}ₒ + Σᵢ W{Sup(l)}ₒᵢ·{A(l - 1)}ᵢ for all {Int(layer.Units)} units at once: each row of W{Sup(l)} times {A(l - 1)} lane by lane,");
        w.Line($"// then the {Int(layer.Units)} row sums side by side (a transpose-and-add)");
        w.Line($"{prefix}{ThetaLanes("theta", layer.BiasOffset, layer.Units)} + global::NetGen.Kernels.Lanes.RowSums(");
        for (int o = 0; o < layer.Units; o++)
        {
            string row = ThetaLanes("theta", layer.WeightOffset + o * layer.Inputs, layer.Inputs);
            w.Line($"    {row} * {inLanes}{(o == layer.Units - 1 ? ")" + suffix : ",")}");
        }
    }

    /// <summary>
    /// <c>Vector256.Create&lt;float&gt;(theta.Slice(start, 8))</c>: a row or column of θ as one vector of <paramref name="count"/>
    /// lanes. The explicit <c>&lt;float&gt;</c> lets a <c>Span&lt;float&gt;</c> convert to the <c>ReadOnlySpan&lt;float&gt;</c>
    /// overload under C# 12 (net8.0 consumers), where generic inference does not see that conversion.
    /// </summary>
    private static string ThetaLanes(string span, int start, int count) => $"{Intrinsics}.{LanesName(count)}.Create<float>({span}.Slice({Int(start)}, {Int(count)}))";

    /// <summary>Writes <c>span[start..start+count) = value</c> for a vector expression.</summary>
    private static string StoreLanes(string value, string span, int start, int count) =>
        $"{Intrinsics}.{LanesName(count)}.CopyTo({value}, {span}.Slice({Int(start)}, {Int(count)}));";

    /// <summary>
    /// The layer's whole input as one vector expression when it fills a vector exactly: the previous layer's register, or a
    /// vector loaded from x (or the previous layer's span); null otherwise.
    /// </summary>
    private static string? InputLanes(NetworkSpec spec, LayerSpec layer, System.Func<NetworkSpec, LayerSpec, Form> formOf)
    {
        if (!FillsLanes(layer.Inputs))
        {
            return null;
        }
        if (layer.Index == 1)
        {
            return $"{Intrinsics}.{LanesName(layer.Inputs)}.Create<float>(x)";
        }
        LayerSpec previous = spec.Layers[layer.Index - 2];
        return formOf(spec, previous) switch
        {
            Form.Lanes => $"a{previous.Index}",
            Form.Span => $"{Intrinsics}.{LanesName(layer.Inputs)}.Create<float>(a{previous.Index})",
            _ => null,
        };
    }
}
