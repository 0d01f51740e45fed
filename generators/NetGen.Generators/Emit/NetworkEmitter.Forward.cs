using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>Forward: one block per layer, z = W·a + b then a = f(z), with stack scratch.</summary>
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
        w.Line($"{ReadOnlySpan} theta = {theta};");
        if (statistics is not null && spec.StatisticsCount > 0)
        {
            w.Line($"{ReadOnlySpan} statistics = {statistics};");
        }
        w.Line($"{ReadOnlySpan} x = input;");
        int last = spec.Layers.Count;
        foreach (LayerSpec layer in spec.Layers)
        {
            w.Line();
            bool isLast = layer.Index == last;
            string target = isLast ? "output" : $"a{layer.Index}";
            string inName = layer.Index == 1 ? "x" : $"a{layer.Index - 1}";
            if (!layer.IsDense)
            {
                WriteInferenceLayer(w, layer, inName, target, isLast, logits: null, statistics is null ? null : "statistics");
                continue;
            }
            WriteLayerHeader(w, layer, isLast);
            if (!isLast)
            {
                w.Line($"{Span} {target} = stackalloc float[{Int(layer.Units)}];");
            }
            WriteAffine(w, layer, inName, target);
            WriteActivation(w, layer, target, target);
        }
        w.Close();
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

    /// <summary>z = W·in + b, written into <paramref name="target"/>.</summary>
    private static void WriteAffine(SourceWriter w, LayerSpec layer, string inName, string target)
    {
        if (layer.WeightCount <= UnrollLimit)
        {
            for (int o = 0; o < layer.Units; o++)
            {
                var line = new System.Text.StringBuilder($"{target}[{Int(o)}] = theta[{Int(layer.BiasOffset + o)}]");
                for (int i = 0; i < layer.Inputs; i++)
                {
                    line.Append($" + theta[{Int(layer.WeightOffset + o * layer.Inputs + i)}] * {inName}[{Int(i)}]");
                }
                w.Line(line.Append(';').ToString());
            }
        }
        else
        {
            w.Line($"{Kernels}.DenseKernels.Forward(theta.Slice({Int(layer.WeightOffset)}, {Int(layer.WeightCount)}), theta.Slice({Int(layer.BiasOffset)}, {Int(layer.Units)}), {inName}, {target}, {Int(layer.Units)}, {Int(layer.Inputs)});");
        }
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
