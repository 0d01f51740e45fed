using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>Forward: one block per layer, z = W·a + b then a = f(z), in registers or stack scratch (see the Layout file).</summary>
internal static partial class NetworkEmitter
{
    private static void WriteForward(SourceWriter w, NetworkSpec spec)
    {
        w.Line("/// <summary>Computes ŷ for one input vector. Reads only the parameters and keeps its scratch on the stack, so threads may share one instance.</summary>");
        w.Line("/// <param name=\"input\">The input x, <see cref=\"InputSize\"/> values.</param>");
        w.Line("/// <param name=\"output\">Receives ŷ, <see cref=\"OutputSize\"/> values.</param>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
        w.Open($"public void Forward({ReadOnlySpan} input, {Span} output)");
        WriteForwardBody(w, spec, "_parameters");
    }

    /// <summary>
    /// The guards and layers of a forward pass that reads θ from <paramref name="theta"/> and batch norm's running statistics
    /// from <paramref name="statistics"/> (an expression; null: the instance's); closes the method.
    /// </summary>
    private static void WriteForwardBody(SourceWriter w, NetworkSpec spec, string theta, string? statistics = null)
    {
        WriteGuards(w, spec, "output", "OutputSize");
        if (spec.Layers.Count == 1)
        {
            w.Line($"global::NetGen.Guard.NoOverlap(input, output, \"{spec.Name}\");");
        }
        w.Line("// θ as a span whose length is the constant ParameterCount: the JIT drops the bounds checks of constant indices.");
        w.Line(theta == "_parameters"
            ? $"{ReadOnlySpan} theta = Parameters;"
            : $"{ReadOnlySpan} theta = {theta}.Slice(0, ParameterCount);");
        if (statistics is not null && spec.StatisticsCount > 0)
        {
            w.Line($"{ReadOnlySpan} statistics = {statistics};");
        }
        w.Line($"{ReadOnlySpan} x = input;");
        int last = spec.Layers.Count;
        foreach (LayerSpec layer in spec.Layers)
        {
            w.Line();
            int l = layer.Index;
            bool isLast = l == last;
            if (!layer.IsDense)
            {
                WriteInferenceLayer(w, layer, l == 1 ? "x" : $"a{l - 1}", isLast ? "output" : $"a{l}", isLast, logits: null, statistics is null ? null : "statistics");
                continue;
            }
            WriteLayerHeader(w, layer, isLast);
            System.Func<int, string> input = InputElement(spec, layer, ForwardForm);
            switch (ForwardForm(spec, layer))
            {
                case Form.Scalar:
                {
                    string z = ScalarAffine(spec, layer, input, ForwardForm);
                    string a = RegisterActivation(layer, z) ?? z;
                    w.Line(isLast ? $"output[0] = {a};" : $"float a{l} = {a};");
                    break;
                }
                case Form.Lanes:
                {
                    string? f = RegisterActivation(layer, "");
                    string prefix = f is null ? "" : f.Substring(0, f.IndexOf('(') + 1);
                    string suffix = f is null ? ";" : f.Substring(f.IndexOf('(') + 1) + ";";
                    if (layer.Inputs == 1 && FillsLanes(layer.Units))
                    {
                        // One input: W is a column, so z = b + W·x₀ is one vector statement (the same arithmetic per unit).
                        w.Line($"{LanesType(layer.Units)} a{l} = {prefix}{ThetaLanes("theta", layer.BiasOffset, layer.Units)} + {ThetaLanes("theta", layer.WeightOffset, layer.Units)} * {input(0)}{suffix}");
                    }
                    else if (RowProducts(spec, layer, ForwardForm) is string inLanes)
                    {
                        WriteRowSums(w, layer, $"{LanesType(layer.Units)} a{l} = {prefix}", inLanes, suffix);
                    }
                    else
                    {
                        WriteLanesCreate(w, $"{LanesType(layer.Units)} a{l} = {prefix}", layer.Units, o => AffineExpression(layer, o, input), suffix);
                    }
                    if (isLast)
                    {
                        if (layer.Units == LanesWidth(layer.Units))
                        {
                            w.Line($"{Intrinsics}.{LanesName(layer.Units)}.CopyTo(a{l}, output);");
                        }
                        else
                        {
                            for (int o = 0; o < layer.Units; o++)
                            {
                                w.Line($"output[{Int(o)}] = a{l}[{Int(o)}];");
                            }
                        }
                    }
                    break;
                }
                default:
                {
                    string target = isLast ? "output" : $"a{l}";
                    if (!isLast)
                    {
                        w.Line($"{Span} {target} = stackalloc float[{Int(layer.Units)}];");
                    }
                    WriteAffineActivation(w, layer, input, l == 1 ? "x" : $"a{l - 1}", target, target, InputLanes(spec, layer, ForwardForm));
                    break;
                }
            }
        }
        w.Close();
    }

    /// <summary>How layer <paramref name="layer"/> reads element i of its input (x, or the previous layer's a in its form).</summary>
    private static System.Func<int, string> InputElement(NetworkSpec spec, LayerSpec layer, System.Func<NetworkSpec, LayerSpec, Form> formOf)
    {
        if (layer.Index == 1)
        {
            return i => $"x[{Int(i)}]";
        }
        LayerSpec previous = spec.Layers[layer.Index - 2];
        Form form = formOf(spec, previous);
        return i => Element($"a{previous.Index}", form, i);
    }

    private static void WriteLayerHeader(SourceWriter w, LayerSpec layer, bool isLast)
    {
        int l = layer.Index;
        if (layer.Kind == LayerKindSpec.Dropout)
        {
            WriteDropoutHeader(w, layer, isLast);
            return;
        }
        if (layer.Kind == LayerKindSpec.BatchNorm)
        {
            WriteBatchNormHeader(w, layer, isLast);
            return;
        }
        w.Line($"// Layer {Int(l)} · Dense {Int(layer.Inputs)} → {Int(layer.Units)} · {Name(layer.Activation, layer.NegativeSlope)}");
        w.Line($"//   z{Sup(l)} = W{Sup(l)}·{A(l - 1)} + b{Sup(l)}        W{Sup(l)} = {Range(layer.WeightOffset, layer.WeightCount)} ({Int(layer.Units)}×{Int(layer.Inputs)}, row-major), b{Sup(l)} = {Range(layer.BiasOffset, layer.Units)}");
        string output = isLast ? "ŷ" : A(l);
        string f = Function(layer.Activation);
        w.Line(layer.Activation == ActivationKind.Identity
            ? $"//   {output} = z{Sup(l)}"
            : $"//   {output} = {f}(z{Sup(l)})");
    }

    /// <summary>z = W·in + b into the span <paramref name="target"/>, reading the span <paramref name="inName"/>.</summary>
    private static void WriteAffine(SourceWriter w, LayerSpec layer, string inName, string target) =>
        WriteAffine(w, layer, i => $"{inName}[{Int(i)}]", inName, target,
            FillsLanes(layer.Inputs) ? $"{Intrinsics}.{LanesName(layer.Inputs)}.Create<float>({inName})" : null);

    /// <summary>
    /// z = W·in + b into the span <paramref name="target"/>: one statement per output, or the blocked kernel. When the input is
    /// available as one vector (<paramref name="inLanes"/>), a layer of 4 or 8 units, or of one unit, uses the same row-sum
    /// arithmetic as the register form, so every generated method computes the same bits for the same layer.
    /// </summary>
    private static void WriteAffine(SourceWriter w, LayerSpec layer, System.Func<int, string> input, string inSpan, string target, string? inLanes)
    {
        if (IsUnrolled(layer) && inLanes is not null && RowSumsApply(layer))
        {
            WriteRowSums(w, layer, $"{Intrinsics}.{LanesName(layer.Units)}.CopyTo(", inLanes, $", {target});");
        }
        else if (IsUnrolled(layer) && inLanes is not null && layer.Units == 1 && layer.Inputs >= 4)
        {
            w.Line($"{target}[0] = {DotExpression(layer, inLanes)};");
        }
        else if (IsUnrolled(layer))
        {
            for (int o = 0; o < layer.Units; o++)
            {
                w.Line($"{target}[{Int(o)}] = {AffineExpression(layer, o, input)};");
            }
        }
        else
        {
            w.Line($"{Kernels}.DenseKernels.Forward(theta.Slice({Int(layer.WeightOffset)}, {Int(layer.WeightCount)}), theta.Slice({Int(layer.BiasOffset)}, {Int(layer.Units)}), {inSpan}, {target}, {Int(layer.Units)}, {Int(layer.Inputs)});");
        }
    }

    /// <summary>
    /// z = W·in + b into <paramref name="z"/>, then a = f(z) into <paramref name="a"/> (the same span when they are equal). A
    /// softmax layer of 4 to 16 units on the kernel path is one call that keeps its logits in registers.
    /// </summary>
    private static void WriteAffineActivation(SourceWriter w, LayerSpec layer, System.Func<int, string> input, string inSpan, string z, string a, string? inLanes)
    {
        if (!IsUnrolled(layer) && layer.Activation == ActivationKind.Softmax && layer.Units >= 4 && layer.Units <= 16)
        {
            w.Line($"{Kernels}.DenseKernels.ForwardSoftmax(theta.Slice({Int(layer.WeightOffset)}, {Int(layer.WeightCount)}), theta.Slice({Int(layer.BiasOffset)}, {Int(layer.Units)}), {inSpan}, {(z == a ? "z: default" : z)}, {a}, {Int(layer.Units)}, {Int(layer.Inputs)});");
            return;
        }
        WriteAffine(w, layer, input, inSpan, z, inLanes);
        WriteActivation(w, layer, z, a);
    }

    private static void WriteActivation(SourceWriter w, LayerSpec layer, string z, string a)
    {
        string call = layer.Activation switch
        {
            ActivationKind.Identity => z == a ? "" : $"{Kernels}.Activations.Identity({z}, {a});",
            ActivationKind.Step => $"{Kernels}.Activations.Step({z}, {a});",
            ActivationKind.Sign => $"{Kernels}.Activations.Sign({z}, {a});",
            ActivationKind.Sigmoid => $"{Kernels}.Activations.Sigmoid({z}, {a});",
            ActivationKind.Tanh => $"{Kernels}.Activations.Tanh({z}, {a});",
            ActivationKind.ReLU => $"{Kernels}.Activations.ReLU({z}, {a});",
            ActivationKind.LeakyReLU => $"{Kernels}.Activations.LeakyReLU({z}, {a}, {Float(layer.NegativeSlope)});",
            ActivationKind.GELU => $"{Kernels}.Activations.Gelu({z}, {a});",
            ActivationKind.Softmax => $"{Kernels}.Activations.Softmax({z}, {a});",
            _ => "",
        };
        if (call.Length > 0)
        {
            w.Line(call);
        }
    }
}
